"""The visit document."""

from datetime import datetime
from enum import StrEnum

from beanie import PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.alerts.models import PoolHealth
from app.core.documents import Document
from app.users.models import utcnow


class VisitStatus(StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class ChemicalAdded(BaseModel):
    name: str
    amount: float
    unit: str


class Visit(Document):
    pool_id: PydanticObjectId
    technician_id: PydanticObjectId
    status: VisitStatus = VisitStatus.SCHEDULED
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None
    visited_at: datetime | None = None
    pool_health: PoolHealth | None = None
    observations: str | None = None
    chemicals_added: list[ChemicalAdded] = Field(default_factory=list)
    pool_values_id: PydanticObjectId | None = None
    # The non-void invoice that bills this visit (§18); set and cleared only by billing, with a
    # conditional update, so a visit is never on two invoices.
    invoice_id: PydanticObjectId | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Internal sort key: when the visit happened or is planned (visitedAt, else scheduledStart,
    # else createdAt), so "newest first" and "last visit" mean the same everywhere.
    occurs_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "visits"
        indexes = [
            IndexModel([("occurs_at", DESCENDING), ("_id", DESCENDING)], name="occurs"),
            IndexModel(
                [("pool_id", ASCENDING), ("occurs_at", DESCENDING), ("_id", DESCENDING)],
                name="pool_occurs",
            ),
            IndexModel(
                [
                    ("technician_id", ASCENDING),
                    ("status", ASCENDING),
                    ("scheduled_start", ASCENDING),
                ],
                name="technician_schedule",
            ),
            IndexModel(
                [("pool_id", ASCENDING), ("status", ASCENDING), ("occurs_at", DESCENDING)],
                name="pool_status_occurs",
            ),
            IndexModel([("pool_values_id", ASCENDING)], name="pool_values"),
            IndexModel([("invoice_id", ASCENDING)], name="invoice"),
        ]

    def refresh_occurs_at(self) -> None:
        self.occurs_at = self.visited_at or self.scheduled_start or self.created_at
