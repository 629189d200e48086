"""Webhook fixtures: a real HTTP receiver on a free loopback port, and settings to reach it."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from beanie import PydanticObjectId
from fastapi import FastAPI

from app.core.config import Settings
from app.notifications.events import Event, EventType
from app.pools.models import Pool
from app.webhooks.models import Webhook
from tests.conftest import Caller
from tests.factories import make_webhook


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The guard lifted (the receiver is on loopback), tiny backoff, workers driven by the tests."""
    return settings.model_copy(
        update={
            "webhook_allow_private_targets": True,
            "webhook_retry_base_seconds": 0.01,
            "webhook_timeout_seconds": 1.0,
            "background_jobs_enabled": False,
        }
    )


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An HTTP server that records every request and answers `statuses` in turn (then 200)."""

    base_url: str = ""
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    delay_seconds: float = 0.0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str = "/hook") -> str:
        return self.base_url + path

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(Received(request.path, dict(request.headers), await request.read()))
        self.arrived.set()
        if request.path == "/redirect":
            raise web.HTTPTemporaryRedirect(location="/landing")
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        status = self.statuses.pop(0) if self.statuses else 200
        return web.Response(status=status, text="ok")

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    server = web.Application()
    server.router.add_route("*", "/{tail:.*}", receiver.handle)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    receiver.base_url = f"http://{host}:{port}"
    try:
        yield receiver
    finally:
        await runner.cleanup()


@pytest.fixture
async def webhook(app: FastAPI, owner: Caller, receiver: Receiver) -> Webhook:
    """`owner`'s webhook for alerts and visits, pointing at the receiver."""
    return await make_webhook(
        owner.user, url=receiver.url(), events=["alert.raised", "visit.completed"]
    )


def alert_event(pool: Pool, *, event_type: EventType = EventType.ALERT_RAISED) -> Event:
    """An event of `pool` as a domain service would publish it."""
    alert_id = PydanticObjectId()
    return Event(
        type=event_type,
        resource_type="alert",
        resource_id=alert_id,
        pool_id=pool.id,
        actor_id=None,
        recipient_ids=(pool.owner_id,),
        title=f"pH out of range at {pool.name}",
        body="pH 9.0 is above 7.8.",
        data={"id": str(alert_id), "poolId": str(pool.id), "metric": "ph", "value": 9.0},
    )
