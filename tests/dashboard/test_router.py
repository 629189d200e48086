"""The pool dashboard, GET /pools/{poolId}/dashboard (contract section 6).

The `pool` fixture belongs to `owner` and has `technician` assigned; `other_technician` is not
assigned; `colleague` is a second technician assigned to `pool`.
"""

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import mongomock_motor
import pytest
from beanie import PydanticObjectId

from app.alerts.models import Alert
from app.pools.models import Pool
from app.users.models import utcnow
from app.visits.models import Visit, VisitStatus
from tests.conftest import Caller, problem_code
from tests.factories import make_pool
from tests.visits.conftest import add_technician, at, iso, make_visit, past

UNKNOWN_ID = str(PydanticObjectId())
MAX_ROUND_TRIPS = 3
HISTORY_VISITS = 200
DASHBOARD_FIELDS = {
    "pool",
    "owner",
    "technician",
    "latestReadings",
    "lastVisit",
    "activeAlerts",
    "alertConfig",
    "waterBalance",
    "nextVisit",
}
POOL_FIELDS = {
    "id",
    "name",
    "ownerId",
    "technicianIds",
    "address",
    "volumeLiters",
    "poolType",
    "indoor",
    "notes",
    "timezone",
    "createdAt",
    "updatedAt",
}
DEFAULT_CONFIG = {
    "enabled": True,
    "ph": {"min": 7.2, "max": 7.8},
    "chlorine": {"min": 1.0, "max": 3.0},
    "temperature": {"min": 10.0, "max": 32.0},
}
# Every motor collection call that reaches the database; counted per collection.
DATABASE_CALLS = (
    "aggregate",
    "count_documents",
    "distinct",
    "estimated_document_count",
    "find",
    "find_one",
    "find_one_and_update",
    "insert_many",
    "insert_one",
    "replace_one",
    "update_many",
    "update_one",
)
# Authentication reads the session (joined to its user) in one aggregate on this collection.
AUTHENTICATION_COLLECTION = "sessions"


def url(pool: Pool | str) -> str:
    return f"/pools/{pool.id if isinstance(pool, Pool) else pool}/dashboard"


def summary(caller: Caller) -> dict[str, object]:
    user = caller.user
    return {
        "id": str(user.id),
        "name": user.name,
        "lastName": user.last_name,
        "email": user.email,
        "deleted": False,
    }


