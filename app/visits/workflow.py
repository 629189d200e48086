"""The pool visit workflow: readings and the visit that took them, recorded in one call."""

from dataclasses import dataclass

from beanie import PydanticObjectId

from app.alerts import service as alerts_service
from app.alerts.models import Alert
from app.audit import service as audit_service
from app.pools.models import Pool
from app.readings import service as readings_service
from app.readings.models import PoolValues
from app.users.models import User, utcnow
from app.visits import service as visits_service
from app.visits.models import Visit
from app.visits.schemas import VisitRecord
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
