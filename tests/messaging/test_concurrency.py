"""Concurrent posts to one thread (contract section 12: cache fields updated atomically).

The in-memory store answers every call without suspending, so requests gathered with asyncio
would run one after the other. The `interleaved_store` fixture makes each store call yield to the
event loop first, as a round trip to a real MongoDB does, so concurrent requests interleave between
the thread read and the thread update, where a read-modify-write would lose counts.
"""

import asyncio
import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest
from beanie import PydanticObjectId

from app.messaging.models import Message, Thread
from app.pools.models import Pool
from tests.conftest import Caller, problem_code
from tests.messaging.conftest import open_thread, read_thread

ROUNDS = 10
CONCURRENT_POSTS = 20
STORE_METHODS = [
    "find_one",
    "find_one_and_update",
    "insert_one",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "count_documents",
]
CURSOR_METHODS = ["to_list", "next", "__anext__"]
# Round trips take a varying time: each call yields up to this many times (seeded, repeatable).
MAX_YIELDS_PER_CALL = 3
# Event-loop turns by which the racing close starts later each round.
CLOSE_DELAY_TURNS = 3


class InterleavedStore:
    """Records which task made each call on the threads collection."""

    def __init__(self, seed: int = 2026) -> None:
        self.thread_calls: list[asyncio.Task[Any] | None] = []
        self.random = random.Random(seed)

    async def round_trip(self) -> None:
        """Let other requests run for a varying number of event-loop turns."""
        for _ in range(self.random.randint(1, MAX_YIELDS_PER_CALL)):
            await asyncio.sleep(0)

    def reset(self) -> None:
        self.thread_calls.clear()

    def overlapped(self) -> bool:
        """Whether a task's thread-collection calls were split by another task's call."""
        finished: set[int] = set()
        previous = None
        for task in self.thread_calls:
            if task is not previous:
                if id(task) in finished:
                    return True
                if previous is not None:
                    finished.add(id(previous))
                previous = task
        return False


def _yielding(method: Callable[..., Any], store: InterleavedStore, threads: str) -> Callable:
    async def call(self, *args: Any, **kwargs: Any) -> Any:
        await store.round_trip()
        if getattr(self, "name", None) == threads:
            store.thread_calls.append(asyncio.current_task())
        return await method(self, *args, **kwargs)

    return call


@pytest.fixture
def interleaved_store(app, monkeypatch: pytest.MonkeyPatch) -> InterleavedStore:
    """Every store call of the app yields to the event loop before it runs."""
    store = InterleavedStore()
    collection = Thread.get_motor_collection()
    threads = collection.name
    for name in STORE_METHODS:
        monkeypatch.setattr(
            type(collection), name, _yielding(getattr(type(collection), name), store, threads)
        )
    cursor_type = type(collection.find({}))
    for name in CURSOR_METHODS:
        original = getattr(cursor_type, name)

        async def cursor_call(self, *args: Any, _original=original, **kwargs: Any) -> Any:
            await store.round_trip()
            return await _original(self, *args, **kwargs)

        monkeypatch.setattr(cursor_type, name, cursor_call)
    return store


