"""The rules of invites: who may invite whom, one pending invite per pool and technician,
and race-free accept/decline/cancel transitions decided by conditional updates."""

from datetime import datetime

from beanie import PydanticObjectId
from beanie.odm.queries.find import FindMany
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from app.audit import service as audit_service
from app.core.errors import Forbidden
from app.core.queries import all_of, newest_first
from app.invites.exceptions import InviteAlreadyPending, InviteNotFound, InviteNotPending
from app.invites.models import Invite, InviteStatus, pending_email_key, pending_key
from app.invites.schemas import InviteCreate, InviteUpdate, PoolInviteCreate
from app.notifications import emit
from app.pools import service as pools_service
from app.pools.exceptions import PoolNotFound, TechnicianAlreadyAssigned
from app.pools.models import Pool
from app.users import service as users_service
from app.users.exceptions import UserNotFound, UserNotTechnician
from app.users.models import Role, User, UserStatus, utcnow

NEWEST_FIRST = newest_first("created_at")


def _ensure_invitable(*, pool: Pool, technician: User) -> None:
    if technician.status is UserStatus.DELETED:
        raise UserNotFound
    if technician.role is not Role.TECHNICIAN:
        raise UserNotTechnician
    if technician.id in pool.technician_ids:
        raise TechnicianAlreadyAssigned


async def _insert(
    *,
    pool: Pool,
    technician: User | None,
    email: str,
    message: str | None,
    actor: User,
) -> Invite:
    """Store a pending invite (to a technician, or to an address with no account yet)."""
    if technician is not None:
        _ensure_invitable(pool=pool, technician=technician)
        key = pending_key(pool.id, technician.id)
    else:
        key = pending_email_key(pool.id, email)
    now = utcnow()
    # A lapsed invite still holds the key; settle it as expired so a new invite can take it.
    await Invite.get_motor_collection().update_many(
        {"pending_key": key, "expires_at": {"$lte": now}},
        {"$set": {"status": InviteStatus.EXPIRED.value}, "$unset": {"pending_key": ""}},
    )
    invite = Invite(
        pool_id=pool.id,
        owner_id=pool.owner_id,
        technician_id=technician.id if technician else None,
        technician_email=email,
        message=message,
        pending_key=key,
    )
    try:
        await invite.insert()
    except DuplicateKeyError as exc:
        raise InviteAlreadyPending from exc
    await audit_service.record(
        actor=actor,
        action="invite.create",
        resource_type="invite",
        resource_id=invite.id,
        pool_id=pool.id,
        changes=["technicianId", "message"],
    )
    await emit.invite_created(invite=invite, pool=pool, actor=actor, technician=technician)
    return invite


async def create_for_pool(
    *, pool: Pool, data: PoolInviteCreate, owner_id: PydanticObjectId | None, actor: User
) -> Invite:
    """Invite by email to a pool the caller manages; an address with no account is invited too.

    The answer is the same 201 whether or not the address has an account, so the route tells
    nobody which emails are registered; `technicianId` stays null until one registers.
    """
    if owner_id is not None and owner_id != pool.owner_id:
        raise Forbidden("`ownerId` does not match the pool's owner.")
    technician = await users_service.get_by_email(email=data.technician_email)
    if technician is not None and (
        technician.status is UserStatus.DELETED or technician.role is not Role.TECHNICIAN
    ):
        raise UserNotTechnician
    return await _insert(
        pool=pool,
        technician=technician,
        email=technician.email if technician else data.technician_email.strip().lower(),
        message=data.message,
        actor=actor,
    )


async def create(*, data: InviteCreate, actor: User) -> Invite:
    """Invite a technician by id to any pool (admin)."""
    pool = await pools_service.get(pool_id=data.pool_id)
    technician = await users_service.get(user_id=data.technician_id)
    return await _insert(
        pool=pool,
        technician=technician,
        email=technician.email,
        message=data.message,
        actor=actor,
    )


