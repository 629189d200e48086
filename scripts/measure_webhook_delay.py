"""Measure the delay from an event to its webhook delivery arriving at a receiver.

Runs the app in-process on the embedded store with its own job runner (the poll interval of
`NOTIFICATION_POLL_SECONDS`, default 2 s), a receiver on a free loopback port (the SSRF guard lifted
for it), and publishes events at random moments of the poll cycle.

    .venv/bin/python scripts/measure_webhook_delay.py [--events 20] [--poll 2]
"""

import argparse
import asyncio
import random
import statistics
import time

from aiohttp import web
from beanie import PydanticObjectId

from app.core.config import Environment, Settings
from app.main import create_app
from app.notifications.events import Event, EventType
from app.pools.models import Pool
from app.users.models import Role, User
from app.webhooks import service
from app.webhooks.models import Webhook


async def measure(events: int, poll: float) -> list[float]:
    sent: dict[str, float] = {}
    delays: list[float] = []
    done = asyncio.Event()

    async def receive(request: web.Request) -> web.Response:
        payload = await request.json()
        delays.append(time.monotonic() - sent[payload["data"]["id"]])
        if len(delays) == events:
            done.set()
        return web.Response(text="ok")

    server = web.Application()
    server.router.add_post("/hook", receive)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    settings = Settings(
        environment=Environment.TEST,
        jwt_secret="measure-" + "x" * 40,
        log_level="WARNING",
        notification_poll_seconds=poll,
        webhook_allow_private_targets=True,
    )
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            owner = User(name="M", last_name="Easure", email="m@example.com", role=Role.OWNER)
            await owner.insert()
            pool = Pool(name="Measured", owner_id=owner.id, technician_ids=[])
            await pool.insert()
            await Webhook(
                url=f"http://{host}:{port}/hook",
                events=[EventType.ALERT_RAISED.value],
                owner_id=owner.id,
                secret=service.new_secret(),
            ).insert()
            for _ in range(events):
                await asyncio.sleep(random.uniform(0, poll))
                resource_id = PydanticObjectId()
                sent[str(resource_id)] = time.monotonic()
                await service.enqueue_deliveries(
                    Event(
                        type=EventType.ALERT_RAISED,
                        resource_type="alert",
                        resource_id=resource_id,
                        pool_id=pool.id,
                        actor_id=None,
                        recipient_ids=(owner.id,),
                        title="pH out of range",
                        body="pH 9.0",
                        data={"id": str(resource_id)},
                    )
                )
            await asyncio.wait_for(done.wait(), timeout=poll * 3 + 10)
    finally:
        await runner.cleanup()
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--poll", type=float, default=2.0)
    args = parser.parse_args()
    delays = sorted(asyncio.run(measure(args.events, args.poll)))
    print(
        f"poll {args.poll:g} s, {len(delays)} events: event -> delivery "
        f"min {delays[0]:.3f} s, median {statistics.median(delays):.3f} s, "
        f"p95 {delays[int(len(delays) * 0.95) - 1]:.3f} s, max {delays[-1]:.3f} s"
    )


if __name__ == "__main__":
    main()
