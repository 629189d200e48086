"""The rules of visits: who may plan and edit them, technician checks, and schedule conflicts."""

from datetime import datetime
from typing import Any

from beanie import PydanticObjectId
from beanie.odm.enums import SortDirection
from beanie.odm.queries.find import FindMany

from app.audit import service as audit_service
from app.core.errors import Forbidden, InvalidInput
from app.core.queries import all_of, newest_first, time_window
from app.core.storage import BlobStorage
from app.photos import service as photos_service
from app.photos.models import PhotoContext
from app.pools import service as pools_service
from app.pools.exceptions import TechnicianNotAssigned
from app.pools.models import Pool
from app.users import service as users_service
from app.users.exceptions import UserNotFound, UserNotTechnician
from app.users.models import Role, User, UserStatus, utcnow
from app.visits.exceptions import ScheduleConflict, VisitAlreadyInvoiced, VisitNotFound
from app.visits.models import Visit, VisitStatus
from app.visits.schemas import VisitCreate, VisitUpdate

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


async def ensure_schedule_free(
    *,
    technician_id: PydanticObjectId,
    start: datetime | None,
    end: datetime | None,
    exclude_visit_id: PydanticObjectId | None = None,
) -> None:
    """A scheduled visit needs start < end and no overlap with the technician's other ones."""
    if start is None or end is None:
        raise InvalidInput(
            loc=["body", "scheduledStart"],
            msg="A scheduled visit needs both scheduledStart and scheduledEnd.",
        )
    if not start < end:
        raise InvalidInput(
            loc=["body", "scheduledEnd"], msg="scheduledEnd must be after scheduledStart."
        )
    query: dict[str, Any] = {
        "technician_id": technician_id,
        "status": VisitStatus.SCHEDULED,
        # Half-open windows: a visit ending exactly when another starts does not overlap it.
        "scheduled_start": {"$lt": end},
        "scheduled_end": {"$gt": start},
    }
    if exclude_visit_id is not None:
        query["_id"] = {"$ne": exclude_visit_id}
    conflicts = (
        await Visit.find(query)
        .sort([("scheduled_start", SortDirection.ASCENDING)])
        .limit(50)
        .to_list()
    )
    if conflicts:
        raise ScheduleConflict([visit.id for visit in conflicts])


async def create(*, data: VisitCreate, actor: User) -> Visit:
    """Plan or log a visit (pool manage, or an assigned technician for themselves)."""
    pool = await pools_service.get_accessible(pool_id=data.pool_id, user=actor)
    technician = await resolve_technician(pool=pool, requested=data.technician_id, actor=actor)
    if data.status is VisitStatus.SCHEDULED:
        await ensure_schedule_free(
            technician_id=technician.id, start=data.scheduled_start, end=data.scheduled_end
        )
    visited_at = data.visited_at
    if visited_at is None and data.status is VisitStatus.COMPLETED:
        visited_at = utcnow()
    visit = Visit(
        **data.model_dump(exclude={"technician_id", "visited_at"}),
        technician_id=technician.id,
        visited_at=visited_at,
    )
    visit.refresh_occurs_at()
    await visit.insert()
    await audit_service.record(
        actor=actor,
        action="visit.create",
        resource_type="visit",
        resource_id=visit.id,
        pool_id=pool.id,
        changes=data.model_fields_set - {"pool_id"},
    )
    return visit


async def list_(
    *,
    viewer: User,
    pool_id: PydanticObjectId | None = None,
    technician_id: PydanticObjectId | None = None,
    status: VisitStatus | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> FindMany[Visit]:
    """Visits of the pools the viewer may see, newest first."""
    filters = {"pool_id": pool_id, "technician_id": technician_id, "status": status}
    query = all_of(
        await pools_service.visible_pools_condition(user=viewer),
        *({field: value} for field, value in filters.items() if value is not None),
        time_window("occurs_at", since, until),
    )
    return Visit.find(query).sort(NEWEST_FIRST)


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
    if merged.status is VisitStatus.SCHEDULED:
        await ensure_schedule_free(
            technician_id=merged.technician_id,
            start=merged.scheduled_start,
            end=merged.scheduled_end,
            exclude_visit_id=visit.id,
        )
    merged.refresh_occurs_at()
    update = {**changes, "occurs_at": merged.occurs_at, "updated_at": utcnow()}
    if any(getattr(merged, name) != getattr(visit, name) for name in INVOICED_FIELDS):
        # Conditional on the visit being on no invoice, so billing cannot claim it in between.
        result = await Visit.get_motor_collection().update_one(
            {"_id": visit.id, "invoice_id": None}, {"$set": update}
        )
        if result.matched_count == 0:
            raise VisitAlreadyInvoiced if await Visit.get(visit.id) else VisitNotFound
        for name, value in update.items():
            setattr(visit, name, value)
    else:
        await visit.set(update)
    await audit_service.record(
        actor=actor,
        action="visit.update",
        resource_type="visit",
        resource_id=visit.id,
        pool_id=pool.id,
        changes=changes,
    )
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


async def forget_pool_values(*, pool_values_id: PydanticObjectId) -> None:
    """Deleted readings: visits that linked them keep existing, with the link cleared."""
    await Visit.get_motor_collection().update_many(
        {"pool_values_id": pool_values_id}, {"$set": {"pool_values_id": None}}
    )


async def delete_for_pool(*, pool_id: PydanticObjectId) -> int:
    """Cascade step: a deleted pool's visits go with it; how many."""
    result = await Visit.get_motor_collection().delete_many({"pool_id": pool_id})
    return result.deleted_count
