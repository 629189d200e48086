"""The rules of water readings: who may record and edit them, scoping, and the latest pointer."""

from collections.abc import Mapping
from datetime import datetime

from beanie import PydanticObjectId
from beanie.odm.queries.find import FindMany

from app.alerts import service as alerts_service
from app.alerts.models import Alert, AlertConfig
from app.audit import service as audit_service
from app.core.errors import Forbidden, InvalidInput
from app.core.queries import all_of, newest_first, time_window
from app.pools import service as pools_service
from app.pools.models import Pool
from app.readings.exceptions import PoolValuesNotFound
from app.readings.models import READING_FIELDS, PoolValues
from app.readings.schemas import PoolValuesCreate, PoolValuesUpdate
from app.users.models import User, utcnow
from app.visits import service as visits_service

NEWEST_FIRST = newest_first("measured_at")


async def insert(
    *,
    pool_id: PydanticObjectId,
    readings: Mapping[str, float | None],
    measured_at: datetime | None,
    recorded_by: PydanticObjectId,
    visit_id: PydanticObjectId | None = None,
) -> PoolValues:
    """Store one set of readings (no alert evaluation)."""
    pool_values = PoolValues(
        id=PydanticObjectId(),  # spares Beanie's insert a TypeAdapter (see audit_service.record)
        pool_id=pool_id,
        **readings,
        measured_at=measured_at or utcnow(),
        recorded_by=recorded_by,
        visit_id=visit_id,
    )
    await pool_values.insert()
    return pool_values


async def on_recorded(*, pool_values: PoolValues, config: AlertConfig | None = None) -> list[Alert]:
    """After a reading is stored: if it is the pool's latest, point at it and evaluate alerts.

    Alerts follow the latest reading by `measuredAt`: a backfilled older reading changes none.
    """
    if not await _advance_latest(pool_values):
        return []
    alerts = await _evaluate(pool_values, config=config)
    # A newer reading may have taken the pointer while this one was being evaluated, its own
    # evaluation running before ours: evaluate the latest again so the last word is the latest's.
    pool = await Pool.get(pool_values.pool_id)
    if pool is not None and pool.latest_values_id not in (None, pool_values.id):
        await _follow_latest(pool_values.pool_id)
    return alerts


def _readings_of(pool_values: PoolValues) -> dict[str, float | None]:
    return {name: getattr(pool_values, name) for name in READING_FIELDS}


async def _evaluate(pool_values: PoolValues, *, config: AlertConfig | None = None) -> list[Alert]:
    config = config or await alerts_service.get_config(pool_id=pool_values.pool_id)
    return await alerts_service.evaluate(
        pool_id=pool_values.pool_id,
        readings=_readings_of(pool_values),
        pool_values_id=pool_values.id,
        config=config,
        actor_id=pool_values.recorded_by,
    )


async def _advance_latest(pool_values: PoolValues) -> bool:
    """Make the reading the pool's latest unless a newer one is; whether it now is."""
    # Conditional on the stored time, so an older reading arriving late never wins.
    result = await Pool.get_motor_collection().update_one(
        {
            "_id": pool_values.pool_id,
            "$or": [
                {"latest_values_at": None},
                {"latest_values_at": {"$lte": pool_values.measured_at}},
            ],
        },
        {
            "$set": {
                "latest_values_id": pool_values.id,
                "latest_values_at": pool_values.measured_at,
            }
        },
    )
    return result.matched_count == 1


async def _refresh_latest(pool_id: PydanticObjectId) -> PoolValues | None:
    """Point the pool at its newest reading by `measuredAt` (none left: at nothing); return it."""
    newest = await PoolValues.find({"pool_id": pool_id}).sort(NEWEST_FIRST).first_or_none()
    await Pool.get_motor_collection().update_one(
        {"_id": pool_id},
        {
            "$set": {
                "latest_values_id": newest.id if newest else None,
                "latest_values_at": newest.measured_at if newest else None,
            }
        },
    )
    return newest


async def _follow_latest(pool_id: PydanticObjectId) -> None:
    """Re-point the pool at its newest reading and evaluate alerts as if it had just been recorded.

    With no reading left, the pool's open alerts are resolved.
    """
    await _evaluate_latest(pool_id, await _refresh_latest(pool_id))


