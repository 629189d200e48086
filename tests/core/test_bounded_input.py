"""Bounded input (contract section 1): times within 1970..2100, recorded times not in the future,
`offset` at most 1,000,000, enumeration messages in plain values."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.auth.test_router import register_body
from tests.conftest import Caller, problem_code

OUT_OF_RANGE_TIMES = [
    "0001-01-01T00:00:00+14:00",  # overflows when converted to UTC
    "9999-12-31T23:59:59-14:00",  # overflows the other way
    "1969-12-31T23:59:59Z",
    "2100-01-01T00:00:00Z",
    "2099-12-31T23:00:00-02:00",  # 2100 once in UTC
]
TIME_FILTERS = ["/pool-values", "/visits", "/audit"]


def tomorrow_and_more() -> str:
    return (datetime.now(UTC) + timedelta(hours=25)).isoformat()


def soon() -> str:
    return (datetime.now(UTC) + timedelta(hours=23)).isoformat()


class TestTimeFilters:
    @pytest.mark.parametrize("path", TIME_FILTERS)
    @pytest.mark.parametrize("bound", ["from", "to"])
    @pytest.mark.parametrize("value", OUT_OF_RANGE_TIMES)
    async def test_out_of_range_is_422(self, client, admin: Caller, path, bound, value):
        response = await client.get(path, params={bound: value}, headers=admin.headers)
        assert response.status_code == 422, response.text
        assert problem_code(response) == "validation_error"
        assert response.json()["errors"][0]["loc"] == ["query", bound]

    @pytest.mark.parametrize("path", TIME_FILTERS)
    async def test_edges_of_the_range_are_accepted(self, client, admin: Caller, path):
        params = {"from": "1970-01-01T00:00:00Z", "to": "2099-12-31T23:59:59.999Z"}
        response = await client.get(path, params=params, headers=admin.headers)
        assert response.status_code == 200, response.text


class TestTimeFields:
    @pytest.mark.parametrize("value", OUT_OF_RANGE_TIMES)
    async def test_scheduled_visit_out_of_range(
        self, client, owner: Caller, technician, pool, value
    ):
        body = {
            "poolId": str(pool.id),
            "technicianId": str(technician.user.id),
            "scheduledStart": value,
            "scheduledEnd": "2030-01-01T10:00:00Z",
        }
        response = await client.post("/visits", json=body, headers=owner.headers)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == ["body", "scheduledStart"]

    @pytest.mark.parametrize("value", OUT_OF_RANGE_TIMES)
    async def test_measured_at_out_of_range(self, client, technician: Caller, pool, value):
        body = {"poolId": str(pool.id), "ph": 7.4, "measuredAt": value}
        response = await client.post("/pool-values", json=body, headers=technician.headers)
        assert response.status_code == 422, response.text

    async def test_measured_at_beyond_tomorrow(self, client, technician: Caller, pool):
        body = {"poolId": str(pool.id), "ph": 7.4, "measuredAt": tomorrow_and_more()}
        response = await client.post("/pool-values", json=body, headers=technician.headers)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == ["body", "measuredAt"]

    async def test_measured_at_within_a_day_ahead(self, client, technician: Caller, pool):
        body = {"poolId": str(pool.id), "ph": 7.4, "measuredAt": soon()}
        response = await client.post("/pool-values", json=body, headers=technician.headers)
        assert response.status_code == 201, response.text

    async def test_patch_measured_at_beyond_tomorrow(self, client, technician: Caller, pool):
        body = {"poolId": str(pool.id), "ph": 7.4}
        created = await client.post("/pool-values", json=body, headers=technician.headers)
        response = await client.patch(
            f"/pool-values/{created.json()['id']}",
            json={"measuredAt": "9999-01-01T00:00:00Z"},
            headers=technician.headers,
        )
        assert response.status_code == 422, response.text

    async def test_workflow_visited_at_beyond_tomorrow(self, client, technician: Caller, pool):
        body = {"visitedAt": tomorrow_and_more(), "readings": {"ph": 7.4}}
        response = await client.post(
            f"/pools/{pool.id}/visits", json=body, headers=technician.headers
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == ["body", "visitedAt"]

    async def test_visit_visited_at_beyond_tomorrow(self, client, owner: Caller, technician, pool):
        body = {
            "poolId": str(pool.id),
            "technicianId": str(technician.user.id),
            "status": "completed",
            "visitedAt": tomorrow_and_more(),
        }
        response = await client.post("/visits", json=body, headers=owner.headers)
        assert response.status_code == 422, response.text

    async def test_scheduled_start_may_be_far_ahead(self, client, owner: Caller, technician, pool):
        body = {
            "poolId": str(pool.id),
            "technicianId": str(technician.user.id),
            "scheduledStart": "2099-06-01T10:00:00Z",
            "scheduledEnd": "2099-06-01T11:00:00Z",
        }
        response = await client.post("/visits", json=body, headers=owner.headers)
        assert response.status_code == 201, response.text


class TestOffset:
    @pytest.mark.parametrize("offset", [1_000_001, 2**63])
    async def test_too_large_is_422(self, client, admin: Caller, offset):
        response = await client.get("/pools", params={"offset": offset}, headers=admin.headers)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == ["query", "offset"]

    async def test_largest_is_accepted(self, client, admin: Caller):
        response = await client.get("/pools", params={"offset": 1_000_000}, headers=admin.headers)
        assert response.status_code == 200
        assert response.json()["items"] == []


class TestEnumerationMessages:
    async def test_literal_of_enum_members_named_plainly(self, client: httpx.AsyncClient):
        response = await client.post("/auth/register", json=register_body(role="admin"))
        assert response.status_code == 422
        message = response.json()["errors"][0]["msg"]
        assert message == "Input should be 'owner' or 'technician'"

    async def test_enum_named_plainly(self, client, owner: Caller, pool):
        response = await client.get(
            f"/pools/{pool.id}/threads", params={"status": "bogus"}, headers=owner.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["msg"] == (
            "Input should be 'open', 'answered' or 'closed'"
        )
