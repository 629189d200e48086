"""The pool dashboard aggregate."""

from beanie import PydanticObjectId

from app.alerts.models import PoolHealth
from app.alerts.schemas import AlertConfigOut, AlertOut
from app.core.schemas import ApiOutput, UtcDatetime
from app.pools.schemas import PoolOut
from app.users.schemas import UserSummary
from app.visits.models import VisitStatus


class LatestReadings(ApiOutput):
    pool_values_id: PydanticObjectId
    ph: float | None
    chlorine: float | None
    temperature: float | None
    measured_at: UtcDatetime


class LastVisit(ApiOutput):
    id: PydanticObjectId
    visited_at: UtcDatetime | None
    status: VisitStatus
    pool_health: PoolHealth | None
    observations: str | None


class NextVisit(ApiOutput):
    id: PydanticObjectId
    scheduled_start: UtcDatetime
    scheduled_end: UtcDatetime
    technician_id: PydanticObjectId


class Dashboard(ApiOutput):
    pool: PoolOut
    owner: UserSummary
    technician: UserSummary | None
    latest_readings: LatestReadings | None
    last_visit: LastVisit | None
    active_alerts: list[AlertOut]
    alert_config: AlertConfigOut
    next_visit: NextVisit | None = None
