"""Pool values endpoints (contract section 7).

One class per endpoint, one test per scenario. The `pool` fixture belongs to `owner` and has
`technician` assigned; `other_technician` is not assigned; `colleague` is a second technician
assigned to `pool`.
"""

from datetime import datetime, timedelta

import httpx
import pytest
from beanie import PydanticObjectId

from app.alerts.models import Alert
from app.pools.models import Pool
from app.readings.models import PoolValues
from app.users.models import utcnow
from tests.conftest import Caller, problem_code
from tests.factories import make_pool
from tests.visits.conftest import add_technician, iso, past

UNKNOWN_ID = str(PydanticObjectId())
POOL_VALUES_FIELDS = {
    "id",
    "poolId",
    "ph",
    "chlorine",
    "temperature",
    "alkalinity",
    "cyanuricAcid",
    "calciumHardness",
    "salt",
    "tds",
    "measuredAt",
    "recordedBy",
    "visitId",
    "createdAt",
    "lsi",
}


async def record(
    client: httpx.AsyncClient, caller: Caller, pool: Pool, **body: object
) -> httpx.Response:
    """POST /pool-values on `pool` as `caller` (pH 7.5 unless readings are given)."""
    payload = {"poolId": str(pool.id), **(body or {"ph": 7.5})}
    return await client.post("/pool-values", json=payload, headers=caller.headers)


def ids(response: httpx.Response) -> list[str]:
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
async def colleague(settings, pool) -> Caller:
    """A second technician assigned to `pool`."""
    return await add_technician(settings, pool)


@pytest.fixture
async def pool_values(client, technician: Caller, pool) -> dict:
    """Readings on `pool`, recorded by `technician`."""
    response = await record(client, technician, pool, ph=7.4, chlorine=2.0)
    assert response.status_code == 201
    return response.json()


