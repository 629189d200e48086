"""Serve the API seeded for the benchmark (`--pools` pools x 200 visits, 50 by default).

Started by `scripts/bench.py`; writes the ids and logins it seeded to `--seed-file`. The store is
the embedded one unless MONGODB_URL is set; on a real MongoDB the seed goes into a throwaway
database (the bench names it), dropped again when the server stops.

Only this server installs the store probe: each response carries its round trips and the time
spent inside the store (`x-store-round-trips`, `x-store-time-ms`), so the bench can subtract the
store from the wall time. `create_app` never installs it.
"""

import argparse
import asyncio
import json
import random
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import uvicorn
from beanie import PydanticObjectId
from fastapi import FastAPI

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core import security, store_probe  # noqa: E402
from app.core.config import Settings  # noqa: E402
from app.main import create_app  # noqa: E402
from app.messaging import service as messaging_service  # noqa: E402
from app.messaging.models import MessageType  # noqa: E402
from app.messaging.schemas import MessageCreate, ThreadCreate  # noqa: E402
from app.pools.models import Pool  # noqa: E402
from app.readings.models import PoolValues  # noqa: E402
from app.users.models import Role, User, utcnow  # noqa: E402
from app.visits.models import Visit, VisitStatus  # noqa: E402

PASSWORD = "bench-password-2026"
DEFAULT_POOLS = 50
VISITS_PER_POOL = 200
MESSAGES = 50
SCHEDULED_VISITS = 60


async def _user(settings: Settings, email: str, role: Role) -> User:
    user = User(
        name=role.value.title(),
        last_name="Bench",
        email=email,
        role=role,
        password_hash=await security.hash_password(PASSWORD, rounds=settings.bcrypt_rounds),
    )
    await user.insert()
    return user


async def seed(settings: Settings, pools_count: int) -> dict[str, object]:
    """Users, pools with visits and readings, and one thread with messages."""
    rng = random.Random(7)
    owner = await _user(settings, "owner@bench.poolia.dev", Role.OWNER)
    technician = await _user(settings, "tech@bench.poolia.dev", Role.TECHNICIAN)
    pools = [
        Pool(name=f"Bench pool {n}", owner_id=owner.id, technician_ids=[technician.id])
        for n in range(pools_count)
    ]
    await Pool.insert_many(pools)
    pools = await Pool.find({"owner_id": owner.id}).to_list()
    now = utcnow()
    for pool in pools:
        values, visits = [], []
        for n in range(VISITS_PER_POOL):
            at = now - timedelta(days=n)
            visit_id, values_id = PydanticObjectId(), PydanticObjectId()
            values.append(
                PoolValues(
                    id=values_id,
                    pool_id=pool.id,
                    ph=round(rng.uniform(6.9, 8.1), 2),
                    chlorine=round(rng.uniform(0.5, 3.5), 2),
                    temperature=round(rng.uniform(18, 30), 1),
                    measured_at=at,
                    recorded_by=technician.id,
                    visit_id=visit_id,
                )
            )
            visits.append(
                Visit(
                    id=visit_id,
                    pool_id=pool.id,
                    technician_id=technician.id,
                    status=VisitStatus.COMPLETED,
                    visited_at=at,
                    occurs_at=at,
                    pool_values_id=values_id,
                )
            )
        await PoolValues.insert_many(values)
        await Visit.insert_many(visits)
        await Pool.get_motor_collection().update_one(
            {"_id": pool.id}, {"$set": {"latest_values_id": values[0].id, "latest_values_at": now}}
        )
    # The agenda's week ahead: scheduled visits spread over the pools, some at the first pool.
    scheduled = []
    for n in range(SCHEDULED_VISITS):
        start = now + timedelta(hours=2 + 2 * n)
        visit = Visit(
            pool_id=pools[n % len(pools)].id,
            technician_id=technician.id,
            status=VisitStatus.SCHEDULED,
            scheduled_start=start,
            scheduled_end=start + timedelta(hours=1),
        )
        visit.refresh_occurs_at()
        scheduled.append(visit)
    await Visit.insert_many(scheduled)
    thread, _ = await messaging_service.create_thread(
        pool=pools[0], data=ThreadCreate(subject="Bench thread", body="First"), actor=owner
    )
    for n in range(MESSAGES - 1):
        await messaging_service.post_message(
            thread=thread,
            data=MessageCreate(body=f"Message {n}", type=MessageType.COMMENT),
            actor=technician if n % 2 else owner,
        )
    return {
        "poolId": str(pools[0].id),
        "poolIds": [str(pool.id) for pool in pools],
        "threadId": str(thread.id),
        "ownerEmail": owner.email,
        "technicianEmail": technician.email,
        "password": PASSWORD,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seed-file", type=Path, required=True)
    parser.add_argument("--pools", type=int, default=DEFAULT_POOLS, help="pools of 200 visits each")
    args = parser.parse_args()
    settings = Settings(environment="development", local_storage_dir=str(args.seed_file.parent))
    store_probe.install()
    app = create_app(settings)
    app.add_middleware(store_probe.StoreProbeMiddleware)
    original = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        async with original(application):
            try:
                seeded = await seed(settings, args.pools)
                args.seed_file.write_text(json.dumps(seeded))
                yield
            finally:
                if settings.mongodb_url:
                    await application.state.mongo_client.drop_database(settings.mongodb_db)

    app.router.lifespan_context = lifespan
    config = uvicorn.Config(app, host="127.0.0.1", port=args.port, workers=1, log_config=None)
    asyncio.run(uvicorn.Server(config).serve())


if __name__ == "__main__":
    main()
