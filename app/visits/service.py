"""The rules of visits: who may plan and edit them, technician checks, and schedule conflicts."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from beanie import PydanticObjectId
from beanie.odm.queries.find import FindMany

from app.audit import service as audit_service
from app.core.errors import Forbidden, InvalidInput
from app.core.jobs import acquire_lease, release_lease
from app.core.queries import all_of, newest_first, oldest_first, time_window
from app.core.rows import Row, rows
from app.core.storage import BlobStorage
from app.notifications import emit
from app.photos import service as photos_service
from app.photos.models import PhotoContext
from app.pools import service as pools_service
from app.pools.exceptions import TechnicianNotAssigned
from app.pools.models import Pool
from app.readings.models import PoolValues
from app.users import service as users_service
from app.users.exceptions import UserNotFound, UserNotTechnician
from app.users.models import Role, User, UserStatus, utcnow
from app.visits.exceptions import (
    ScheduleBusy,
    ScheduleConflict,
    VisitAlreadyInvoiced,
    VisitNotFound,
)
from app.visits.models import Visit, VisitStatus
from app.visits.schemas import AgendaPool, VisitCreate, VisitUpdate

NEWEST_FIRST = newest_first("occurs_at")
# What an invoice bills: a visit on a non-void invoice keeps these as they were billed (§8).
INVOICED_FIELDS = frozenset({"status", "visited_at"})


async def ensure_assignable_technician(*, pool: Pool, technician_id: PydanticObjectId) -> User:
    """The technician must exist (404), be a technician (400) and be assigned to the pool (400)."""
    technician = await users_service.get(user_id=technician_id)
    if technician.status is UserStatus.DELETED:
        raise UserNotFound
    if technician.role is not Role.TECHNICIAN:
        raise UserNotTechnician
    if technician.id not in pool.technician_ids:
        raise TechnicianNotAssigned
    return technician


async def resolve_technician(
    *, pool: Pool, requested: PydanticObjectId | None, actor: User
) -> User:
    """Whose visit it is: a technician records their own; managers name the technician."""
    if not pools_service.can_manage(user=actor, pool=pool):
        if requested is not None and requested != actor.id:
            raise Forbidden("Technicians can only record their own visits.")
        requested = actor.id
    if requested is None:
        raise InvalidInput(loc=["body", "technicianId"], msg="Name the visit's technician.")
    return await ensure_assignable_technician(pool=pool, technician_id=requested)


# A technician's schedule is changed by one request at a time: the check for overlaps and the
# write that follows it run under a lease on a per-technician document, so two overlapping visits
# created at once cannot both pass the check (on any number of API instances).
SCHEDULE_LEASE = timedelta(seconds=30)
SCHEDULE_WAIT_SECONDS = 5.0
SCHEDULE_POLL_SECONDS = 0.01


def _schedule_lease_name(technician_id: PydanticObjectId) -> str:
    return f"technician-schedule:{technician_id}"


@asynccontextmanager
async def technician_schedule(technician_id: PydanticObjectId) -> AsyncIterator[None]:
    """Hold the technician's schedule while checking for overlaps and writing visits."""
    name, holder = _schedule_lease_name(technician_id), uuid4().hex
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SCHEDULE_WAIT_SECONDS
    while not await acquire_lease(name, duration=SCHEDULE_LEASE, holder=holder):
        if loop.time() >= deadline:
            raise ScheduleBusy
        await asyncio.sleep(SCHEDULE_POLL_SECONDS)
    try:
        yield
    finally:
        await release_lease(name, holder=holder)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def validate_window(start: datetime | None, end: datetime | None) -> Window:
    """A scheduled visit needs both ends, start before end (422 otherwise)."""
    if start is None or end is None:
        raise InvalidInput(
            loc=["body", "scheduledStart"],
            msg="A scheduled visit needs both scheduledStart and scheduledEnd.",
        )
    if not start < end:
        raise InvalidInput(
            loc=["body", "scheduledEnd"], msg="scheduledEnd must be after scheduledStart."
        )
    return Window(start, end)


