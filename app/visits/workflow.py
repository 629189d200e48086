"""The pool visit workflow: readings and the visit that took them, recorded in one call."""

from dataclasses import dataclass
from typing import Any

from beanie import PydanticObjectId
from pymongo import ReturnDocument

from app.alerts import service as alerts_service
from app.alerts.models import Alert
from app.audit import service as audit_service
from app.core.errors import Forbidden, InvalidInput
from app.pools import service as pools_service
from app.pools.models import Pool
from app.readings import service as readings_service
from app.readings.models import PoolValues
from app.users.models import User, utcnow
from app.visits import service as visits_service
from app.visits.exceptions import VisitNotScheduled
from app.visits.models import Task, Visit, VisitStatus
from app.visits.schemas import VisitComplete, VisitRecord
from app.water_balance import service as water_balance_service
from app.water_balance.schemas import WaterBalanceOut


@dataclass(frozen=True)
class RecordedVisit:
    visit: Visit
    pool_values: PoolValues
    alerts: list[Alert]
    water_balance: WaterBalanceOut


async def record_visit(*, pool: Pool, data: VisitRecord, actor: User) -> RecordedVisit:
    """Write the readings, then the visit (undoing the readings if that fails), then alerts.

    The embedded store has no transactions, so the compensation is explicit.
    """
    technician = await visits_service.resolve_technician(
        pool=pool, requested=data.technician_id, actor=actor
    )
    config = await alerts_service.get_config(pool_id=pool.id)
    readings = data.readings.values()
    visited_at = data.visited_at or utcnow()
    visit_id = PydanticObjectId()
    pool_values = await readings_service.insert(
        pool_id=pool.id,
        readings=readings,
        measured_at=visited_at,
        recorded_by=actor.id,
        visit_id=visit_id,
    )
    visit = Visit(
        id=visit_id,
        pool_id=pool.id,
        technician_id=technician.id,
        status=data.status,
        visited_at=visited_at,
        pool_health=data.pool_health or alerts_service.assess_health(readings, config),
        observations=data.observations,
        chemicals_added=[chemical.model_dump() for chemical in data.chemicals_added],
        pool_values_id=pool_values.id,
    )
    visit.refresh_occurs_at()
    try:
        await visit.insert()
    except BaseException:
        await pool_values.delete()
        raise
    alerts = await readings_service.on_recorded(pool_values=pool_values, config=config)
    if visit.status is VisitStatus.COMPLETED:
        await visits_service.on_completed(
            visit=visit, pool=pool, actor=actor, pool_values=pool_values
        )
    await audit_service.record(
        actor=actor,
        action="visit.create",
        resource_type="visit",
        resource_id=visit.id,
        pool_id=pool.id,
        changes=data.model_fields_set,
    )
    await audit_service.record(
        actor=actor,
        action="pool_values.create",
        resource_type="pool_values",
        resource_id=pool_values.id,
        pool_id=pool.id,
        changes=data.readings.model_fields_set,
    )
    return RecordedVisit(
        visit=visit,
        pool_values=pool_values,
        alerts=alerts,
        water_balance=water_balance_service.water_balance_for(
            pool=pool, pool_values=pool_values, config=config
        ),
    )


@dataclass(frozen=True)
class CompletedVisit:
    visit: Visit
    pool_values: PoolValues | None
    alerts: list[Alert]
    water_balance: WaterBalanceOut | None


async def complete_visit(
    *, visit: Visit, pool: Pool, data: VisitComplete, actor: User
) -> CompletedVisit:
    """Complete a scheduled visit: readings first, then one conditional update on `scheduled`.

    Of two concurrent completes only one update matches; the other undoes its readings, so no
    PoolValues is left without its visit either way.
    """
    if not pools_service.can_manage(user=actor, pool=pool) and actor.id != visit.technician_id:
        raise Forbidden(
            "Only the visit's technician, the pool's owner or an admin may complete it."
        )
    if visit.status is not VisitStatus.SCHEDULED:
        raise VisitNotScheduled
    task_names = {task.name for task in visit.tasks}
    for index, name in enumerate(data.tasks_done):
        if name not in task_names:
            raise InvalidInput(
                loc=["body", "tasksDone", index], msg=f"'{name}' is not a task of this visit."
            )
    visited_at = data.visited_at or utcnow()
    done = set(data.tasks_done)
    update: dict[str, Any] = {
        "status": VisitStatus.COMPLETED,
        "visited_at": visited_at,
        "occurs_at": visited_at,
        "pool_health": data.pool_health,
        "tasks": [
            Task(name=task.name, done=task.done or task.name in done).model_dump()
            for task in visit.tasks
        ],
        "updated_at": utcnow(),
    }
    if data.observations is not None:
        update["observations"] = data.observations
    if data.chemicals_added is not None:
        update["chemicals_added"] = [chemical.model_dump() for chemical in data.chemicals_added]
    pool_values, config = None, None
    if data.readings is not None:
        config = await alerts_service.get_config(pool_id=pool.id)
        readings = data.readings.values()
        update["pool_health"] = data.pool_health or alerts_service.assess_health(readings, config)
        pool_values = await readings_service.insert(
            pool_id=pool.id,
            readings=readings,
            measured_at=visited_at,
            recorded_by=actor.id,
            visit_id=visit.id,
        )
        update["pool_values_id"] = pool_values.id
    try:
        raw = await Visit.get_motor_collection().find_one_and_update(
            {"_id": visit.id, "status": VisitStatus.SCHEDULED},
            {"$set": update},
            return_document=ReturnDocument.AFTER,
        )
    except BaseException:
        if pool_values is not None:
            await pool_values.delete()
        raise
    if raw is None:
        if pool_values is not None:
            await pool_values.delete()
        raise VisitNotScheduled
    completed = Visit.model_validate(raw)
    alerts: list[Alert] = []
    if pool_values is not None:
        alerts = await readings_service.on_recorded(pool_values=pool_values, config=config)
    await audit_service.record(
        actor=actor,
        action="visit.complete",
        resource_type="visit",
        resource_id=visit.id,
        pool_id=pool.id,
        changes=data.model_fields_set,
    )
    await visits_service.on_completed(
        visit=completed, pool=pool, actor=actor, pool_values=pool_values
    )
    balance = (
        water_balance_service.water_balance_for(pool=pool, pool_values=pool_values, config=config)
        if pool_values is not None and config is not None
        else None
    )
    return CompletedVisit(
        visit=completed, pool_values=pool_values, alerts=alerts, water_balance=balance
    )
