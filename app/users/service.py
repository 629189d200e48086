"""The rules of the users domain: creation, visibility, profile changes, passwords, deletion."""

import re
from collections.abc import Iterable

from beanie import PydanticObjectId
from beanie.exceptions import RevisionIdWasChanged
from beanie.odm.queries.find import FindMany
from pymongo.errors import DuplicateKeyError

from app.audit import service as audit_service
from app.auth import rate_limit, sessions
from app.core.config import Settings
from app.core.errors import Forbidden
from app.core.queries import newest_first
from app.core.security import hash_password, verify_password
from app.core.storage import BlobStorage
from app.users.exceptions import (
    CurrentPasswordIncorrect,
    EmailTaken,
    PasswordUnchanged,
    UserNotFound,
)
from app.users.models import Role, User, UserStatus, utcnow
from app.users.schemas import UserCreate, UserUpdate

ADMIN_ONLY_FIELDS = frozenset({"role", "status"})


async def get(*, user_id: PydanticObjectId) -> User:
    """A user by id (any status), or 404."""
    user = await User.get(user_id)
    if user is None:
        raise UserNotFound
    return user


async def get_many(*, user_ids: Iterable[PydanticObjectId]) -> dict[PydanticObjectId, User]:
    """The users with these ids that exist (any status), by id, in one query."""
    users = await User.find({"_id": {"$in": list(set(user_ids))}}).to_list()
    return {user.id: user for user in users}


async def get_by_email(*, email: str) -> User | None:
    """A user by (lowercased) email."""
    return await User.find_one({"email": email.strip().lower()})


async def create(*, data: UserCreate, settings: Settings, actor: User | None) -> User:
    """Create a user; the unique email index decides between concurrent creations."""
    user = User(
        name=data.name,
        last_name=data.last_name,
        email=data.email,
        password_hash=await hash_password(data.password, rounds=settings.bcrypt_rounds),
        role=data.role,
        status=data.status,
        phone=data.phone,
    )
    try:
        await user.insert()
    except DuplicateKeyError as exc:
        raise EmailTaken from exc
    await audit_service.record(
        actor=actor or user,
        action="user.register" if actor is None else "user.create",
        resource_type="user",
        resource_id=user.id,
        changes=data.model_fields_set,
    )
    await _attach_invites(user)
    return user


async def _attach_invites(user: User) -> None:
    """Invites sent to the address before it had a technician account become the user's."""
    if user.role is not Role.TECHNICIAN:
        return
    from app.invites import service as invites_service  # invites build on users

    await invites_service.attach_to_technician(technician=user)


async def can_see(*, viewer: User, target: User) -> bool:
    """Admins see everyone; others see themselves and the people they share a pool with."""
    if viewer.role is Role.ADMIN or viewer.id == target.id:
        return True
    if target.status is UserStatus.DELETED:
        return False
    from app.pools import service as pools_service  # pools build on users: import at call time

    return await pools_service.share_a_pool(first=viewer, second=target)


async def get_visible(*, user_id: PydanticObjectId, viewer: User) -> User:
    """A user the viewer may see, else 404 (existence is not leaked)."""
    user = await User.get(user_id)
    if user is None or not await can_see(viewer=viewer, target=user):
        raise UserNotFound
    return user


async def get_editable(*, user_id: PydanticObjectId, viewer: User) -> User:
    """A user the viewer may change (admin or self): 404 if invisible, 403 if only visible."""
    user = await get_visible(user_id=user_id, viewer=viewer)
    if viewer.role is not Role.ADMIN and viewer.id != user.id:
        raise Forbidden("Only an admin or the user themselves may change this user.")
    return user


def list_(
    *, role: Role | None = None, status: UserStatus | None = None, q: str | None = None
) -> FindMany[User]:
    """Users matching the filters, newest first; deleted users only when asked for."""
    query: dict[str, object] = {}
    if role is not None:
        query["role"] = role
    query["status"] = status if status is not None else {"$ne": UserStatus.DELETED}
    if q:
        pattern = {"$regex": re.escape(q.strip()), "$options": "i"}
        query["$or"] = [{"name": pattern}, {"last_name": pattern}, {"email": pattern}]
    return User.find(query).sort(newest_first("created_at"))


