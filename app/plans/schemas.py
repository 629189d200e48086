"""Service-plan request and response bodies."""

from datetime import date
from typing import Annotated, Self

from beanie import PydanticObjectId
from pydantic import AfterValidator, Field, StringConstraints, model_validator

from app.core.schemas import ApiInput, ApiOutput, ObjectIdOut, PartialUpdate, UtcDatetime

IntervalWeeks = Annotated[int, Field(ge=1, le=8, description="1 weekly, 2 every other week.")]
Weekday = Annotated[int, Field(ge=1, le=7, description="ISO weekday: Monday 1, Sunday 7.")]
StartTime = Annotated[
    str,
    StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"),
    Field(description="Local `HH:MM` (24 h) in the pool's time zone.", examples=["09:00"]),
]
Duration = Annotated[int, Field(ge=15, le=480, description="Minutes per visit.")]
PriceCents = Annotated[int, Field(ge=0, le=100_000_000)]
TaskName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


def _calendar_date(value: date) -> date:
    # The same calendar as times (1970 to 2099), so every occurrence stays a valid instant.
    if not date(1970, 1, 1) <= value <= date(2099, 12, 31):
        raise ValueError("Dates must lie between 1970-01-01 and 2099-12-31.")
    return value


def _distinct(names: list[str]) -> list[str]:
    if len(set(names)) != len(names):
        raise ValueError("Checklist task names must be distinct.")
    return names


PlanDate = Annotated[date, AfterValidator(_calendar_date)]
Checklist = Annotated[list[TaskName], Field(max_length=20), AfterValidator(_distinct)]


class ServicePlanCreate(ApiInput):
    technician_id: PydanticObjectId
    interval_weeks: IntervalWeeks = 1
    weekday: Weekday
    start_time: StartTime
    duration_minutes: Duration
    starts_on: PlanDate
    ends_on: PlanDate | None = Field(default=None, description="Inclusive.")
    checklist: Checklist = Field(default_factory=list)
    price_cents: PriceCents | None = None
    active: bool = True

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("endsOn must not be before startsOn.")
        return self


class ServicePlanUpdate(PartialUpdate):
    nullable_fields = frozenset({"ends_on", "price_cents"})

    technician_id: PydanticObjectId | None = None
    interval_weeks: IntervalWeeks | None = None
    weekday: Weekday | None = None
    start_time: StartTime | None = None
    duration_minutes: Duration | None = None
    ends_on: PlanDate | None = None
    checklist: Checklist | None = None
    price_cents: PriceCents | None = None
    active: bool | None = None


class ServicePlanOut(ApiOutput):
    id: ObjectIdOut
    pool_id: ObjectIdOut
    technician_id: ObjectIdOut
    interval_weeks: int
    weekday: int
    start_time: str
    duration_minutes: int
    starts_on: date
    ends_on: date | None
    checklist: list[str]
    price_cents: int | None
    active: bool
    skipped_dates: list[date]
    created_at: UtcDatetime
    updated_at: UtcDatetime
