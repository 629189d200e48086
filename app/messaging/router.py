"""Thread and message endpoints."""

from typing import Annotated

from fastapi import APIRouter, File, UploadFile

from app.auth.dependencies import CurrentUser
from app.core.dependencies import SettingsDep, StorageDep
from app.core.errors import problem_responses
from app.core.idempotency.dependencies import refresh_replay_with
from app.core.pagination import Pagination, paginate, paginate_presented
from app.core.schemas import Page
from app.messaging import presenters, service
from app.messaging.dependencies import AccessibleMessage, AccessibleThread, MessageIdPath
from app.messaging.models import ThreadStatus
from app.messaging.schemas import (
    MessageCreate,
    MessageOut,
    MessageUpdate,
    ThreadCreate,
    ThreadCreated,
    ThreadOut,
    ThreadUpdate,
)
from app.photos.dependencies import PhotoPresenterDep
from app.pools.dependencies import AccessiblePool

router = APIRouter(tags=["messaging"])


@router.post(
    "/pools/{poolId}/threads",
    status_code=201,
    response_model=ThreadCreated,
    responses=problem_responses(401, 404, 422),
)
async def create_thread(
    pool: AccessiblePool, data: ThreadCreate, actor: CurrentUser
) -> ThreadCreated:
    """Open a thread about the pool with its first message (pool access)."""
    thread, message = await service.create_thread(pool=pool, data=data, actor=actor)
    return ThreadCreated(
        thread=ThreadOut.model_validate(thread),
        message=MessageOut.model_validate({**message.model_dump(), "photos": []}),
    )


@router.get(
    "/pools/{poolId}/threads",
    response_model=Page[ThreadOut],
    responses=problem_responses(401, 404, 422),
)
async def list_threads(
    pool: AccessiblePool, page: Pagination, status: ThreadStatus | None = None
) -> Page[ThreadOut]:
    """The pool's threads, most recent activity first (pool access)."""
    query = service.list_threads(pool_id=pool.id, status=status)
    return await paginate(query, page, ThreadOut)


@router.get(
    "/threads/{threadId}", response_model=ThreadOut, responses=problem_responses(401, 404, 422)
)
async def read_thread(found: AccessibleThread) -> ThreadOut:
    """One thread (pool access)."""
    return ThreadOut.model_validate(found[0])


@router.patch(
    "/threads/{threadId}",
    response_model=ThreadOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def update_thread(
    found: AccessibleThread, data: ThreadUpdate, actor: CurrentUser
) -> ThreadOut:
    """Rename, close or reopen a thread (its creator, the pool's owner, an admin)."""
    thread, pool = found
    updated = await service.update_thread(thread=thread, pool=pool, data=data, actor=actor)
    return ThreadOut.model_validate(updated)


@router.get(
    "/threads/{threadId}/messages",
    response_model=Page[MessageOut],
    responses=problem_responses(401, 404, 422),
)
async def list_messages(
    found: AccessibleThread, page: Pagination, presenter: PhotoPresenterDep
) -> Page[MessageOut]:
    """The thread's messages, oldest first, each with its photos (pool access)."""
    return await paginate_presented(
        service.list_messages(thread_id=found[0].id),
        page,
        lambda messages: presenters.messages_out(messages, presenter),
    )


@router.post(
    "/threads/{threadId}/messages",
    status_code=201,
    response_model=MessageOut,
    responses=problem_responses(400, 401, 404, 409, 422),
)
async def post_message(
    found: AccessibleThread, data: MessageCreate, actor: CurrentUser
) -> MessageOut:
    """Post to a thread (pool access); a closed thread refuses (409 `thread_closed`)."""
    thread, pool = found
    message = await service.post_message(thread=thread, data=data, actor=actor, pool=pool)
    return MessageOut.model_validate({**message.model_dump(), "photos": []})


@router.get(
    "/messages/{messageId}", response_model=MessageOut, responses=problem_responses(401, 404, 422)
)
async def read_message(message: AccessibleMessage, presenter: PhotoPresenterDep) -> MessageOut:
    """One message with its photos (pool access)."""
    return await presenters.message_out(message, presenter)


@router.patch(
    "/messages/{messageId}",
    response_model=MessageOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def edit_message(
    message: AccessibleMessage,
    data: MessageUpdate,
    actor: CurrentUser,
    presenter: PhotoPresenterDep,
) -> MessageOut:
    """Edit a message's body (its author, an admin)."""
    edited = await service.edit_message(message=message, data=data, actor=actor)
    return await presenters.message_out(edited, presenter)


@router.post(
    "/threads/{threadId}/messages/{messageId}/photos",
    status_code=201,
    response_model=MessageOut,
    responses=problem_responses(401, 404, 409, 413, 415, 422),
)
@refresh_replay_with(presenters.present_replayed_message)
async def upload_message_photo(
    found: AccessibleThread,
    message_id: MessageIdPath,
    file: Annotated[UploadFile, File(description="A JPEG, PNG, GIF or WebP image.")],
    actor: CurrentUser,
    storage: StorageDep,
    settings: SettingsDep,
    presenter: PhotoPresenterDep,
) -> MessageOut:
    """Attach a photo to a message of this thread (pool access); returns the message."""
    thread = found[0]
    message = await service.get_message_in_thread(thread=thread, message_id=message_id)
    await service.attach_photo(
        thread=thread, message=message, upload=file, actor=actor, storage=storage, settings=settings
    )
    return await presenters.message_out(message, presenter)
