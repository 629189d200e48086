"""Async factories: users, their bearer headers, pools and invites, without going through HTTP."""

import itertools
from collections.abc import Iterable
from datetime import timedelta
from io import BytesIO

from beanie import PydanticObjectId
from fastapi import UploadFile
from PIL import Image

from app.auth import sessions
from app.core import security
from app.core.config import Settings
from app.core.storage import BlobStorage
from app.invites.models import Invite, InviteStatus, pending_key
from app.messaging.models import Message, MessageType
from app.photos import service as photos_service
from app.photos.models import Photo, PhotoContext
from app.pools.models import Pool
from app.users.models import Role, User, UserStatus
from app.visits.models import Visit
from app.webhooks.models import Webhook
from app.webhooks.service import new_secret

DEFAULT_PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


async def make_user(
    settings: Settings,
    *,
    role: Role = Role.OWNER,
    status: UserStatus = UserStatus.ACTIVE,
    email: str | None = None,
    password: str | None = DEFAULT_PASSWORD,
    name: str | None = None,
) -> User:
    """Insert a user straight into the store."""
    number = next(_sequence)
    user = User(
        name=name or f"{role.value.title()}{number}",
        last_name="Tester",
        email=email or f"{role.value}{number}@example.com",
        password_hash=(
            await security.hash_password(password, rounds=settings.bcrypt_rounds)
            if password
            else None
        ),
        role=role,
        status=status,
    )
    await user.insert()
    return user


async def token_for(settings: Settings, user: User) -> str:
    """An access token for a fresh session of the user."""
    session, _ = await sessions.start(user_id=user.id, ttl=timedelta(days=1))
    return security.create_access_token(
        user_id=str(user.id),
        role=user.role.value,
        session_id=str(session.id),
        secret=settings.secret_key,
        algorithm=settings.jwt_algorithm,
        ttl=timedelta(minutes=settings.access_token_ttl_minutes),
    )


async def auth_headers(settings: Settings, user: User) -> dict[str, str]:
    """`Authorization` header for the user."""
    return {"Authorization": f"Bearer {await token_for(settings, user)}"}


async def make_pool(owner: User, *, technicians: Iterable[User] = (), **fields: object) -> Pool:
    """Insert a pool owned by `owner`, with `technicians` assigned."""
    number = next(_sequence)
    values: dict[str, object] = {
        "name": f"Pool {number}",
        "address": f"{number} Harbour Road",
        "volume_liters": 50_000.0,
    }
    values.update(fields)
    pool = Pool(
        owner_id=owner.id,
        technician_ids=[technician.id for technician in technicians],
        **values,
    )
    await pool.insert()
    return pool


async def make_invite(pool: Pool, technician: User, **fields: object) -> Invite:
    """Insert an invite of `technician` to `pool` (pending unless `status` says otherwise)."""
    invite = Invite(
        pool_id=pool.id,
        owner_id=pool.owner_id,
        technician_id=technician.id,
        technician_email=technician.email,
        **fields,
    )
    if invite.status is InviteStatus.PENDING:
        invite.pending_key = pending_key(pool.id, technician.id)
    await invite.insert()
    return invite


async def make_webhook(
    owner: User,
    *,
    url: str = "http://127.0.0.1:9/poolia",
    events: Iterable[str] = ("alert.raised",),
    **fields: object,
) -> Webhook:
    """Insert a webhook of `owner` straight into the store (no URL check)."""
    webhook = Webhook(
        url=url, events=list(events), owner_id=owner.id, secret=new_secret(), **fields
    )
    await webhook.insert()
    return webhook


def make_image(
    image_format: str = "PNG",
    *,
    size: tuple[int, int] = (64, 48),
    color: tuple[int, int, int] = (20, 120, 200),
    **save_options: object,
) -> bytes:
    """The bytes of a small solid-colour image in a Pillow format (PNG, JPEG, GIF, WEBP)."""
    output = BytesIO()
    Image.new("RGB", size, color).save(output, image_format, **save_options)
    return output.getvalue()


async def make_photo(
    *,
    storage: BlobStorage,
    settings: Settings,
    uploader: User,
    context: PhotoContext,
    context_id: PydanticObjectId,
    pool_id: PydanticObjectId | None = None,
    data: bytes | None = None,
    file_name: str = "photo.png",
) -> Photo:
    """Store a photo through the photos service, as an upload route would.

    A visit or message id that names nothing yet gets a bare visit or message of the pool, since
    an upload whose parent does not exist is refused.
    """
    await _stand_up_parent(context=context, context_id=context_id, pool_id=pool_id, user=uploader)
    upload = UploadFile(file=BytesIO(data or make_image()), filename=file_name)
    return await photos_service.store_photo(
        context=context,
        context_id=context_id,
        pool_id=pool_id,
        upload=upload,
        uploader=uploader,
        storage=storage,
        settings=settings,
    )


# Which resource of a test world fills each path parameter of the API: the access table and the
# fuzzing test both build a world with these names.
PATH_PARAMS: dict[str, str] = {
    "poolId": "pool",
    "userId": "assigned_technician",
    "technicianId": "assigned_technician",
    "inviteId": "invite",
    "visitId": "visit",
    "poolValuesId": "pool_values",
    "alertId": "alert",
    "threadId": "thread",
    "messageId": "message",
    "photoId": "photo",
    "auditEventId": "audit_event",
    "invoiceId": "invoice",
    "paymentId": "payment",
    "ownerId": "pool_owner",
    "webhookId": "webhook",
    "planId": "service_plan",
    "notificationId": "notification",
}


async def _stand_up_parent(
    *,
    context: PhotoContext,
    context_id: PydanticObjectId,
    pool_id: PydanticObjectId | None,
    user: User,
) -> None:
    if context is PhotoContext.VISIT and await Visit.get(context_id) is None:
        visit = Visit(id=context_id, pool_id=pool_id, technician_id=user.id)
        visit.refresh_occurs_at()
        await visit.insert()
    if context is PhotoContext.MESSAGE and await Message.get(context_id) is None:
        await Message(
            id=context_id,
            thread_id=PydanticObjectId(),
            pool_id=pool_id,
            author_id=user.id,
            type=MessageType.COMMENT,
            body="A message for photos.",
        ).insert()
