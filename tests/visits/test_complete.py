"""POST /visits/{visitId}/complete (contract section 15): readings, tasks, alerts, one winner."""

import asyncio

import pytest
from beanie import PydanticObjectId

from app.alerts.models import Alert
from app.readings.models import PoolValues
from app.visits.models import Task, Visit, VisitStatus
from tests.conftest import Caller, problem_code
from tests.visits.conftest import at, iso, make_visit

TASKS = [Task(name="skim"), Task(name="brush walls")]


@pytest.fixture
async def visit(pool, technician: Caller) -> Visit:
    """A scheduled visit of `technician` with two tasks."""
    return await make_visit(
        pool, technician.user, scheduled_start=at(10), scheduled_end=at(11), tasks=TASKS
    )


def url(visit: Visit) -> str:
    return f"/visits/{visit.id}/complete"


class TestCompleteVisit:
    async def test_with_readings(self, client, technician: Caller, visit):
        body = {
            "visitedAt": iso(at(10, 5)),
            "tasksDone": ["skim"],
            "observations": "Leaves in the skimmer.",
            "readings": {"ph": 7.4, "chlorine": 1.5, "temperature": 26},
        }
        response = await client.post(url(visit), json=body, headers=technician.headers)
        assert response.status_code == 200, response.text
        result = response.json()
        assert set(result) == {"visit", "poolValues", "alerts", "waterBalance"}
        completed, values = result["visit"], result["poolValues"]
        assert (completed["status"], completed["visitedAt"]) == ("completed", iso(at(10, 5)))
        assert completed["tasks"] == [
            {"name": "skim", "done": True},
            {"name": "brush walls", "done": False},
        ]
        assert (completed["poolHealth"], completed["observations"]) == (
            "good",
            "Leaves in the skimmer.",
        )
        assert completed["poolValuesId"] == values["id"]
        assert (values["visitId"], values["measuredAt"]) == (str(visit.id), iso(at(10, 5)))
        assert result["alerts"] == []

    async def test_out_of_range_readings_raise_alerts(self, client, owner: Caller, visit):
        body = {"readings": {"ph": 9.0}}
        response = await client.post(url(visit), json=body, headers=owner.headers)
        assert response.status_code == 200
        assert [alert["metric"] for alert in response.json()["alerts"]] == ["ph"]
        assert response.json()["visit"]["poolHealth"] == "critical"
        assert await Alert.find({"pool_id": visit.pool_id}).count() == 1

    async def test_without_readings(self, client, technician: Caller, visit):
        response = await client.post(url(visit), json={}, headers=technician.headers)
        assert response.status_code == 200
        assert response.json()["poolValues"] is None
        assert response.json()["visit"]["visitedAt"] is not None
        assert await PoolValues.find_all().count() == 0

    async def test_pool_health_given_wins(self, client, technician: Caller, visit):
        body = {"poolHealth": "needs_attention", "readings": {"ph": 7.4}}
        response = await client.post(url(visit), json=body, headers=technician.headers)
        assert response.json()["visit"]["poolHealth"] == "needs_attention"

    async def test_unknown_task_is_422(self, client, technician: Caller, visit):
        body = {"tasksDone": ["paint the fence"], "readings": {"ph": 7.4}}
        response = await client.post(url(visit), json=body, headers=technician.headers)
        assert (response.status_code, problem_code(response)) == (422, "validation_error")
        assert (await Visit.get(visit.id)).status is VisitStatus.SCHEDULED
        assert await PoolValues.find_all().count() == 0

    @pytest.mark.parametrize(
        "body",
        [
            {"readings": {}},
            {"readings": {"ph": 15}},
            {"visitedAt": "not a time"},
            {"tasksDone": "skim"},
            {"extra": True},
        ],
    )
    async def test_invalid_body_is_422(self, client, technician: Caller, visit, body):
        response = await client.post(url(visit), json=body, headers=technician.headers)
        assert response.status_code == 422

    @pytest.mark.parametrize(
        "status", [VisitStatus.COMPLETED, VisitStatus.CANCELLED, VisitStatus.NO_SHOW]
    )
    async def test_not_scheduled_is_409(self, client, technician: Caller, pool, status):
        visit = await make_visit(pool, technician.user, status=status, visited_at=at(9))
        response = await client.post(url(visit), json={}, headers=technician.headers)
        assert (response.status_code, problem_code(response)) == (409, "visit_not_scheduled")

    async def test_other_technician_of_the_pool_is_403(self, client, colleague: Caller, visit):
        response = await client.post(url(visit), json={}, headers=colleague.headers)
        assert response.status_code == 403

    @pytest.mark.parametrize("caller", ["other_owner", "other_technician"])
    async def test_without_pool_access_is_404(self, client, visit, caller, caller_headers):
        response = await client.post(url(visit), json={}, headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (404, "visit_not_found")

    async def test_unknown_visit(self, client, owner: Caller):
        response = await client.post(
            f"/visits/{PydanticObjectId()}/complete", json={}, headers=owner.headers
        )
        assert response.status_code == 404

    async def test_completed_visit_leaves_the_schedule(
        self, client, owner: Caller, technician: Caller, pool, visit
    ):
        await client.post(url(visit), json={}, headers=technician.headers)
        body = {
            "poolId": str(pool.id),
            "technicianId": str(technician.user.id),
            "scheduledStart": iso(at(10)),
            "scheduledEnd": iso(at(11)),
        }
        response = await client.post("/visits", json=body, headers=owner.headers)
        assert response.status_code == 201


class TestCompleteRaces:
    @pytest.mark.parametrize("round_number", range(5))
    async def test_two_completes_one_wins_no_orphans(
        self, client, technician: Caller, owner: Caller, pool, store_latency, round_number
    ):
        visit = await make_visit(
            pool,
            technician.user,
            scheduled_start=at(10, days=round_number),
            scheduled_end=at(11, days=round_number),
        )
        body = {"readings": {"ph": 7.3}}
        responses = await asyncio.gather(
            client.post(url(visit), json=body, headers=technician.headers),
            client.post(url(visit), json=body, headers=owner.headers),
        )
        assert sorted(response.status_code for response in responses) == [200, 409]
        loser = next(response for response in responses if response.status_code == 409)
        assert problem_code(loser) == "visit_not_scheduled"
        values = await PoolValues.find({"visit_id": visit.id}).to_list()
        stored = await Visit.get(visit.id)
        assert [value.id for value in values] == [stored.pool_values_id]

    async def test_a_failed_visit_write_leaves_no_pool_values(
        self, client, technician: Caller, visit, monkeypatch
    ):
        collection = type(Visit.get_motor_collection())
        original = collection.find_one_and_update
        failed: list[str] = []

        def failing(self, *args, **kwargs):
            if self.name == Visit.Settings.name:
                failed.append(self.name)
                raise RuntimeError("the store went away")
            return original(self, *args, **kwargs)

        monkeypatch.setattr(collection, "find_one_and_update", failing)
        response = await client.post(
            url(visit), json={"readings": {"ph": 7.4}}, headers=technician.headers
        )
        assert (response.status_code, failed) == (500, ["visits"])
        assert await PoolValues.find_all().count() == 0
        assert (await Visit.get(visit.id)).status is VisitStatus.SCHEDULED
