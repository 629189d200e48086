"""Alert rules: per-pool thresholds, the 25% severity rule, and one open alert per metric."""

import math
from collections.abc import Mapping
from typing import Any

from beanie import PydanticObjectId
from beanie.odm.queries.find import FindMany
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from app.alerts.exceptions import AlertNotFound
from app.alerts.models import (
    Alert,
    AlertConfig,
    AlertStatus,
    Metric,
    PoolHealth,
    Range,
    Severity,
)
from app.alerts.schemas import AlertConfigIn
from app.audit import service as audit_service
from app.core.queries import newest_first
from app.notifications import emit
from app.pools import service as pools_service
from app.users.models import User, utcnow

# A reading further outside its range than this share of the range's width is critical.
CRITICAL_SHARE = 0.25


def classify(value: float, limits: Range) -> Severity | None:
    """None when in range (bounds included), else warning or critical by the 25% rule."""
    if limits.min <= value <= limits.max:
        return None
    distance = limits.min - value if value < limits.min else value - limits.max
    threshold = CRITICAL_SHARE * (limits.max - limits.min)
    if distance > threshold and not math.isclose(distance, threshold, abs_tol=1e-9):
        return Severity.CRITICAL
    return Severity.WARNING


def assess_health(readings: Mapping[str, float | None], config: AlertConfig) -> PoolHealth | None:
    """Pool health from the readings: good, needs_attention or critical (None without any)."""
    severities = [
        classify(value, config.range_for(metric))
        for metric in Metric
        if (value := readings.get(metric.value)) is not None
    ]
    if not severities:
        return None
    if Severity.CRITICAL in severities:
        return PoolHealth.CRITICAL
    if Severity.WARNING in severities:
        return PoolHealth.NEEDS_ATTENTION
    return PoolHealth.GOOD


def default_config(pool_id: PydanticObjectId) -> AlertConfig:
    """The default thresholds for a pool (not stored)."""
    return AlertConfig(pool_id=pool_id)


async def peek_config(*, pool_id: PydanticObjectId) -> AlertConfig:
    """The pool's stored config, or the default without storing it (for read-only views)."""
    return await AlertConfig.find_one({"pool_id": pool_id}) or default_config(pool_id)