async def find_overlaps(
    *,
    technician_id: PydanticObjectId,
    windows: Sequence[Window],
    exclude: dict[str, Any] | None = None,
) -> list[list[Visit]]:
    """For each window, the technician's scheduled visits overlapping it (one query for all)."""
    if not windows:
        return []
    query: dict[str, Any] = {
        "technician_id": technician_id,
        "status": VisitStatus.SCHEDULED,
        # Half-open windows: a visit ending exactly when another starts does not overlap it.
        "scheduled_start": {"$lt": max(window.end for window in windows)},
        "scheduled_end": {"$gt": min(window.start for window in windows)},
    }
    if exclude:
        query = {"$and": [query, {"$nor": [exclude]}]}
    busy = await Visit.find(query).sort(oldest_first("scheduled_start")).to_list()
    return [
        [
            visit
            for visit in busy
            # Scheduled visits always have both times (the query above matched on them).
            if visit.scheduled_start is not None
            and visit.scheduled_end is not None
            and visit.scheduled_start < window.end
            and visit.scheduled_end > window.start
        ]
        for window in windows
    ]


async def schedule_conflict(*, conflicts: Sequence[Visit], viewer: User | None) -> ScheduleConflict:
    """The 409, listing only the conflicting visits the viewer may see, and counting all."""
    unique = list({visit.id: visit for visit in conflicts}.values())
    visible = await pools_service.visible_pool_ids(user=viewer) if viewer else []
    shown = [visit.id for visit in unique if visible is None or visit.pool_id in visible]
    return ScheduleConflict(shown, conflict_count=len(unique))


async def ensure_schedule_free(
    *,
    technician_id: PydanticObjectId,
    start: datetime | None,
    end: datetime | None,
    viewer: User | None,
    exclude_visit_id: PydanticObjectId | None = None,
) -> None:
    """No overlap with the technician's other scheduled visits (409 otherwise).

    Call it while holding `technician_schedule(technician_id)`.
    """
    window = validate_window(start, end)
    exclude = {"_id": exclude_visit_id} if exclude_visit_id is not None else None
    [conflicts] = await find_overlaps(
        technician_id=technician_id, windows=[window], exclude=exclude
    )
    if conflicts:
        raise await schedule_conflict(conflicts=conflicts, viewer=viewer)


async def create(*, data: VisitCreate, actor: User) -> Visit:
    """Plan or log a visit (pool manage, or an assigned technician for themselves)."""
    pool = await pools_service.get_accessible(pool_id=data.pool_id, user=actor)
    technician = await resolve_technician(pool=pool, requested=data.technician_id, actor=actor)
    visited_at = data.visited_at
    if visited_at is None and data.status is VisitStatus.COMPLETED:
        visited_at = utcnow()
    visit = Visit(
        **data.model_dump(exclude={"technician_id", "visited_at"}),
        technician_id=technician.id,
        visited_at=visited_at,
    )
    visit.refresh_occurs_at()
    if data.status is VisitStatus.SCHEDULED:
        validate_window(data.scheduled_start, data.scheduled_end)
        async with technician_schedule(technician.id):
            await ensure_schedule_free(
                technician_id=technician.id,
                start=data.scheduled_start,
                end=data.scheduled_end,
                viewer=actor,
            )
            await visit.insert()
    else:
        await visit.insert()
    await audit_service.record(
        actor=actor,
        action="visit.create",
        resource_type="visit",
        resource_id=visit.id,
        pool_id=pool.id,
        changes=data.model_fields_set - {"pool_id"},
    )
    if visit.status is VisitStatus.COMPLETED:
        await on_completed(visit=visit, pool=pool, actor=actor)
    return visit


