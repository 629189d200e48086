"""The rules of messaging: the thread status machine, atomic thread counters, replies, edits."""

from collections.abc import Iterable

from beanie import PydanticObjectId
from beanie.odm.queries.find import FindMany
from fastapi import UploadFile

from app.audit import service as audit_service
from app.core.config import Settings
from app.core.errors import Forbidden
from app.core.queries import newest_first, oldest_first
from app.core.storage import BlobStorage
from app.messaging.exceptions import (
    MessageNotFound,
    ReplyNotInThread,
    ThreadBusy,
    ThreadClosed,
    ThreadNotFound,
)
from app.messaging.models import Message, MessageType, Thread, ThreadStatus
from app.messaging.schemas import MessageCreate, MessageUpdate, ThreadCreate, ThreadUpdate
from app.notifications import emit
from app.photos import service as photos_service
from app.photos.models import Photo, PhotoContext
from app.pools import service as pools_service
from app.pools.models import Pool
from app.users.models import Role, User, utcnow

# The thread status after a message of each type, by the thread's current status.
# A closed thread takes no messages (it has no row): someone with the right reopens it first.
TRANSITIONS: dict[tuple[ThreadStatus, MessageType], ThreadStatus] = {
    (ThreadStatus.OPEN, MessageType.QUESTION): ThreadStatus.OPEN,
    (ThreadStatus.OPEN, MessageType.ANSWER): ThreadStatus.ANSWERED,
    (ThreadStatus.OPEN, MessageType.COMMENT): ThreadStatus.OPEN,
    (ThreadStatus.ANSWERED, MessageType.QUESTION): ThreadStatus.OPEN,
    (ThreadStatus.ANSWERED, MessageType.ANSWER): ThreadStatus.ANSWERED,
    (ThreadStatus.ANSWERED, MessageType.COMMENT): ThreadStatus.ANSWERED,
}

# Retries of the compare-and-set on the thread's status before giving up (409).
MAX_STATUS_ATTEMPTS = 20


def next_status(current: ThreadStatus, message_type: MessageType) -> ThreadStatus:
    """The thread's status once a message of this type is posted; closed threads refuse."""
    try:
        return TRANSITIONS[(current, message_type)]
    except KeyError:
        raise ThreadClosed from None


async def create_thread(*, pool: Pool, data: ThreadCreate, actor: User) -> tuple[Thread, Message]:
    """Write the thread with its first message cached, then the message; no empty thread stays."""
    message = Message(
        id=PydanticObjectId(),
        thread_id=PydanticObjectId(),
        pool_id=pool.id,
        author_id=actor.id,
        type=data.type,
        body=data.body,
    )
    thread = Thread(
        id=message.thread_id,
        pool_id=pool.id,
        subject=data.subject,
        status=next_status(ThreadStatus.OPEN, data.type),
        created_by=actor.id,
        created_at=message.created_at,
        updated_at=message.created_at,
        message_count=1,
        last_message=message.summary(),
    )
    await thread.insert()
    try:
        await message.insert()
    except BaseException:
        await thread.delete()
        raise
    await audit_service.record(
        actor=actor,
        action="thread.create",
        resource_type="thread",
        resource_id=thread.id,
        pool_id=pool.id,
        changes=["subject", "status"],
    )
    await audit_service.record(
        actor=actor,
        action="message.create",
        resource_type="message",
        resource_id=message.id,
        pool_id=pool.id,
        changes=["body", "type"],
    )
    await emit.message_posted(message=message, pool=pool, actor_id=actor.id)
    return thread, message


def list_threads(
    *, pool_id: PydanticObjectId, status: ThreadStatus | None = None
) -> FindMany[Thread]:
    """A pool's threads, most recent activity first."""
    query: dict[str, object] = {"pool_id": pool_id}
    if status is not None:
        query["status"] = status
    return Thread.find(query).sort(newest_first("updated_at"))


async def get_thread(*, thread_id: PydanticObjectId, user: User) -> tuple[Thread, Pool]:
    """A thread of a pool the user has access to, with that pool; else 404."""
    thread = await Thread.get(thread_id)
    if thread is None:
        raise ThreadNotFound
    pool = await Pool.get(thread.pool_id)
    if pool is None or not pools_service.has_access(user=user, pool=pool):
        raise ThreadNotFound
    return thread, pool


async def update_thread(*, thread: Thread, pool: Pool, data: ThreadUpdate, actor: User) -> Thread:
    """Rename, close or reopen a thread (its creator, the pool's owner, an admin)."""
    if not (pools_service.can_manage(user=actor, pool=pool) or actor.id == thread.created_by):
        raise Forbidden("Only the thread's creator, the pool's owner or an admin may change it.")
    changes = data.changes()
    if not changes:
        return thread
    await thread.set({**changes, "updated_at": utcnow()})
    await audit_service.record(
        actor=actor,
        action="thread.update",
        resource_type="thread",
        resource_id=thread.id,
        pool_id=thread.pool_id,
        changes=changes,
    )
    return thread


