"""The pool dashboard aggregate."""

from pydantic import Field

from app.alerts.models import PoolHealth
from app.alerts.schemas import AlertConfigOut, AlertOut
from app.core.schemas import ApiOutput, ObjectIdOut, UtcDatetime
from app.pools.schemas import PoolOut
from app.readings.schemas import CHLORINE_TEXT, PH_TEXT, TEMPERATURE_TEXT
from app.users.schemas import UserSummary
from app.visits.models import VisitStatus
from app.water_balance.schemas import WaterBalanceOut


class LatestReadings(ApiOutput):
    pool_values_id: ObjectIdOut
    ph: float | None = Field(description=PH_TEXT)
    chlorine: float | None = Field(description=CHLORINE_TEXT)
    temperature: float | None = Field(description=TEMPERATURE_TEXT)
    measured_at: UtcDatetime


class LastVisit(ApiOutput):
    id: ObjectIdOut
    visited_at: UtcDatetime | None
    status: VisitStatus
    pool_health: PoolHealth | None
    observations: str | None


class NextVisit(ApiOutput):
    id: ObjectIdOut
    scheduled_start: UtcDatetime
    scheduled_end: UtcDatetime
    technician_id: ObjectIdOut


class Dashboard(ApiOutput):
    pool: PoolOut
    owner: UserSummary
    technician: UserSummary | None
    latest_readings: LatestReadings | None
    last_visit: LastVisit | None
    active_alerts: list[AlertOut]
    alert_config: AlertConfigOut
    next_visit: NextVisit | None = None
    water_balance: WaterBalanceOut | None = Field(
        description="LSI and dosing plan (§16) for `latestReadings`; null without readings."
    )
