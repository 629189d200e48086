"""The audit event document: an append-only record of every state change."""

from datetime import datetime
from typing import Any

from beanie import PydanticObjectId
from pydantic import Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.documents import Document
from app.users.models import utcnow


class AuditEvent(Document):
    at: datetime = Field(default_factory=utcnow)
    actor_id: PydanticObjectId | None = None
    actor_role: str | None = None
    action: str
    resource_type: str
    resource_id: str | None = None
    pool_id: PydanticObjectId | None = None
    request_id: str | None = None
    ip: str | None = None
    changes: list[str] = Field(default_factory=list)
    details: dict[str, Any] | None = None

    class Settings:
        name = "audit_events"
        indexes = [
            IndexModel([("at", DESCENDING)], name="at"),
            IndexModel([("actor_id", ASCENDING), ("at", DESCENDING)], name="actor_at"),
            IndexModel(
                [("resource_type", ASCENDING), ("resource_id", ASCENDING), ("at", DESCENDING)],
                name="resource_at",
            ),
            IndexModel([("pool_id", ASCENDING), ("at", DESCENDING)], name="pool_at"),
            IndexModel([("action", ASCENDING), ("at", DESCENDING)], name="action_at"),
        ]
