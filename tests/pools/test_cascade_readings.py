"""Deleting a pool removes its visits, pool values, alerts and alert config (section 6).

The `pool` fixture belongs to `owner` and has `technician` assigned.
"""

import pytest

from app.alerts.models import Alert, AlertConfig
from app.pools.models import Pool
from app.readings.models import PoolValues
from app.visits.models import Visit
from tests.conftest import Caller
from tests.factories import make_pool
from tests.visits.conftest import at, make_visit


async def fill(client, owner: Caller, technician: Caller, pool: Pool) -> None:
    """Give `pool` a recorded visit with out-of-range readings, a planned visit and a config."""
    recorded = await client.post(
        f"/pools/{pool.id}/visits",
        json={"readings": {"ph": 8.5, "chlorine": 0.2}},
        headers=technician.headers,
    )
    assert recorded.status_code == 201, recorded.text
    reading = await client.post(
        "/pool-values", json={"poolId": str(pool.id), "temperature": 26}, headers=owner.headers
    )
    assert reading.status_code == 201, reading.text
    await make_visit(pool, technician.user, scheduled_start=at(10), scheduled_end=at(11))
    await client.get(f"/pools/{pool.id}/alert-config", headers=owner.headers)


class TestDeletePoolCascadesReadings:
    @pytest.fixture
    async def filled(self, client, owner: Caller, technician: Caller, pool) -> Pool:
        await fill(client, owner, technician, pool)
        return pool

    @pytest.fixture
    async def kept(self, client, owner: Caller, technician: Caller) -> Pool:
        """Another pool of the same owner, with the same kinds of data."""
        other = await make_pool(owner.user, technicians=[technician.user])
        await fill(client, owner, technician, other)
        return other

    async def test_fixture_has_every_kind_of_data(self, filled):
        assert await Visit.find({"pool_id": filled.id}).count() == 2
        assert await PoolValues.find({"pool_id": filled.id}).count() == 2
        assert await Alert.find({"pool_id": filled.id}).count() == 2
        assert await AlertConfig.find({"pool_id": filled.id}).count() == 1

    async def test_deleted(self, client, owner: Caller, filled):
        response = await client.delete(f"/pools/{filled.id}", headers=owner.headers)
        assert response.status_code == 204

    async def test_visits_are_removed(self, client, owner: Caller, filled):
        await client.delete(f"/pools/{filled.id}", headers=owner.headers)
        assert await Visit.find({"pool_id": filled.id}).count() == 0

    async def test_pool_values_are_removed(self, client, owner: Caller, filled):
        await client.delete(f"/pools/{filled.id}", headers=owner.headers)
        assert await PoolValues.find({"pool_id": filled.id}).count() == 0

    async def test_alerts_are_removed(self, client, owner: Caller, filled):
        await client.delete(f"/pools/{filled.id}", headers=owner.headers)
        assert await Alert.find({"pool_id": filled.id}).count() == 0

    async def test_alert_config_is_removed(self, client, owner: Caller, filled):
        await client.delete(f"/pools/{filled.id}", headers=owner.headers)
        assert await AlertConfig.find({"pool_id": filled.id}).count() == 0

    async def test_lists_no_longer_show_them(self, client, admin: Caller, owner: Caller, filled):
        await client.delete(f"/pools/{filled.id}", headers=owner.headers)
        params = {"poolId": str(filled.id)}
        visits = await client.get("/visits", params=params, headers=admin.headers)
        pool_values = await client.get("/pool-values", params=params, headers=admin.headers)
        assert (visits.json()["total"], pool_values.json()["total"]) == (0, 0)

    async def test_other_pools_keep_their_data(self, client, owner: Caller, filled, kept):
        await client.delete(f"/pools/{filled.id}", headers=owner.headers)
        assert await Visit.find({"pool_id": kept.id}).count() == 2
        assert await PoolValues.find({"pool_id": kept.id}).count() == 2
        assert await Alert.find({"pool_id": kept.id}).count() == 2
        assert await AlertConfig.find({"pool_id": kept.id}).count() == 1