async def get_config(*, pool_id: PydanticObjectId) -> AlertConfig:
    """The pool's config; the default is stored on first read by one upsert on the unique poolId."""
    defaults = default_config(pool_id).model_dump(exclude={"id", "pool_id", "revision_id"})
    collection = AlertConfig.get_motor_collection()
    for _ in range(2):
        try:
            raw = await collection.find_one_and_update(
                {"pool_id": pool_id},
                {"$setOnInsert": defaults},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
            return AlertConfig.model_validate(raw)
        except DuplicateKeyError:
            continue  # a concurrent first read inserted it: read it on the next pass
    raise AssertionError("unreachable: the second pass finds the stored config")


async def put_config(*, pool_id: PydanticObjectId, data: AlertConfigIn, actor: User) -> AlertConfig:
    """Replace the pool's thresholds (upsert)."""
    values = {**data.model_dump(), "updated_at": utcnow()}
    collection = AlertConfig.get_motor_collection()
    try:
        raw = await collection.find_one_and_update(
            {"pool_id": pool_id},
            {"$set": values},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
    except DuplicateKeyError:
        raw = await collection.find_one_and_update(
            {"pool_id": pool_id}, {"$set": values}, return_document=ReturnDocument.AFTER
        )
    await audit_service.record(
        actor=actor,
        action="alert_config.update",
        resource_type="alert_config",
        resource_id=pool_id,
        pool_id=pool_id,
        changes=data.model_fields_set,
    )
    return AlertConfig.model_validate(raw)


def _open_key(pool_id: PydanticObjectId, metric: Metric) -> str:
    return f"{pool_id}:{metric.value}"


async def _raise_or_update(
    *,
    pool_id: PydanticObjectId,
    metric: Metric,
    value: float,
    limits: Range,
    severity: Severity,
    pool_values_id: PydanticObjectId,
) -> tuple[Alert, bool]:
    """The open alert for the pool and metric, and whether this call raised it."""
    collection = Alert.get_motor_collection()
    key = _open_key(pool_id, metric)
    update: dict[str, dict[str, Any]] = {
        "$set": {
            "value": value,
            "min": limits.min,
            "max": limits.max,
            "severity": severity.value,
            "pool_values_id": pool_values_id,
        },
        "$setOnInsert": {
            "pool_id": pool_id,
            "metric": metric.value,
            "status": AlertStatus.ACTIVE.value,
            "created_at": utcnow(),
            "open_pool_id": pool_id,
        },
    }
    for _ in range(2):
        # The id is chosen here, so that an insert can be told from an update in one round trip:
        # BEFORE answers no document exactly when this upsert opened the alert.
        update["$setOnInsert"]["_id"] = PydanticObjectId()
        try:
            before = await collection.find_one_and_update(
                {"open_key": key}, update, upsert=True, return_document=ReturnDocument.BEFORE
            )
        except DuplicateKeyError:
            continue  # a concurrent reading opened it first: update that one
        if before is None:
            raw = {"open_key": key, **update["$setOnInsert"], **update["$set"]}
            return Alert.model_validate(raw), True
        return Alert.model_validate({**before, **update["$set"]}), False
    raise AssertionError("unreachable: the second pass updates the open alert")


async def _resolve(*, pool_id: PydanticObjectId, metrics: list[Metric]) -> None:
    """Resolve the pool's open alerts on these metrics, in one update."""
    if not metrics:
        return
    await Alert.get_motor_collection().update_many(
        {"open_key": {"$in": [_open_key(pool_id, metric) for metric in metrics]}},
        {
            "$set": {"status": AlertStatus.RESOLVED.value, "resolved_at": utcnow()},
            "$unset": {"open_key": "", "open_pool_id": ""},
        },
    )


async def resolve_open(*, pool_id: PydanticObjectId) -> None:
    """Resolve every open alert of the pool (no reading is left to keep them open)."""
    await Alert.get_motor_collection().update_many(
        {"open_pool_id": pool_id},
        {
            "$set": {"status": AlertStatus.RESOLVED.value, "resolved_at": utcnow()},
            "$unset": {"open_key": "", "open_pool_id": ""},
        },
    )


async def evaluate(
    *,
    pool_id: PydanticObjectId,
    readings: Mapping[str, float | None],
    pool_values_id: PydanticObjectId,
    config: AlertConfig,
    actor_id: PydanticObjectId | None = None,
) -> list[Alert]:
    """Raise, update or resolve the pool's alerts for new readings; returns the open ones.

    A newly raised alert (not an update of an open one) is announced (`alert.raised`).
    """
    if not config.enabled:
        return []
    touched = []
    raised = []
    in_range = []
    for metric in Metric:
        value = readings.get(metric.value)
        if value is None:
            continue
        limits = config.range_for(metric)
        severity = classify(value, limits)
        if severity is None:
            in_range.append(metric)
        else:
            alert, is_new = await _raise_or_update(
                pool_id=pool_id,
                metric=metric,
                value=value,
                limits=limits,
                severity=severity,
                pool_values_id=pool_values_id,
            )
            touched.append(alert)
            if is_new:
                raised.append(alert)
    await _resolve(pool_id=pool_id, metrics=in_range)
    if raised:
        pool = await pools_service.get(pool_id=pool_id)
        for alert in raised:
            await emit.alert_raised(alert=alert, pool=pool, actor_id=actor_id)
    return touched


def list_(*, pool_id: PydanticObjectId, status: AlertStatus | None = None) -> FindMany[Alert]:
    """A pool's alerts, newest first."""
    query: dict[str, object] = {"pool_id": pool_id}
    if status is not None:
        query["status"] = status
    return Alert.find(query).sort(newest_first("created_at"))


async def get_accessible(*, alert_id: PydanticObjectId, user: User) -> Alert:
    """An alert of a pool the user has access to, else 404."""
    alert = await Alert.get(alert_id)
    if alert is None:
        raise AlertNotFound
    pool = await pools_service.get(pool_id=alert.pool_id)
    if not pools_service.has_access(user=user, pool=pool):
        raise AlertNotFound
    return alert


async def acknowledge(*, alert: Alert, actor: User) -> Alert:
    """Acknowledge an active alert; acknowledging again (or a resolved alert) changes nothing."""
    raw = await Alert.get_motor_collection().find_one_and_update(
        {"_id": alert.id, "status": AlertStatus.ACTIVE.value},
        {
            "$set": {
                "status": AlertStatus.ACKNOWLEDGED.value,
                "acknowledged_at": utcnow(),
                "acknowledged_by": actor.id,
            }
        },
        return_document=ReturnDocument.AFTER,
    )
    if raw is None:
        return await Alert.get(alert.id) or alert
    await audit_service.record(
        actor=actor,
        action="alert.acknowledge",
        resource_type="alert",
        resource_id=alert.id,
        pool_id=alert.pool_id,
        changes=["status", "acknowledgedAt", "acknowledgedBy"],
    )
    return Alert.model_validate(raw)


async def forget_pool_values(*, pool_values_id: PydanticObjectId) -> None:
    """Deleted readings: alerts keep their history but no longer point at them."""
    await Alert.get_motor_collection().update_many(
        {"pool_values_id": pool_values_id}, {"$set": {"pool_values_id": None}}
    )


async def delete_for_pool(*, pool_id: PydanticObjectId) -> int:
    """Cascade step: a deleted pool's alerts and alert config go with it; how many alerts."""
    result = await Alert.get_motor_collection().delete_many({"pool_id": pool_id})
    await AlertConfig.get_motor_collection().delete_many({"pool_id": pool_id})
    return result.deleted_count