def to_millisecond(value: datetime) -> datetime:
    """A time at MongoDB's precision."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


async def assert_cache_matches_store(thread: dict[str, Any]) -> None:
    """`messageCount` is the number of stored messages and `lastMessage` the newest of them
    (any of those tied at the newest millisecond)."""
    messages = await Message.find({"thread_id": PydanticObjectId(thread["id"])}).to_list()
    assert thread["messageCount"] == len(messages)
    newest_time = max(to_millisecond(message.created_at) for message in messages)
    newest = {
        str(message.id): message
        for message in messages
        if to_millisecond(message.created_at) == newest_time
    }
    last = thread["lastMessage"]
    assert last["id"] in newest, (last, sorted(newest))
    cached = newest[last["id"]]
    assert (last["authorId"], last["type"], last["preview"]) == (
        str(cached.author_id),
        cached.type.value,
        cached.body[:140],
    )
    assert to_millisecond(datetime.fromisoformat(last["createdAt"])) == newest_time


async def post_all(
    client: httpx.AsyncClient, thread_id: str, bodies: list[dict[str, Any]], callers: list[Caller]
) -> list[httpx.Response]:
    """Post every body at once, alternating between the callers."""
    return await asyncio.gather(
        *(
            client.post(
                f"/threads/{thread_id}/messages",
                json=body,
                headers=callers[number % len(callers)].headers,
            )
            for number, body in enumerate(bodies)
        )
    )


class TestConcurrentPosts:
    async def test_every_post_is_counted(
        self,
        client,
        pool: Pool,
        owner: Caller,
        technician: Caller,
        interleaved_store: InterleavedStore,
    ):
        thread_id = (await open_thread(client, pool, owner))["thread"]["id"]
        for round_number in range(ROUNDS):
            before = await read_thread(client, thread_id, owner)
            interleaved_store.reset()
            bodies = [
                {"body": f"round {round_number}, post {number}"}
                for number in range(CONCURRENT_POSTS)
            ]
            responses = await post_all(client, thread_id, bodies, [owner, technician])
            assert [response.status_code for response in responses] == [201] * CONCURRENT_POSTS
            assert interleaved_store.overlapped(), "the posts did not interleave"
            after = await read_thread(client, thread_id, owner)
            assert after["messageCount"] == before["messageCount"] + CONCURRENT_POSTS
            await assert_cache_matches_store(after)

    async def test_mixed_types_never_lose_a_count(
        self,
        client,
        pool: Pool,
        owner: Caller,
        technician: Caller,
        interleaved_store: InterleavedStore,
    ):
        thread_id = (await open_thread(client, pool, owner))["thread"]["id"]
        for round_number in range(ROUNDS):
            before = await read_thread(client, thread_id, owner)
            interleaved_store.reset()
            bodies = [
                {"body": f"round {round_number}, post {number}", "type": kind}
                for number, kind in enumerate(["question", "answer"] * (CONCURRENT_POSTS // 2))
            ]
            responses = await post_all(client, thread_id, bodies, [owner, technician])
            assert [response.status_code for response in responses] == [201] * CONCURRENT_POSTS
            assert interleaved_store.overlapped(), "the posts did not interleave"
            after = await read_thread(client, thread_id, owner)
            assert after["messageCount"] == before["messageCount"] + CONCURRENT_POSTS
            assert after["status"] in {"open", "answered"}
            await assert_cache_matches_store(after)

    async def test_comments_never_undo_a_concurrent_answer(
        self,
        client,
        pool: Pool,
        owner: Caller,
        technician: Caller,
        interleaved_store: InterleavedStore,
    ):
        thread_id = (await open_thread(client, pool, owner))["thread"]["id"]
        for round_number in range(ROUNDS):
            await post_all(client, thread_id, [{"body": "Reopen?", "type": "question"}], [owner])
            assert (await read_thread(client, thread_id, owner))["status"] == "open"
            kinds = ["comment"] * CONCURRENT_POSTS
            kinds[round_number % CONCURRENT_POSTS] = "answer"
            bodies = [
                {"body": f"round {round_number}, post {number}", "type": kind}
                for number, kind in enumerate(kinds)
            ]
            responses = await post_all(client, thread_id, bodies, [owner, technician])
            assert [response.status_code for response in responses] == [201] * CONCURRENT_POSTS
            after = await read_thread(client, thread_id, owner)
            assert after["status"] == "answered"
            await assert_cache_matches_store(after)

    async def test_posts_racing_a_close_are_counted_or_refused(
        self,
        client,
        pool: Pool,
        owner: Caller,
        technician: Caller,
        interleaved_store: InterleavedStore,
    ):
        thread_id = (await open_thread(client, pool, owner))["thread"]["id"]
        refused = 0
        for round_number in range(ROUNDS):
            before = await read_thread(client, thread_id, owner)
            bodies = [
                {"body": f"round {round_number}, post {number}"}
                for number in range(CONCURRENT_POSTS)
            ]

            async def close_later(turns: int) -> httpx.Response:
                for _ in range(turns):
                    await asyncio.sleep(0)
                return await client.patch(
                    f"/threads/{thread_id}", json={"status": "closed"}, headers=owner.headers
                )

            # The close starts a little later each round, to land among the posts.
            posts, closed = await asyncio.gather(
                post_all(client, thread_id, bodies, [technician]),
                close_later(CLOSE_DELAY_TURNS * round_number),
            )
            outcomes = [(response.status_code, problem_code(response)) for response in posts]
            assert closed.status_code == 200
            assert set(outcomes) <= {(201, None), (409, "thread_closed")}
            refused += outcomes.count((409, "thread_closed"))
            after = await read_thread(client, thread_id, owner)
            assert after["status"] == "closed"
            assert after["messageCount"] == before["messageCount"] + outcomes.count((201, None))
            await assert_cache_matches_store(after)
            reopened = await client.patch(
                f"/threads/{thread_id}", json={"status": "open"}, headers=owner.headers
            )
            assert reopened.status_code == 200
        # The close landed mid-round at least once: some posts were refused, others counted.
        assert 0 < refused < ROUNDS * CONCURRENT_POSTS
