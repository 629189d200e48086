"""The store probe counts round trips and store time at the driver boundary."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from app.core import store_probe
from app.pools.models import Pool


@pytest.fixture
def probe() -> Iterator[None]:
    store_probe.install()
    try:
        yield
    finally:
        store_probe.uninstall()


class TestEmbeddedAggregation:
    async def test_store_time_includes_the_eager_aggregation(
        self, app: FastAPI, probe: None
    ) -> None:
        # The embedded store computes an aggregation in the call itself, before any fetch: that
        # time is the store's, not the API's, or the bench would charge it to our code.
        await Pool.get_motor_collection().insert_many(
            [{"name": f"Pool {n}", "owner_id": n} for n in range(300)]
        )
        with store_probe.measure() as usage:
            cursor = Pool.get_motor_collection().aggregate([{"$sort": {"name": 1}}])
            assert usage.seconds > 0
            assert usage.round_trips == 0
            rows = await cursor.to_list(length=None)
        assert len(rows) == 300
        assert usage.round_trips == 1
        assert usage.operations == ["(aggregation).to_list"]

    async def test_calls_outside_a_measure_pass_through(self, app: FastAPI, probe: None) -> None:
        with store_probe.measure() as usage:
            pass
        await Pool.get_motor_collection().aggregate([]).to_list(length=None)
        await Pool.find_all().to_list()
        assert usage.round_trips == 0
        assert usage.seconds == 0


class TestCursorIteration:
    async def test_every_fetch_is_store_time_the_first_a_round_trip(
        self, app: FastAPI, probe: None
    ) -> None:
        await Pool.get_motor_collection().insert_many(
            [{"name": f"Pool {n}", "owner_id": n % 7} for n in range(300)]
        )
        with store_probe.measure() as usage:
            cursor = Pool.get_motor_collection().find({"owner_id": 3})
            first = await cursor.next()
            after_first = usage.seconds
            rest = [document async for document in cursor]
        assert first["owner_id"] == 3
        assert len(rest) == 42
        assert usage.round_trips == 1
        assert usage.seconds > after_first


class TestMiddleware:
    async def test_headers_report_round_trips_store_time_and_server_time(
        self, app: FastAPI, probe: None
    ) -> None:
        await Pool.get_motor_collection().insert_many(
            [{"name": f"Pool {n}", "owner_id": n} for n in range(50)]
        )
        measured = FastAPI()
        measured.add_middleware(store_probe.StoreProbeMiddleware)

        @measured.get("/pools")
        async def pools() -> int:
            found = await Pool.get_motor_collection().find({}).to_list(length=None)
            await asyncio.sleep(0.02)  # the server's own time, outside the store
            return len(found)

        transport = httpx.ASGITransport(app=measured)
        async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
            response = await client.get("/pools")

        assert response.json() == 50
        assert response.headers[store_probe.ROUND_TRIPS_HEADER] == "1"
        store_ms = float(response.headers[store_probe.STORE_TIME_HEADER])
        server_ms = float(response.headers[store_probe.SERVER_TIME_HEADER])
        assert 0 < store_ms < server_ms
        assert server_ms - store_ms >= 20