async def attach_to_technician(*, technician: User) -> int:
    """A technician account now has the address: its live pending invites become theirs."""
    if technician.role is not Role.TECHNICIAN or technician.status is UserStatus.DELETED:
        return 0
    collection = Invite.get_motor_collection()
    waiting = await collection.find(
        {
            "technician_email": technician.email,
            "status": InviteStatus.PENDING.value,
            "technician_id": None,
            "expires_at": {"$gt": utcnow()},
        },
        {"pool_id": 1},
    ).to_list(length=None)
    attached = 0
    for raw in waiting:
        condition = {"_id": raw["_id"], "technician_id": None, "status": InviteStatus.PENDING.value}
        try:
            result = await collection.update_one(
                condition,
                {
                    "$set": {
                        "technician_id": technician.id,
                        "pending_key": pending_key(raw["pool_id"], technician.id),
                    }
                },
            )
        except DuplicateKeyError:
            # They already hold a pending invite to that pool: this one is redundant.
            await collection.update_one(
                condition,
                {"$set": {"status": InviteStatus.CANCELLED.value}, "$unset": {"pending_key": ""}},
            )
            continue
        attached += result.modified_count
    return attached


def _status_filter(status: InviteStatus, now: datetime) -> dict[str, object]:
    if status is InviteStatus.PENDING:
        return {"status": InviteStatus.PENDING, "expires_at": {"$gt": now}}
    if status is InviteStatus.EXPIRED:
        return {
            "$or": [
                {"status": InviteStatus.EXPIRED},
                {"status": InviteStatus.PENDING, "expires_at": {"$lte": now}},
            ]
        }
    return {"status": status}


def _visible_filter(viewer: User) -> dict[str, object]:
    if viewer.role is Role.ADMIN:
        return {}
    if viewer.role is Role.OWNER:
        return {"owner_id": viewer.id}
    return {"technician_id": viewer.id}


def list_(
    *,
    viewer: User,
    now: datetime,
    status: InviteStatus | None = None,
    pool_id: PydanticObjectId | None = None,
) -> FindMany[Invite]:
    """Invites the viewer may see (admin all, owner their pools', technician their own)."""
    query = all_of(
        _visible_filter(viewer),
        _status_filter(status, now) if status is not None else {},
        {"pool_id": pool_id} if pool_id is not None else {},
    )
    return Invite.find(query).sort(NEWEST_FIRST)


async def list_for_technician(
    *,
    technician_id: PydanticObjectId,
    viewer: User,
    now: datetime,
    status: InviteStatus | None = None,
) -> FindMany[Invite]:
    """A technician's invites, for an admin or that technician."""
    if viewer.role is not Role.ADMIN and viewer.id != technician_id:
        raise Forbidden("Only an admin or that technician may list these invites.")
    technician = await users_service.get(user_id=technician_id)
    if technician.role is not Role.TECHNICIAN:
        raise UserNotTechnician
    query: dict[str, object] = {"technician_id": technician_id}
    if status is not None:
        query = all_of(query, _status_filter(status, now))
    return Invite.find(query).sort(NEWEST_FIRST)


async def get_visible(*, invite_id: PydanticObjectId, viewer: User) -> Invite:
    """An invite the viewer may see (admin, the pool's owner, the invited technician), else 404."""
    invite = await Invite.get(invite_id)
    involved = invite is not None and viewer.id in (invite.owner_id, invite.technician_id)
    if invite is None or not (involved or viewer.role is Role.ADMIN):
        raise InviteNotFound
    return invite


def ensure_manage(*, invite: Invite, viewer: User) -> None:
    """Only an admin or the pool's owner may change or delete an invite."""
    if viewer.role is not Role.ADMIN and viewer.id != invite.owner_id:
        raise Forbidden("Only the pool's owner or an admin may change this invite.")


def ensure_answerable(*, invite: Invite, viewer: User) -> None:
    """Only the invited technician or an admin may accept or decline."""
    if viewer.role is not Role.ADMIN and viewer.id != invite.technician_id:
        raise Forbidden("Only the invited technician or an admin may answer this invite.")


