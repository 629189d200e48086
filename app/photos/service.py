"""The rules of the photos domain: storing an upload, who may see or delete a photo, read URLs.

Visit and message photos go through the same functions: `store_photo` with their context,
`photos_for` to list them, `delete_photos` when the visit or message goes away.
"""

import logging
from collections.abc import AsyncGenerator, AsyncIterator, Iterable
from datetime import timedelta

from beanie import PydanticObjectId
from beanie.odm.enums import SortDirection
from beanie.operators import In
from fastapi import UploadFile

from app.audit import service as audit_service
from app.core.config import Settings
from app.core.errors import Forbidden, NotFound
from app.core.storage import BlobNotFound, BlobStorage, ReadUrl
from app.messaging.exceptions import MessageNotFound
from app.messaging.models import Message
from app.photos import links
from app.photos.exceptions import PhotoLimitReached, PhotoNotFound
from app.photos.models import CONTEXT_ID_FIELD, Photo, PhotoContext
from app.photos.schemas import PhotoOut
from app.photos.upload import clean_image, read_upload, sanitize_file_name
from app.pools import service as pools_service
from app.pools.exceptions import PoolNotFound
from app.pools.models import Pool
from app.users import service as users_service
from app.users.exceptions import UserNotFound
from app.users.models import Role, User, UserStatus
from app.visits.exceptions import VisitNotFound
from app.visits.models import Visit

logger = logging.getLogger(__name__)

MAX_LISTED = 100
MAX_PER_MESSAGE = 10
POOL_CONTEXTS = frozenset({PhotoContext.POOL, PhotoContext.VISIT, PhotoContext.MESSAGE})


def blob_name_for(*, context: PhotoContext, context_id: PydanticObjectId, photo: Photo) -> str:
    """`{context}/{contextId}/{photoId}.{ext}`: generated here, never from client input."""
    extension = photo.content_type.removeprefix("image/").replace("jpeg", "jpg")
    return f"{context.value}/{context_id}/{photo.id}.{extension}"


async def store_photo(
    *,
    context: PhotoContext,
    context_id: PydanticObjectId,
    pool_id: PydanticObjectId | None,
    upload: UploadFile,
    uploader: User,
    storage: BlobStorage,
    settings: Settings,
    replace_existing: bool = False,
    limit: int | None = None,
) -> Photo:
    """Check and clean an upload, write the blob, then the metadata (the blob is removed if the
    metadata write fails); with `replace_existing`, older photos of the context then go.

    With `limit`, the context holds at most that many photos (409 `photo_limit_reached`).
    """
    field = CONTEXT_ID_FIELD[context]
    same_context = {"context": context, field: context_id}
    if limit is not None and await Photo.find(same_context).count() >= limit:
        raise PhotoLimitReached
    image = await clean_image(await read_upload(upload, max_bytes=settings.max_upload_bytes))
    ids = {"pool_id": pool_id, CONTEXT_ID_FIELD[context]: context_id}
    photo = Photo(
        id=PydanticObjectId(),
        context=context,
        **ids,
        uploaded_by=uploader.id,
        file_name=sanitize_file_name(upload.filename),
        content_type=image.image_format.content_type,
        size_bytes=len(image.data),
        width=image.width,
        height=image.height,
        blob_name="",
    )
    photo.blob_name = blob_name_for(context=context, context_id=context_id, photo=photo)
    await storage.put(photo.blob_name, image.data, content_type=photo.content_type)
    try:
        await photo.insert()
    except BaseException:
        await _delete_blob(storage=storage, blob_name=photo.blob_name)
        raise
    # Checked once the metadata is in, so a deletion of the parent or a concurrent upload that
    # ran meanwhile is seen: either this upload is undone, or the other side sees this photo.
    refusal: Exception | None = None
    if not await parent_exists(context=context, context_id=context_id):
        refusal = _PARENT_NOT_FOUND[context]()
    elif limit is not None and await Photo.find(same_context).count() > limit:
        refusal = PhotoLimitReached()
    if refusal is not None:
        await _delete_all(photos=[photo], storage=storage)
        raise refusal
    await audit_service.record(
        actor=uploader,
        action="photo.create",
        resource_type="photo",
        resource_id=photo.id,
        pool_id=photo.pool_id,
    )
    if replace_existing:
        await _delete_older(photo=photo, storage=storage, actor=uploader)
    return photo


