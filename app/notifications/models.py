"""The in-app notification, a user's notification preferences and the email outbox."""

from datetime import datetime
from enum import StrEnum

from beanie import PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.documents import Document
from app.users.models import utcnow


class Notification(Document):
    """One event told to one user in the app."""

    user_id: PydanticObjectId
    event: str
    title: str
    body: str
    pool_id: PydanticObjectId | None = None
    resource_type: str
    resource_id: PydanticObjectId
    read_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "notifications"
        indexes = [
            # "My unread, newest first" (and the unread count): equality on user and read_at.
            IndexModel(
                [
                    ("user_id", ASCENDING),
                    ("read_at", ASCENDING),
                    ("created_at", DESCENDING),
                    ("_id", DESCENDING),
                ],
                name="user_unread_newest",
            ),
            IndexModel(
                [("user_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)],
                name="user_newest",
            ),
        ]


class EmailPreferences(BaseModel):
    """Which kinds of notification a user also wants by email (all by default)."""

    alerts: bool = True
    visit_reports: bool = True
    messages: bool = True
    invites: bool = True
    billing: bool = True


class NotificationPreferences(Document):
    """A user's preferences, stored once changed; `_id` is the user's id."""

    email: EmailPreferences = Field(default_factory=EmailPreferences)
    updated_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "notification_preferences"
        indexes: list[IndexModel] = []  # looked up by `_id` (the user's id) only


class EmailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    # The recipient was deactivated or deleted before the email went out.
    CANCELLED = "cancelled"


class EmailDetail(BaseModel):
    """One labelled line of an email (a reading, a chemical added)."""

    label: str
    value: str


class EmailJob(Document):
    """One email waiting in the outbox, claimed by a worker with a lease (app/core/jobs.py)."""

    to: str
    recipient_name: str | None = None
    user_id: PydanticObjectId | None = None
    kind: str  # the event type, or `password_reset`
    subject: str
    title: str
    body: str
    details: list[EmailDetail] = Field(default_factory=list)
    # A path of the SPA (`/register?invite=...`), joined to FRONTEND_URL when the email is built.
    link_path: str | None = None
    link_label: str | None = None
    # Cleared once the job is settled: a password-reset link must not outlive its sending.
    sensitive: bool = False
    status: EmailStatus = EmailStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_until: datetime | None = None
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None

    class Settings:
        name = "email_outbox"
        indexes = [
            IndexModel([("status", ASCENDING), ("next_attempt_at", ASCENDING)], name="due"),
            # Sent emails leave the outbox after a week; failed ones stay for inspection.
            IndexModel([("sent_at", ASCENDING)], expireAfterSeconds=7 * 24 * 3600, name="sent_ttl"),
        ]