async def update(*, user: User, data: UserUpdate, actor: User) -> User:
    """Apply a partial update; role and status are admin-only; a role change leaves roles' ties."""
    from app.pools import service as pools_service  # pools build on users: import at call time

    changes = data.changes()
    if actor.role is not Role.ADMIN and ADMIN_ONLY_FIELDS & changes.keys():
        raise Forbidden("Only an admin may change a user's role or status.")
    if not changes:
        return user
    previous_role = user.role
    role_changes = changes.get("role") not in (None, previous_role)
    if role_changes and previous_role is Role.OWNER:
        await pools_service.ensure_user_deletable(user=user)
        from app.billing import service as billing_service  # billing builds on users

        await billing_service.ensure_role_changeable(user=user, new_role=changes["role"])
    if changes.get("status") is not None and changes["status"] is not UserStatus.ACTIVE:
        await sessions.revoke_all(user_id=user.id)
    if changes.get("status") is UserStatus.ACTIVE:
        changes["deleted_at"] = None
    changes["updated_at"] = utcnow()
    try:
        await user.set(changes)
    # Beanie reports a duplicate key on save as a revision conflict; users carry no revisions.
    except (DuplicateKeyError, RevisionIdWasChanged) as exc:
        raise EmailTaken from exc
    if role_changes and previous_role is Role.TECHNICIAN:
        await pools_service.detach_technician(technician_id=user.id)
    await audit_service.record(
        actor=actor,
        action="user.update",
        resource_type="user",
        resource_id=user.id,
        changes=changes,
    )
    if "email" in changes:
        await _attach_invites(user)
    return user


async def change_password(
    *,
    user: User,
    current_password: str,
    new_password: str,
    session_id: PydanticObjectId,
    settings: Settings,
) -> None:
    """Replace the caller's password and end every other session of theirs.

    A wrong current password counts as a failed login for the user's email (429 at the limit).
    """
    reservation = await rate_limit.reserve_password_check(email=user.email, settings=settings)
    if not await verify_password(
        current_password, user.password_hash, rounds=settings.bcrypt_rounds
    ):
        raise CurrentPasswordIncorrect  # the reserved place stays: a counted failure
    await rate_limit.release(reservation)
    if new_password == current_password:
        raise PasswordUnchanged
    new_hash = await hash_password(new_password, rounds=settings.bcrypt_rounds)
    await user.set({"password_hash": new_hash, "updated_at": utcnow()})
    await sessions.revoke_all(user_id=user.id, except_session_id=session_id)
    await audit_service.record(
        actor=user, action="user.change_password", resource_type="user", resource_id=user.id
    )


async def delete(*, user: User, actor: User, storage: BlobStorage) -> User:
    """Soft-delete a user, end their sessions, detach them from pools, drop their profile photo."""
    from app.photos import service as photos_service  # photos build on users: import at call time
    from app.photos.models import PhotoContext
    from app.pools import service as pools_service  # pools build on users: import at call time
    from app.webhooks import service as webhooks_service  # webhooks build on users, too

    if user.status is UserStatus.DELETED:
        return user
    await pools_service.ensure_user_deletable(user=user)
    now = utcnow()
    await user.set({"status": UserStatus.DELETED, "deleted_at": now, "updated_at": now})
    await sessions.revoke_all(user_id=user.id)
    if user.role is Role.TECHNICIAN:
        await pools_service.detach_technician(technician_id=user.id)
    await webhooks_service.delete_owned_by(owner_id=user.id)
    await photos_service.delete_photos(
        storage=storage, context=PhotoContext.USER_PROFILE, context_ids=[user.id]
    )
    await audit_service.record(
        actor=actor,
        action="user.delete",
        resource_type="user",
        resource_id=user.id,
        changes=["status", "deleted_at"],
    )
    return user


async def ensure_bootstrap_admin(*, settings: Settings) -> User | None:
    """Create the configured bootstrap admin when no admin exists yet."""
    if not (settings.bootstrap_admin_email and settings.bootstrap_admin_password):
        return None
    if await User.find_one({"role": Role.ADMIN}) is not None:
        return None
    data = UserCreate(
        name="Admin",
        last_name="Poolia",
        email=settings.bootstrap_admin_email,
        password=settings.bootstrap_admin_password,
        role=Role.ADMIN,
    )
    try:
        return await create(data=data, settings=settings, actor=None)
    except EmailTaken:
        return None
