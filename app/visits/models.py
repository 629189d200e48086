"""The visit document."""

from datetime import date, datetime
from enum import StrEnum

from beanie import PydanticObjectId
from bson import ObjectId
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


class Task(BaseModel):
    name: str
    done: bool = False


def occurrence_key(service_plan_id: PydanticObjectId, occurrence_date: date) -> str:
    """The key that makes one plan's occurrence on one date unique."""
    return f"{service_plan_id}:{occurrence_date.isoformat()}"


def _single_visit_key() -> str:
    # A visit outside any plan gets a key of its own, so the unique index never joins it
    # with another (mongomock has no partial indexes, and a null would collide).
    return f"single:{ObjectId()}"


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
    service_plan_id: PydanticObjectId | None = None
    tasks: list[Task] = Field(default_factory=list)
    price_cents: int | None = None
    # `plan id:YYYY-MM-DD` of a plan occurrence (its occurrence date, kept when the visit is moved).
    occurrence_key: str = Field(default_factory=_single_visit_key)
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
            IndexModel(
                [("occurrence_key", ASCENDING)],
                name="one_visit_per_plan_occurrence",
                unique=True,
                sparse=True,
            ),
            IndexModel(
                [
                    ("service_plan_id", ASCENDING),
                    ("status", ASCENDING),
                    ("scheduled_start", ASCENDING),
                ],
                name="plan_schedule",
            ),
            IndexModel([("scheduled_start", ASCENDING), ("_id", ASCENDING)], name="agenda"),
            IndexModel(
                [("pool_id", ASCENDING), ("status", ASCENDING), ("scheduled_start", ASCENDING)],
                name="pool_schedule",
            ),
        ]

    def refresh_occurs_at(self) -> None:
        self.occurs_at = self.visited_at or self.scheduled_start or self.created_at