_PARENT_NOT_FOUND: dict[PhotoContext, type[NotFound]] = {
    PhotoContext.USER_PROFILE: UserNotFound,
    PhotoContext.POOL: PoolNotFound,
    PhotoContext.VISIT: VisitNotFound,
    PhotoContext.MESSAGE: MessageNotFound,
}


async def parent_exists(*, context: PhotoContext, context_id: PydanticObjectId) -> bool:
    """Whether the user (not deleted), pool, visit or message a photo belongs to still exists."""
    if context is PhotoContext.USER_PROFILE:
        user = await User.get(context_id)
        return user is not None and user.status is not UserStatus.DELETED
    document = {PhotoContext.POOL: Pool, PhotoContext.VISIT: Visit, PhotoContext.MESSAGE: Message}
    return await document[context].find_one({"_id": context_id}) is not None


async def _delete_older(*, photo: Photo, storage: BlobStorage, actor: User) -> None:
    """The photos this one replaces go, each with its `photo.delete` audit event."""
    # Only photos older than this one: of two racing replacements, the later one stays.
    field = CONTEXT_ID_FIELD[photo.context]
    older = await Photo.find(
        {"context": photo.context, field: photo.context_id, "_id": {"$lt": photo.id}}
    ).to_list()
    await _delete_all(photos=older, storage=storage)
    for replaced in older:
        await audit_service.record(
            actor=actor,
            action="photo.delete",
            resource_type="photo",
            resource_id=replaced.id,
            pool_id=replaced.pool_id,
            details={"replacedBy": str(photo.id)},
        )


async def _delete_all(*, photos: list[Photo], storage: BlobStorage) -> None:
    """Metadata first, then blobs: a blob left behind is swept later, never a dangling record."""
    if not photos:
        return
    await Photo.find(In(Photo.id, [photo.id for photo in photos])).delete()
    for photo in photos:
        await _delete_blob(storage=storage, blob_name=photo.blob_name)


async def _delete_blob(*, storage: BlobStorage, blob_name: str) -> None:
    try:
        await storage.delete(blob_name)
    except Exception:
        logger.warning(
            "blob delete failed; left for the orphan sweep",
            extra={"blobName": blob_name},
            exc_info=True,
        )


async def get(*, photo_id: PydanticObjectId) -> Photo:
    """A photo by id, or 404 `photo_not_found`."""
    photo = await Photo.get(photo_id)
    if photo is None:
        raise PhotoNotFound
    return photo


async def current_photo(*, context: PhotoContext, context_id: PydanticObjectId) -> Photo:
    """The newest photo of a single-photo context (profile, pool), or 404 `photo_not_found`."""
    field = CONTEXT_ID_FIELD[context]
    query = Photo.find({"context": context, field: context_id}).sort(
        [("_id", SortDirection.DESCENDING)]
    )
    photo = await query.first_or_none()
    if photo is None:
        raise PhotoNotFound
    return photo


async def photos_for(
    *,
    context: PhotoContext,
    context_ids: Iterable[PydanticObjectId],
    limit: int | None = MAX_LISTED,
) -> list[Photo]:
    """The photos of one or more visits or messages in one query, oldest first."""
    field = CONTEXT_ID_FIELD[context]
    query = Photo.find({"context": context, field: {"$in": list(context_ids)}}).sort(
        [("_id", SortDirection.ASCENDING)]
    )
    if limit is not None:
        query = query.limit(limit)
    return await query.to_list()