async def record(
    client: httpx.AsyncClient, caller: Caller, pool: Pool, **body: object
) -> dict[str, Any]:
    """POST /pool-values on `pool` as `caller`; the created readings."""
    response = await client.post(
        "/pool-values", json={"poolId": str(pool.id), **body}, headers=caller.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def dashboard(client: httpx.AsyncClient, caller: Caller, pool: Pool) -> dict[str, Any]:
    response = await client.get(url(pool), headers=caller.headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
async def colleague(settings, pool) -> Caller:
    """A second technician assigned to `pool`."""
    return await add_technician(settings, pool)


@pytest.fixture
def database_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """From now on, count the store calls per collection (authentication's own excluded)."""
    calls: Counter[str] = Counter()
    collection_class = mongomock_motor.AsyncMongoMockCollection

    def counting(name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def counted(self, *args: Any, **kwargs: Any) -> Any:
            if self.name != AUTHENTICATION_COLLECTION:
                calls[f"{self.name}.{name}"] += 1
            return call(self, *args, **kwargs)

        return counted

    for name in DATABASE_CALLS:
        monkeypatch.setattr(collection_class, name, counting(name, getattr(collection_class, name)))
    return calls


class TestReadDashboard:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("technician", 200, None),
            ("other_owner", 404, "pool_not_found"),
            ("other_technician", 404, "pool_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, pool, caller, caller_headers, status, code):
        response = await client.get(url(pool), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_unknown_pool(self, client, admin: Caller):
        response = await client.get(url(UNKNOWN_ID), headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_malformed_pool_id(self, client, admin: Caller):
        response = await client.get(url("not-an-id"), headers=admin.headers)
        assert response.status_code == 422

    async def test_new_pool(self, client, owner: Caller, pool):
        body = await dashboard(client, owner, pool)
        assert set(body) == DASHBOARD_FIELDS
        assert (body["technician"], body["latestReadings"], body["lastVisit"]) == (None, None, None)
        assert body["activeAlerts"] == []

    async def test_pool(self, client, technician: Caller, pool):
        body = await dashboard(client, technician, pool)
        assert set(body["pool"]) == POOL_FIELDS
        assert body["pool"]["id"] == str(pool.id)
        assert body["pool"]["technicianIds"] == [str(technician.user.id)]

    async def test_owner_summary(self, client, technician: Caller, owner: Caller, pool):
        body = await dashboard(client, technician, pool)
        assert body["owner"] == summary(owner)

    async def test_default_alert_config_when_never_read(self, client, owner: Caller, pool):
        config = (await dashboard(client, owner, pool))["alertConfig"]
        assert {key: config[key] for key in DEFAULT_CONFIG} == DEFAULT_CONFIG
        assert config["poolId"] == str(pool.id)

    async def test_stored_alert_config(self, client, owner: Caller, pool):
        custom = {**DEFAULT_CONFIG, "enabled": False, "ph": {"min": 7.0, "max": 7.6}}
        await client.put(f"/pools/{pool.id}/alert-config", json=custom, headers=owner.headers)
        config = (await dashboard(client, owner, pool))["alertConfig"]
        assert (config["enabled"], config["ph"]) == (False, {"min": 7.0, "max": 7.6})

    async def test_latest_readings(self, client, owner: Caller, pool):
        recorded = await record(
            client, owner, pool, ph=7.4, chlorine=1.8, temperature=27, measuredAt=iso(past(9))
        )
        latest = (await dashboard(client, owner, pool))["latestReadings"]
        assert latest == {
            "poolValuesId": recorded["id"],
            "ph": 7.4,
            "chlorine": 1.8,
            "temperature": 27,
            "measuredAt": iso(past(9)),
        }

    async def test_latest_readings_follow_the_newest_measured_at(self, client, owner: Caller, pool):
        newest = await record(client, owner, pool, ph=7.6, measuredAt=iso(past(12)))
        await record(client, owner, pool, ph=7.3, measuredAt=iso(past(8)))
        latest = (await dashboard(client, owner, pool))["latestReadings"]
        assert (latest["poolValuesId"], latest["ph"]) == (newest["id"], 7.6)

    async def test_latest_readings_after_the_newest_is_deleted(self, client, owner: Caller, pool):
        older = await record(client, owner, pool, ph=7.3, measuredAt=iso(past(8)))
        newest = await record(client, owner, pool, ph=7.6, measuredAt=iso(past(12)))
        await client.delete(f"/pool-values/{newest['id']}", headers=owner.headers)
        latest = (await dashboard(client, owner, pool))["latestReadings"]
        assert latest["poolValuesId"] == older["id"]

    async def test_latest_readings_after_the_only_one_is_deleted(self, client, owner: Caller, pool):
        only = await record(client, owner, pool, ph=7.3)
        await client.delete(f"/pool-values/{only['id']}", headers=owner.headers)
        assert (await dashboard(client, owner, pool))["latestReadings"] is None

    async def test_latest_readings_after_a_measured_at_correction(
        self, client, owner: Caller, pool
    ):
        older = await record(client, owner, pool, ph=7.3, measuredAt=iso(past(8)))
        newest = await record(client, owner, pool, ph=7.6, measuredAt=iso(past(12)))
        await client.patch(
            f"/pool-values/{newest['id']}", json={"measuredAt": iso(past(7))}, headers=owner.headers
        )
        latest = (await dashboard(client, owner, pool))["latestReadings"]
        assert latest["poolValuesId"] == older["id"]

    async def test_latest_readings_show_a_value_correction(self, client, owner: Caller, pool):
        recorded = await record(client, owner, pool, ph=7.3)
        await client.patch(
            f"/pool-values/{recorded['id']}", json={"ph": 7.5}, headers=owner.headers
        )
        assert (await dashboard(client, owner, pool))["latestReadings"]["ph"] == 7.5

    async def test_latest_readings_of_this_pool_only(self, client, owner: Caller, pool):
        second = await make_pool(owner.user)
        mine = await record(client, owner, pool, ph=7.3, measuredAt=iso(past(8)))
        await record(client, owner, second, ph=7.6, measuredAt=iso(past(12)))
        latest = (await dashboard(client, owner, pool))["latestReadings"]
        assert latest["poolValuesId"] == mine["id"]

    async def test_last_visit_and_its_technician(
        self, client, owner: Caller, technician: Caller, colleague: Caller, pool
    ):
        await client.post(
            f"/pools/{pool.id}/visits",
            json={"readings": {"ph": 7.5}, "visitedAt": iso(past(9))},
            headers=technician.headers,
        )
        latest = await client.post(
            f"/pools/{pool.id}/visits",
            json={"readings": {"ph": 7.9}, "visitedAt": iso(past(11)), "observations": "Cloudy"},
            headers=colleague.headers,
        )
        body = await dashboard(client, owner, pool)
        assert body["technician"] == summary(colleague)
        assert body["lastVisit"] == {
            "id": latest.json()["visit"]["id"],
            "visitedAt": iso(past(11)),
            "status": "completed",
            "poolHealth": "needs_attention",
            "observations": "Cloudy",
        }

    async def test_last_visit_by_visit_time_not_insertion(
        self, client, owner: Caller, technician: Caller, colleague: Caller, pool
    ):
        newest = await make_visit(
            pool, colleague.user, status=VisitStatus.COMPLETED, visited_at=at(11)
        )
        await make_visit(pool, technician.user, status=VisitStatus.COMPLETED, visited_at=at(9))
        body = await dashboard(client, owner, pool)
        assert body["lastVisit"]["id"] == str(newest.id)
        assert body["technician"] == summary(colleague)

    async def test_planned_visit_is_not_the_last_visit(
        self, client, owner: Caller, technician: Caller, colleague: Caller, pool
    ):
        done = await make_visit(
            pool, technician.user, status=VisitStatus.COMPLETED, visited_at=at(9)
        )
        await make_visit(
            pool, colleague.user, scheduled_start=at(10, days=1), scheduled_end=at(11, days=1)
        )
        body = await dashboard(client, owner, pool)
        assert body["lastVisit"]["id"] == str(done.id)
        assert body["technician"] == summary(technician)

    async def test_only_planned_visits(self, client, owner: Caller, technician: Caller, pool):
        await make_visit(pool, technician.user, scheduled_start=at(10), scheduled_end=at(11))
        body = await dashboard(client, owner, pool)
        assert (body["lastVisit"], body["technician"]) == (None, None)

    async def test_other_pools_visits_are_not_shown(
        self, client, owner: Caller, technician: Caller, pool
    ):
        second = await make_pool(owner.user, technicians=[technician.user])
        await make_visit(second, technician.user, status=VisitStatus.COMPLETED, visited_at=at(9))
        body = await dashboard(client, owner, pool)
        assert (body["lastVisit"], body["technician"]) == (None, None)

    async def test_active_alerts_only(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=8.5, chlorine=0.1, temperature=40)
        acknowledged = await Alert.find_one({"pool_id": pool.id, "metric": "chlorine"})
        await client.post(f"/alerts/{acknowledged.id}/acknowledge", headers=owner.headers)
        await record(client, owner, pool, temperature=26)
        alerts = (await dashboard(client, owner, pool))["activeAlerts"]
        assert [alert["metric"] for alert in alerts] == ["ph"]
        assert (alerts[0]["status"], alerts[0]["value"]) == ("active", 8.5)

    async def test_active_alerts_of_this_pool_only(self, client, owner: Caller, pool):
        second = await make_pool(owner.user)
        await record(client, owner, second, ph=8.5)
        assert (await dashboard(client, owner, pool))["activeAlerts"] == []

    async def test_round_trips_do_not_grow_with_history(
        self, client, owner: Caller, technician: Caller, colleague: Caller, pool, request
    ):
        await Visit.insert_many(
            [
                Visit(
                    pool_id=pool.id,
                    technician_id=(technician if index % 2 else colleague).user.id,
                    status=VisitStatus.COMPLETED,
                    visited_at=at(0, minute=index),
                    occurs_at=at(0, minute=index),
                )
                for index in range(HISTORY_VISITS)
            ]
            + [
                Visit(
                    pool_id=pool.id,
                    technician_id=technician.user.id,
                    status=VisitStatus.SCHEDULED,
                    scheduled_start=at(8, days=index),
                    scheduled_end=at(9, days=index),
                    occurs_at=at(8, days=index),
                )
                for index in range(HISTORY_VISITS)
            ]
        )
        await record(client, owner, pool, ph=8.5, chlorine=2.0, measuredAt=iso(past(12)))
        await client.get(f"/pools/{pool.id}/alert-config", headers=owner.headers)
        calls = request.getfixturevalue("database_calls")

        response = await client.get(url(pool), headers=owner.headers)

        assert response.status_code == 200
        body = response.json()
        assert body["lastVisit"]["visitedAt"] == iso(at(0, minute=HISTORY_VISITS - 1))
        assert body["technician"] == summary(technician)
        assert [alert["metric"] for alert in body["activeAlerts"]] == ["ph"]
        assert body["latestReadings"]["ph"] == 8.5
        assert [step["metric"] for step in body["waterBalance"]["recommendations"]] == ["ph"]
        assert body["nextVisit"]["scheduledStart"] == iso(at(8))
        assert calls, "the counting wrapper saw no store call at all"
        assert sum(calls.values()) <= MAX_ROUND_TRIPS, dict(calls)


class TestNextVisit:
    async def test_none_without_scheduled_visits(self, client, owner: Caller, pool):
        assert (await dashboard(client, owner, pool))["nextVisit"] is None

    async def test_earliest_scheduled_from_now_on(
        self, client, owner: Caller, technician: Caller, colleague: Caller, pool
    ):
        await make_visit(pool, technician.user, scheduled_start=at(15), scheduled_end=at(16))
        first = await make_visit(pool, colleague.user, scheduled_start=at(9), scheduled_end=at(10))
        await make_visit(
            pool,
            technician.user,
            status=VisitStatus.CANCELLED,
            scheduled_start=at(7),
            scheduled_end=at(8),
        )
        past = utcnow() - timedelta(days=2)
        await make_visit(
            pool, technician.user, scheduled_start=past, scheduled_end=past + timedelta(hours=1)
        )
        body = await dashboard(client, owner, pool)
        assert body["nextVisit"] == {
            "id": str(first.id),
            "scheduledStart": iso(at(9)),
            "scheduledEnd": iso(at(10)),
            "technicianId": str(colleague.user.id),
        }

    async def test_other_pools_are_not_shown(self, client, owner: Caller, technician: Caller, pool):
        second = await make_pool(owner.user, technicians=[technician.user])
        await make_visit(second, technician.user, scheduled_start=at(9), scheduled_end=at(10))
        assert (await dashboard(client, owner, pool))["nextVisit"] is None
