"""The service-plan document: a recurring stop of one technician at one pool."""

from datetime import date, datetime

from beanie import PydanticObjectId
from pydantic import Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.documents import Document
from app.users.models import utcnow


class ServicePlan(Document):
    pool_id: PydanticObjectId
    technician_id: PydanticObjectId
    interval_weeks: int = 1
    weekday: int  # ISO: Monday 1 .. Sunday 7
    start_time: str  # "HH:MM", local to the pool's time zone
    duration_minutes: int
    starts_on: date
    ends_on: date | None = None
    checklist: list[str] = Field(default_factory=list)
    price_cents: int | None = None
    active: bool = True
    skipped_dates: list[date] = Field(default_factory=list)
    # Internal: the last local date up to which occurrences were placed, so a horizon tick skips
    # plans that are already there. Never part of a response.
    generated_through: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "service_plans"
        indexes = [
            IndexModel(
                [("pool_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)],
                name="pool_created",
            ),
            IndexModel(
                [("technician_id", ASCENDING), ("pool_id", ASCENDING), ("active", ASCENDING)],
                name="technician_pool_active",
            ),
            IndexModel(
                [("active", ASCENDING), ("generated_through", ASCENDING), ("_id", ASCENDING)],
                name="active_generated",
            ),
        ]