async def can_see(*, viewer: User, photo: Photo) -> bool:
    """Profile photos: whoever may see the user; pool, visit, message photos: pool access."""
    if photo.context is PhotoContext.USER_PROFILE:
        target = await User.get(photo.user_id)
        return target is not None and await users_service.can_see(viewer=viewer, target=target)
    pool = await Pool.get(photo.pool_id)
    return pool is not None and pools_service.has_access(user=viewer, pool=pool)


async def get_visible(*, photo_id: PydanticObjectId, viewer: User) -> Photo:
    """A photo the viewer may see, else 404 (existence is not leaked)."""
    photo = await Photo.get(photo_id)
    if photo is None or not await can_see(viewer=viewer, photo=photo):
        raise PhotoNotFound
    return photo


async def can_delete(*, actor: User, photo: Photo) -> bool:
    """Admin, the uploader, the pool's owner (pool, visit, message photos), the user (profile)."""
    if actor.role is Role.ADMIN or actor.id == photo.uploaded_by:
        return True
    if photo.context is PhotoContext.USER_PROFILE:
        return actor.id == photo.user_id
    pool = await Pool.get(photo.pool_id)
    return pool is not None and pool.owner_id == actor.id


async def delete(*, photo: Photo, actor: User, storage: BlobStorage) -> None:
    """Delete one photo the actor may see: 403 unless they may delete it."""
    if not await can_delete(actor=actor, photo=photo):
        raise Forbidden("Only an admin, the uploader or the photo's owner may delete this photo.")
    await _delete_all(photos=[photo], storage=storage)
    await audit_service.record(
        actor=actor,
        action="photo.delete",
        resource_type="photo",
        resource_id=photo.id,
        pool_id=photo.pool_id,
    )


async def delete_photos(
    *,
    storage: BlobStorage,
    pool_id: PydanticObjectId | None = None,
    context: PhotoContext | None = None,
    context_ids: Iterable[PydanticObjectId] | None = None,
) -> int:
    """Delete every photo of a pool (all contexts), or of some users, visits or messages."""
    query: dict[str, object] = {}
    if pool_id is not None:
        query["pool_id"] = pool_id
    if context is not None:
        if context_ids is None:
            raise ValueError("context_ids is required with context")
        query["context"] = context
        query[CONTEXT_ID_FIELD[context]] = {"$in": list(context_ids)}
    if not query:
        raise ValueError("delete_photos needs pool_id or context and context_ids")
    photos = await Photo.find(query).to_list()
    await _delete_all(photos=photos, storage=storage)
    return len(photos)


async def read_url(
    *, photo: Photo, storage: BlobStorage, settings: Settings, base_url: str
) -> ReadUrl:
    """A short-lived read URL: the backend's own (Azure SAS) or a signed content link."""
    ttl = timedelta(minutes=settings.photo_url_ttl_minutes)
    backend_url = await storage.read_url(photo.blob_name, ttl=ttl)
    if backend_url is not None:
        return backend_url
    return links.signed_content_url(
        photo_id=photo.id, base_url=base_url, secret=settings.secret_key, ttl=ttl
    )


async def to_out(
    *, photo: Photo, storage: BlobStorage, settings: Settings, base_url: str
) -> PhotoOut:
    """The response body of a photo, with a fresh read URL."""
    url = await read_url(photo=photo, storage=storage, settings=settings, base_url=base_url)
    return PhotoOut.model_validate(
        {**photo.model_dump(), "url": url.url, "url_expires_at": url.expires_at}
    )


async def open_content(*, photo: Photo, storage: BlobStorage) -> AsyncIterator[bytes]:
    """The photo's bytes in chunks; a missing blob is a 404 before any byte is sent."""
    chunks = storage.stream(photo.blob_name)
    try:
        first = await anext(chunks, b"")
    except BlobNotFound as exc:
        logger.warning("photo blob missing", extra={"blobName": photo.blob_name})
        raise PhotoNotFound from exc

    async def all_chunks() -> AsyncGenerator[bytes, None]:
        try:
            yield first
            async for chunk in chunks:
                yield chunk
        finally:
            await chunks.aclose()

    return all_chunks()
