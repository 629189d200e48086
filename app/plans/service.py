"""The rules of service plans: who may plan, and keeping a plan's occurrences as real visits.

A plan's occurrences are `scheduled` visits with `servicePlanId` set, one per occurrence date.
Every change to them runs under the technician's schedule lease (as for any scheduled visit),
and a plan's new occurrences are written in one bulk insert. The unique
`occurrence_key` index (plan + occurrence date) makes a duplicate impossible even so.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from beanie import PydanticObjectId
from beanie.odm.enums import SortDirection
from beanie.odm.queries.find import FindMany
from pydantic import BaseModel, Field
from pymongo.errors import BulkWriteError
from typing_extensions import TypeIs

from app.audit import service as audit_service
from app.core.config import Settings
from app.core.errors import Forbidden, InvalidInput
from app.core.jobs import INSTANCE_ID, run_exclusively
from app.core.queries import newest_first
from app.plans.exceptions import ServicePlanNotFound
from app.plans.models import ServicePlan
from app.plans.schedule import Occurrence, Recurrence, occurrences
from app.plans.schemas import ServicePlanCreate, ServicePlanUpdate
from app.pools import service as pools_service
from app.pools.models import Pool
from app.users.models import User, utcnow
from app.visits import service as visits_service
from app.visits.models import Task, Visit, VisitStatus, occurrence_key

logger = logging.getLogger(__name__)

NEWEST_FIRST = newest_first("created_at")
DUPLICATE_KEY = 11000
JOB_BATCH = 100
HORIZON_JOB = "service-plan-horizon"


class _IdOnly(BaseModel):
    id: PydanticObjectId = Field(alias="_id")


class _Key(BaseModel):
    occurrence_key: str | None = None


@dataclass
class Placement:
    """What a plan's occurrences come to: the visits to insert and the dates that overlap."""

    to_insert: list[Occurrence] = field(default_factory=list)
    overlapping: list[Occurrence] = field(default_factory=list)
    conflicts: list[Visit] = field(default_factory=list)


def _recurrence(plan: ServicePlan) -> Recurrence:
    hour, minute = (int(part) for part in plan.start_time.split(":"))
    return Recurrence(
        weekday=plan.weekday,
        interval_weeks=plan.interval_weeks,
        start_time=time(hour, minute),
        duration_minutes=plan.duration_minutes,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
    )


def horizon_end(pool: Pool, *, now: datetime, horizon_days: int) -> date:
    """The last local date the horizon reaches for the pool."""
    return now.astimezone(ZoneInfo(pool.timezone)).date() + timedelta(days=horizon_days)


def future_scheduled(plan_ids: list[PydanticObjectId], now: datetime) -> dict[str, Any]:
    """The plans' occurrences still to come and still scheduled: the ones a change replaces."""
    return {
        "service_plan_id": {"$in": plan_ids},
        "status": VisitStatus.SCHEDULED,
        "scheduled_start": {"$gt": now},
    }


async def _held_dates(
    plan: ServicePlan, wanted: list[Occurrence], *, replacing: bool, now: datetime
) -> set[str]:
    """Occurrence keys among `wanted` that a visit of the plan already holds."""
    if not wanted:
        return set()
    keys = [occurrence_key(plan.id, item.occurrence_date) for item in wanted]
    query: dict[str, Any] = {"occurrence_key": {"$gte": min(keys), "$lte": max(keys)}}
    if replacing:
        query = {"$and": [query, {"$nor": [future_scheduled([plan.id], now)]}]}
    held = await Visit.find(query).project(_Key).to_list()
    return {visit.occurrence_key for visit in held if visit.occurrence_key}


