"""Turning messages into responses, with their photos fetched once per page."""

from app.messaging import service
from app.messaging.models import Message
from app.messaging.schemas import MessageOut
from app.photos.dependencies import PhotoPresenter


async def messages_out(messages: list[Message], presenter: PhotoPresenter) -> list[MessageOut]:
    """Messages with their photos: one photo query for the whole list."""
    photos = await service.photos_by_message(messages=messages)
    return [
        MessageOut.model_validate(
            {**message.model_dump(), "photos": await presenter.out_many(photos[message.id])}
        )
        for message in messages
    ]


async def message_out(message: Message, presenter: PhotoPresenter) -> MessageOut:
    """One message with its photos."""
    return (await messages_out([message], presenter))[0]
