"""Photos on messages (contract sections 11 and 12), on the local blob backend.

One class per endpoint. The `pool` fixture belongs to `owner` and has `technician` and `colleague`
assigned; `other_owner` and `other_technician` share nothing with it.
"""

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from beanie import PydanticObjectId

from app.audit.models import AuditEvent
from app.core.config import Settings
from app.core.storage import BlobStorage
from app.messaging.models import Message, MessageType
from app.photos.models import Photo, PhotoContext
from app.pools.models import Pool
from app.users.models import utcnow
from tests.conftest import Caller, problem_code
from tests.factories import make_image, make_photo, make_pool
from tests.messaging.conftest import open_thread, post
from tests.messaging.test_router import MESSAGE_FIELDS, UNKNOWN_ID

PHOTO_QUERY_METHODS = ["find", "find_one", "aggregate", "count_documents", "distinct"]
PAGE_OF_MESSAGES = 50


def upload(data: bytes, file_name: str = "photo.png", content_type: str = "image/png") -> dict:
    """The multipart `files=` argument for one file in field `file`."""
    return {"file": (file_name, data, content_type)}


def photos_url(message: dict[str, Any]) -> str:
    """The upload URL of a message's photos."""
    return f"/threads/{message['threadId']}/messages/{message['id']}/photos"


@pytest.fixture
async def technician_message_photo(
    storage: BlobStorage, settings: Settings, technician: Caller, technician_message
) -> Photo:
    """A photo on `technician_message`, uploaded by `technician`."""
    return await make_photo(
        storage=storage,
        settings=settings,
        uploader=technician.user,
        context=PhotoContext.MESSAGE,
        context_id=PydanticObjectId(technician_message["id"]),
        pool_id=PydanticObjectId(technician_message["poolId"]),
    )


