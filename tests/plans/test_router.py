"""Service-plan endpoints (contract section 15): one class per endpoint, one test per scenario.

`pool` is a Madrid pool of `owner` with `technician` assigned; the horizon is 14 days, so the
default plan (weekly, 09:00 local, on the weekday three days from now) has two occurrences.
"""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from beanie import PydanticObjectId

from app.plans.models import ServicePlan
from app.plans.schedule import local_to_utc
from app.pools.models import Pool
from app.users.models import Role, utcnow
from app.visits.models import Visit, VisitStatus
from tests.conftest import Caller, problem_code
from tests.factories import make_pool, make_user
from tests.plans.conftest import MADRID, in_days, local_start, plan_body
from tests.visits.conftest import make_visit

NINE = time(9)
PLAN_FIELDS = {
    "id",
    "poolId",
    "technicianId",
    "intervalWeeks",
    "weekday",
    "startTime",
    "durationMinutes",
    "startsOn",
    "endsOn",
    "checklist",
    "priceCents",
    "active",
    "skippedDates",
    "createdAt",
    "updatedAt",
}


def url(pool: Pool) -> str:
    return f"/pools/{pool.id}/service-plans"


async def occurrences(plan_id: str) -> list[Visit]:
    found = Visit.find({"service_plan_id": PydanticObjectId(plan_id)})
    return await found.sort([("scheduled_start", 1)]).to_list()


