"""Messaging endpoints (contract section 12): access, validation, lists, the thread cache, audit.

One class per endpoint, one test per scenario. The `pool` fixture belongs to `owner` and has
`technician` and `colleague` assigned; `other_owner` and `other_technician` share nothing with it.
The status machine, concurrent posts and photos have their own modules.
"""

import asyncio
from datetime import datetime

import httpx
import pytest
from beanie import PydanticObjectId

from app.audit.models import AuditEvent
from app.messaging.models import Message, Thread
from app.photos.models import Photo, PhotoContext
from app.pools.models import Pool
from tests.conftest import Caller, problem_code
from tests.factories import make_photo, make_pool
from tests.messaging.conftest import open_thread, post, read_thread

UNKNOWN_ID = str(PydanticObjectId())
MALFORMED_ID = "not-an-object-id"
THREAD_FIELDS = {
    "id",
    "poolId",
    "subject",
    "status",
    "createdBy",
    "createdAt",
    "updatedAt",
    "messageCount",
    "lastMessage",
}
LAST_MESSAGE_FIELDS = {"id", "authorId", "type", "preview", "createdAt"}
MESSAGE_FIELDS = {
    "id",
    "threadId",
    "poolId",
    "authorId",
    "type",
    "body",
    "replyToMessageId",
    "editedAt",
    "createdAt",
    "photos",
}
# Long enough that timestamps of consecutive writes differ at MongoDB's millisecond precision.
TICK_SECONDS = 0.003


def access_table(success: int, not_found: str) -> list[tuple[str, int, str | None]]:
    """The usual callers of a pool-access endpoint: who succeeds, who gets which 404."""
    return [
        ("admin", success, None),
        ("owner", success, None),
        ("other_owner", 404, not_found),
        ("technician", success, None),
        ("other_technician", 404, not_found),
        ("anonymous", 401, "not_authenticated"),
    ]


def ids(response: httpx.Response) -> list[str]:
    """The ids of a page's items, in order."""
    return [item["id"] for item in response.json()["items"]]


def when(value: str) -> datetime:
    """An ISO 8601 time from a response."""
    return datetime.fromisoformat(value)


async def audit_events(action: str, resource_id: str) -> list[AuditEvent]:
    """The audit events of one action on one resource."""
    return await AuditEvent.find({"action": action, "resource_id": resource_id}).to_list()


async def read_message(client: httpx.AsyncClient, message_id: str, caller: Caller) -> dict:
    """The message as the API shows it."""
    response = await client.get(f"/messages/{message_id}", headers=caller.headers)
    assert response.status_code == 200, response.text
    return response.json()


