"""The pool dashboard, in three database round trips whatever the pool's history.

Round trips: (1) the pool, loaded by the access dependency; (2) one aggregation on the pool's
visits that picks its latest completed visit and its next scheduled one (a `$facet` of two
sorted, limited branches); (3) one aggregation on the pool joining its owner, that visit's
technician, its alert config, its open alerts and its latest readings (through the pool's
latest-readings pointer). Every join is an indexed equality lookup. The embedded store's
`aggregate` copies the collection before matching, so (2) costs more there than a find would;
a sub-pipeline `$lookup`, which would fold (2) into (3), is not supported by it.
"""

from typing import Any

from app.alerts import service as alerts_service
from app.alerts.models import Alert, AlertConfig, AlertStatus
from app.alerts.schemas import AlertConfigOut, AlertOut
from app.dashboard.schemas import Dashboard, LastVisit, LatestReadings, NextVisit
from app.pools.models import Pool
from app.pools.schemas import PoolOut
from app.readings.models import PoolValues
from app.users.models import User, utcnow
from app.users.schemas import UserSummary
from app.visits.models import Visit, VisitStatus


def _lookup(source: str, local: str, foreign: str, into: str) -> dict[str, Any]:
    return {"$lookup": {"from": source, "localField": local, "foreignField": foreign, "as": into}}


async def _last_and_next_visit(pool: Pool) -> tuple[Visit | None, Visit | None]:
    completed = VisitStatus.COMPLETED.value
    scheduled = VisitStatus.SCHEDULED.value
    upcoming = {"status": scheduled, "scheduled_start": {"$gte": utcnow()}}
    pipeline = [
        {"$match": {"pool_id": pool.id, "$or": [{"status": completed}, upcoming]}},
        {
            "$facet": {
                "last": [
                    {"$match": {"status": completed}},
                    {"$sort": {"occurs_at": -1, "_id": -1}},
                    {"$limit": 1},
                ],
                "next": [
                    {"$match": {"status": scheduled}},
                    {"$sort": {"scheduled_start": 1, "_id": 1}},
                    {"$limit": 1},
                ],
            }
        },
    ]
    rows = await Visit.get_motor_collection().aggregate(pipeline).to_list(length=1)
    row = rows[0] if rows else {}
    last, upcoming_visits = row.get("last") or [], row.get("next") or []
    return (
        Visit.model_validate(last[0]) if last else None,
        Visit.model_validate(upcoming_visits[0]) if upcoming_visits else None,
    )


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
    """The pool, its owner, the last visit and its technician, readings, alerts and config."""
    visit, next_visit = await _last_and_next_visit(pool)
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
    return Dashboard(
        pool=PoolOut.model_validate(pool),
        owner=UserSummary.model_validate(User.model_validate(row["owner"][0])),
        technician=(
            UserSummary.model_validate(User.model_validate(technicians[0])) if technicians else None
        ),
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
        next_visit=NextVisit.model_validate(next_visit) if next_visit else None,
        active_alerts=[
            AlertOut.model_validate(alert) for alert in alerts if alert.status is AlertStatus.ACTIVE
        ],
        # A pool whose config was never read shows the defaults without storing them here.
        alert_config=AlertConfigOut.model_validate(
            config or alerts_service.default_config(pool.id)
        ),
    )