class TestCreatePoolValues:
    URL = "/pool-values"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 201, None),
            ("owner", 201, None),
            ("technician", 201, None),
            ("other_owner", 404, "pool_not_found"),
            ("other_technician", 404, "pool_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, pool, caller, caller_headers, status, code):
        response = await client.post(
            self.URL, json={"poolId": str(pool.id), "ph": 7.5}, headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_response_shape(self, client, technician: Caller, pool):
        response = await record(client, technician, pool, ph=7.5, chlorine=1.5, temperature=26)
        body = response.json()
        assert set(body) == POOL_VALUES_FIELDS
        assert (body["ph"], body["chlorine"], body["temperature"]) == (7.5, 1.5, 26)
        assert body["poolId"] == str(pool.id)
        assert body["visitId"] is None
        assert body["measuredAt"].endswith("Z")

    async def test_recorded_by_is_the_caller(self, client, technician: Caller, pool):
        response = await record(client, technician, pool)
        assert response.json()["recordedBy"] == str(technician.user.id)

    async def test_stored(self, client, owner: Caller, pool):
        response = await record(client, owner, pool, ph=7.3, salt=3200)
        stored = await PoolValues.get(PydanticObjectId(response.json()["id"]))
        assert (stored.pool_id, stored.ph, stored.salt) == (pool.id, 7.3, 3200)

    async def test_measured_at_defaults_to_now(self, client, owner: Caller, pool):
        before = utcnow()
        response = await record(client, owner, pool)
        measured_at = datetime.fromisoformat(response.json()["measuredAt"])
        assert before - timedelta(seconds=1) <= measured_at <= utcnow() + timedelta(seconds=1)

    async def test_measured_at_kept(self, client, owner: Caller, pool):
        response = await record(client, owner, pool, ph=7.5, measuredAt="2026-01-16T08:30:00Z")
        assert response.json()["measuredAt"] == "2026-01-16T08:30:00Z"

    async def test_measured_at_without_offset_is_utc(self, client, owner: Caller, pool):
        response = await record(client, owner, pool, ph=7.5, measuredAt="2026-01-16T08:30:00")
        assert response.json()["measuredAt"] == "2026-01-16T08:30:00Z"

    async def test_snake_case_input(self, client, owner: Caller, pool):
        response = await client.post(
            self.URL,
            json={"pool_id": str(pool.id), "cyanuric_acid": 40},
            headers=owner.headers,
        )
        assert response.status_code == 201
        assert response.json()["cyanuricAcid"] == 40

    async def test_no_reading(self, client, owner: Caller, pool):
        response = await client.post(self.URL, json={"poolId": str(pool.id)}, headers=owner.headers)
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"

    async def test_only_null_readings(self, client, owner: Caller, pool):
        response = await client.post(
            self.URL, json={"poolId": str(pool.id), "ph": None}, headers=owner.headers
        )
        assert response.status_code == 422

    @pytest.mark.parametrize(
        "field, value",
        [
            ("ph", 14.1),
            ("ph", -0.1),
            ("chlorine", -0.1),
            ("chlorine", 20.1),
            ("temperature", 50.1),
            ("temperature", -5.1),
            ("alkalinity", -1),
        ],
    )
    async def test_out_of_range(self, client, owner: Caller, pool, field, value):
        response = await client.post(
            self.URL, json={"poolId": str(pool.id), field: value}, headers=owner.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", field]

    @pytest.mark.parametrize(
        "field, value",
        [
            ("ph", 0),
            ("ph", 14),
            ("chlorine", 0),
            ("chlorine", 20),
            ("temperature", -5),
            ("temperature", 50),
        ],
    )
    async def test_range_bounds_accepted(self, client, owner: Caller, pool, field, value):
        response = await client.post(
            self.URL, json={"poolId": str(pool.id), field: value}, headers=owner.headers
        )
        assert response.status_code == 201

    async def test_unknown_field(self, client, owner: Caller, pool):
        response = await client.post(
            self.URL, json={"poolId": str(pool.id), "ph": 7.5, "bromine": 2}, headers=owner.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "bromine"]

    async def test_malformed_pool_id(self, client, owner: Caller):
        response = await client.post(
            self.URL, json={"poolId": "not-an-id", "ph": 7.5}, headers=owner.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "poolId"]

    async def test_missing_pool_id(self, client, owner: Caller):
        response = await client.post(self.URL, json={"ph": 7.5}, headers=owner.headers)
        assert response.status_code == 422

    async def test_unknown_pool(self, client, admin: Caller):
        response = await client.post(
            self.URL, json={"poolId": UNKNOWN_ID, "ph": 7.5}, headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_refused_reading_is_not_stored(self, client, other_owner: Caller, pool):
        await record(client, other_owner, pool)
        assert await PoolValues.find({"pool_id": pool.id}).count() == 0


class TestListPoolValues:
    URL = "/pool-values"

    async def test_anonymous(self, client):
        response = await client.get(self.URL)
        assert response.status_code == 401

    async def test_newest_measured_at_first(self, client, owner: Caller, pool):
        middle = await record(client, owner, pool, ph=7.4, measuredAt=iso(past(10)))
        oldest = await record(client, owner, pool, ph=7.4, measuredAt=iso(past(8)))
        newest = await record(client, owner, pool, ph=7.4, measuredAt=iso(past(12)))
        response = await client.get(self.URL, headers=owner.headers)
        assert ids(response) == [newest.json()["id"], middle.json()["id"], oldest.json()["id"]]

    async def test_page_envelope(self, client, owner: Caller, pool):
        for _ in range(3):
            await record(client, owner, pool)
        response = await client.get(self.URL, params={"limit": 2}, headers=owner.headers)
        body = response.json()
        assert (len(body["items"]), body["total"], body["limit"], body["offset"]) == (2, 3, 2, 0)

    async def test_filter_pool_id(self, client, owner: Caller, pool):
        second = await make_pool(owner.user)
        kept = await record(client, owner, pool)
        await record(client, owner, second)
        response = await client.get(
            self.URL, params={"poolId": str(pool.id)}, headers=owner.headers
        )
        assert ids(response) == [kept.json()["id"]]

    async def test_filter_from(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=7.4, measuredAt=iso(past(8)))
        kept = await record(client, owner, pool, ph=7.4, measuredAt=iso(past(10)))
        response = await client.get(self.URL, params={"from": iso(past(10))}, headers=owner.headers)
        assert ids(response) == [kept.json()["id"]]

    async def test_filter_to(self, client, owner: Caller, pool):
        kept = await record(client, owner, pool, ph=7.4, measuredAt=iso(past(8)))
        await record(client, owner, pool, ph=7.4, measuredAt=iso(past(10)))
        response = await client.get(self.URL, params={"to": iso(past(9))}, headers=owner.headers)
        assert ids(response) == [kept.json()["id"]]

    async def test_filter_window(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=7.4, measuredAt=iso(past(8)))
        kept = await record(client, owner, pool, ph=7.4, measuredAt=iso(past(10)))
        await record(client, owner, pool, ph=7.4, measuredAt=iso(past(12)))
        response = await client.get(
            self.URL, params={"from": iso(past(9)), "to": iso(past(11))}, headers=owner.headers
        )
        assert ids(response) == [kept.json()["id"]]

    async def test_malformed_pool_id_filter(self, client, owner: Caller):
        response = await client.get(self.URL, params={"poolId": "nope"}, headers=owner.headers)
        assert response.status_code == 422

    async def test_other_owner_sees_none(self, client, owner: Caller, other_owner: Caller, pool):
        await record(client, owner, pool)
        response = await client.get(self.URL, headers=other_owner.headers)
        assert response.json()["total"] == 0

    async def test_other_owner_filtering_on_the_pool_sees_none(
        self, client, owner: Caller, other_owner: Caller, pool
    ):
        await record(client, owner, pool)
        response = await client.get(
            self.URL, params={"poolId": str(pool.id)}, headers=other_owner.headers
        )
        assert response.json()["total"] == 0

    async def test_assigned_technician_sees_the_pools_values(
        self, client, owner: Caller, technician: Caller, pool
    ):
        recorded = await record(client, owner, pool)
        response = await client.get(self.URL, headers=technician.headers)
        assert ids(response) == [recorded.json()["id"]]

    async def test_unassigned_technician_sees_none(
        self, client, owner: Caller, other_technician: Caller, pool
    ):
        await record(client, owner, pool)
        response = await client.get(self.URL, headers=other_technician.headers)
        assert response.json()["total"] == 0

    async def test_owner_sees_only_their_pools(
        self, client, owner: Caller, other_owner: Caller, pool
    ):
        theirs = await make_pool(other_owner.user)
        mine = await record(client, owner, pool)
        await record(client, other_owner, theirs)
        response = await client.get(self.URL, headers=owner.headers)
        assert ids(response) == [mine.json()["id"]]

    async def test_admin_sees_all(
        self, client, admin: Caller, owner: Caller, other_owner: Caller, pool
    ):
        theirs = await make_pool(other_owner.user)
        await record(client, owner, pool)
        await record(client, other_owner, theirs)
        response = await client.get(self.URL, headers=admin.headers)
        assert response.json()["total"] == 2


class TestReadPoolValues:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("technician", 200, None),
            ("other_owner", 404, "pool_values_not_found"),
            ("other_technician", 404, "pool_values_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, pool_values, caller, caller_headers, status, code):
        response = await client.get(f"/pool-values/{pool_values['id']}", headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_body(self, client, owner: Caller, pool_values):
        response = await client.get(f"/pool-values/{pool_values['id']}", headers=owner.headers)
        body = response.json()
        assert set(body) == POOL_VALUES_FIELDS
        assert (body["id"], body["ph"], body["chlorine"]) == (pool_values["id"], 7.4, 2.0)

    async def test_read_back_equals_create_response(self, client, owner: Caller, pool):
        created = await record(
            client, owner, pool, ph=7.5, measuredAt="2026-01-16T08:30:00.123456Z"
        )
        response = await client.get(f"/pool-values/{created.json()['id']}", headers=owner.headers)
        assert response.json()["measuredAt"] == created.json()["measuredAt"]

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.get(f"/pool-values/{UNKNOWN_ID}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "pool_values_not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.get("/pool-values/not-an-id", headers=admin.headers)
        assert response.status_code == 422


class TestUpdatePoolValues:
    @staticmethod
    def url(pool_values: dict) -> str:
        return f"/pool-values/{pool_values['id']}"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("technician", 200, None),
            ("other_owner", 404, "pool_values_not_found"),
            ("other_technician", 404, "pool_values_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, pool_values, caller, caller_headers, status, code):
        response = await client.patch(
            self.url(pool_values), json={"ph": 7.6}, headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_assigned_technician_who_did_not_record(
        self, client, pool_values, colleague: Caller
    ):
        response = await client.patch(
            self.url(pool_values), json={"ph": 7.6}, headers=colleague.headers
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"

    async def test_refused_edit_changes_nothing(self, client, pool_values, colleague: Caller):
        await client.patch(self.url(pool_values), json={"ph": 7.6}, headers=colleague.headers)
        stored = await PoolValues.get(PydanticObjectId(pool_values["id"]))
        assert stored.ph == 7.4

    async def test_changes_are_applied(self, client, owner: Caller, pool_values):
        response = await client.patch(
            self.url(pool_values), json={"ph": 7.6, "salt": 3000}, headers=owner.headers
        )
        body = response.json()
        assert (body["ph"], body["salt"], body["chlorine"]) == (7.6, 3000, 2.0)
        stored = await PoolValues.get(PydanticObjectId(pool_values["id"]))
        assert (stored.ph, stored.salt) == (7.6, 3000)

    async def test_clearing_one_of_two_readings(self, client, owner: Caller, pool_values):
        response = await client.patch(
            self.url(pool_values), json={"ph": None}, headers=owner.headers
        )
        assert response.status_code == 200
        assert (response.json()["ph"], response.json()["chlorine"]) == (None, 2.0)

    async def test_clearing_the_only_reading(self, client, owner: Caller, pool):
        only = (await record(client, owner, pool, ph=7.5)).json()
        response = await client.patch(self.url(only), json={"ph": None}, headers=owner.headers)
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"
        assert (await PoolValues.get(PydanticObjectId(only["id"]))).ph == 7.5

    async def test_clearing_every_reading(self, client, owner: Caller, pool_values):
        response = await client.patch(
            self.url(pool_values), json={"ph": None, "chlorine": None}, headers=owner.headers
        )
        assert response.status_code == 422

    @pytest.mark.parametrize(
        "field, value", [("ph", 14.1), ("chlorine", -0.1), ("temperature", 50.1)]
    )
    async def test_out_of_range(self, client, owner: Caller, pool_values, field, value):
        response = await client.patch(
            self.url(pool_values), json={field: value}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_null_measured_at(self, client, owner: Caller, pool_values):
        response = await client.patch(
            self.url(pool_values), json={"measuredAt": None}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_unknown_field(self, client, owner: Caller, pool_values):
        response = await client.patch(
            self.url(pool_values), json={"poolId": UNKNOWN_ID}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.patch(
            f"/pool-values/{UNKNOWN_ID}", json={"ph": 7.6}, headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "pool_values_not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.patch("/pool-values/nope", json={"ph": 7.6}, headers=admin.headers)
        assert response.status_code == 422


class TestDeletePoolValues:
    @staticmethod
    def url(pool_values: dict) -> str:
        return f"/pool-values/{pool_values['id']}"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 204, None),
            ("owner", 204, None),
            ("technician", 403, "forbidden"),
            ("other_owner", 404, "pool_values_not_found"),
            ("other_technician", 404, "pool_values_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, pool_values, caller, caller_headers, status, code):
        response = await client.delete(self.url(pool_values), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_recorder_cannot_delete(self, client, technician: Caller, pool_values):
        await client.delete(self.url(pool_values), headers=technician.headers)
        assert await PoolValues.get(PydanticObjectId(pool_values["id"])) is not None

    async def test_gone(self, client, owner: Caller, pool_values):
        await client.delete(self.url(pool_values), headers=owner.headers)
        response = await client.get(self.url(pool_values), headers=owner.headers)
        assert response.status_code == 404
        assert await PoolValues.get(PydanticObjectId(pool_values["id"])) is None

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.delete(f"/pool-values/{UNKNOWN_ID}", headers=admin.headers)
        assert response.status_code == 404

    async def test_linked_visit_stays_with_link_cleared(
        self, client, owner: Caller, technician: Caller, pool
    ):
        recorded = await client.post(
            f"/pools/{pool.id}/visits", json={"readings": {"ph": 7.5}}, headers=technician.headers
        )
        visit, pool_values = recorded.json()["visit"], recorded.json()["poolValues"]
        await client.delete(self.url(pool_values), headers=owner.headers)
        response = await client.get(f"/visits/{visit['id']}", headers=owner.headers)
        assert response.status_code == 200
        assert response.json()["poolValuesId"] is None

    async def test_alert_stays_with_link_cleared(self, client, owner: Caller, pool):
        out_of_range = (await record(client, owner, pool, ph=8.5)).json()
        await client.delete(self.url(out_of_range), headers=owner.headers)
        alert = await Alert.find_one({"pool_id": pool.id})
        assert alert is not None
        assert alert.pool_values_id is None

    async def test_other_readings_stay(self, client, owner: Caller, pool, pool_values):
        kept = (await record(client, owner, pool)).json()
        await client.delete(self.url(pool_values), headers=owner.headers)
        response = await client.get(self.url(kept), headers=owner.headers)
        assert response.status_code == 200