class TestCreateThread:
    @staticmethod
    def url(pool_id: object) -> str:
        return f"/pools/{pool_id}/threads"

    BODY = {"subject": "Green water", "body": "The water turned green overnight."}

    @pytest.mark.parametrize("caller, status, code", access_table(201, "pool_not_found"))
    async def test_access(self, client, pool: Pool, caller, caller_headers, status, code):
        response = await client.post(self.url(pool.id), json=self.BODY, headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_unknown_pool(self, client, admin: Caller):
        response = await client.post(self.url(UNKNOWN_ID), json=self.BODY, headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (404, "pool_not_found")

    async def test_malformed_pool_id(self, client, admin: Caller):
        response = await client.post(self.url(MALFORMED_ID), json=self.BODY, headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_returns_thread_and_first_message(self, client, pool: Pool, technician: Caller):
        response = await client.post(self.url(pool.id), json=self.BODY, headers=technician.headers)
        body = response.json()
        assert set(body) == {"thread", "message"}
        assert set(body["thread"]) == THREAD_FIELDS
        assert set(body["message"]) == MESSAGE_FIELDS
        assert body["thread"]["poolId"] == str(pool.id)
        assert body["thread"]["subject"] == "Green water"
        assert body["thread"]["createdBy"] == str(technician.user.id)
        assert body["message"]["threadId"] == body["thread"]["id"]
        assert body["message"]["poolId"] == str(pool.id)
        assert body["message"]["authorId"] == str(technician.user.id)
        assert body["message"]["body"] == self.BODY["body"]
        assert body["message"]["photos"] == []

    async def test_first_message_is_cached_on_the_thread(self, client, pool: Pool, owner: Caller):
        created = await open_thread(client, pool, owner)
        thread = await read_thread(client, created["thread"]["id"], owner)
        first = await read_message(client, created["message"]["id"], owner)
        assert thread["messageCount"] == 1
        assert thread["lastMessage"]["id"] == first["id"]
        assert thread["lastMessage"]["authorId"] == str(owner.user.id)
        assert when(thread["lastMessage"]["createdAt"]) == when(first["createdAt"])

    async def test_default_type_is_question(self, client, pool: Pool, owner: Caller):
        created = await open_thread(client, pool, owner)
        assert created["message"]["type"] == "question"

    async def test_thread_is_readable_afterwards(self, client, pool: Pool, owner: Caller):
        created = await open_thread(client, pool, owner)
        response = await client.get(f"/threads/{created['thread']['id']}", headers=owner.headers)
        assert response.json()["subject"] == "Green water"

    @pytest.mark.parametrize(
        "changes",
        [
            pytest.param({"subject": ""}, id="empty-subject"),
            pytest.param({"subject": "   "}, id="blank-subject"),
            pytest.param({"subject": "s" * 201}, id="subject-too-long"),
            pytest.param({"body": ""}, id="empty-body"),
            pytest.param({"body": "b" * 5001}, id="body-too-long"),
            pytest.param({"type": "rant"}, id="unknown-type"),
            pytest.param({"colour": "green"}, id="unknown-field"),
        ],
    )
    async def test_invalid_body(self, client, pool: Pool, owner: Caller, changes):
        response = await client.post(
            self.url(pool.id), json={**self.BODY, **changes}, headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (422, "validation_error")
        assert await Thread.find({"pool_id": pool.id}).count() == 0

    async def test_missing_subject(self, client, pool: Pool, owner: Caller):
        response = await client.post(
            self.url(pool.id), json={"body": "No subject"}, headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_body_of_5000_characters(self, client, pool: Pool, owner: Caller):
        created = await open_thread(client, pool, owner, body="b" * 5000)
        assert len(created["message"]["body"]) == 5000

    async def test_failed_message_write_leaves_no_thread(
        self, client, pool: Pool, owner: Caller, monkeypatch
    ):
        async def failing_insert(self, *args, **kwargs):
            raise ConnectionError("database went away")

        monkeypatch.setattr(Message, "insert", failing_insert)
        response = await client.post(self.url(pool.id), json=self.BODY, headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (503, "service_unavailable")
        assert response.headers["content-type"] == "application/problem+json"
        assert "database went away" not in response.text
        assert await Thread.find({"pool_id": pool.id}).count() == 0
        assert await Message.find({"pool_id": pool.id}).count() == 0
        assert await AuditEvent.find({"action": "thread.create"}).count() == 0

    async def test_read_back_equals_create_response(self, client, pool: Pool, owner: Caller):
        # Three threads, so a clock landing on a whole millisecond cannot make this pass.
        for _ in range(3):
            created = await open_thread(client, pool, owner)
            thread = await read_thread(client, created["thread"]["id"], owner)
            assert thread == created["thread"]

    async def test_audited(self, client, pool: Pool, owner: Caller):
        created = await open_thread(client, pool, owner)
        (thread_event,) = await audit_events("thread.create", created["thread"]["id"])
        (message_event,) = await audit_events("message.create", created["message"]["id"])
        assert thread_event.pool_id == pool.id
        assert thread_event.actor_id == owner.user.id
        assert message_event.pool_id == pool.id
        assert message_event.resource_type == "message"


class TestListThreads:
    @staticmethod
    def url(pool_id: object) -> str:
        return f"/pools/{pool_id}/threads"

    @pytest.mark.parametrize("caller, status, code", access_table(200, "pool_not_found"))
    async def test_access(
        self, client, pool: Pool, owner_thread, caller, caller_headers, status, code
    ):
        response = await client.get(self.url(pool.id), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_unknown_pool(self, client, admin: Caller):
        response = await client.get(self.url(UNKNOWN_ID), headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (404, "pool_not_found")

    async def test_page_envelope(self, client, pool: Pool, owner: Caller, owner_thread):
        response = await client.get(self.url(pool.id), headers=owner.headers)
        body = response.json()
        assert (body["total"], body["limit"], body["offset"]) == (1, 50, 0)
        assert set(body["items"][0]) == THREAD_FIELDS

    async def test_newest_activity_first(self, client, pool: Pool, owner: Caller):
        opened = []
        for subject in ("first", "second", "third"):
            opened.append((await open_thread(client, pool, owner, subject=subject))["thread"])
            await asyncio.sleep(TICK_SECONDS)
        response = await client.get(self.url(pool.id), headers=owner.headers)
        assert ids(response) == [thread["id"] for thread in reversed(opened)]

    async def test_posting_moves_a_thread_to_the_top(self, client, pool: Pool, owner: Caller):
        oldest = (await open_thread(client, pool, owner, subject="oldest"))["thread"]
        await asyncio.sleep(TICK_SECONDS)
        newest = (await open_thread(client, pool, owner, subject="newest"))["thread"]
        await asyncio.sleep(TICK_SECONDS)
        await post(client, oldest["id"], owner)
        response = await client.get(self.url(pool.id), headers=owner.headers)
        assert ids(response) == [oldest["id"], newest["id"]]

    @pytest.mark.parametrize("status", ["open", "answered", "closed"])
    async def test_status_filter(self, client, pool: Pool, owner: Caller, status):
        by_status = {
            "open": (await open_thread(client, pool, owner, type="question"))["thread"],
            "answered": (await open_thread(client, pool, owner, type="answer"))["thread"],
            "closed": (await open_thread(client, pool, owner))["thread"],
        }
        await client.patch(
            f"/threads/{by_status['closed']['id']}",
            json={"status": "closed"},
            headers=owner.headers,
        )
        response = await client.get(
            self.url(pool.id), params={"status": status}, headers=owner.headers
        )
        assert ids(response) == [by_status[status]["id"]]
        assert response.json()["total"] == 1

    async def test_unknown_status_filter(self, client, pool: Pool, owner: Caller):
        response = await client.get(
            self.url(pool.id), params={"status": "pending"}, headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_paginated(self, client, pool: Pool, owner: Caller):
        opened = []
        for number in range(5):
            opened.append((await open_thread(client, pool, owner, subject=f"#{number}"))["thread"])
            await asyncio.sleep(TICK_SECONDS)
        response = await client.get(
            self.url(pool.id), params={"limit": 2, "offset": 1}, headers=owner.headers
        )
        body = response.json()
        assert (body["total"], body["limit"], body["offset"]) == (5, 2, 1)
        assert ids(response) == [opened[3]["id"], opened[2]["id"]]

    async def test_other_pools_threads_are_not_listed(
        self, client, pool: Pool, owner: Caller, owner_thread
    ):
        second_pool = await make_pool(owner.user)
        await open_thread(client, second_pool, owner)
        response = await client.get(self.url(pool.id), headers=owner.headers)
        assert ids(response) == [owner_thread["id"]]


class TestReadThread:
    @staticmethod
    def url(thread_id: object) -> str:
        return f"/threads/{thread_id}"

    @pytest.mark.parametrize("caller, status, code", access_table(200, "thread_not_found"))
    async def test_access(self, client, owner_thread, caller, caller_headers, status, code):
        response = await client.get(self.url(owner_thread["id"]), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_unknown_thread(self, client, admin: Caller):
        response = await client.get(self.url(UNKNOWN_ID), headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (404, "thread_not_found")

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.get(self.url(MALFORMED_ID), headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_fields(self, client, owner: Caller, owner_thread):
        body = await read_thread(client, owner_thread["id"], owner)
        assert set(body) == THREAD_FIELDS
        assert set(body["lastMessage"]) == LAST_MESSAGE_FIELDS
        assert body["createdAt"].endswith("Z")

    async def test_unassigned_technician_after_removal(
        self, client, pool: Pool, technician: Caller, owner_thread
    ):
        await pool.set({"technician_ids": []})
        response = await client.get(self.url(owner_thread["id"]), headers=technician.headers)
        assert (response.status_code, problem_code(response)) == (404, "thread_not_found")


class TestUpdateThread:
    @staticmethod
    def url(thread_id: object) -> str:
        return f"/threads/{thread_id}"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("technician", 200, None),  # the thread's creator
            ("colleague", 403, "forbidden"),
            ("other_owner", 404, "thread_not_found"),
            ("other_technician", 404, "thread_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, technician_thread, caller, caller_headers, status, code):
        response = await client.patch(
            self.url(technician_thread["id"]), json={"subject": "Renamed"}, headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_assigned_technician_not_the_creator(
        self, client, technician: Caller, owner_thread
    ):
        response = await client.patch(
            self.url(owner_thread["id"]), json={"status": "closed"}, headers=technician.headers
        )
        assert (response.status_code, problem_code(response)) == (403, "forbidden")
        assert (await Thread.get(PydanticObjectId(owner_thread["id"]))).status == "open"

    async def test_unknown_thread(self, client, admin: Caller):
        response = await client.patch(
            self.url(UNKNOWN_ID), json={"subject": "Renamed"}, headers=admin.headers
        )
        assert (response.status_code, problem_code(response)) == (404, "thread_not_found")

    async def test_rename(self, client, owner: Caller, owner_thread):
        response = await client.patch(
            self.url(owner_thread["id"]), json={"subject": "Still green"}, headers=owner.headers
        )
        assert response.json()["subject"] == "Still green"
        assert (await read_thread(client, owner_thread["id"], owner))["subject"] == "Still green"

    async def test_close(self, client, owner: Caller, owner_thread):
        response = await client.patch(
            self.url(owner_thread["id"]), json={"status": "closed"}, headers=owner.headers
        )
        assert response.json()["status"] == "closed"
        assert (await read_thread(client, owner_thread["id"], owner))["status"] == "closed"

    async def test_cache_fields_are_kept(self, client, owner: Caller, owner_thread):
        before = await read_thread(client, owner_thread["id"], owner)
        response = await client.patch(
            self.url(owner_thread["id"]), json={"subject": "Renamed"}, headers=owner.headers
        )
        assert response.json()["messageCount"] == 1
        assert response.json()["lastMessage"] == before["lastMessage"]

    @pytest.mark.parametrize(
        "body",
        [
            pytest.param({"subject": ""}, id="empty-subject"),
            pytest.param({"subject": None}, id="null-subject"),
            pytest.param({"status": "archived"}, id="unknown-status"),
            pytest.param({"status": None}, id="null-status"),
            pytest.param({"messageCount": 0}, id="unknown-field"),
        ],
    )
    async def test_invalid_body(self, client, owner: Caller, owner_thread, body):
        response = await client.patch(
            self.url(owner_thread["id"]), json=body, headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_audited(self, client, pool: Pool, owner: Caller, owner_thread):
        await client.patch(
            self.url(owner_thread["id"]),
            json={"subject": "Renamed", "status": "closed"},
            headers=owner.headers,
        )
        (event,) = await audit_events("thread.update", owner_thread["id"])
        assert event.pool_id == pool.id
        assert event.changes == ["status", "subject"]


class TestListMessages:
    @staticmethod
    def url(thread_id: object) -> str:
        return f"/threads/{thread_id}/messages"

    @pytest.mark.parametrize("caller, status, code", access_table(200, "thread_not_found"))
    async def test_access(self, client, owner_thread, caller, caller_headers, status, code):
        response = await client.get(self.url(owner_thread["id"]), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_unknown_thread(self, client, admin: Caller):
        response = await client.get(self.url(UNKNOWN_ID), headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (404, "thread_not_found")

    async def _thread_of_five(self, client, pool: Pool, owner: Caller) -> tuple[str, list[str]]:
        """A thread with five messages a few milliseconds apart: its id and theirs, in order."""
        created = await open_thread(client, pool, owner, body="message 0")
        thread_id = created["thread"]["id"]
        posted = [created["message"]["id"]]
        for number in range(1, 5):
            await asyncio.sleep(TICK_SECONDS)
            posted.append((await post(client, thread_id, owner, body=f"message {number}"))["id"])
        return thread_id, posted

    async def test_oldest_first(self, client, pool: Pool, owner: Caller):
        thread_id, posted = await self._thread_of_five(client, pool, owner)
        response = await client.get(self.url(thread_id), headers=owner.headers)
        assert ids(response) == posted
        assert set(response.json()["items"][0]) == MESSAGE_FIELDS

    async def test_paginated(self, client, pool: Pool, owner: Caller):
        thread_id, posted = await self._thread_of_five(client, pool, owner)
        response = await client.get(
            self.url(thread_id), params={"limit": 2, "offset": 1}, headers=owner.headers
        )
        body = response.json()
        assert (body["total"], body["limit"], body["offset"]) == (5, 2, 1)
        assert ids(response) == posted[1:3]

    async def test_limit_above_100(self, client, owner: Caller, owner_thread):
        response = await client.get(
            self.url(owner_thread["id"]), params={"limit": 101}, headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_only_this_threads_messages(
        self, client, pool: Pool, owner: Caller, owner_thread
    ):
        await open_thread(client, pool, owner, subject="Another thread")
        response = await client.get(self.url(owner_thread["id"]), headers=owner.headers)
        assert ids(response) == [owner_thread["lastMessage"]["id"]]


class TestPostMessage:
    @staticmethod
    def url(thread_id: object) -> str:
        return f"/threads/{thread_id}/messages"

    @pytest.mark.parametrize("caller, status, code", access_table(201, "thread_not_found"))
    async def test_access(self, client, owner_thread, caller, caller_headers, status, code):
        response = await client.post(
            self.url(owner_thread["id"]), json={"body": "Hello"}, headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_unknown_thread(self, client, admin: Caller):
        response = await client.post(
            self.url(UNKNOWN_ID), json={"body": "Hello"}, headers=admin.headers
        )
        assert (response.status_code, problem_code(response)) == (404, "thread_not_found")

    async def test_returns_the_message(self, client, pool: Pool, technician: Caller, owner_thread):
        message = await post(client, owner_thread["id"], technician, body="On my way.")
        assert set(message) == MESSAGE_FIELDS
        assert message["threadId"] == owner_thread["id"]
        assert message["poolId"] == str(pool.id)
        assert message["authorId"] == str(technician.user.id)
        assert message["body"] == "On my way."
        assert message["editedAt"] is None
        assert message["replyToMessageId"] is None
        assert message["photos"] == []

    async def test_default_type_is_comment(self, client, owner: Caller, owner_thread):
        message = await post(client, owner_thread["id"], owner)
        assert message["type"] == "comment"

    @pytest.mark.parametrize(
        "body",
        [
            pytest.param({"body": ""}, id="empty-body"),
            pytest.param({"body": "b" * 5001}, id="body-too-long"),
            pytest.param({}, id="missing-body"),
            pytest.param({"body": "Hi", "type": "rant"}, id="unknown-type"),
            pytest.param({"body": "Hi", "mood": "happy"}, id="unknown-field"),
            pytest.param({"body": "Hi", "replyToMessageId": MALFORMED_ID}, id="malformed-reply"),
        ],
    )
    async def test_invalid_body(self, client, owner: Caller, owner_thread, body):
        response = await client.post(self.url(owner_thread["id"]), json=body, headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (422, "validation_error")
        assert (await read_thread(client, owner_thread["id"], owner))["messageCount"] == 1

    async def test_body_of_5000_characters(self, client, owner: Caller, owner_thread):
        message = await post(client, owner_thread["id"], owner, body="b" * 5000)
        assert len(message["body"]) == 5000

    async def test_reply_in_the_thread(self, client, technician: Caller, owner_thread):
        first_id = owner_thread["lastMessage"]["id"]
        message = await post(client, owner_thread["id"], technician, replyToMessageId=first_id)
        assert message["replyToMessageId"] == first_id

    async def test_reply_in_snake_case(self, client, technician: Caller, owner_thread):
        first_id = owner_thread["lastMessage"]["id"]
        message = await post(client, owner_thread["id"], technician, reply_to_message_id=first_id)
        assert message["replyToMessageId"] == first_id

    async def test_reply_to_another_threads_message(
        self, client, pool: Pool, owner: Caller, owner_thread
    ):
        elsewhere = await open_thread(client, pool, owner, subject="Elsewhere")
        response = await client.post(
            self.url(owner_thread["id"]),
            json={"body": "Hi", "replyToMessageId": elsewhere["message"]["id"]},
            headers=owner.headers,
        )
        assert (response.status_code, problem_code(response)) == (400, "reply_not_in_thread")
        assert (await read_thread(client, owner_thread["id"], owner))["messageCount"] == 1

    async def test_reply_to_an_unknown_message(self, client, owner: Caller, owner_thread):
        response = await client.post(
            self.url(owner_thread["id"]),
            json={"body": "Hi", "replyToMessageId": UNKNOWN_ID},
            headers=owner.headers,
        )
        assert (response.status_code, problem_code(response)) == (400, "reply_not_in_thread")
        assert await Message.find({"thread_id": PydanticObjectId(owner_thread["id"])}).count() == 1

    async def test_counts_into_the_thread(self, client, owner: Caller, owner_thread):
        await post(client, owner_thread["id"], owner)
        await post(client, owner_thread["id"], owner)
        assert (await read_thread(client, owner_thread["id"], owner))["messageCount"] == 3

    async def test_becomes_the_last_message(
        self, client, owner: Caller, technician: Caller, owner_thread
    ):
        await asyncio.sleep(TICK_SECONDS)
        posted = await post(client, owner_thread["id"], technician, body="Shocked it.")
        stored = await read_message(client, posted["id"], owner)
        thread = await read_thread(client, owner_thread["id"], owner)
        assert thread["lastMessage"]["id"] == posted["id"]
        assert thread["lastMessage"]["authorId"] == str(technician.user.id)
        assert thread["lastMessage"]["type"] == "comment"
        assert thread["lastMessage"]["preview"] == "Shocked it."
        assert when(thread["lastMessage"]["createdAt"]) == when(stored["createdAt"])

    async def test_moves_updated_at(self, client, owner: Caller, owner_thread):
        await asyncio.sleep(TICK_SECONDS)
        await post(client, owner_thread["id"], owner)
        thread = await read_thread(client, owner_thread["id"], owner)
        assert when(thread["updatedAt"]) > when(owner_thread["updatedAt"])
        assert when(thread["updatedAt"]) == when(thread["lastMessage"]["createdAt"])

    async def test_preview_is_the_first_140_characters(self, client, owner: Caller, owner_thread):
        body = "".join(str(number % 10) for number in range(300))
        await post(client, owner_thread["id"], owner, body=body)
        thread = await read_thread(client, owner_thread["id"], owner)
        assert thread["lastMessage"]["preview"] == body[:140]

    async def test_preview_of_141_characters(self, client, owner: Caller, owner_thread):
        await post(client, owner_thread["id"], owner, body="a" * 140 + "Z")
        thread = await read_thread(client, owner_thread["id"], owner)
        assert thread["lastMessage"]["preview"] == "a" * 140

    async def test_audited(self, client, pool: Pool, technician: Caller, owner_thread):
        message = await post(client, owner_thread["id"], technician)
        (event,) = await audit_events("message.create", message["id"])
        assert event.pool_id == pool.id
        assert event.actor_id == technician.user.id


class TestReadMessage:
    @staticmethod
    def url(message_id: object) -> str:
        return f"/messages/{message_id}"

    @pytest.mark.parametrize("caller, status, code", access_table(200, "message_not_found"))
    async def test_access(self, client, technician_message, caller, caller_headers, status, code):
        response = await client.get(self.url(technician_message["id"]), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_unknown_message(self, client, admin: Caller):
        response = await client.get(self.url(UNKNOWN_ID), headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (404, "message_not_found")

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.get(self.url(MALFORMED_ID), headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_fields(self, client, owner: Caller, technician_message):
        body = await read_message(client, technician_message["id"], owner)
        assert set(body) == MESSAGE_FIELDS
        assert body["body"] == technician_message["body"]
        assert body["photos"] == []


class TestEditMessage:
    @staticmethod
    def url(message_id: object) -> str:
        return f"/messages/{message_id}"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("technician", 200, None),  # the author
            ("owner", 403, "forbidden"),
            ("colleague", 403, "forbidden"),
            ("other_owner", 404, "message_not_found"),
            ("other_technician", 404, "message_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, technician_message, caller, caller_headers, status, code):
        response = await client.patch(
            self.url(technician_message["id"]), json={"body": "Edited"}, headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_refused_edit_keeps_the_body(self, client, owner: Caller, technician_message):
        await client.patch(
            self.url(technician_message["id"]), json={"body": "Edited"}, headers=owner.headers
        )
        stored = await read_message(client, technician_message["id"], owner)
        assert stored["body"] == technician_message["body"]
        assert stored["editedAt"] is None

    async def test_unknown_message(self, client, admin: Caller):
        response = await client.patch(
            self.url(UNKNOWN_ID), json={"body": "Edited"}, headers=admin.headers
        )
        assert (response.status_code, problem_code(response)) == (404, "message_not_found")

    @pytest.mark.parametrize(
        "body",
        [
            pytest.param({"body": ""}, id="empty-body"),
            pytest.param({"body": "b" * 5001}, id="body-too-long"),
            pytest.param({}, id="missing-body"),
            pytest.param({"body": "Hi", "type": "answer"}, id="unknown-field"),
        ],
    )
    async def test_invalid_body(self, client, technician: Caller, technician_message, body):
        response = await client.patch(
            self.url(technician_message["id"]), json=body, headers=technician.headers
        )
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_sets_body_and_edited_at(self, client, technician: Caller, technician_message):
        response = await client.patch(
            self.url(technician_message["id"]), json={"body": "Edited"}, headers=technician.headers
        )
        assert response.json()["body"] == "Edited"
        assert response.json()["editedAt"] is not None
        stored = await read_message(client, technician_message["id"], technician)
        assert stored["body"] == "Edited"
        assert when(stored["editedAt"]) >= when(stored["createdAt"])

    async def test_latest_message_refreshes_the_preview(
        self, client, owner: Caller, technician: Caller, owner_thread, technician_message
    ):
        await client.patch(
            self.url(technician_message["id"]), json={"body": "Edited"}, headers=technician.headers
        )
        thread = await read_thread(client, owner_thread["id"], owner)
        assert thread["lastMessage"]["id"] == technician_message["id"]
        assert thread["lastMessage"]["preview"] == "Edited"

    async def test_refreshed_preview_is_cut_at_140(
        self, client, owner: Caller, technician: Caller, owner_thread, technician_message
    ):
        body = "".join(chr(ord("a") + number % 26) for number in range(500))
        await client.patch(
            self.url(technician_message["id"]), json={"body": body}, headers=technician.headers
        )
        thread = await read_thread(client, owner_thread["id"], owner)
        assert thread["lastMessage"]["preview"] == body[:140]

    async def test_older_message_leaves_the_last_message(
        self, client, owner: Caller, owner_thread, technician_message
    ):
        before = await read_thread(client, owner_thread["id"], owner)
        first_id = owner_thread["lastMessage"]["id"]
        response = await client.patch(
            self.url(first_id), json={"body": "Edited question"}, headers=owner.headers
        )
        assert response.status_code == 200
        after = await read_thread(client, owner_thread["id"], owner)
        assert after["lastMessage"] == before["lastMessage"]
        assert after["messageCount"] == before["messageCount"]

    async def test_audited(self, client, pool: Pool, admin: Caller, technician_message):
        await client.patch(
            self.url(technician_message["id"]), json={"body": "Edited"}, headers=admin.headers
        )
        (event,) = await audit_events("message.update", technician_message["id"])
        assert event.pool_id == pool.id
        assert event.actor_id == admin.user.id
        assert event.changes == ["body"]


class TestDeletePoolCascade:
    @pytest.fixture
    async def message_photo(self, storage, settings, technician: Caller, technician_message):
        """A photo on `technician_message`, stored as the message photo route stores it."""
        return await make_photo(
            storage=storage,
            settings=settings,
            uploader=technician.user,
            context=PhotoContext.MESSAGE,
            context_id=PydanticObjectId(technician_message["id"]),
            pool_id=PydanticObjectId(technician_message["poolId"]),
        )

    async def test_threads_are_removed(self, client, pool: Pool, owner: Caller, owner_thread):
        response = await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        assert response.status_code == 204
        assert await Thread.find({"pool_id": pool.id}).count() == 0

    async def test_thread_cannot_be_read(
        self, client, pool: Pool, admin: Caller, owner: Caller, owner_thread
    ):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        response = await client.get(f"/threads/{owner_thread['id']}", headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (404, "thread_not_found")

    async def test_messages_are_removed(
        self, client, pool: Pool, owner: Caller, technician_message
    ):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        assert await Message.find({"pool_id": pool.id}).count() == 0

    async def test_message_photos_are_removed(
        self, client, pool: Pool, owner: Caller, storage, message_photo: Photo
    ):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        assert await Photo.find({"context": PhotoContext.MESSAGE}).count() == 0
        assert not await storage.exists(message_photo.blob_name)

    async def test_other_pools_keep_their_threads(
        self, client, pool: Pool, owner: Caller, owner_thread
    ):
        kept_pool = await make_pool(owner.user)
        kept = await open_thread(client, kept_pool, owner)
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        assert (await read_thread(client, kept["thread"]["id"], owner))["messageCount"] == 1
