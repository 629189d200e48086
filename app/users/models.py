"""The user document."""

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.documents import Document


def utcnow() -> datetime:
    """Now, in UTC, at the millisecond precision MongoDB stores (so a read-back matches)."""
    return to_stored_precision(datetime.now(UTC))


def to_stored_precision(moment: datetime) -> datetime:
    """Drop the microseconds MongoDB's BSON dates cannot hold."""
    return moment.replace(microsecond=moment.microsecond - moment.microsecond % 1000)


class Role(StrEnum):
    ADMIN = "admin"
    OWNER = "owner"
    TECHNICIAN = "technician"


class UserStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    DELETED = "deleted"


class User(Document):
    name: str
    last_name: str
    email: str  # stored lowercased; unique
    password_hash: str | None = None
    role: Role
    status: UserStatus = UserStatus.ACTIVE
    phone: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    deleted_at: datetime | None = None

    class Settings:
        name = "users"
        use_state_management = True
        indexes = [
            IndexModel([("email", ASCENDING)], unique=True, name="email_unique"),
            IndexModel(
                [("role", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)],
                name="role_status_created",
            ),
            IndexModel([("status", ASCENDING), ("created_at", DESCENDING)], name="status_created"),
        ]

    @property
    def is_active(self) -> bool:
        return self.status is UserStatus.ACTIVE
