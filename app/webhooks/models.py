"""Webhooks (an integrator's subscription) and their deliveries (a queue, and the delivery log)."""

from datetime import datetime
from enum import StrEnum

from beanie import PydanticObjectId
from pydantic import Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.documents import Document
from app.core.jobs import PENDING
from app.users.models import utcnow

# Attempts per delivery before it is given up as `failed` (contract §17).
MAX_ATTEMPTS = 8
# How long the delivery log keeps a delivery.
DELIVERY_RETENTION_DAYS = 30


class DeliveryStatus(StrEnum):
    PENDING = PENDING
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Webhook(Document):
    url: str
    events: list[str]
    description: str | None = None
    active: bool = True
    owner_id: PydanticObjectId
    # Kept in clear: every delivery is signed with it. Shown to the client only once, at creation.
    secret: str
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "webhooks"
        indexes = [
            IndexModel([("owner_id", ASCENDING), ("created_at", DESCENDING)], name="owner_created"),
            IndexModel([("created_at", DESCENDING), ("_id", DESCENDING)], name="created"),
            # An event looks up the active webhooks subscribed to its type.
            IndexModel([("events", ASCENDING), ("active", ASCENDING)], name="events_active"),
        ]


class WebhookDelivery(Document):
    """One event for one webhook: the body is rendered once, when the event happens."""

    webhook_id: PydanticObjectId
    event: str
    # The exact bytes (UTF-8) that are signed and sent on every attempt.
    body: str
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    last_status_code: int | None = None
    last_error: str | None = None
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None

    class Settings:
        name = "webhook_deliveries"
        indexes = [
            IndexModel(
                [("webhook_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)],
                name="webhook_created",
            ),
            # The worker's claim: the most overdue pending delivery.
            IndexModel([("status", ASCENDING), ("next_attempt_at", ASCENDING)], name="due"),
            IndexModel(
                [("created_at", ASCENDING)],
                expireAfterSeconds=DELIVERY_RETENTION_DAYS * 24 * 3600,
                name="created_ttl",
            ),
        ]
