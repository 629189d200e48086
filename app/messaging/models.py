"""Thread and message documents."""

from datetime import datetime
from enum import StrEnum

from beanie import PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.documents import Document
from app.users.models import utcnow

PREVIEW_LENGTH = 140


class ThreadStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class MessageType(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"
    COMMENT = "comment"


class LastMessage(BaseModel):
    id: PydanticObjectId
    author_id: PydanticObjectId
    type: MessageType
    preview: str
    created_at: datetime


class Thread(Document):
    pool_id: PydanticObjectId
    subject: str
    status: ThreadStatus = ThreadStatus.OPEN
    created_by: PydanticObjectId
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    message_count: int = 0
    last_message: LastMessage | None = None

    class Settings:
        name = "threads"
        indexes = [
            IndexModel(
                [("pool_id", ASCENDING), ("updated_at", DESCENDING), ("_id", DESCENDING)],
                name="pool_activity",
            ),
            IndexModel(
                [("pool_id", ASCENDING), ("status", ASCENDING), ("updated_at", DESCENDING)],
                name="pool_status_activity",
            ),
        ]


class Message(Document):
    thread_id: PydanticObjectId
    pool_id: PydanticObjectId
    author_id: PydanticObjectId
    type: MessageType
    body: str
    reply_to_message_id: PydanticObjectId | None = None
    edited_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "messages"
        indexes = [
            IndexModel(
                [("thread_id", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)],
                name="thread_created",
            ),
            IndexModel([("pool_id", ASCENDING)], name="pool"),
        ]

    def summary(self) -> LastMessage:
        """The thread's cached view of this message."""
        return LastMessage(
            id=self.id,
            author_id=self.author_id,
            type=self.type,
            preview=self.body[:PREVIEW_LENGTH],
            created_at=self.created_at,
        )