async def _evaluate_latest(pool_id: PydanticObjectId, latest: PoolValues | None) -> None:
    if latest is None:
        await alerts_service.resolve_open(pool_id=pool_id)
    else:
        await _evaluate(latest)


async def create(*, data: PoolValuesCreate, actor: User) -> PoolValues:
    """Record readings on a pool the caller has access to, and evaluate alerts."""
    pool = await pools_service.get_accessible(pool_id=data.pool_id, user=actor)
    pool_values = await insert(
        pool_id=pool.id,
        readings=data.values(),
        measured_at=data.measured_at,
        recorded_by=actor.id,
    )
    await on_recorded(pool_values=pool_values)
    await audit_service.record(
        actor=actor,
        action="pool_values.create",
        resource_type="pool_values",
        resource_id=pool_values.id,
        pool_id=pool.id,
        changes=data.model_fields_set - {"pool_id"},
    )
    return pool_values


async def list_(
    *,
    viewer: User,
    pool_id: PydanticObjectId | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> FindMany[PoolValues]:
    """Readings of the pools the viewer may see, newest `measuredAt` first."""
    query = all_of(
        await pools_service.visible_pools_condition(user=viewer),
        {"pool_id": pool_id} if pool_id is not None else {},
        time_window("measured_at", since, until),
    )
    return PoolValues.find(query).sort(NEWEST_FIRST)


async def get_accessible(
    *, pool_values_id: PydanticObjectId, user: User
) -> tuple[PoolValues, Pool]:
    """Readings of a pool the user has access to, with that pool; else 404."""
    pool_values = await PoolValues.get(pool_values_id)
    if pool_values is None:
        raise PoolValuesNotFound
    pool = await Pool.get(pool_values.pool_id)
    if pool is None or not pools_service.has_access(user=user, pool=pool):
        raise PoolValuesNotFound
    return pool_values, pool


async def update(
    *, pool_values: PoolValues, pool: Pool, data: PoolValuesUpdate, actor: User
) -> PoolValues:
    """Correct readings (admin, the pool's owner, or who recorded them); the latest re-evaluates."""
    if not (pools_service.can_manage(user=actor, pool=pool) or actor.id == pool_values.recorded_by):
        raise Forbidden("Only an admin, the pool's owner or the recorder may edit these readings.")
    changes = data.changes()
    if not changes:
        return pool_values
    merged = {
        **_readings_of(pool_values),
        **{k: v for k, v in changes.items() if k != "measured_at"},
    }
    if all(value is None for value in merged.values()):
        raise InvalidInput(loc=["body"], msg="At least one reading must remain.")
    was_latest = pool.latest_values_id == pool_values.id
    await pool_values.set(changes)
    if was_latest or "measured_at" in changes:
        newest = await _refresh_latest(pool.id)
        # Re-evaluate when the latest changed: its values, or which reading is the latest.
        if was_latest or (newest is not None and newest.id == pool_values.id):
            await _evaluate_latest(pool.id, newest)
    await audit_service.record(
        actor=actor,
        action="pool_values.update",
        resource_type="pool_values",
        resource_id=pool_values.id,
        pool_id=pool.id,
        changes=changes,
    )
    return pool_values


async def delete(*, pool_values: PoolValues, pool: Pool, actor: User) -> None:
    """Delete readings (admin, the pool's owner); deleting the latest re-evaluates alerts."""
    if not pools_service.can_manage(user=actor, pool=pool):
        raise Forbidden("Only an admin or the pool's owner may delete readings.")
    await pool_values.delete()
    await visits_service.forget_pool_values(pool_values_id=pool_values.id)
    await alerts_service.forget_pool_values(pool_values_id=pool_values.id)
    if pool.latest_values_id == pool_values.id:
        await _follow_latest(pool.id)
    await audit_service.record(
        actor=actor,
        action="pool_values.delete",
        resource_type="pool_values",
        resource_id=pool_values.id,
        pool_id=pool.id,
    )


async def forget_visit(*, visit_id: PydanticObjectId) -> None:
    """A deleted visit: its readings stay as history, no longer linked to it."""
    await PoolValues.get_motor_collection().update_many(
        {"visit_id": visit_id}, {"$set": {"visit_id": None}}
    )


async def delete_for_pool(*, pool_id: PydanticObjectId) -> int:
    """Cascade step: a deleted pool's readings go with it; how many."""
    result = await PoolValues.get_motor_collection().delete_many({"pool_id": pool_id})
    return result.deleted_count
