"""The rules of the pools domain: who may see and manage a pool, and pool changes."""

import re
from collections.abc import Iterable

from beanie import PydanticObjectId
from beanie.odm.queries.find import FindMany
from pydantic import BaseModel, Field

from app.audit import service as audit_service
from app.core.config import Settings
from app.core.errors import Forbidden, InvalidInput
from app.core.queries import all_of, newest_first
from app.pools.exceptions import OwnerHasPools, PoolNotFound, TechnicianNotAssigned
from app.pools.models import Pool
from app.pools.schemas import PoolCreate, PoolUpdate
from app.users import service as users_service
from app.users.exceptions import UserNotFound, UserNotOwner, UserNotTechnician
from app.users.models import Role, User, UserStatus, utcnow


class _IdOnly(BaseModel):
    id: PydanticObjectId = Field(alias="_id")


def has_access(*, user: User, pool: Pool) -> bool:
    """Pool access: admin, the pool's owner, or an assigned user whose role is now technician."""
    return (
        user.role is Role.ADMIN
        or pool.owner_id == user.id
        or (user.role is Role.TECHNICIAN and user.id in pool.technician_ids)
    )


def can_manage(*, user: User, pool: Pool) -> bool:
    """Pool manage: admin or the pool's owner."""
    return user.role is Role.ADMIN or pool.owner_id == user.id


def visible_filter(*, user: User) -> dict[str, object]:
    """The query that limits pools to those the user may see."""
    if user.role is Role.ADMIN:
        return {}
    if user.role is Role.OWNER:
        return {"owner_id": user.id}
    return {"technician_ids": user.id}


async def visible_pool_ids(*, user: User) -> list[PydanticObjectId] | None:
    """Ids of the pools the user may see; None means every pool (admin)."""
    if user.role is Role.ADMIN:
        return None
    pools = await Pool.find(visible_filter(user=user)).project(_IdOnly).to_list()
    return [pool.id for pool in pools]


async def visible_pools_condition(*, user: User, field: str = "pool_id") -> dict[str, object]:
    """A filter on `field` limiting documents to the pools the user may see (empty for admins)."""
    visible = await visible_pool_ids(user=user)
    return {} if visible is None else {field: {"$in": visible}}


async def get(*, pool_id: PydanticObjectId) -> Pool:
    """A pool by id, or 404."""
    pool = await Pool.get(pool_id)
    if pool is None:
        raise PoolNotFound
    return pool


async def get_many(*, pool_ids: Iterable[PydanticObjectId]) -> dict[PydanticObjectId, Pool]:
    """The pools with these ids that exist, by id, in one query."""
    pools = await Pool.find({"_id": {"$in": list(set(pool_ids))}}).to_list()
    return {pool.id: pool for pool in pools}


async def get_accessible(*, pool_id: PydanticObjectId, user: User) -> Pool:
    """A pool the user has access to; 404 for a pool they may not see."""
    pool = await get(pool_id=pool_id)
    ensure_access(user=user, pool=pool)
    return pool


def ensure_access(*, user: User, pool: Pool) -> None:
    """404 unless the user has pool access (existence is not leaked)."""
    if not has_access(user=user, pool=pool):
        raise PoolNotFound


def ensure_manage(*, user: User, pool: Pool) -> None:
    """404 without pool access, 403 with access but without manage rights."""
    ensure_access(user=user, pool=pool)
    if not can_manage(user=user, pool=pool):
        raise Forbidden("Only the pool's owner or an admin may do this.")


async def valid_owner(*, owner_id: PydanticObjectId) -> User:
    """An owner to give a pool (or bill): 404 if missing or deleted, 400 `user_not_owner`."""
    owner = await users_service.get(user_id=owner_id)
    if owner.status is UserStatus.DELETED:
        raise UserNotFound
    if owner.role is not Role.OWNER:
        raise UserNotOwner
    return owner


async def create(*, data: PoolCreate, actor: User) -> Pool:
    """Register a pool: owners for themselves, admins for a named owner."""
    if actor.role is Role.TECHNICIAN:
        raise Forbidden("Technicians cannot create pools.")
    if actor.role is Role.OWNER:
        if data.owner_id is not None and data.owner_id != actor.id:
            raise Forbidden("Owners can only create pools for themselves.")
        owner_id = actor.id
    else:
        if data.owner_id is None:
            raise InvalidInput(loc=["body", "ownerId"], msg="Admins must name the pool's owner.")
        owner_id = (await valid_owner(owner_id=data.owner_id)).id
    pool = Pool(**data.model_dump(exclude={"owner_id"}), owner_id=owner_id)
    await pool.insert()
    await audit_service.record(
        actor=actor,
        action="pool.create",
        resource_type="pool",
        resource_id=pool.id,
        pool_id=pool.id,
        changes=data.model_fields_set,
    )
    return pool


def list_(
    *,
    viewer: User,
    owner_id: PydanticObjectId | None = None,
    technician_id: PydanticObjectId | None = None,
    q: str | None = None,
) -> FindMany[Pool]:
    """Pools the viewer may see, filtered, newest first."""
    conditions: list[dict[str, object]] = [visible_filter(user=viewer)]
    if owner_id is not None:
        conditions.append({"owner_id": owner_id})
    if technician_id is not None:
        conditions.append({"technician_ids": technician_id})
    if q:
        pattern = {"$regex": re.escape(q.strip()), "$options": "i"}
        conditions.append({"$or": [{"name": pattern}, {"address": pattern}]})
    return Pool.find(all_of(*conditions)).sort(newest_first("created_at"))


