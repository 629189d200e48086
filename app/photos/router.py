"""Photo endpoints: profile, pool and visit photos, reading bytes, deleting."""

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile
from fastapi.responses import StreamingResponse

from app.auth.dependencies import CurrentUser
from app.core.dependencies import SettingsDep, StorageDep
from app.core.errors import problem_responses
from app.core.idempotency.dependencies import refresh_replay_with
from app.photos import service
from app.photos.dependencies import (
    PhotoPresenterDep,
    ReadablePhoto,
    VisiblePhoto,
    present_replayed_photo,
)
from app.photos.models import PhotoContext
from app.photos.schemas import PhotoOut
from app.pools.dependencies import AccessiblePool, ManagedPool
from app.users.dependencies import EditableUser, VisibleUser
from app.visits.dependencies import AccessibleVisit

router = APIRouter(prefix="/photos", tags=["photos"])

ImageUpload = Annotated[
    UploadFile, File(description="A JPEG, PNG, GIF or WebP image, at most MAX_UPLOAD_BYTES.")
]
IMAGE_CONTENT = {
    media_type: {"schema": {"type": "string", "format": "binary"}}
    for media_type in ("image/jpeg", "image/png", "image/gif", "image/webp")
}


@router.post(
    "/users/{userId}/profile",
    status_code=201,
    response_model=PhotoOut,
    responses=problem_responses(401, 403, 404, 413, 415, 422),
)
@refresh_replay_with(present_replayed_photo)
async def upload_profile_photo(
    user: EditableUser,
    file: ImageUpload,
    actor: CurrentUser,
    storage: StorageDep,
    settings: SettingsDep,
    presenter: PhotoPresenterDep,
) -> PhotoOut:
    """Set a user's profile photo, replacing the current one (admin, self)."""
    photo = await service.store_photo(
        context=PhotoContext.USER_PROFILE,
        context_id=user.id,
        pool_id=None,
        upload=file,
        uploader=actor,
        storage=storage,
        settings=settings,
        replace_existing=True,
    )
    return await presenter.out(photo)


@router.get(
    "/users/{userId}/profile",
    response_model=PhotoOut,
    responses=problem_responses(401, 404, 422),
)
async def read_profile_photo(user: VisibleUser, presenter: PhotoPresenterDep) -> PhotoOut:
    """A user's profile photo (anyone who may see the user); 404 when there is none."""
    photo = await service.current_photo(context=PhotoContext.USER_PROFILE, context_id=user.id)
    return await presenter.out(photo)


@router.post(
    "/pools/{poolId}",
    status_code=201,
    response_model=PhotoOut,
    responses=problem_responses(401, 403, 404, 413, 415, 422),
)
@refresh_replay_with(present_replayed_photo)
async def upload_pool_photo(
    pool: ManagedPool,
    file: ImageUpload,
    actor: CurrentUser,
    storage: StorageDep,
    settings: SettingsDep,
    presenter: PhotoPresenterDep,
) -> PhotoOut:
    """Set a pool's photo, replacing the current one (pool manage)."""
    photo = await service.store_photo(
        context=PhotoContext.POOL,
        context_id=pool.id,
        pool_id=pool.id,
        upload=file,
        uploader=actor,
        storage=storage,
        settings=settings,
        replace_existing=True,
    )
    return await presenter.out(photo)


@router.get("/pools/{poolId}", response_model=PhotoOut, responses=problem_responses(401, 404, 422))
async def read_pool_photo(pool: AccessiblePool, presenter: PhotoPresenterDep) -> PhotoOut:
    """A pool's current photo (pool access); 404 when there is none."""
    photo = await service.current_photo(context=PhotoContext.POOL, context_id=pool.id)
    return await presenter.out(photo)


@router.post(
    "/visits/{visitId}",
    status_code=201,
    response_model=PhotoOut,
    responses=problem_responses(401, 404, 413, 415, 422),
)
@refresh_replay_with(present_replayed_photo)
async def upload_visit_photo(
    found: AccessibleVisit,
    file: ImageUpload,
    actor: CurrentUser,
    storage: StorageDep,
    settings: SettingsDep,
    presenter: PhotoPresenterDep,
) -> PhotoOut:
    """Add a photo to a visit (pool access of the visit's pool)."""
    visit, _ = found
    photo = await service.store_photo(
        context=PhotoContext.VISIT,
        context_id=visit.id,
        pool_id=visit.pool_id,
        upload=file,
        uploader=actor,
        storage=storage,
        settings=settings,
    )
    return await presenter.out(photo)


@router.get(
    "/visits/{visitId}",
    response_model=list[PhotoOut],
    responses=problem_responses(401, 404, 422),
)
async def list_visit_photos(found: AccessibleVisit, presenter: PhotoPresenterDep) -> list[PhotoOut]:
    """A visit's photos, oldest first, at most 100 (pool access)."""
    visit, _ = found
    photos = await service.photos_for(context=PhotoContext.VISIT, context_ids=[visit.id])
    return await presenter.out_many(photos)


@router.get(
    "/{photoId}/content",
    response_class=StreamingResponse,
    responses={
        200: {"content": IMAGE_CONTENT, "description": "The image bytes."},
        **problem_responses(401, 403, 404, 422),
    },
)
async def read_photo_content(access: ReadablePhoto, storage: StorageDep) -> StreamingResponse:
    """A photo's bytes (a valid signed link, or anyone who may see the photo)."""
    photo = access.photo
    chunks = await service.open_content(photo=photo, storage=storage)
    return StreamingResponse(
        chunks,
        media_type=photo.content_type,
        headers={
            "Content-Length": str(photo.size_bytes),
            "Cache-Control": f"private, max-age={access.max_age_seconds}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.delete(
    "/{photoId}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_photo(photo: VisiblePhoto, actor: CurrentUser, storage: StorageDep) -> Response:
    """Delete a photo (admin, the uploader, the pool's owner, the user of a profile photo)."""
    await service.delete(photo=photo, actor=actor, storage=storage)
    return Response(status_code=204)
