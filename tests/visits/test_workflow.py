"""The pool visit workflow, POST /pools/{poolId}/visits (contract section 8).

The `pool` fixture belongs to `owner` and has `technician` assigned; `other_technician` is not
assigned; `colleague` is a second technician assigned to `pool`. Default thresholds: pH 7.2-7.8,
so 7.95 is exactly 25% of the width out (warning) and 7.96 is beyond it (critical).
"""

from datetime import datetime, timedelta

import pytest
from beanie import PydanticObjectId

from app.alerts.models import Alert
from app.pools.models import Pool
from app.readings.models import PoolValues
from app.users.models import utcnow
from app.visits.models import Visit
from tests.conftest import Caller, problem_code
from tests.factories import make_pool
from tests.visits.conftest import iso, past

UNKNOWN_ID = str(PydanticObjectId())
IN_RANGE = {"ph": 7.5, "chlorine": 2.0, "temperature": 26}


def url(pool: Pool | str) -> str:
    return f"/pools/{pool.id if isinstance(pool, Pool) else pool}/visits"


def as_technician(technician: Caller, **fields: object) -> dict[str, object]:
    """A workflow body naming `technician` (in-range readings unless told otherwise)."""
    return {"technicianId": str(technician.user.id), "readings": IN_RANGE, **fields}