async def list_(
    *,
    viewer: User,
    pool_id: PydanticObjectId | None = None,
    technician_id: PydanticObjectId | None = None,
    status: VisitStatus | None = None,
    service_plan_id: PydanticObjectId | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> FindMany[Visit]:
    """Visits of the pools the viewer may see, newest first."""
    filters = {
        "pool_id": pool_id,
        "technician_id": technician_id,
        "status": status,
        "service_plan_id": service_plan_id,
    }
    query = all_of(
        await pools_service.visible_pools_condition(user=viewer),
        *({field: value} for field, value in filters.items() if value is not None),
        time_window("occurs_at", since, until),
    )
    return Visit.find(query).sort(NEWEST_FIRST)


AGENDA_MAX_SPAN = timedelta(days=31)
EARLIEST_FIRST = oldest_first("scheduled_start")


@dataclass(frozen=True)
class Agenda:
    """The agenda's visit query, and the pools already loaded to scope it (None for admins).

    The pools are rows of the fields an agenda item shows (`AgendaPool`), by id.
    """

    visits: FindMany[Visit]
    known_pools: dict[PydanticObjectId, Row] | None


# What an agenda item shows of its pool: all that is read of it.
AGENDA_POOL_FIELDS = tuple(name for name in AgendaPool.model_fields if name != "id")


async def agenda(
    *,
    viewer: User,
    since: datetime,
    until: datetime,
    technician_id: PydanticObjectId | None = None,
    include_cancelled: bool = False,
) -> Agenda:
    """Visits starting in [since, until), earliest first, scoped like the visit list.

    A technician sees their own visits at pools they still have access to, an owner the visits
    at their pools, an admin all. The pools that scope the query are kept for the summaries.
    """
    if not since < until:
        raise InvalidInput(loc=["query", "to"], msg="`to` must be after `from`.")
    if until - since > AGENDA_MAX_SPAN:
        raise InvalidInput(loc=["query", "to"], msg="The agenda spans at most 31 days.")
    if viewer.role is Role.TECHNICIAN:
        if technician_id is not None and technician_id != viewer.id:
            raise Forbidden("Technicians see only their own agenda.")
        technician_id = viewer.id
    conditions: list[dict[str, Any]] = [{"scheduled_start": {"$gte": since, "$lt": until}}]
    if not include_cancelled:
        conditions.append({"status": {"$ne": VisitStatus.CANCELLED}})
    if technician_id is not None:
        conditions.append({"technician_id": technician_id})
    known: dict[PydanticObjectId, Row] | None = None
    if viewer.role is not Role.ADMIN:
        visible = Pool.find(pools_service.visible_filter(user=viewer))
        known = {pool["id"]: pool for pool in await rows(visible, fields=AGENDA_POOL_FIELDS)}
        conditions.append({"pool_id": {"$in": list(known)}})
    return Agenda(visits=Visit.find(all_of(*conditions)).sort(EARLIEST_FIRST), known_pools=known)


async def pools_of(
    *, visits: Sequence[Row], known: dict[PydanticObjectId, Row] | None
) -> dict[PydanticObjectId, Row]:
    """The pools of a page of visits (rows of `AGENDA_POOL_FIELDS`): `known`, else one query."""
    if known is not None:
        return known
    ids = list({visit["pool_id"] for visit in visits})
    if not ids:
        return {}
    found = Pool.find({"_id": {"$in": ids}})
    return {pool["id"]: pool for pool in await rows(found, fields=AGENDA_POOL_FIELDS)}


def list_for_pool(*, pool_id: PydanticObjectId) -> FindMany[Visit]:
    """A pool's visits, newest first."""
    return Visit.find({"pool_id": pool_id}).sort(NEWEST_FIRST)


async def get_accessible(*, visit_id: PydanticObjectId, user: User) -> tuple[Visit, Pool]:
    """A visit of a pool the user has access to, with that pool; else 404."""
    visit = await Visit.get(visit_id)
    if visit is None:
        raise VisitNotFound
    pool = await Pool.get(visit.pool_id)
    if pool is None or not pools_service.has_access(user=user, pool=pool):
        raise VisitNotFound
    return visit, pool


async def update(*, visit: Visit, pool: Pool, data: VisitUpdate, actor: User) -> Visit:
    """Edit a visit (pool manage, or the visit's technician); schedule conflicts are re-checked."""
    manages = pools_service.can_manage(user=actor, pool=pool)
    if not manages and actor.id != visit.technician_id:
        raise Forbidden("Only the pool's owner, an admin or the visit's technician may edit it.")
    changes = data.changes()
    if not changes:
        return visit
    new_technician = changes.get("technician_id")
    if new_technician is not None and new_technician != visit.technician_id:
        if not manages:
            raise Forbidden("Only the pool's owner or an admin may reassign a visit.")
        await ensure_assignable_technician(pool=pool, technician_id=new_technician)
    merged = visit.model_copy(update=changes)
    if merged.status is VisitStatus.COMPLETED and merged.visited_at is None:
        # Completing a planned visit is the usual path: it gets a visit time, as on create.
        changes["visited_at"] = merged.visited_at = utcnow()
    merged.refresh_occurs_at()
    update = {**changes, "occurs_at": merged.occurs_at, "updated_at": utcnow()}
    becomes_completed = (
        merged.status is VisitStatus.COMPLETED and visit.status is not VisitStatus.COMPLETED
    )
    billed_fields_change = any(
        getattr(merged, name) != getattr(visit, name) for name in INVOICED_FIELDS
    )

    async def write() -> None:
        if not billed_fields_change:
            await visit.set(update)
            return
        # Conditional on the visit being on no invoice, so billing cannot claim it in between.
        result = await Visit.get_motor_collection().update_one(
            {"_id": visit.id, "invoice_id": None}, {"$set": update}
        )
        if result.matched_count == 0:
            raise VisitAlreadyInvoiced if await Visit.get(visit.id) else VisitNotFound
        for name, value in update.items():
            setattr(visit, name, value)

    if merged.status is VisitStatus.SCHEDULED:
        validate_window(merged.scheduled_start, merged.scheduled_end)
        async with technician_schedule(merged.technician_id):
            await ensure_schedule_free(
                technician_id=merged.technician_id,
                start=merged.scheduled_start,
                end=merged.scheduled_end,
                viewer=actor,
                exclude_visit_id=visit.id,
            )
            await write()
    else:
        await write()
    await audit_service.record(
        actor=actor,
        action="visit.update",
        resource_type="visit",
        resource_id=visit.id,
        pool_id=pool.id,
        changes=changes,
    )
    if becomes_completed:
        await on_completed(visit=visit, pool=pool, actor=actor)
    return visit


async def delete(*, visit: Visit, pool: Pool, actor: User, storage: BlobStorage) -> None:
    """Delete a visit and its photos (pool manage); its readings stay as history, unlinked."""
    from app.readings import service as readings_service  # readings build on visits

    if not pools_service.can_manage(user=actor, pool=pool):
        raise Forbidden("Only the pool's owner or an admin may delete a visit.")
    result = await Visit.get_motor_collection().delete_one({"_id": visit.id, "invoice_id": None})
    if result.deleted_count == 0:
        raise VisitAlreadyInvoiced if await Visit.get(visit.id) else VisitNotFound
    await readings_service.forget_visit(visit_id=visit.id)
    await photos_service.delete_photos(
        storage=storage, context=PhotoContext.VISIT, context_ids=[visit.id]
    )
    await audit_service.record(
        actor=actor,
        action="visit.delete",
        resource_type="visit",
        resource_id=visit.id,
        pool_id=pool.id,
    )


async def on_completed(
    *, visit: Visit, pool: Pool, actor: User, pool_values: PoolValues | None = None
) -> None:
    """A visit became `completed` (by any route): the one place `visit.completed` (§17) starts.

    Called once per transition, after the write that made the visit completed.
    """
    await emit.visit_completed(visit=visit, pool=pool, actor_id=actor.id, pool_values=pool_values)


async def forget_pool_values(*, pool_values_id: PydanticObjectId) -> None:
    """Deleted readings: visits that linked them keep existing, with the link cleared."""
    await Visit.get_motor_collection().update_many(
        {"pool_values_id": pool_values_id}, {"$set": {"pool_values_id": None}}
    )


async def delete_for_pool(*, pool_id: PydanticObjectId) -> int:
    """Cascade step: a deleted pool's visits go with it; how many."""
    result = await Visit.get_motor_collection().delete_many({"pool_id": pool_id})
    return result.deleted_count
