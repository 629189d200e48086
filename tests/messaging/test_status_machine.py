"""The thread status machine (contract section 12), driven through the API.

Every row of `app.messaging.service.TRANSITIONS` is exercised, with the expected status written
out here rather than read from the table, plus the closed row (no row: 409 `thread_closed`).
"""

import pytest

from app.messaging.models import Message, MessageType, ThreadStatus
from app.messaging.service import TRANSITIONS
from app.pools.models import Pool
from tests.conftest import Caller, problem_code
from tests.messaging.conftest import open_thread, post, read_thread

# (status before, message type posted, status after): the contract's status machine.
EXPECTED_TRANSITIONS = [
    ("open", "question", "open"),
    ("open", "answer", "answered"),
    ("open", "comment", "open"),
    ("answered", "question", "open"),
    ("answered", "answer", "answered"),
    ("answered", "comment", "answered"),
]
STATUS_AFTER = {(before, kind): after for before, kind, after in EXPECTED_TRANSITIONS}
MESSAGE_TYPES = ["question", "answer", "comment"]


async def thread_in(client, pool: Pool, caller: Caller, status: str) -> dict:
    """A thread brought to `status` through the API (an `answer` first message answers it)."""
    first_type = "answer" if status == "answered" else "question"
    thread = (await open_thread(client, pool, caller, type=first_type))["thread"]
    if status == "closed":
        response = await client.patch(
            f"/threads/{thread['id']}", json={"status": "closed"}, headers=caller.headers
        )
        assert response.status_code == 200
    assert (await read_thread(client, thread["id"], caller))["status"] == status
    return thread


class TestTransitionsTable:
    def test_covers_every_open_and_answered_row(self):
        assert {
            (before.value, message_type.value): after.value
            for (before, message_type), after in TRANSITIONS.items()
        } == STATUS_AFTER

    def test_closed_has_no_row(self):
        assert {before for before, _ in TRANSITIONS} == {ThreadStatus.OPEN, ThreadStatus.ANSWERED}
        assert {kind for _, kind in TRANSITIONS} == set(MessageType)


class TestFirstMessage:
    @pytest.mark.parametrize(
        "message_type, status",
        [("question", "open"), ("comment", "open"), ("answer", "answered")],
    )
    async def test_sets_the_status(self, client, pool: Pool, owner: Caller, message_type, status):
        created = await open_thread(client, pool, owner, type=message_type)
        assert created["thread"]["status"] == status
        assert created["message"]["type"] == message_type
        assert (await read_thread(client, created["thread"]["id"], owner))["status"] == status

    async def test_default_type_leaves_the_thread_open(self, client, pool: Pool, owner: Caller):
        created = await open_thread(client, pool, owner)
        assert created["thread"]["status"] == "open"


class TestPostedMessage:
    @pytest.mark.parametrize("before, message_type, after", EXPECTED_TRANSITIONS)
    async def test_transition(
        self, client, pool: Pool, owner: Caller, technician: Caller, before, message_type, after
    ):
        thread = await thread_in(client, pool, owner, before)
        message = await post(client, thread["id"], technician, type=message_type)
        assert message["type"] == message_type
        updated = await read_thread(client, thread["id"], owner)
        assert updated["status"] == after
        assert updated["messageCount"] == 2
        assert updated["lastMessage"]["type"] == message_type

    async def test_question_answer_question(self, client, pool: Pool, owner: Caller):
        thread = await thread_in(client, pool, owner, "open")
        seen = []
        for message_type in ("answer", "comment", "question", "answer"):
            await post(client, thread["id"], owner, type=message_type)
            seen.append((await read_thread(client, thread["id"], owner))["status"])
        assert seen == ["answered", "answered", "open", "answered"]


class TestClosedThread:
    @pytest.mark.parametrize("message_type", MESSAGE_TYPES)
    async def test_refuses_every_type(
        self, client, pool: Pool, owner: Caller, technician: Caller, message_type
    ):
        thread = await thread_in(client, pool, owner, "closed")
        response = await client.post(
            f"/threads/{thread['id']}/messages",
            json={"body": "Anyone?", "type": message_type},
            headers=technician.headers,
        )
        assert (response.status_code, problem_code(response)) == (409, "thread_closed")

    async def test_refused_post_leaves_no_trace(self, client, pool: Pool, owner: Caller):
        thread = await thread_in(client, pool, owner, "closed")
        before = await read_thread(client, thread["id"], owner)
        await client.post(
            f"/threads/{thread['id']}/messages", json={"body": "Anyone?"}, headers=owner.headers
        )
        after = await read_thread(client, thread["id"], owner)
        assert after == before
        assert await Message.find({"body": "Anyone?"}).count() == 0

    async def test_closing_an_answered_thread(self, client, pool: Pool, owner: Caller):
        thread = await thread_in(client, pool, owner, "answered")
        response = await client.patch(
            f"/threads/{thread['id']}", json={"status": "closed"}, headers=owner.headers
        )
        assert response.json()["status"] == "closed"
        response = await client.post(
            f"/threads/{thread['id']}/messages", json={"body": "Hi"}, headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (409, "thread_closed")

    @pytest.mark.parametrize("message_type", MESSAGE_TYPES)
    async def test_reopened_thread_takes_posts_again(
        self, client, pool: Pool, owner: Caller, technician: Caller, message_type
    ):
        thread = await thread_in(client, pool, owner, "closed")
        reopened = await client.patch(
            f"/threads/{thread['id']}", json={"status": "open"}, headers=owner.headers
        )
        assert reopened.json()["status"] == "open"
        await post(client, thread["id"], technician, type=message_type)
        updated = await read_thread(client, thread["id"], owner)
        assert updated["status"] == STATUS_AFTER[("open", message_type)]
        assert updated["messageCount"] == 2