class TestRecordPoolVisit:
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
    async def test_access(
        self, client, pool, technician: Caller, caller, caller_headers, status, code
    ):
        response = await client.post(
            url(pool), json=as_technician(technician), headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_response_shape(self, client, technician: Caller, pool):
        response = await client.post(
            url(pool), json={"readings": IN_RANGE}, headers=technician.headers
        )
        body = response.json()
        assert set(body) == {"visit", "poolValues", "alerts", "waterBalance"}
        assert body["alerts"] == []
        assert (body["poolValues"]["ph"], body["poolValues"]["chlorine"]) == (7.5, 2.0)

    async def test_visit_and_readings_link_each_other(self, client, technician: Caller, pool):
        body = (
            await client.post(url(pool), json={"readings": IN_RANGE}, headers=technician.headers)
        ).json()
        assert body["visit"]["poolValuesId"] == body["poolValues"]["id"]
        assert body["poolValues"]["visitId"] == body["visit"]["id"]
        stored = await Visit.get(PydanticObjectId(body["visit"]["id"]))
        assert str(stored.pool_values_id) == body["poolValues"]["id"]

    async def test_stores_one_visit_and_one_reading(self, client, technician: Caller, pool):
        await client.post(url(pool), json={"readings": IN_RANGE}, headers=technician.headers)
        assert await Visit.find({"pool_id": pool.id}).count() == 1
        assert await PoolValues.find({"pool_id": pool.id}).count() == 1

    async def test_technician_defaults_to_the_caller(self, client, technician: Caller, pool):
        response = await client.post(
            url(pool), json={"readings": IN_RANGE}, headers=technician.headers
        )
        assert response.json()["visit"]["technicianId"] == str(technician.user.id)

    async def test_technician_names_themselves(self, client, technician: Caller, pool):
        response = await client.post(
            url(pool), json=as_technician(technician), headers=technician.headers
        )
        assert response.status_code == 201

    async def test_recorded_by_is_the_caller(self, client, owner: Caller, technician: Caller, pool):
        response = await client.post(
            url(pool), json=as_technician(technician), headers=owner.headers
        )
        assert response.json()["poolValues"]["recordedBy"] == str(owner.user.id)
        assert response.json()["visit"]["technicianId"] == str(technician.user.id)

    async def test_technician_for_another_technician(
        self, client, technician: Caller, colleague: Caller, pool
    ):
        response = await client.post(
            url(pool), json=as_technician(colleague), headers=technician.headers
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert await PoolValues.find({"pool_id": pool.id}).count() == 0

    async def test_owner_without_technician(self, client, owner: Caller, pool):
        response = await client.post(url(pool), json={"readings": IN_RANGE}, headers=owner.headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "technicianId"]
        assert await PoolValues.find({"pool_id": pool.id}).count() == 0

    async def test_owner_names_an_assigned_technician(
        self, client, owner: Caller, colleague: Caller, pool
    ):
        response = await client.post(
            url(pool), json=as_technician(colleague), headers=owner.headers
        )
        assert response.status_code == 201
        assert response.json()["visit"]["technicianId"] == str(colleague.user.id)

    async def test_unknown_technician(self, client, owner: Caller, pool):
        body = {"technicianId": UNKNOWN_ID, "readings": IN_RANGE}
        response = await client.post(url(pool), json=body, headers=owner.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_not_a_technician(self, client, owner: Caller, pool):
        response = await client.post(url(pool), json=as_technician(owner), headers=owner.headers)
        assert response.status_code == 400
        assert response.json()["code"] == "user_not_technician"

    async def test_not_assigned(self, client, owner: Caller, other_technician: Caller, pool):
        response = await client.post(
            url(pool), json=as_technician(other_technician), headers=owner.headers
        )
        assert response.status_code == 400
        assert response.json()["code"] == "technician_not_assigned"
        assert await PoolValues.find({"pool_id": pool.id}).count() == 0

    async def test_unknown_pool(self, client, admin: Caller, technician: Caller):
        response = await client.post(
            url(UNKNOWN_ID), json=as_technician(technician), headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_malformed_pool_id(self, client, admin: Caller, technician: Caller):
        response = await client.post(
            url("not-an-id"), json=as_technician(technician), headers=admin.headers
        )
        assert response.status_code == 422

    async def test_missing_readings(self, client, technician: Caller, pool):
        response = await client.post(url(pool), json={}, headers=technician.headers)
        assert response.status_code == 422

    async def test_no_reading(self, client, technician: Caller, pool):
        response = await client.post(url(pool), json={"readings": {}}, headers=technician.headers)
        assert response.status_code == 422

    @pytest.mark.parametrize(
        "field, value", [("ph", 14.1), ("chlorine", -0.1), ("temperature", 50.1)]
    )
    async def test_reading_out_of_range(self, client, technician: Caller, pool, field, value):
        response = await client.post(
            url(pool), json={"readings": {field: value}}, headers=technician.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "readings", field]

    async def test_unknown_field(self, client, technician: Caller, pool):
        response = await client.post(
            url(pool),
            json={"readings": IN_RANGE, "durationMinutes": 30},
            headers=technician.headers,
        )
        assert response.status_code == 422

    async def test_unknown_reading(self, client, technician: Caller, pool):
        response = await client.post(
            url(pool), json={"readings": {"ph": 7.5, "bromine": 2}}, headers=technician.headers
        )
        assert response.status_code == 422

    async def test_scheduled_status_refused(self, client, technician: Caller, pool):
        response = await client.post(
            url(pool),
            json={"readings": IN_RANGE, "status": "scheduled"},
            headers=technician.headers,
        )
        assert response.status_code == 422

    async def test_status_defaults_to_completed(self, client, technician: Caller, pool):
        response = await client.post(
            url(pool), json={"readings": IN_RANGE}, headers=technician.headers
        )
        assert response.json()["visit"]["status"] == "completed"

    async def test_status_no_show(self, client, technician: Caller, pool):
        response = await client.post(
            url(pool), json={"readings": IN_RANGE, "status": "no_show"}, headers=technician.headers
        )
        assert response.json()["visit"]["status"] == "no_show"

    async def test_visited_at_defaults_to_now(self, client, technician: Caller, pool):
        before = utcnow()
        response = await client.post(
            url(pool), json={"readings": IN_RANGE}, headers=technician.headers
        )
        visited_at = datetime.fromisoformat(response.json()["visit"]["visitedAt"])
        assert before - timedelta(seconds=1) <= visited_at <= utcnow() + timedelta(seconds=1)

    async def test_readings_measured_at_the_visit(self, client, technician: Caller, pool):
        body = {"readings": IN_RANGE, "visitedAt": iso(past(9))}
        response = await client.post(url(pool), json=body, headers=technician.headers)
        assert response.json()["visit"]["visitedAt"] == iso(past(9))
        assert response.json()["poolValues"]["measuredAt"] == iso(past(9))

    async def test_observations_and_chemicals_kept(self, client, technician: Caller, pool):
        chemicals = [{"name": "pH minus", "amount": 0.5, "unit": "kg"}]
        body = {
            "readings": IN_RANGE,
            "observations": "Leaf skimmer full",
            "chemicalsAdded": chemicals,
        }
        visit = (await client.post(url(pool), json=body, headers=technician.headers)).json()[
            "visit"
        ]
        assert (visit["observations"], visit["chemicalsAdded"]) == ("Leaf skimmer full", chemicals)

    @pytest.mark.parametrize(
        "readings, health",
        [
            ({"ph": 7.2, "chlorine": 1.0, "temperature": 32}, "good"),
            ({"ph": 7.8, "chlorine": 3.0, "temperature": 10}, "good"),
            ({"ph": 7.19, "chlorine": 2.0, "temperature": 26}, "needs_attention"),
            ({"ph": 7.95}, "needs_attention"),
            ({"ph": 7.05}, "needs_attention"),
            ({"ph": 7.96}, "critical"),
            ({"ph": 7.04}, "critical"),
            ({"ph": 7.9, "chlorine": 0.1}, "critical"),
        ],
    )
    async def test_pool_health_from_the_readings(
        self, client, technician: Caller, pool, readings, health
    ):
        response = await client.post(
            url(pool), json={"readings": readings}, headers=technician.headers
        )
        assert response.json()["visit"]["poolHealth"] == health

    async def test_pool_health_without_alert_metrics(self, client, technician: Caller, pool):
        response = await client.post(
            url(pool), json={"readings": {"salt": 3200}}, headers=technician.headers
        )
        assert response.status_code == 201
        assert response.json()["visit"]["poolHealth"] is None

    async def test_explicit_pool_health_wins(self, client, technician: Caller, pool):
        body = {"readings": {"ph": 9.0}, "poolHealth": "good"}
        response = await client.post(url(pool), json=body, headers=technician.headers)
        assert response.json()["visit"]["poolHealth"] == "good"

    async def test_pool_health_follows_the_pools_thresholds(
        self, client, owner: Caller, technician: Caller, pool
    ):
        config = {
            "enabled": True,
            "ph": {"min": 7.6, "max": 8.2},
            "chlorine": {"min": 1.0, "max": 3.0},
            "temperature": {"min": 10, "max": 32},
        }
        await client.put(f"/pools/{pool.id}/alert-config", json=config, headers=owner.headers)
        response = await client.post(
            url(pool), json={"readings": {"ph": 8.0}}, headers=technician.headers
        )
        assert response.json()["visit"]["poolHealth"] == "good"

    async def test_out_of_range_readings_raise_alerts(self, client, technician: Caller, pool):
        body = {"readings": {"ph": 8.5, "chlorine": 0.2, "temperature": 26}}
        response = await client.post(url(pool), json=body, headers=technician.headers)
        alerts = response.json()["alerts"]
        assert sorted(alert["metric"] for alert in alerts) == ["chlorine", "ph"]
        assert {alert["poolValuesId"] for alert in alerts} == {response.json()["poolValues"]["id"]}
        assert await Alert.find({"pool_id": pool.id, "status": "active"}).count() == 2

    async def test_in_range_readings_resolve_alerts(self, client, technician: Caller, pool):
        await client.post(url(pool), json={"readings": {"ph": 8.5}}, headers=technician.headers)
        await client.post(url(pool), json={"readings": {"ph": 7.5}}, headers=technician.headers)
        [alert] = await Alert.find({"pool_id": pool.id}).to_list()
        assert alert.status == "resolved"

    async def test_snake_case_input(self, client, owner: Caller, technician: Caller, pool):
        body = {"technician_id": str(technician.user.id), "readings": {"cyanuric_acid": 30}}
        response = await client.post(url(pool), json=body, headers=owner.headers)
        assert response.status_code == 201
        assert response.json()["poolValues"]["cyanuricAcid"] == 30

    async def test_failed_visit_write_leaves_no_orphan_readings(
        self, client, monkeypatch, technician: Caller, pool
    ):
        async def refuse(self, *args, **kwargs):
            raise RuntimeError("the visits collection is unavailable")

        monkeypatch.setattr(Visit, "insert", refuse)
        response = await client.post(
            url(pool), json={"readings": {"ph": 8.5}}, headers=technician.headers
        )
        assert response.status_code == 500
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "internal_error"
        assert "unavailable" not in response.text
        assert await PoolValues.find({"pool_id": pool.id}).count() == 0
        assert await Visit.find({"pool_id": pool.id}).count() == 0
        assert await Alert.find({"pool_id": pool.id}).count() == 0

    async def test_failed_visit_write_keeps_the_latest_readings(
        self, client, monkeypatch, technician: Caller, pool
    ):
        first = await client.post(
            url(pool), json={"readings": IN_RANGE}, headers=technician.headers
        )

        async def refuse(self, *args, **kwargs):
            raise RuntimeError("the visits collection is unavailable")

        monkeypatch.setattr(Visit, "insert", refuse)
        await client.post(url(pool), json={"readings": {"ph": 8.5}}, headers=technician.headers)
        dashboard = await client.get(f"/pools/{pool.id}/dashboard", headers=technician.headers)
        latest = dashboard.json()["latestReadings"]
        assert latest["poolValuesId"] == first.json()["poolValues"]["id"]

    async def test_other_pools_are_untouched(self, client, owner: Caller, technician: Caller, pool):
        second = await make_pool(owner.user, technicians=[technician.user])
        await client.post(url(pool), json={"readings": IN_RANGE}, headers=technician.headers)
        assert await PoolValues.find({"pool_id": second.id}).count() == 0
