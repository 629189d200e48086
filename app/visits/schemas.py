"""Visit bodies, and the visit workflow's request and response."""

from typing import Annotated, Literal

from beanie import PydanticObjectId
from pydantic import Field, StringConstraints

from app.alerts.models import PoolHealth
from app.alerts.schemas import AlertOut
from app.core.schemas import (
    ApiInput,
    ApiOutput,
    ObjectIdOut,
    PartialUpdate,
    RecordedDatetime,
    UtcDatetime,
)
from app.readings.schemas import PoolValuesOut, Readings
from app.visits.models import VisitStatus
from app.water_balance.schemas import WaterBalanceOut

Observations = Annotated[str, StringConstraints(max_length=5000)]


class ChemicalIn(ApiInput):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    amount: Annotated[float, Field(ge=0, le=1_000_000)]
    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]


class ChemicalOut(ApiOutput):
    name: str
    amount: float
    unit: str


Chemicals = Annotated[list[ChemicalIn], Field(max_length=50)]


class VisitCreate(ApiInput):
    pool_id: PydanticObjectId
    technician_id: PydanticObjectId | None = Field(
        default=None, description="Defaults to the caller when the caller is a technician."
    )
    status: VisitStatus = VisitStatus.SCHEDULED
    scheduled_start: UtcDatetime | None = None
    scheduled_end: UtcDatetime | None = None
    visited_at: RecordedDatetime | None = None
    pool_health: PoolHealth | None = None
    observations: Observations | None = None
    chemicals_added: Chemicals = Field(default_factory=list)


class VisitUpdate(PartialUpdate):
    nullable_fields = frozenset(
        {"scheduled_start", "scheduled_end", "visited_at", "pool_health", "observations"}
    )

    technician_id: PydanticObjectId | None = None
    status: VisitStatus | None = None
    scheduled_start: UtcDatetime | None = None
    scheduled_end: UtcDatetime | None = None
    visited_at: RecordedDatetime | None = None
    pool_health: PoolHealth | None = None
    observations: Observations | None = None
    chemicals_added: Chemicals | None = None


class TaskOut(ApiOutput):
    name: str
    done: bool


class VisitOut(ApiOutput):
    id: ObjectIdOut
    pool_id: ObjectIdOut
    technician_id: ObjectIdOut
    status: VisitStatus
    scheduled_start: UtcDatetime | None
    scheduled_end: UtcDatetime | None
    visited_at: UtcDatetime | None
    pool_health: PoolHealth | None
    observations: str | None
    chemicals_added: list[ChemicalOut]
    pool_values_id: ObjectIdOut | None
    service_plan_id: ObjectIdOut | None
    tasks: list[TaskOut]
    price_cents: int | None
    invoice_id: ObjectIdOut | None
    created_at: UtcDatetime
    updated_at: UtcDatetime


class VisitRecord(ApiInput):
    """The visit workflow: one call records the readings and the visit that took them."""

    technician_id: PydanticObjectId | None = Field(
        default=None, description="Defaults to the caller when the caller is a technician."
    )
    visited_at: RecordedDatetime | None = None
    status: Literal[VisitStatus.COMPLETED, VisitStatus.CANCELLED, VisitStatus.NO_SHOW] = (
        VisitStatus.COMPLETED
    )
    pool_health: PoolHealth | None = Field(
        default=None, description="Derived from the readings against the alert config if omitted."
    )
    observations: Observations | None = None
    chemicals_added: Chemicals = Field(default_factory=list)
    readings: Readings


class VisitRecorded(ApiOutput):
    visit: VisitOut
    pool_values: PoolValuesOut
    alerts: list[AlertOut]
    water_balance: WaterBalanceOut = Field(description="LSI and dosing plan (§16) of `poolValues`.")


TaskName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class VisitComplete(ApiInput):
    """Completing a scheduled visit, with what was done and, optionally, the readings taken."""

    visited_at: UtcDatetime | None = Field(default=None, description="Defaults to now.")
    pool_health: PoolHealth | None = Field(
        default=None, description="Derived from the readings against the alert config if omitted."
    )
    observations: Observations | None = None
    chemicals_added: Chemicals | None = None
    tasks_done: Annotated[list[TaskName], Field(max_length=20)] = Field(
        default_factory=list, description="Names of the visit's tasks that were done."
    )
    readings: Readings | None = None


class VisitCompleted(ApiOutput):
    visit: VisitOut
    pool_values: PoolValuesOut | None
    alerts: list[AlertOut]
    water_balance: WaterBalanceOut | None = Field(
        description="LSI and dosing plan (§16) of `poolValues`; null without readings."
    )


class AgendaPool(ApiOutput):
    id: ObjectIdOut
    name: str
    address: str | None
    timezone: str


class AgendaItem(ApiOutput):
    visit: VisitOut
    pool: AgendaPool
