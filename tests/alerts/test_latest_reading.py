"""Alerts follow the pool's latest reading by `measuredAt` (contract section 10).

Default pH range 7.2-7.8. The `pool` fixture belongs to `owner`.
"""

import asyncio

import httpx

from app.pools.models import Pool
from tests.conftest import Caller
from tests.visits.conftest import iso, past


async def record(client: httpx.AsyncClient, caller: Caller, pool: Pool, ph: float, hour: int):
    body = {"poolId": str(pool.id), "ph": ph, "measuredAt": iso(past(hour))}
    response = await client.post("/pool-values", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def open_alerts(client: httpx.AsyncClient, caller: Caller, pool: Pool) -> list[dict]:
    response = await client.get(
        f"/pools/{pool.id}/alerts", params={"status": "active"}, headers=caller.headers
    )
    return response.json()["items"]


async def dashboard(client: httpx.AsyncClient, caller: Caller, pool: Pool) -> dict:
    return (await client.get(f"/pools/{pool.id}/dashboard", headers=caller.headers)).json()


class TestBackfill:
    async def test_older_in_range_reading_resolves_nothing(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=8.6, hour=12)
        await record(client, owner, pool, ph=7.5, hour=8)
        alerts = await open_alerts(client, owner, pool)
        assert [(alert["metric"], alert["value"]) for alert in alerts] == [("ph", 8.6)]
        board = await dashboard(client, owner, pool)
        assert board["latestReadings"]["ph"] == 8.6
        assert len(board["activeAlerts"]) == 1

    async def test_older_out_of_range_reading_raises_nothing(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=7.5, hour=12)
        await record(client, owner, pool, ph=8.6, hour=8)
        assert await open_alerts(client, owner, pool) == []

    async def test_older_reading_does_not_update_the_open_alert(self, client, owner: Caller, pool):
        latest = await record(client, owner, pool, ph=8.0, hour=12)
        await record(client, owner, pool, ph=9.5, hour=8)
        [alert] = await open_alerts(client, owner, pool)
        assert (alert["value"], alert["poolValuesId"]) == (8.0, latest["id"])

    async def test_backfilled_visit_changes_no_alert(self, client, technician: Caller, pool):
        await record(client, technician, pool, ph=8.6, hour=12)
        response = await client.post(
            f"/pools/{pool.id}/visits",
            json={"readings": {"ph": 7.5}, "visitedAt": iso(past(8))},
            headers=technician.headers,
        )
        assert response.status_code == 201
        assert response.json()["alerts"] == []
        assert len(await open_alerts(client, technician, pool)) == 1

    async def test_concurrent_readings_leave_the_latest_in_charge(
        self, client, owner: Caller, pool, store_latency
    ):
        await asyncio.gather(
            record(client, owner, pool, ph=7.5, hour=8),
            record(client, owner, pool, ph=8.6, hour=12),
            record(client, owner, pool, ph=7.4, hour=10),
        )
        alerts = await open_alerts(client, owner, pool)
        assert [(alert["metric"], alert["value"]) for alert in alerts] == [("ph", 8.6)]


class TestPatchLatest:
    async def test_correcting_the_latest_into_range_resolves(self, client, owner: Caller, pool):
        latest = await record(client, owner, pool, ph=8.6, hour=12)
        response = await client.patch(
            f"/pool-values/{latest['id']}", json={"ph": 7.5}, headers=owner.headers
        )
        assert response.status_code == 200
        assert await open_alerts(client, owner, pool) == []

    async def test_correcting_the_latest_out_of_range_raises(self, client, owner: Caller, pool):
        latest = await record(client, owner, pool, ph=7.5, hour=12)
        await client.patch(f"/pool-values/{latest['id']}", json={"ph": 8.6}, headers=owner.headers)
        [alert] = await open_alerts(client, owner, pool)
        assert alert["value"] == 8.6

    async def test_correcting_an_older_reading_changes_nothing(self, client, owner: Caller, pool):
        older = await record(client, owner, pool, ph=7.5, hour=8)
        await record(client, owner, pool, ph=7.5, hour=12)
        await client.patch(f"/pool-values/{older['id']}", json={"ph": 8.6}, headers=owner.headers)
        assert await open_alerts(client, owner, pool) == []

    async def test_moving_an_older_reading_ahead_makes_it_the_latest(
        self, client, owner: Caller, pool
    ):
        older = await record(client, owner, pool, ph=8.6, hour=8)
        await record(client, owner, pool, ph=7.5, hour=12)
        await client.patch(
            f"/pool-values/{older['id']}",
            json={"measuredAt": iso(past(13))},
            headers=owner.headers,
        )
        [alert] = await open_alerts(client, owner, pool)
        assert (alert["value"], alert["poolValuesId"]) == (8.6, older["id"])

    async def test_moving_the_latest_back_evaluates_the_new_latest(
        self, client, owner: Caller, pool
    ):
        await record(client, owner, pool, ph=7.5, hour=10)
        latest = await record(client, owner, pool, ph=8.6, hour=12)
        await client.patch(
            f"/pool-values/{latest['id']}",
            json={"measuredAt": iso(past(8))},
            headers=owner.headers,
        )
        assert await open_alerts(client, owner, pool) == []


class TestDeleteLatest:
    async def test_new_latest_in_range_resolves(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=7.5, hour=8)
        latest = await record(client, owner, pool, ph=8.6, hour=12)
        await client.delete(f"/pool-values/{latest['id']}", headers=owner.headers)
        assert await open_alerts(client, owner, pool) == []
        assert (await dashboard(client, owner, pool))["latestReadings"]["ph"] == 7.5

    async def test_new_latest_out_of_range_raises(self, client, owner: Caller, pool):
        older = await record(client, owner, pool, ph=8.6, hour=8)
        latest = await record(client, owner, pool, ph=7.5, hour=12)
        await client.delete(f"/pool-values/{latest['id']}", headers=owner.headers)
        [alert] = await open_alerts(client, owner, pool)
        assert (alert["value"], alert["poolValuesId"]) == (8.6, older["id"])

    async def test_no_reading_left_resolves_open_alerts(self, client, owner: Caller, pool):
        latest = await record(client, owner, pool, ph=8.6, hour=12)
        await client.delete(f"/pool-values/{latest['id']}", headers=owner.headers)
        assert await open_alerts(client, owner, pool) == []

    async def test_deleting_an_older_reading_changes_nothing(self, client, owner: Caller, pool):
        older = await record(client, owner, pool, ph=7.5, hour=8)
        await record(client, owner, pool, ph=8.6, hour=12)
        await client.delete(f"/pool-values/{older['id']}", headers=owner.headers)
        assert len(await open_alerts(client, owner, pool)) == 1
