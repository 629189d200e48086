"""Load-and-check dependencies for thread and message routes."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import Depends, Path

from app.auth.dependencies import CurrentUser
from app.messaging import service
from app.messaging.models import Message, Thread
from app.pools.models import Pool

ThreadIdPath = Annotated[PydanticObjectId, Path(alias="threadId", description="A thread id.")]
MessageIdPath = Annotated[PydanticObjectId, Path(alias="messageId", description="A message id.")]


async def accessible_thread(thread_id: ThreadIdPath, user: CurrentUser) -> tuple[Thread, Pool]:
    """The thread and its pool, if the caller has access to the pool (else 404)."""
    return await service.get_thread(thread_id=thread_id, user=user)


async def accessible_message(message_id: MessageIdPath, user: CurrentUser) -> Message:
    """The message, if the caller has access to its pool (else 404)."""
    return await service.get_message(message_id=message_id, user=user)


AccessibleThread = Annotated[tuple[Thread, Pool], Depends(accessible_thread)]
AccessibleMessage = Annotated[Message, Depends(accessible_message)]
