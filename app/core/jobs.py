"""Background work inside the API process, coordinated through MongoDB so instances never collide.

Every API instance runs the same workers; MongoDB decides who works on what:
- a **lease** (one `job_leases` document per job name) lets one instance at a time run a job
  that must not run twice at once (the service-plan horizon);
- a **claim** (one conditional update on a queued item) hands each due item of a queue (an email, a
  webhook delivery) to one worker at a time. The claim stamps `lease_until`; an item whose lease ran
  out, because its instance died mid-work, is due again and is claimed by another worker.

Queued documents carry `status` (`pending` while work remains), `attempts`, `next_attempt_at` and
`lease_until`; `claim_next` and `settle` read and write only those.

Kept hand-written: a lease is two conditional updates and a runner is a loop per job; a task-queue
library would bring a broker the deployment does not otherwise need.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from uuid import uuid4

from pydantic import Field
from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from app.core.documents import Document
from app.users.models import utcnow

logger = logging.getLogger(__name__)

# Names this process when it holds a lease; a new one on every start.
INSTANCE_ID = uuid4().hex

PENDING = "pending"

QueuedDocument = TypeVar("QueuedDocument", bound=Document)


class JobLease(Document):
    """Who runs the job named by `id` until `lease_until`."""

    id: str  # type: ignore[assignment]  # the job's name, not an ObjectId
    holder: str
    lease_until: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "job_leases"
        indexes: list[IndexModel] = []  # looked up by `_id` only


async def acquire_lease(name: str, *, duration: timedelta, holder: str = INSTANCE_ID) -> bool:
    """Take or renew the lease on `name` unless another holder's lease is still running."""
    now = utcnow()
    try:
        await JobLease.get_motor_collection().find_one_and_update(
            {"_id": name, "$or": [{"lease_until": {"$lte": now}}, {"holder": holder}]},
            {"$set": {"holder": holder, "lease_until": now + duration}},
            upsert=True,
        )
    except DuplicateKeyError:
        # The document exists and matched neither branch: another holder's lease is live.
        return False
    return True


async def release_lease(name: str, *, holder: str = INSTANCE_ID) -> None:
    """End our lease on `name` early, so the next tick of any instance may take it."""
    await JobLease.get_motor_collection().update_one(
        {"_id": name, "holder": holder}, {"$set": {"lease_until": utcnow()}}
    )


async def run_exclusively(
    name: str,
    work: Callable[[], Awaitable[Any]],
    *,
    duration: timedelta,
    holder: str = INSTANCE_ID,
) -> bool:
    """Run `work` under the lease on `name`; False, and nothing run, when another holds it."""
    if not await acquire_lease(name, duration=duration, holder=holder):
        return False
    try:
        await work()
    finally:
        await release_lease(name, holder=holder)
    return True


async def claim_next(
    document: type[QueuedDocument], *, lease: timedelta, query: dict[str, Any] | None = None
) -> QueuedDocument | None:
    """Claim the most overdue pending item of a queue for `lease`, counting the attempt."""
    now = utcnow()
    raw = await document.get_motor_collection().find_one_and_update(
        {
            **(query or {}),
            "status": PENDING,
            "next_attempt_at": {"$lte": now},
            "$or": [{"lease_until": None}, {"lease_until": {"$lte": now}}],
        },
        {"$set": {"lease_until": now + lease}, "$inc": {"attempts": 1}},
        sort=[("next_attempt_at", ASCENDING)],
        return_document=ReturnDocument.AFTER,
    )
    return document.model_validate(raw) if raw else None


async def settle(item: Document, **fields: Any) -> bool:
    """Record the outcome of a claimed item and free it; False when our lease was lost meanwhile."""
    result = (
        await type(item)
        .get_motor_collection()
        .update_one(
            {"_id": item.id, "lease_until": getattr(item, "lease_until", None)},
            {"$set": {**fields, "lease_until": None}},
        )
    )
    return result.modified_count == 1


def backoff_delay(attempts: int, *, base_seconds: float) -> timedelta:
    """Exponential backoff: `base`, then twice that, four times, ... after each failed attempt."""
    return timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0))


@dataclass(frozen=True)
class PeriodicJob:
    """`run` called every `interval_seconds` until the runner stops."""

    name: str
    interval_seconds: float
    run: Callable[[], Awaitable[Any]]


class JobRunner:
    """Runs periodic jobs as tasks of the event loop; started and stopped by the app's lifespan."""

    def __init__(self, jobs: Sequence[PeriodicJob], *, stop_grace_seconds: float = 10) -> None:
        self.jobs = tuple(jobs)
        self.stop_grace_seconds = stop_grace_seconds
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Start one loop per job."""
        self._stopping.clear()
        self._tasks = [
            asyncio.create_task(self._loop(job), name=f"job:{job.name}") for job in self.jobs
        ]

    async def stop(self) -> None:
        """Let running ticks finish (up to the grace period), then cancel what is left."""
        self._stopping.set()
        if not self._tasks:
            return
        _, unfinished = await asyncio.wait(self._tasks, timeout=self.stop_grace_seconds)
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)
        self._tasks = []

    async def _loop(self, job: PeriodicJob) -> None:
        while not self._stopping.is_set():
            try:
                await job.run()
            except Exception:
                # A failed tick must not end the loop: the next one retries.
                logger.exception("background job failed", extra={"job": job.name})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=job.interval_seconds)