async def create(client, caller: Caller, pool: Pool, technician: Caller, **fields) -> dict:
    response = await client.post(
        url(pool), json=plan_body(technician, **fields), headers=caller.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


class TestCreatePlan:
    async def test_plan_and_its_occurrences(self, client, owner: Caller, technician: Caller, pool):
        plan = await create(client, owner, pool, technician)
        assert set(plan) == PLAN_FIELDS
        assert (plan["intervalWeeks"], plan["active"], plan["skippedDates"]) == (1, True, [])
        visits = await occurrences(plan["id"])
        assert [v.scheduled_start for v in visits] == [
            local_to_utc(in_days(days), NINE, MADRID) for days in (3, 10)
        ]
        first = visits[0]
        assert first.status is VisitStatus.SCHEDULED
        assert first.scheduled_end - first.scheduled_start == timedelta(minutes=60)
        assert [(task.name, task.done) for task in first.tasks] == [
            ("skim", False),
            ("brush walls", False),
        ]
        assert (first.price_cents, first.technician_id) == (4500, technician.user.id)

    async def test_occurrences_are_visits_in_the_api(
        self, client, owner: Caller, technician: Caller, pool
    ):
        await create(client, owner, pool, technician, startTime="16:00")
        plan = await create(client, owner, pool, technician)
        response = await client.get(
            "/visits", params={"servicePlanId": plan["id"]}, headers=technician.headers
        )
        items = response.json()["items"]
        assert len(items) == 2
        assert {local_start(item).strftime("%H:%M") for item in items} == {"09:00"}
        assert items[0]["tasks"] == [
            {"name": "skim", "done": False},
            {"name": "brush walls", "done": False},
        ]

    async def test_every_other_week(self, client, owner: Caller, technician: Caller, pool):
        plan = await create(client, owner, pool, technician, intervalWeeks=2)
        assert len(await occurrences(plan["id"])) == 1

    async def test_ends_on_limits(self, client, owner: Caller, technician: Caller, pool):
        plan = await create(client, owner, pool, technician, endsOn=in_days(5).isoformat())
        assert len(await occurrences(plan["id"])) == 1

    async def test_inactive_plan_has_no_occurrences(
        self, client, owner: Caller, technician: Caller, pool
    ):
        plan = await create(client, owner, pool, technician, active=False)
        assert await occurrences(plan["id"]) == []

    async def test_admin(self, client, admin: Caller, technician: Caller, pool):
        await create(client, admin, pool, technician)

    async def test_technician_is_403(self, client, technician: Caller, pool):
        response = await client.post(
            url(pool), json=plan_body(technician), headers=technician.headers
        )
        assert (response.status_code, problem_code(response)) == (403, "forbidden")

    async def test_other_owner_is_404(self, client, other_owner: Caller, technician: Caller, pool):
        response = await client.post(
            url(pool), json=plan_body(technician), headers=other_owner.headers
        )
        assert (response.status_code, problem_code(response)) == (404, "pool_not_found")

    async def test_unassigned_technician(
        self, client, owner: Caller, other_technician: Caller, pool
    ):
        response = await client.post(
            url(pool), json=plan_body(other_technician), headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (400, "technician_not_assigned")

    async def test_not_a_technician(self, client, owner: Caller, other_owner: Caller, pool):
        response = await client.post(url(pool), json=plan_body(other_owner), headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (400, "user_not_technician")

    async def test_unknown_technician(self, client, owner: Caller, technician: Caller, pool):
        body = plan_body(technician, technicianId=str(PydanticObjectId()))
        response = await client.post(url(pool), json=body, headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (404, "user_not_found")

    @pytest.mark.parametrize(
        "fields",
        [
            {"weekday": 0},
            {"weekday": 8},
            {"intervalWeeks": 0},
            {"intervalWeeks": 9},
            {"durationMinutes": 14},
            {"durationMinutes": 481},
            {"startTime": "24:00"},
            {"startTime": "9:00"},
            {"startTime": "09:00:00"},
            {"startsOn": "2026-02-30"},
            {"startsOn": "0001-01-01"},
            {"startsOn": "2026-03-01", "endsOn": "2026-02-28"},
            {"checklist": ["skim", "skim"]},
            {"checklist": [""]},
            {"checklist": ["x" * 81]},
            {"checklist": [f"task {n}" for n in range(21)]},
            {"priceCents": -1},
            {"priceCents": 100_000_001},
            {"unknown": 1},
        ],
    )
    async def test_invalid_is_422(self, client, owner: Caller, technician: Caller, pool, fields):
        response = await client.post(
            url(pool), json=plan_body(technician, **fields), headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    @pytest.mark.parametrize("field", ["technicianId", "weekday", "startTime", "durationMinutes"])
    async def test_required(self, client, owner: Caller, technician: Caller, pool, field):
        body = plan_body(technician)
        del body[field]
        response = await client.post(url(pool), json=body, headers=owner.headers)
        assert response.status_code == 422

    async def test_conflict_creates_nothing(self, client, owner: Caller, technician: Caller, pool):
        start = local_to_utc(in_days(10), NINE, MADRID)
        busy = await make_visit(
            pool,
            technician.user,
            scheduled_start=start + timedelta(minutes=30),
            scheduled_end=start + timedelta(minutes=90),
        )
        response = await client.post(url(pool), json=plan_body(technician), headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (409, "schedule_conflict")
        assert (response.json()["conflicts"], response.json()["conflictCount"]) == (
            [str(busy.id)],
            1,
        )
        assert await ServicePlan.find_all().count() == 0
        assert await Visit.find({"service_plan_id": {"$ne": None}}).count() == 0

    async def test_conflict_elsewhere_is_counted_not_listed(
        self, client, owner: Caller, other_owner: Caller, technician: Caller, pool
    ):
        elsewhere = await make_pool(other_owner.user, technicians=[technician.user])
        start = local_to_utc(in_days(3), NINE, MADRID)
        await make_visit(
            elsewhere,
            technician.user,
            scheduled_start=start,
            scheduled_end=start + timedelta(hours=1),
        )
        response = await client.post(url(pool), json=plan_body(technician), headers=owner.headers)
        assert response.status_code == 409
        assert (response.json()["conflicts"], response.json()["conflictCount"]) == ([], 1)


class TestListPlans:
    async def test_newest_first(self, client, owner: Caller, technician: Caller, pool):
        first = await create(client, owner, pool, technician)
        second = await create(client, owner, pool, technician, startTime="14:00")
        response = await client.get(url(pool), headers=technician.headers)
        assert [item["id"] for item in response.json()["items"]] == [second["id"], first["id"]]
        assert response.json()["total"] == 2

    async def test_other_owner_is_404(self, client, other_owner: Caller, pool):
        response = await client.get(url(pool), headers=other_owner.headers)
        assert response.status_code == 404


class TestReadPlan:
    async def test_pool_access(self, client, owner: Caller, technician: Caller, pool):
        plan = await create(client, owner, pool, technician)
        response = await client.get(f"/service-plans/{plan['id']}", headers=technician.headers)
        assert response.json() == plan

    async def test_unknown(self, client, owner: Caller):
        response = await client.get(f"/service-plans/{PydanticObjectId()}", headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (404, "service_plan_not_found")

    async def test_other_owner(self, client, owner: Caller, other_owner: Caller, technician, pool):
        plan = await create(client, owner, pool, technician)
        response = await client.get(f"/service-plans/{plan['id']}", headers=other_owner.headers)
        assert (response.status_code, problem_code(response)) == (404, "service_plan_not_found")

    async def test_malformed_id_is_422(self, client, owner: Caller):
        response = await client.get("/service-plans/nope", headers=owner.headers)
        assert response.status_code == 422


class TestUpdatePlan:
    async def test_future_occurrences_are_regenerated(
        self, client, owner: Caller, technician: Caller, pool
    ):
        plan = await create(client, owner, pool, technician)
        before = {visit.id for visit in await occurrences(plan["id"])}
        response = await client.patch(
            f"/service-plans/{plan['id']}",
            json={"startTime": "11:30", "checklist": ["skim"], "priceCents": 5000},
            headers=owner.headers,
        )
        assert response.status_code == 200, response.text
        assert (response.json()["startTime"], response.json()["priceCents"]) == ("11:30", 5000)
        after = await occurrences(plan["id"])
        assert len(after) == 2
        assert before.isdisjoint({visit.id for visit in after})
        assert {v.scheduled_start.astimezone(MADRID).strftime("%H:%M") for v in after} == {"11:30"}
        assert {(tuple(t.name for t in v.tasks), v.price_cents) for v in after} == {
            (("skim",), 5000)
        }

    async def test_past_and_completed_visits_are_kept(
        self, client, owner: Caller, technician: Caller, pool
    ):
        plan = await create(client, owner, pool, technician)
        first, second = await occurrences(plan["id"])
        await first.set({"status": VisitStatus.COMPLETED, "visited_at": utcnow()})
        await client.patch(
            f"/service-plans/{plan['id']}", json={"startTime": "11:30"}, headers=owner.headers
        )
        after = await occurrences(plan["id"])
        kept = await Visit.get(first.id)
        assert kept is not None and kept.status is VisitStatus.COMPLETED
        # The completed occurrence's date is held: only the other date is generated anew.
        assert len(after) == 2
        assert second.id not in {visit.id for visit in after}

    async def test_conflict_changes_nothing(self, client, owner: Caller, technician: Caller, pool):
        plan = await create(client, owner, pool, technician)
        before = [visit.id for visit in await occurrences(plan["id"])]
        start = local_to_utc(in_days(10), NINE, MADRID) + timedelta(hours=3)
        await make_visit(
            pool, technician.user, scheduled_start=start, scheduled_end=start + timedelta(hours=1)
        )
        response = await client.patch(
            f"/service-plans/{plan['id']}", json={"startTime": "12:30"}, headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (409, "schedule_conflict")
        assert [visit.id for visit in await occurrences(plan["id"])] == before
        stored = await ServicePlan.get(PydanticObjectId(plan["id"]))
        assert stored.start_time == "09:00"

    async def test_own_occurrences_do_not_conflict(
        self, client, owner: Caller, technician: Caller, pool
    ):
        plan = await create(client, owner, pool, technician)
        response = await client.patch(
            f"/service-plans/{plan['id']}", json={"durationMinutes": 90}, headers=owner.headers
        )
        assert response.status_code == 200

    async def test_deactivate_and_reactivate(self, client, owner: Caller, technician: Caller, pool):
        plan = await create(client, owner, pool, technician)
        path = f"/service-plans/{plan['id']}"
        response = await client.patch(path, json={"active": False}, headers=owner.headers)
        assert response.json()["active"] is False
        assert await occurrences(plan["id"]) == []
        response = await client.patch(path, json={"active": True}, headers=owner.headers)
        assert response.json()["active"] is True
        assert len(await occurrences(plan["id"])) == 2

    async def test_new_technician_must_be_assigned(
        self, client, owner: Caller, technician: Caller, other_technician: Caller, pool
    ):
        plan = await create(client, owner, pool, technician)
        response = await client.patch(
            f"/service-plans/{plan['id']}",
            json={"technicianId": str(other_technician.user.id)},
            headers=owner.headers,
        )
        assert (response.status_code, problem_code(response)) == (400, "technician_not_assigned")

    async def test_new_technician(self, client, owner: Caller, technician: Caller, pool, settings):
        colleague = await make_user(settings, role=Role.TECHNICIAN)
        await pool.set({"technician_ids": [*pool.technician_ids, colleague.id]})
        plan = await create(client, owner, pool, technician)
        response = await client.patch(
            f"/service-plans/{plan['id']}",
            json={"technicianId": str(colleague.id)},
            headers=owner.headers,
        )
        assert response.status_code == 200
        assert {visit.technician_id for visit in await occurrences(plan["id"])} == {colleague.id}

    async def test_ends_on_and_null_price(self, client, owner: Caller, technician, pool):
        plan = await create(client, owner, pool, technician)
        response = await client.patch(
            f"/service-plans/{plan['id']}",
            json={"endsOn": in_days(5).isoformat(), "priceCents": None},
            headers=owner.headers,
        )
        assert response.status_code == 200, response.text
        assert (response.json()["endsOn"], response.json()["priceCents"]) == (
            in_days(5).isoformat(),
            None,
        )
        [only] = await occurrences(plan["id"])
        assert only.price_cents is None
        stored = await ServicePlan.get(PydanticObjectId(plan["id"]))
        assert stored.ends_on == in_days(5)

    async def test_ends_on_before_starts_on(self, client, owner: Caller, technician, pool):
        plan = await create(client, owner, pool, technician)
        response = await client.patch(
            f"/service-plans/{plan['id']}",
            json={"endsOn": in_days(-30).isoformat()},
            headers=owner.headers,
        )
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    @pytest.mark.parametrize("fields", [{"startsOn": "2026-01-01"}, {"weekday": None}])
    async def test_invalid(self, client, owner: Caller, technician, pool, fields):
        plan = await create(client, owner, pool, technician)
        response = await client.patch(
            f"/service-plans/{plan['id']}", json=fields, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_technician_is_403(self, client, owner: Caller, technician: Caller, pool):
        plan = await create(client, owner, pool, technician)
        response = await client.patch(
            f"/service-plans/{plan['id']}", json={"active": False}, headers=technician.headers
        )
        assert response.status_code == 403


class TestDeletePlan:
    async def test_future_scheduled_go_others_keep_the_link(
        self, client, owner: Caller, technician: Caller, pool
    ):
        plan = await create(client, owner, pool, technician)
        first, _ = await occurrences(plan["id"])
        await first.set({"status": VisitStatus.COMPLETED, "visited_at": utcnow()})
        response = await client.delete(f"/service-plans/{plan['id']}", headers=owner.headers)
        assert response.status_code == 204
        assert [visit.id for visit in await occurrences(plan["id"])] == [first.id]
        assert await ServicePlan.get(PydanticObjectId(plan["id"])) is None

    async def test_technician_is_403(self, client, owner: Caller, technician: Caller, pool):
        plan = await create(client, owner, pool, technician)
        response = await client.delete(f"/service-plans/{plan['id']}", headers=technician.headers)
        assert response.status_code == 403


class TestTechnicianLeaves:
    async def test_unassigned(self, client, owner: Caller, technician: Caller, pool):
        plan = await create(client, owner, pool, technician)
        start = utcnow() + timedelta(days=1)
        single = await make_visit(
            pool, technician.user, scheduled_start=start, scheduled_end=start + timedelta(hours=1)
        )
        response = await client.delete(
            f"/pools/{pool.id}/technicians/{technician.user.id}", headers=owner.headers
        )
        assert response.status_code == 200
        stored = await ServicePlan.get(PydanticObjectId(plan["id"]))
        assert stored.active is False
        assert await occurrences(plan["id"]) == []
        assert (await Visit.get(single.id)).status is VisitStatus.CANCELLED

    async def test_other_pools_are_untouched(self, client, owner: Caller, technician: Caller, pool):
        second = await make_pool(owner.user, technicians=[technician.user])
        plan = await create(client, owner, second, technician, startTime="15:00")
        await client.delete(
            f"/pools/{pool.id}/technicians/{technician.user.id}", headers=owner.headers
        )
        assert (await ServicePlan.get(PydanticObjectId(plan["id"]))).active is True
        assert len(await occurrences(plan["id"])) == 2

    async def test_deleted(self, client, admin: Caller, owner: Caller, technician: Caller, pool):
        plan = await create(client, owner, pool, technician)
        response = await client.delete(f"/users/{technician.user.id}", headers=admin.headers)
        assert response.status_code == 200
        assert (await ServicePlan.get(PydanticObjectId(plan["id"]))).active is False
        assert await occurrences(plan["id"]) == []


class TestPoolChanges:
    async def test_pool_delete_removes_plans(self, client, owner: Caller, technician: Caller, pool):
        plan = await create(client, owner, pool, technician)
        response = await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        assert response.status_code == 204
        assert await ServicePlan.get(PydanticObjectId(plan["id"])) is None
        assert await occurrences(plan["id"]) == []

    async def test_timezone_change_moves_occurrences(
        self, client, owner: Caller, technician: Caller, pool
    ):
        plan = await create(client, owner, pool, technician)
        response = await client.patch(
            f"/pools/{pool.id}", json={"timezone": "America/New_York"}, headers=owner.headers
        )
        assert response.status_code == 200
        visits = await occurrences(plan["id"])
        new_york = ZoneInfo("America/New_York")
        assert visits and {
            v.scheduled_start.astimezone(new_york).strftime("%H:%M") for v in visits
        } == {"09:00"}
