"""The job runner's building blocks: leases, claims, backoff, start and stop."""

import asyncio
from datetime import datetime, timedelta

import pytest
from beanie import Document
from fastapi import FastAPI
from pydantic import Field

from app.core import jobs
from app.users.models import utcnow


class QueuedThing(Document):
    status: str = jobs.PENDING
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_until: datetime | None = None

    class Settings:
        name = "test_queued_things"


@pytest.fixture
async def queue(app: FastAPI) -> type[QueuedThing]:
    from beanie import init_beanie

    await init_beanie(database=app.state.mongo_client["poolia_test"], document_models=[QueuedThing])
    return QueuedThing


class TestLease:
    async def test_one_holder_at_a_time(self, app: FastAPI) -> None:
        minute = timedelta(minutes=1)
        assert await jobs.acquire_lease("horizon", duration=minute, holder="a")
        assert not await jobs.acquire_lease("horizon", duration=minute, holder="b")
        assert await jobs.acquire_lease("horizon", duration=minute, holder="a")  # renewal

    async def test_released_lease_is_free(self, app: FastAPI) -> None:
        minute = timedelta(minutes=1)
        assert await jobs.acquire_lease("horizon", duration=minute, holder="a")
        await jobs.release_lease("horizon", holder="a")
        assert await jobs.acquire_lease("horizon", duration=minute, holder="b")

    async def test_expired_lease_is_taken_over(self, app: FastAPI) -> None:
        assert await jobs.acquire_lease("horizon", duration=timedelta(seconds=-1), holder="a")
        assert await jobs.acquire_lease("horizon", duration=timedelta(minutes=1), holder="b")

    async def test_run_exclusively_skips_when_held(self, app: FastAPI) -> None:
        ran: list[str] = []

        async def work() -> None:
            ran.append("x")

        await jobs.acquire_lease("horizon", duration=timedelta(minutes=1), holder="other")
        assert not await jobs.run_exclusively("horizon", work, duration=timedelta(minutes=1))
        assert ran == []


class TestClaims:
    async def test_each_item_claimed_once(self, queue: type[QueuedThing]) -> None:
        items = [QueuedThing() for _ in range(5)]
        await QueuedThing.insert_many(items)
        lease = timedelta(minutes=1)
        claims = (jobs.claim_next(QueuedThing, lease=lease) for _ in range(8))
        claimed = await asyncio.gather(*claims)
        ids = [item.id for item in claimed if item is not None]
        assert len(ids) == 5 == len(set(ids))
        assert all(item.attempts == 1 for item in claimed if item is not None)

    async def test_expired_claim_is_claimed_again(self, queue: type[QueuedThing]) -> None:
        await QueuedThing().insert()
        first = await jobs.claim_next(QueuedThing, lease=timedelta(seconds=-1))
        second = await jobs.claim_next(QueuedThing, lease=timedelta(minutes=1))
        assert first is not None and second is not None and first.id == second.id
        assert second.attempts == 2
        # The first worker's lease is gone: its outcome must not overwrite the second's claim.
        assert not await jobs.settle(first, status="succeeded")
        assert await jobs.settle(second, status="succeeded")

    async def test_not_due_is_not_claimed(self, queue: type[QueuedThing]) -> None:
        await QueuedThing(next_attempt_at=utcnow() + timedelta(minutes=5)).insert()
        assert await jobs.claim_next(QueuedThing, lease=timedelta(minutes=1)) is None


def test_backoff_doubles() -> None:
    delays = [jobs.backoff_delay(n, base_seconds=10).total_seconds() for n in (1, 2, 3, 4)]
    assert delays == [10, 20, 40, 80]


class TestRunner:
    async def test_runs_until_stopped_and_survives_failures(self) -> None:
        calls: list[int] = []

        async def tick() -> None:
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("first tick fails")

        runner = jobs.JobRunner([jobs.PeriodicJob("tick", 0.01, tick)])
        runner.start()
        await asyncio.sleep(0.1)
        await runner.stop()
        count = len(calls)
        assert count >= 2
        await asyncio.sleep(0.05)
        assert len(calls) == count

    async def test_stop_cancels_a_stuck_tick(self) -> None:
        async def stuck() -> None:
            await asyncio.sleep(3600)

        runner = jobs.JobRunner([jobs.PeriodicJob("stuck", 1, stuck)], stop_grace_seconds=0.05)
        runner.start()
        await asyncio.sleep(0.01)
        await asyncio.wait_for(runner.stop(), timeout=2)