async def _place(
    plan: ServicePlan, pool: Pool, *, now: datetime, horizon_days: int, replacing: bool
) -> Placement:
    """The plan's missing occurrences within the horizon, split by whether they overlap.

    Run it under the technician's schedule lease. With `replacing`, the plan's own future
    scheduled occurrences count as gone (the caller deletes them before inserting).
    """
    if not plan.active:
        return Placement()
    wanted = occurrences(
        _recurrence(plan), ZoneInfo(pool.timezone), now=now, horizon_days=horizon_days
    )
    held = await _held_dates(plan, wanted, replacing=replacing, now=now)
    wanted = [item for item in wanted if occurrence_key(plan.id, item.occurrence_date) not in held]
    windows = [visits_service.Window(item.start, item.end) for item in wanted]
    exclude = future_scheduled([plan.id], now) if replacing else None
    overlaps = await visits_service.find_overlaps(
        technician_id=plan.technician_id, windows=windows, exclude=exclude
    )
    placement = Placement()
    for item, busy in zip(wanted, overlaps, strict=True):
        if busy:
            placement.overlapping.append(item)
            placement.conflicts.extend(busy)
        else:
            placement.to_insert.append(item)
    return placement


async def _insert_occurrences(plan: ServicePlan, items: list[Occurrence]) -> None:
    """One bulk insert for the plan; an occurrence another instance already wrote is skipped."""
    if not items:
        return
    visits = [
        Visit(
            pool_id=plan.pool_id,
            technician_id=plan.technician_id,
            status=VisitStatus.SCHEDULED,
            scheduled_start=item.start,
            scheduled_end=item.end,
            service_plan_id=plan.id,
            tasks=[Task(name=name) for name in plan.checklist],
            price_cents=plan.price_cents,
            occurrence_key=occurrence_key(plan.id, item.occurrence_date),
            occurs_at=item.start,
        )
        for item in items
    ]
    try:
        await Visit.insert_many(visits, ordered=False)
    except BulkWriteError as error:
        if any(e.get("code") != DUPLICATE_KEY for e in error.details.get("writeErrors", [])):
            raise


def _as_datetime(day: date) -> datetime:
    # Raw updates bypass Beanie's encoder: dates are stored as midnight datetimes, as it does.
    return datetime.combine(day, time.min)


async def _record_skipped(plan: ServicePlan, items: list[Occurrence]) -> None:
    if items:
        days = [_as_datetime(item.occurrence_date) for item in items]
        await ServicePlan.get_motor_collection().update_one(
            {"_id": plan.id}, {"$addToSet": {"skipped_dates": {"$each": days}}}
        )


async def get_accessible(*, plan_id: PydanticObjectId, user: User) -> tuple[ServicePlan, Pool]:
    """A plan of a pool the user has access to, with that pool; else 404."""
    plan = await ServicePlan.get(plan_id)
    if plan is None:
        raise ServicePlanNotFound
    pool = await Pool.get(plan.pool_id)
    if pool is None or not pools_service.has_access(user=user, pool=pool):
        raise ServicePlanNotFound
    return plan, pool


def list_for_pool(*, pool_id: PydanticObjectId) -> FindMany[ServicePlan]:
    """A pool's plans, newest first."""
    return ServicePlan.find({"pool_id": pool_id}).sort(NEWEST_FIRST)


async def create(
    *, pool: Pool, data: ServicePlanCreate, actor: User, settings: Settings
) -> ServicePlan:
    """Create a plan and its occurrences within the horizon: all of them, or nothing (409)."""
    technician = await visits_service.ensure_assignable_technician(
        pool=pool, technician_id=data.technician_id
    )
    plan = ServicePlan(id=PydanticObjectId(), pool_id=pool.id, **data.model_dump())
    plan.technician_id = technician.id
    now = utcnow()
    plan.generated_through = horizon_end(pool, now=now, horizon_days=settings.schedule_horizon_days)
    async with visits_service.technician_schedule(technician.id):
        placement = await _place(
            plan, pool, now=now, horizon_days=settings.schedule_horizon_days, replacing=False
        )
        if placement.conflicts:
            raise await visits_service.schedule_conflict(
                conflicts=placement.conflicts, viewer=actor
            )
        await plan.insert()
        try:
            await _insert_occurrences(plan, placement.to_insert)
        except BaseException:
            await Visit.get_motor_collection().delete_many({"service_plan_id": plan.id})
            await plan.delete()
            raise
    await audit_service.record(
        actor=actor,
        action="service_plan.create",
        resource_type="service_plan",
        resource_id=plan.id,
        pool_id=pool.id,
        changes=data.model_fields_set,
    )
    return plan


