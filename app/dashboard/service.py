"""The pool dashboard, in three database round trips whatever the pool's history.

Round trips: (1) the pool, loaded by the access dependency; (2) its latest completed visit,
an index-backed sorted find; (3) one aggregation on the pool joining its owner, that visit's
technician, its alert config, its open alerts and its latest readings (through the pool's
latest-readings pointer). Every join is an indexed equality lookup. A find rather than an
aggregation for (2) also keeps the embedded store fast: its `aggregate` copies the whole
collection before matching.
"""

from typing import Any

from app.alerts import service as alerts_service
from app.alerts.models import Alert, AlertConfig, AlertStatus
from app.alerts.schemas import AlertConfigOut, AlertOut
from app.core.queries import newest_first
from app.dashboard.schemas import Dashboard, LastVisit, LatestReadings
from app.pools.models import Pool
from app.pools.schemas import PoolOut
from app.readings.models import PoolValues
from app.users.models import User
from app.users.schemas import UserSummary
from app.visits.models import Visit, VisitStatus
from app.water_balance import service as water_balance_service


def _lookup(source: str, local: str, foreign: str, into: str) -> dict[str, Any]:
    return {"$lookup": {"from": source, "localField": local, "foreignField": foreign, "as": into}}


async def _last_completed_visit(pool: Pool) -> Visit | None:
    query = {"pool_id": pool.id, "status": VisitStatus.COMPLETED.value}
    return await Visit.find(query).sort(newest_first("occurs_at")).first_or_none()


def _pool_joins_pipeline(pool: Pool, visit: Visit | None) -> list[dict[str, Any]]:
    technician_id = visit.technician_id if visit else None
    return [
        {"$match": {"_id": pool.id}},
        {"$project": {"owner_id": 1, "latest_values_id": 1}},
        {"$addFields": {"visit_technician_id": {"$literal": technician_id}}},
        _lookup(User.Settings.name, "owner_id", "_id", "owner"),
        _lookup(User.Settings.name, "visit_technician_id", "_id", "technician"),
        _lookup(AlertConfig.Settings.name, "_id", "pool_id", "alert_config"),
        _lookup(Alert.Settings.name, "_id", "open_pool_id", "open_alerts"),
        _lookup(PoolValues.Settings.name, "latest_values_id", "_id", "latest_values"),
    ]


async def build(*, pool: Pool) -> Dashboard:
    """The pool, its owner, the last visit and its technician, readings, alerts, config, balance."""
    visit = await _last_completed_visit(pool)
    pipeline = _pool_joins_pipeline(pool, visit)
    joined = await Pool.get_motor_collection().aggregate(pipeline).to_list(length=1)
    row = joined[0] if joined else {}
    technicians = row.get("technician", []) if visit else []
    configs = row.get("alert_config") or []
    config = AlertConfig.model_validate(configs[0]) if configs else None
    alerts = sorted(
        (Alert.model_validate(raw) for raw in row.get("open_alerts", [])),
        key=lambda alert: alert.created_at,
        reverse=True,
    )
    latest = [v for v in row.get("latest_values", []) if v.get("pool_id") == pool.id]
    readings = PoolValues.model_validate(latest[0]) if latest else None
    # A pool whose config was never read shows the defaults without storing them here.
    config = config or alerts_service.default_config(pool.id)
    return Dashboard(
        pool=PoolOut.model_validate(pool),
        owner=UserSummary.of(User.model_validate(row["owner"][0])),
        technician=UserSummary.of(User.model_validate(technicians[0])) if technicians else None,
        latest_readings=(
            LatestReadings(
                pool_values_id=readings.id,
                ph=readings.ph,
                chlorine=readings.chlorine,
                temperature=readings.temperature,
                measured_at=readings.measured_at,
            )
            if readings
            else None
        ),
        last_visit=LastVisit.model_validate(visit) if visit else None,
        active_alerts=[
            AlertOut.model_validate(alert) for alert in alerts if alert.status is AlertStatus.ACTIVE
        ],
        alert_config=AlertConfigOut.model_validate(config),
        # From the readings and config joined above: no round trip of its own.
        water_balance=(
            water_balance_service.water_balance_for(pool=pool, pool_values=readings, config=config)
            if readings
            else None
        ),
    )
