"""Thread and message bodies."""

from typing import Annotated

from beanie import PydanticObjectId
from pydantic import Field, StringConstraints

from app.core.schemas import ApiInput, ApiOutput, ObjectIdOut, PartialUpdate, UtcDatetime
from app.messaging.models import MessageType, ThreadStatus
from app.photos.schemas import PhotoOut

Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Body = Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class ThreadCreate(ApiInput):
    subject: Subject
    body: Body
    type: MessageType = MessageType.QUESTION


class ThreadUpdate(PartialUpdate):
    subject: Subject | None = None
    status: ThreadStatus | None = None


class MessageCreate(ApiInput):
    body: Body
    type: MessageType = MessageType.COMMENT
    reply_to_message_id: PydanticObjectId | None = None


class MessageUpdate(ApiInput):
    body: Body


class LastMessageOut(ApiOutput):
    id: ObjectIdOut
    author_id: ObjectIdOut
    type: MessageType
    preview: str
    created_at: UtcDatetime


class ThreadOut(ApiOutput):
    id: ObjectIdOut
    pool_id: ObjectIdOut
    subject: str
    status: ThreadStatus
    created_by: ObjectIdOut
    created_at: UtcDatetime
    updated_at: UtcDatetime
    message_count: int
    last_message: LastMessageOut | None


class MessageOut(ApiOutput):
    id: ObjectIdOut
    thread_id: ObjectIdOut
    pool_id: ObjectIdOut
    author_id: ObjectIdOut
    type: MessageType
    body: str
    reply_to_message_id: ObjectIdOut | None
    edited_at: UtcDatetime | None
    created_at: UtcDatetime
    photos: list[PhotoOut] = Field(default_factory=list)


class ThreadCreated(ApiOutput):
    thread: ThreadOut
    message: MessageOut