async def update(
    *, plan: ServicePlan, pool: Pool, data: ServicePlanUpdate, actor: User, settings: Settings
) -> ServicePlan:
    """Change a plan and regenerate its future scheduled occurrences (all or nothing)."""
    if not pools_service.can_manage(user=actor, pool=pool):
        raise Forbidden("Only the pool's owner or an admin may change a service plan.")
    changes = data.changes()
    if not changes:
        return plan
    merged = plan.model_copy(update=changes)
    if merged.ends_on is not None and merged.ends_on < merged.starts_on:
        raise InvalidInput(loc=["body", "endsOn"], msg="endsOn must not be before startsOn.")
    new_technician = merged.technician_id != plan.technician_id
    if new_technician or (merged.active and not plan.active):
        await visits_service.ensure_assignable_technician(
            pool=pool, technician_id=merged.technician_id
        )
    now = utcnow()
    async with visits_service.technician_schedule(merged.technician_id):
        placement = await _place(
            merged, pool, now=now, horizon_days=settings.schedule_horizon_days, replacing=True
        )
        if placement.conflicts:
            raise await visits_service.schedule_conflict(
                conflicts=placement.conflicts, viewer=actor
            )
        await Visit.get_motor_collection().delete_many(future_scheduled([plan.id], now))
        update = {
            **changes,
            "skipped_dates": [],
            "generated_through": horizon_end(
                pool, now=now, horizon_days=settings.schedule_horizon_days
            ),
            "updated_at": now,
        }
        await plan.set(update)
        await _insert_occurrences(merged, placement.to_insert)
    await audit_service.record(
        actor=actor,
        action="service_plan.update",
        resource_type="service_plan",
        resource_id=plan.id,
        pool_id=pool.id,
        changes=changes,
    )
    return plan


async def delete(*, plan: ServicePlan, pool: Pool, actor: User) -> None:
    """Delete a plan and its future scheduled occurrences; its other visits keep the link."""
    if not pools_service.can_manage(user=actor, pool=pool):
        raise Forbidden("Only the pool's owner or an admin may delete a service plan.")
    async with visits_service.technician_schedule(plan.technician_id):
        await plan.delete()
        await Visit.get_motor_collection().delete_many(future_scheduled([plan.id], utcnow()))
    await audit_service.record(
        actor=actor,
        action="service_plan.delete",
        resource_type="service_plan",
        resource_id=plan.id,
        pool_id=pool.id,
    )


async def deactivate_for_technician(
    *, technician_id: PydanticObjectId, pool_id: PydanticObjectId | None = None
) -> None:
    """A technician left a pool (or every pool): their plans there stop, their future visits go.

    Their plans become inactive and lose their future scheduled occurrences; their other future
    scheduled visits there become `cancelled`. Call it on unassignment, deletion and role change.
    """
    where: dict[str, Any] = {"technician_id": technician_id}
    if pool_id is not None:
        where["pool_id"] = pool_id
    now = utcnow()
    async with visits_service.technician_schedule(technician_id):
        plans = await ServicePlan.find(where).project(_IdOnly).to_list()
        plan_ids = [plan.id for plan in plans]
        if plan_ids:
            await ServicePlan.get_motor_collection().update_many(
                {"_id": {"$in": plan_ids}}, {"$set": {"active": False, "updated_at": now}}
            )
            await Visit.get_motor_collection().delete_many(future_scheduled(plan_ids, now))
        await Visit.get_motor_collection().update_many(
            {**where, "status": VisitStatus.SCHEDULED, "scheduled_start": {"$gt": now}},
            {"$set": {"status": VisitStatus.CANCELLED, "updated_at": now}},
        )