async def _count_into_thread(*, thread_id: PydanticObjectId, message: Message) -> None:
    """Apply a posted message to its thread in one atomic update per attempt.

    The update is conditional on the status read just before (a compare-and-set), so the
    status machine holds under concurrent posts; `lastMessage` only moves forward in time.
    """
    collection = Thread.get_motor_collection()
    for _ in range(MAX_STATUS_ATTEMPTS):
        current = await collection.find_one({"_id": thread_id}, {"status": 1})
        if current is None:
            raise ThreadNotFound
        status = next_status(ThreadStatus(current["status"]), message.type)
        same_status = {"_id": thread_id, "status": current["status"]}
        newest = await collection.update_one(
            {
                **same_status,
                "$or": [
                    {"last_message": None},
                    {"last_message.created_at": {"$lte": message.created_at}},
                ],
            },
            {
                "$inc": {"message_count": 1},
                "$set": {
                    "status": status.value,
                    "last_message": message.summary().model_dump(),
                    "updated_at": message.created_at,
                },
            },
        )
        if newest.modified_count:
            return
        older = await collection.update_one(
            {**same_status, "last_message.created_at": {"$gt": message.created_at}},
            {"$inc": {"message_count": 1}, "$set": {"status": status.value}},
        )
        if older.modified_count:
            return
    raise ThreadBusy


async def post_message(
    *, thread: Thread, data: MessageCreate, actor: User, pool: Pool | None = None
) -> Message:
    """Post to a thread: replies stay in it, closed threads refuse, counters move atomically."""
    if data.reply_to_message_id is not None:
        replied = await Message.get(data.reply_to_message_id)
        if replied is None or replied.thread_id != thread.id:
            raise ReplyNotInThread
    next_status(thread.status, data.type)  # refuse early on a thread already closed
    message = Message(
        thread_id=thread.id,
        pool_id=thread.pool_id,
        author_id=actor.id,
        type=data.type,
        body=data.body,
        reply_to_message_id=data.reply_to_message_id,
    )
    await message.insert()
    try:
        await _count_into_thread(thread_id=thread.id, message=message)
    except BaseException:
        await message.delete()  # the thread was closed (or vanished) meanwhile
        raise
    await audit_service.record(
        actor=actor,
        action="message.create",
        resource_type="message",
        resource_id=message.id,
        pool_id=thread.pool_id,
        changes=data.model_fields_set,
    )
    pool = pool or await Pool.get(thread.pool_id)  # the caller usually loaded it already
    if pool is not None:
        await emit.message_posted(message=message, pool=pool, actor_id=actor.id)
    return message


def list_messages(*, thread_id: PydanticObjectId) -> FindMany[Message]:
    """A thread's messages, oldest first."""
    return Message.find({"thread_id": thread_id}).sort(oldest_first("created_at"))


async def get_message(*, message_id: PydanticObjectId, user: User) -> Message:
    """A message of a pool the user has access to; else 404."""
    message = await Message.get(message_id)
    if message is None:
        raise MessageNotFound
    pool = await Pool.get(message.pool_id)
    if pool is None or not pools_service.has_access(user=user, pool=pool):
        raise MessageNotFound
    return message


async def get_message_in_thread(*, thread: Thread, message_id: PydanticObjectId) -> Message:
    """A message that belongs to the given thread; else 404."""
    message = await Message.get(message_id)
    if message is None or message.thread_id != thread.id:
        raise MessageNotFound
    return message


async def edit_message(*, message: Message, data: MessageUpdate, actor: User) -> Message:
    """Edit a body (its author, an admin); the thread preview follows if it is the latest."""
    if actor.id != message.author_id and actor.role is not Role.ADMIN:
        raise Forbidden("Only the author or an admin may edit this message.")
    now = utcnow()
    await message.set({"body": data.body, "edited_at": now})
    await Thread.get_motor_collection().update_one(
        {"_id": message.thread_id, "last_message.id": message.id},
        {"$set": {"last_message.preview": message.summary().preview}},
    )
    await audit_service.record(
        actor=actor,
        action="message.update",
        resource_type="message",
        resource_id=message.id,
        pool_id=message.pool_id,
        changes=["body"],
    )
    return message


async def delete_for_pool(*, pool_id: PydanticObjectId) -> tuple[int, int]:
    """Cascade step: a deleted pool's threads and messages go with it; how many of each."""
    messages = await Message.get_motor_collection().delete_many({"pool_id": pool_id})
    threads = await Thread.get_motor_collection().delete_many({"pool_id": pool_id})
    return threads.deleted_count, messages.deleted_count


async def photos_by_message(
    *, message_ids: Iterable[PydanticObjectId]
) -> dict[PydanticObjectId, list[Photo]]:
    """The photos of a page of messages, fetched in one query and grouped per message."""
    grouped: dict[PydanticObjectId, list[Photo]] = {message_id: [] for message_id in message_ids}
    if not grouped:
        return grouped
    photos = await photos_service.photos_for(
        context=PhotoContext.MESSAGE, context_ids=grouped.keys(), limit=None
    )
    for photo in photos:
        if photo.message_id is not None:
            grouped[photo.message_id].append(photo)
    return grouped


async def attach_photo(
    *,
    thread: Thread,
    message: Message,
    upload: UploadFile,
    actor: User,
    storage: BlobStorage,
    settings: Settings,
) -> Photo:
    """Store a photo on a message of this thread through the photos service."""
    return await photos_service.store_photo(
        context=PhotoContext.MESSAGE,
        context_id=message.id,
        pool_id=thread.pool_id,
        upload=upload,
        uploader=actor,
        storage=storage,
        settings=settings,
        limit=photos_service.MAX_PER_MESSAGE,
    )