async def _leave_pending(
    *, invite: Invite, status: InviteStatus, now: datetime, responded: bool, **fields: object
) -> Invite:
    """Move a live pending invite to `status` in one conditional update; 409 if it is not."""
    updates: dict[str, object] = {"status": status.value, **fields}
    if responded:
        updates["responded_at"] = now
    raw = await Invite.get_motor_collection().find_one_and_update(
        {"_id": invite.id, "status": InviteStatus.PENDING.value, "expires_at": {"$gt": now}},
        {"$set": updates, "$unset": {"pending_key": ""}},
        return_document=ReturnDocument.AFTER,
    )
    if raw is None:
        raise InviteNotPending
    return Invite.model_validate(raw)


async def update(*, invite: Invite, data: InviteUpdate, actor: User) -> Invite:
    """Change the message, or cancel a pending invite."""
    changes = data.changes()
    if not changes:
        return invite
    if changes.get("status") is InviteStatus.CANCELLED:
        extra = {"message": changes["message"]} if "message" in changes else {}
        updated = await _leave_pending(
            invite=invite, status=InviteStatus.CANCELLED, now=utcnow(), responded=False, **extra
        )
        action = "invite.cancel"
    else:
        await invite.set({"message": changes.get("message")})
        updated, action = invite, "invite.update"
    await audit_service.record(
        actor=actor,
        action=action,
        resource_type="invite",
        resource_id=invite.id,
        pool_id=invite.pool_id,
        changes=changes,
    )
    return updated


async def delete(*, invite: Invite, actor: User) -> None:
    """Remove an invite."""
    await invite.delete()
    await audit_service.record(
        actor=actor,
        action="invite.delete",
        resource_type="invite",
        resource_id=invite.id,
        pool_id=invite.pool_id,
    )


async def accept(*, invite: Invite, actor: User) -> Invite:
    """Accept: exactly one of concurrent accepts wins; the technician joins the pool once."""
    now = utcnow()
    if invite.effective_status(now) is not InviteStatus.PENDING:
        raise InviteNotPending
    if invite.technician_id is None:
        raise InviteNotPending("The invited address has no technician account yet.")
    pool = await Pool.get(invite.pool_id)
    if pool is None:
        raise PoolNotFound
    if invite.technician_id in pool.technician_ids:
        raise TechnicianAlreadyAssigned
    accepted = await _leave_pending(
        invite=invite, status=InviteStatus.ACCEPTED, now=now, responded=True
    )
    await pools_service.assign_technician(pool_id=pool.id, technician_id=invite.technician_id)
    await audit_service.record(
        actor=actor,
        action="invite.accept",
        resource_type="invite",
        resource_id=invite.id,
        pool_id=invite.pool_id,
        changes=["status", "respondedAt"],
    )
    await emit.invite_accepted(invite=accepted, pool=pool, actor=actor)
    return accepted


async def decline(*, invite: Invite, actor: User) -> Invite:
    """Decline a pending invite."""
    declined = await _leave_pending(
        invite=invite, status=InviteStatus.DECLINED, now=utcnow(), responded=True
    )
    await audit_service.record(
        actor=actor,
        action="invite.decline",
        resource_type="invite",
        resource_id=invite.id,
        pool_id=invite.pool_id,
        changes=["status", "respondedAt"],
    )
    pool = await Pool.get(invite.pool_id)
    if pool is not None:
        await emit.invite_declined(invite=declined, pool=pool, actor=actor)
    return declined


async def follow_pool_owner(*, pool_id: PydanticObjectId, owner_id: PydanticObjectId) -> None:
    """A pool moved to another owner: its invites follow."""
    await Invite.get_motor_collection().update_many(
        {"pool_id": pool_id}, {"$set": {"owner_id": owner_id}}
    )


async def delete_for_pool(*, pool_id: PydanticObjectId) -> int:
    """Cascade step: a deleted pool's invites go with it; how many."""
    result = await Invite.get_motor_collection().delete_many({"pool_id": pool_id})
    return result.deleted_count


async def cancel_pending_for_technician(*, technician_id: PydanticObjectId) -> None:
    """A deleted technician's live pending invites become cancelled."""
    await Invite.get_motor_collection().update_many(
        {
            "technician_id": technician_id,
            "status": InviteStatus.PENDING.value,
            "expires_at": {"$gt": utcnow()},
        },
        {"$set": {"status": InviteStatus.CANCELLED.value}, "$unset": {"pending_key": ""}},
    )