async def delete_for_pool(*, pool_id: PydanticObjectId) -> int:
    """Cascade step: a deleted pool's plans go with it (its visits go with the visits step)."""
    result = await ServicePlan.get_motor_collection().delete_many({"pool_id": pool_id})
    return result.deleted_count


async def refresh(
    *, plan_id: PydanticObjectId, pool: Pool, horizon_days: int, replacing: bool
) -> None:
    """Bring one plan's occurrences up to the horizon; overlapping dates go to `skippedDates`.

    With `replacing`, its future scheduled occurrences are generated anew (the pool's time zone
    changed). The plan is read again under the lease, so a concurrent edit is never undone.
    """

    def needs_work(plan: ServicePlan | None) -> TypeIs[ServicePlan]:
        if plan is None or not plan.active:
            return False
        reached = plan.generated_through
        return replacing or reached is None or reached < end

    end = horizon_end(pool, now=utcnow(), horizon_days=horizon_days)
    plan = await ServicePlan.get(plan_id)
    if not needs_work(plan):
        return
    async with visits_service.technician_schedule(plan.technician_id):
        plan = await ServicePlan.get(plan_id)
        if not needs_work(plan):
            return
        now = utcnow()
        placement = await _place(
            plan, pool, now=now, horizon_days=horizon_days, replacing=replacing
        )
        if replacing:
            await Visit.get_motor_collection().delete_many(future_scheduled([plan.id], now))
        await _insert_occurrences(plan, placement.to_insert)
        await _record_skipped(plan, placement.overlapping)
        await ServicePlan.get_motor_collection().update_one(
            {"_id": plan.id}, {"$set": {"generated_through": _as_datetime(end)}}
        )


async def regenerate_for_pool(*, pool: Pool, horizon_days: int) -> None:
    """The pool's time zone changed: its plans' future scheduled occurrences move with it."""
    plans = await ServicePlan.find({"pool_id": pool.id, "active": True}).project(_IdOnly).to_list()
    for plan in plans:
        await refresh(plan_id=plan.id, pool=pool, horizon_days=horizon_days, replacing=True)


async def extend_horizon(*, horizon_days: int) -> int:
    """The periodic job's work: every active plan's occurrences up to the horizon.

    Returns how many plans it went through.
    """
    done = 0
    last_id: PydanticObjectId | None = None
    # No pool's local date is later than tomorrow in UTC: plans placed beyond this are done.
    surely_done = _as_datetime(utcnow().date() + timedelta(days=horizon_days + 1))
    while True:
        query: dict[str, Any] = {
            "active": True,
            "$or": [
                {"generated_through": None},
                {"generated_through": {"$lt": surely_done}},
            ],
        }
        if last_id is not None:
            query["_id"] = {"$gt": last_id}
        batch = (
            await ServicePlan.find(query)
            .sort([("_id", SortDirection.ASCENDING)])
            .limit(JOB_BATCH)
            .to_list()
        )
        if not batch:
            return done
        pools = await Pool.find({"_id": {"$in": list({plan.pool_id for plan in batch})}}).to_list()
        by_id = {pool.id: pool for pool in pools}
        for plan in batch:
            pool = by_id.get(plan.pool_id)
            if pool is not None:
                try:
                    await refresh(
                        plan_id=plan.id, pool=pool, horizon_days=horizon_days, replacing=False
                    )
                except Exception:
                    # One plan's failure must not stop the others; the next tick retries it.
                    logger.exception("service plan horizon failed", extra={"plan": str(plan.id)})
            done += 1
        last_id = batch[-1].id


async def run_horizon_job(*, settings: Settings, holder: str = INSTANCE_ID) -> bool:
    """One tick of the horizon job, on one instance at a time; False when another holds it."""
    # The lease outlives a slow tick, and an instance that dies frees it within an interval.
    duration = timedelta(seconds=max(settings.scheduler_interval_seconds, 60))

    async def work() -> None:
        await extend_horizon(horizon_days=settings.schedule_horizon_days)

    return await run_exclusively(HORIZON_JOB, work, duration=duration, holder=holder)