async def update(*, pool: Pool, data: PoolUpdate, actor: User, settings: Settings) -> Pool:
    """Apply a partial update; moving a pool to another owner is admin-only."""
    changes = data.changes()
    new_owner_id = changes.get("owner_id")
    if new_owner_id is not None and new_owner_id != pool.owner_id:
        if actor.role is not Role.ADMIN:
            raise Forbidden("Only an admin may change a pool's owner.")
        await valid_owner(owner_id=new_owner_id)
    if not changes:
        return pool
    new_timezone = changes.get("timezone", pool.timezone) != pool.timezone
    changes["updated_at"] = utcnow()
    await pool.set(changes)
    if new_timezone:
        from app.plans import service as plans_service  # plans build on pools

        await plans_service.regenerate_for_pool(
            pool=pool, horizon_days=settings.schedule_horizon_days
        )
    if new_owner_id is not None:
        from app.invites import service as invites_service

        await invites_service.follow_pool_owner(pool_id=pool.id, owner_id=new_owner_id)
    await audit_service.record(
        actor=actor,
        action="pool.update",
        resource_type="pool",
        resource_id=pool.id,
        pool_id=pool.id,
        changes=data.model_fields_set,
    )
    return pool


async def remove_technician(*, pool: Pool, technician_id: PydanticObjectId, actor: User) -> Pool:
    """Unassign a technician (by the pool's managers, or the technician leaving)."""
    if not can_manage(user=actor, pool=pool) and actor.id != technician_id:
        raise Forbidden("Only the pool's owner, an admin or the technician may do this.")
    technician = await users_service.get(user_id=technician_id)
    if technician.role is not Role.TECHNICIAN:
        raise UserNotTechnician
    result = await Pool.get_motor_collection().update_one(
        {"_id": pool.id, "technician_ids": technician_id},
        {"$pull": {"technician_ids": technician_id}, "$set": {"updated_at": utcnow()}},
    )
    if result.modified_count == 0:
        raise TechnicianNotAssigned
    from app.plans import service as plans_service  # plans build on pools

    await plans_service.deactivate_for_technician(technician_id=technician_id, pool_id=pool.id)
    await audit_service.record(
        actor=actor,
        action="pool.technician_remove",
        resource_type="pool",
        resource_id=pool.id,
        pool_id=pool.id,
        changes=["technicianIds"],
    )
    return await get(pool_id=pool.id)


async def assign_technician(*, pool_id: PydanticObjectId, technician_id: PydanticObjectId) -> None:
    """Add a technician to a pool atomically (idempotent)."""
    result = await Pool.get_motor_collection().update_one(
        {"_id": pool_id},
        {"$addToSet": {"technician_ids": technician_id}, "$set": {"updated_at": utcnow()}},
    )
    if result.matched_count == 0:
        raise PoolNotFound


async def list_owned_by(*, owner_id: PydanticObjectId, viewer: User) -> FindMany[Pool]:
    """Pools of one owner, for an admin or that owner."""
    if viewer.role is not Role.ADMIN and viewer.id != owner_id:
        raise Forbidden("Only an admin or that owner may list these pools.")
    await users_service.get(user_id=owner_id)
    return Pool.find({"owner_id": owner_id}).sort(newest_first("created_at"))


async def list_assigned_to(*, technician_id: PydanticObjectId, viewer: User) -> FindMany[Pool]:
    """Pools a technician is assigned to, for an admin or that technician."""
    if viewer.role is not Role.ADMIN and viewer.id != technician_id:
        raise Forbidden("Only an admin or that technician may list these pools.")
    technician = await users_service.get(user_id=technician_id)
    if technician.role is not Role.TECHNICIAN:
        raise UserNotTechnician
    return Pool.find({"technician_ids": technician_id}).sort(newest_first("created_at"))


async def share_a_pool(*, first: User, second: User) -> bool:
    """Whether one user owns a pool the other is assigned to."""
    query = {
        "$or": [
            {"owner_id": first.id, "technician_ids": second.id},
            {"owner_id": second.id, "technician_ids": first.id},
        ]
    }
    return await Pool.find_one(query) is not None


async def ensure_user_deletable(*, user: User) -> None:
    """An owner who still owns pools cannot be deleted nor change role."""
    if user.role is Role.OWNER and await Pool.find_one({"owner_id": user.id}) is not None:
        raise OwnerHasPools


async def detach_technician(*, technician_id: PydanticObjectId) -> None:
    """A technician deleted or given another role leaves every pool; pending invites are cancelled.

    The one place both paths go through, so they cannot drift apart.
    """
    await Pool.get_motor_collection().update_many(
        {"technician_ids": technician_id},
        {"$pull": {"technician_ids": technician_id}, "$set": {"updated_at": utcnow()}},
    )
    from app.invites import service as invites_service
    from app.plans import service as plans_service

    await invites_service.cancel_pending_for_technician(technician_id=technician_id)
    await plans_service.deactivate_for_technician(technician_id=technician_id)
