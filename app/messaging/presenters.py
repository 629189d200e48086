"""Turning messages into responses, with their photos fetched once per page."""

import json

from beanie import PydanticObjectId
from fastapi import Request

from app.core.rows import Row
from app.messaging import service
from app.messaging.models import Message
from app.messaging.schemas import MessageOut
from app.photos.dependencies import PhotoPresenter, presenter_for
from app.users.models import User


async def messages_out(messages: list[Row], presenter: PhotoPresenter) -> list[MessageOut]:
    """Messages (as stored, or dumped) with their photos: one photo query for the whole list."""
    photos = await service.photos_by_message(message_ids=[message["id"] for message in messages])
    return [
        MessageOut.model_validate(
            {**message, "photos": await presenter.out_many(photos[message["id"]])}
        )
        for message in messages
    ]


async def message_out(message: Message, presenter: PhotoPresenter) -> MessageOut:
    """One message with its photos."""
    return (await messages_out([message.model_dump()], presenter))[0]


async def present_replayed_message(request: Request, kept_body: bytes, caller: User) -> bytes:
    """A replayed photo attachment answers the message as it is now, with fresh photo URLs."""
    message_id = PydanticObjectId(json.loads(kept_body)["id"])
    message = await service.get_message(message_id=message_id, user=caller)
    out = await message_out(message, await presenter_for(request))
    return out.model_dump_json(by_alias=True).encode()
