"""The invite document."""

from datetime import datetime, timedelta
from enum import StrEnum

from beanie import PydanticObjectId
from pydantic import Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.documents import Document
from app.users.models import utcnow

INVITE_LIFETIME = timedelta(days=14)


class InviteStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


def pending_key(pool_id: PydanticObjectId, technician_id: PydanticObjectId) -> str:
    """The value that the unique index holds while an invite is pending."""
    return f"{pool_id}:{technician_id}"


def pending_email_key(pool_id: PydanticObjectId, email: str) -> str:
    """The pending key of an invite to an address with no account yet (until it attaches)."""
    return f"{pool_id}:email:{email}"


class Invite(Document):
    pool_id: PydanticObjectId
    owner_id: PydanticObjectId
    # None while the invited address has no technician account (it attaches on registration).
    technician_id: PydanticObjectId | None = None
    technician_email: str
    status: InviteStatus = InviteStatus.PENDING
    message: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    responded_at: datetime | None = None
    expires_at: datetime = Field(default_factory=lambda: utcnow() + INVITE_LIFETIME)
    # Set only while pending and $unset on every transition: a unique + sparse index on it
    # allows one pending invite per pool and technician (mongomock has no partial indexes).
    pending_key: str | None = None

    class Settings:
        name = "invites"
        keep_nulls = False  # an unset pending_key must be absent, not null, for the sparse index
        indexes = [
            IndexModel(
                [("pending_key", ASCENDING)], unique=True, sparse=True, name="one_pending_invite"
            ),
            IndexModel([("created_at", DESCENDING), ("_id", DESCENDING)], name="created"),
            IndexModel([("pool_id", ASCENDING), ("created_at", DESCENDING)], name="pool_created"),
            IndexModel([("owner_id", ASCENDING), ("created_at", DESCENDING)], name="owner_created"),
            IndexModel(
                [("technician_id", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)],
                name="technician_status_created",
            ),
            # Attaching an address's pending invites when its technician account appears.
            IndexModel(
                [("technician_email", ASCENDING), ("status", ASCENDING)], name="email_status"
            ),
        ]

    def effective_status(self, now: datetime) -> InviteStatus:
        """A pending invite past `expires_at` reads as expired."""
        if self.status is InviteStatus.PENDING and self.expires_at <= now:
            return InviteStatus.EXPIRED
        return self.status
