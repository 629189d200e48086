"""At most 10 photos per message (contract section 11), also under concurrent uploads.

`technician_message` is a comment by the assigned `technician` in the owner's thread on `pool`.
"""

import asyncio
from typing import Any

import httpx
from beanie import PydanticObjectId

from app.photos.models import Photo
from tests.conftest import Caller, problem_code
from tests.factories import make_image

LIMIT = 10


def upload(number: int) -> dict:
    return {"file": (f"photo-{number}.png", make_image("PNG", color=(number, 0, 0)), "image/png")}


def photos_url(message: dict[str, Any]) -> str:
    return f"/threads/{message['threadId']}/messages/{message['id']}/photos"


async def send(client: httpx.AsyncClient, caller: Caller, message: dict, number: int):
    return await client.post(photos_url(message), files=upload(number), headers=caller.headers)


class TestPhotoLimit:
    async def test_eleventh_photo_is_refused(
        self, client, storage, technician: Caller, technician_message
    ):
        for number in range(LIMIT):
            assert (await send(client, technician, technician_message, number)).status_code == 201
        blobs_before = [blob.name async for blob in storage.list_blobs()]
        response = await send(client, technician, technician_message, LIMIT)
        assert response.status_code == 409
        assert problem_code(response) == "photo_limit_reached"
        assert await Photo.find({"message_id": _id(technician_message)}).count() == LIMIT
        assert [blob.name async for blob in storage.list_blobs()] == blobs_before

    async def test_a_deleted_photo_frees_its_place(
        self, client, technician: Caller, technician_message
    ):
        for number in range(LIMIT):
            last = await send(client, technician, technician_message, number)
        await client.delete(
            f"/photos/{last.json()['photos'][-1]['id']}", headers=technician.headers
        )
        response = await send(client, technician, technician_message, LIMIT)
        assert response.status_code == 201

    async def test_concurrent_uploads_never_pass_the_limit(
        self, client, storage, technician: Caller, technician_message, store_latency
    ):
        for number in range(LIMIT - 2):
            await send(client, technician, technician_message, number)
        responses = await asyncio.gather(
            *(send(client, technician, technician_message, 100 + number) for number in range(4))
        )
        statuses = sorted(response.status_code for response in responses)
        assert statuses.count(201) <= 2
        assert set(statuses) <= {201, 409}
        stored = await Photo.find({"message_id": _id(technician_message)}).count()
        assert stored == LIMIT - 2 + statuses.count(201) <= LIMIT
        assert len([blob async for blob in storage.list_blobs()]) == stored


def _id(message: dict) -> PydanticObjectId:
    return PydanticObjectId(message["id"])