class PhotoQueries:
    """Counts the queries sent to the photos collection."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@pytest.fixture
def photo_queries(app, monkeypatch: pytest.MonkeyPatch) -> PhotoQueries:
    """Every query on the photos collection, counted at the driver's collection class."""
    queries = PhotoQueries()
    collection = Photo.get_motor_collection()
    photos = collection.name

    def counting(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(self, *args: Any, **kwargs: Any) -> Any:
            if self.name == photos:
                queries.calls[name] += 1
            return method(self, *args, **kwargs)

        return call

    for name in PHOTO_QUERY_METHODS:
        original = getattr(type(collection), name)
        monkeypatch.setattr(type(collection), name, counting(name, original))
    return queries


class TestUploadMessagePhoto:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 201, None),
            ("owner", 201, None),
            ("other_owner", 404, "thread_not_found"),
            ("technician", 201, None),
            ("other_technician", 404, "thread_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, technician_message, caller, caller_headers, status, code):
        response = await client.post(
            photos_url(technician_message), files=upload(make_image()), headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_returns_the_message_with_its_photo(
        self, client, pool: Pool, owner: Caller, technician_message
    ):
        response = await client.post(
            photos_url(technician_message), files=upload(make_image()), headers=owner.headers
        )
        body = response.json()
        assert set(body) == MESSAGE_FIELDS
        assert body["id"] == technician_message["id"]
        (photo,) = body["photos"]
        assert photo["context"] == "message"
        assert photo["messageId"] == technician_message["id"]
        assert photo["poolId"] == str(pool.id)
        assert photo["uploadedBy"] == str(owner.user.id)
        assert (photo["contentType"], photo["width"], photo["height"]) == ("image/png", 64, 48)

    async def test_blob_name_is_generated(self, client, technician: Caller, technician_message):
        response = await client.post(
            photos_url(technician_message),
            files=upload(make_image(), file_name="../../etc/passwd.png"),
            headers=technician.headers,
        )
        photo = await Photo.get(PydanticObjectId(response.json()["photos"][0]["id"]))
        assert photo.blob_name == f"message/{technician_message['id']}/{photo.id}.png"

    async def test_second_photo_is_added(self, client, technician: Caller, technician_message):
        for color in ((255, 0, 0), (0, 255, 0)):
            response = await client.post(
                photos_url(technician_message),
                files=upload(make_image(color=color)),
                headers=technician.headers,
            )
        assert len(response.json()["photos"]) == 2

    async def test_message_of_another_thread(
        self, client, pool: Pool, owner: Caller, owner_thread, technician_message
    ):
        elsewhere = await open_thread(client, pool, owner, subject="Elsewhere")
        response = await client.post(
            f"/threads/{elsewhere['thread']['id']}/messages/{technician_message['id']}/photos",
            files=upload(make_image()),
            headers=owner.headers,
        )
        assert (response.status_code, problem_code(response)) == (404, "message_not_found")
        assert await Photo.count() == 0

    async def test_message_of_another_pool(
        self, client, owner: Caller, owner_thread, technician_message
    ):
        second_pool = await make_pool(owner.user)
        elsewhere = await open_thread(client, second_pool, owner)
        response = await client.post(
            f"/threads/{elsewhere['thread']['id']}/messages/{technician_message['id']}/photos",
            files=upload(make_image()),
            headers=owner.headers,
        )
        assert (response.status_code, problem_code(response)) == (404, "message_not_found")

    async def test_unknown_message(self, client, owner: Caller, owner_thread):
        response = await client.post(
            f"/threads/{owner_thread['id']}/messages/{UNKNOWN_ID}/photos",
            files=upload(make_image()),
            headers=owner.headers,
        )
        assert (response.status_code, problem_code(response)) == (404, "message_not_found")

    async def test_unknown_thread(self, client, admin: Caller, technician_message):
        response = await client.post(
            f"/threads/{UNKNOWN_ID}/messages/{technician_message['id']}/photos",
            files=upload(make_image()),
            headers=admin.headers,
        )
        assert (response.status_code, problem_code(response)) == (404, "thread_not_found")

    async def test_not_an_image(self, client, storage, technician: Caller, technician_message):
        response = await client.post(
            photos_url(technician_message),
            files=upload(b"%PDF-1.7 not an image", file_name="photo.png"),
            headers=technician.headers,
        )
        assert (response.status_code, problem_code(response)) == (415, "unsupported_media_type")
        assert await Photo.count() == 0
        assert [blob async for blob in storage.list_blobs()] == []

    async def test_missing_file(self, client, technician: Caller, technician_message):
        response = await client.post(photos_url(technician_message), headers=technician.headers)
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_audited(self, client, pool: Pool, technician: Caller, technician_message):
        response = await client.post(
            photos_url(technician_message), files=upload(make_image()), headers=technician.headers
        )
        photo_id = response.json()["photos"][0]["id"]
        (event,) = await AuditEvent.find({"action": "photo.create"}).to_list()
        assert (event.resource_id, event.pool_id) == (photo_id, pool.id)


class TestListMessagesWithPhotos:
    @staticmethod
    def url(thread_id: object) -> str:
        return f"/threads/{thread_id}/messages"

    async def test_each_message_carries_its_photos(
        self, client, owner: Caller, owner_thread, technician_message, technician_message_photo
    ):
        response = await client.get(self.url(owner_thread["id"]), headers=owner.headers)
        photos = {item["id"]: item["photos"] for item in response.json()["items"]}
        assert photos[owner_thread["lastMessage"]["id"]] == []
        assert [photo["id"] for photo in photos[technician_message["id"]]] == [
            str(technician_message_photo.id)
        ]

    async def test_photo_url_serves_the_image(
        self, client, owner: Caller, owner_thread, technician_message_photo
    ):
        response = await client.get(self.url(owner_thread["id"]), headers=owner.headers)
        (photo,) = [photo for item in response.json()["items"] for photo in item["photos"]]
        content = await client.get(photo["url"])
        assert content.status_code == 200
        assert content.headers["content-type"] == "image/png"

    async def test_photos_of_a_page_are_fetched_in_one_query(
        self, client, pool: Pool, owner: Caller, technician: Caller, photo_queries: PhotoQueries
    ):
        thread_id = (await open_thread(client, pool, owner))["thread"]["id"]
        await Message.find({"thread_id": PydanticObjectId(thread_id)}).delete()
        start = utcnow()
        messages = [
            Message(
                id=PydanticObjectId(),
                thread_id=PydanticObjectId(thread_id),
                pool_id=pool.id,
                author_id=technician.user.id,
                type=MessageType.COMMENT,
                body=f"message {number}",
                created_at=start + timedelta(seconds=number),
            )
            for number in range(PAGE_OF_MESSAGES)
        ]
        await Message.insert_many(messages)
        await Photo.insert_many(
            [
                Photo(
                    context=PhotoContext.MESSAGE,
                    pool_id=pool.id,
                    message_id=message.id,
                    uploaded_by=technician.user.id,
                    content_type="image/png",
                    size_bytes=100,
                    width=64,
                    height=48,
                    blob_name=f"message/{message.id}/{PydanticObjectId()}.png",
                )
                for message in messages
            ]
        )
        photo_queries.calls.clear()
        response = await client.get(
            self.url(thread_id), params={"limit": PAGE_OF_MESSAGES}, headers=owner.headers
        )
        assert photo_queries.total == 1, photo_queries.calls
        items = response.json()["items"]
        assert len(items) == PAGE_OF_MESSAGES
        assert all(
            [photo["messageId"] for photo in item["photos"]] == [item["id"]] for item in items
        )

    async def test_no_photo_query_for_an_empty_page(
        self, client, owner: Caller, owner_thread, photo_queries: PhotoQueries
    ):
        response = await client.get(
            self.url(owner_thread["id"]), params={"offset": 10}, headers=owner.headers
        )
        assert response.json()["items"] == []
        assert photo_queries.total == 0


class TestReadMessageWithPhotos:
    async def test_carries_its_photos(
        self, client, colleague: Caller, technician_message, technician_message_photo
    ):
        response = await client.get(
            f"/messages/{technician_message['id']}", headers=colleague.headers
        )
        (photo,) = response.json()["photos"]
        assert photo["id"] == str(technician_message_photo.id)
        assert photo["context"] == "message"
        assert photo["url"]

    async def test_edit_returns_the_photos(
        self, client, technician: Caller, technician_message, technician_message_photo
    ):
        response = await client.patch(
            f"/messages/{technician_message['id']}",
            json={"body": "Edited"},
            headers=technician.headers,
        )
        assert [photo["id"] for photo in response.json()["photos"]] == [
            str(technician_message_photo.id)
        ]

    async def test_other_messages_photos_are_not_shown(
        self, client, owner: Caller, owner_thread, technician_message_photo
    ):
        other = await post(client, owner_thread["id"], owner)
        response = await client.get(f"/messages/{other['id']}", headers=owner.headers)
        assert response.json()["photos"] == []


class TestDeleteMessagePhoto:
    @staticmethod
    def url(photo: Photo) -> str:
        return f"/photos/{photo.id}"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 204, None),
            ("owner", 204, None),  # the pool's owner
            ("technician", 204, None),  # the uploader
            ("colleague", 403, "forbidden"),
            ("other_owner", 404, "photo_not_found"),
            ("other_technician", 404, "photo_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(
        self, client, technician_message_photo, caller, caller_headers, status, code
    ):
        response = await client.delete(self.url(technician_message_photo), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_removes_metadata_and_blob(
        self, client, storage, owner: Caller, technician_message_photo
    ):
        await client.delete(self.url(technician_message_photo), headers=owner.headers)
        assert await Photo.get(technician_message_photo.id) is None
        assert not await storage.exists(technician_message_photo.blob_name)

    async def test_message_no_longer_shows_it(
        self, client, technician: Caller, technician_message, technician_message_photo
    ):
        await client.delete(self.url(technician_message_photo), headers=technician.headers)
        response = await client.get(
            f"/messages/{technician_message['id']}", headers=technician.headers
        )
        assert response.json()["photos"] == []

    async def test_refused_delete_keeps_the_photo(
        self, client, colleague: Caller, technician_message, technician_message_photo
    ):
        await client.delete(self.url(technician_message_photo), headers=colleague.headers)
        response = await client.get(
            f"/messages/{technician_message['id']}", headers=colleague.headers
        )
        assert len(response.json()["photos"]) == 1
