"""Visit endpoints (contract section 8), without the pool visit workflow.

One class per endpoint, one test per scenario. The `pool` fixture belongs to `owner` and has
`technician` assigned; `other_technician` is not assigned; `colleague` is a second technician
assigned to `pool`. Scheduled windows are on a fixed future day (`at(10)` is 10:00 UTC).
"""

from datetime import datetime, timedelta

import httpx
import pytest
from beanie import PydanticObjectId

from app.pools.models import Pool
from app.readings.models import PoolValues
from app.users.models import Role, UserStatus, utcnow
from app.visits.models import Visit, VisitStatus
from tests.conftest import Caller, problem_code
from tests.factories import make_pool, make_user
from tests.visits.conftest import at, iso, make_visit, past

UNKNOWN_ID = str(PydanticObjectId())
VISIT_FIELDS = {
    "id",
    "poolId",
    "technicianId",
    "status",
    "scheduledStart",
    "scheduledEnd",
    "visitedAt",
    "poolHealth",
    "observations",
    "chemicalsAdded",
    "poolValuesId",
    "invoiceId",
    "servicePlanId",
    "tasks",
    "priceCents",
    "createdAt",
    "updatedAt",
}


def window(start: datetime, end: datetime) -> dict[str, str]:
    """A scheduled window in request spelling."""
    return {"scheduledStart": iso(start), "scheduledEnd": iso(end)}


def planned(pool: Pool, technician: Caller | None = None, **fields: object) -> dict[str, object]:
    """A POST /visits body for a scheduled visit, 10:00-11:00 unless told otherwise."""
    body: dict[str, object] = {"poolId": str(pool.id), **window(at(10), at(11))}
    if technician is not None:
        body["technicianId"] = str(technician.user.id)
    body.update(fields)
    return body


def ids(response: httpx.Response) -> list[str]:
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
async def visit(pool, technician: Caller) -> Visit:
    """A visit of `technician` to `pool`, scheduled 10:00-11:00."""
    return await make_visit(pool, technician.user, scheduled_start=at(10), scheduled_end=at(11))


class TestCreateVisit:
    URL = "/visits"

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
            self.URL, json=planned(pool, technician), headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_response_shape(self, client, owner: Caller, technician: Caller, pool):
        body = planned(
            pool,
            technician,
            observations="Check the pump",
            chemicalsAdded=[{"name": "chlorine", "amount": 1.5, "unit": "kg"}],
        )
        response = await client.post(self.URL, json=body, headers=owner.headers)
        visit = response.json()
        assert set(visit) == VISIT_FIELDS
        assert (visit["poolId"], visit["technicianId"]) == (str(pool.id), str(technician.user.id))
        assert (visit["status"], visit["visitedAt"], visit["poolValuesId"]) == (
            "scheduled",
            None,
            None,
        )
        assert (visit["scheduledStart"], visit["scheduledEnd"]) == (iso(at(10)), iso(at(11)))
        assert visit["chemicalsAdded"] == [{"name": "chlorine", "amount": 1.5, "unit": "kg"}]

    async def test_stored(self, client, owner: Caller, technician: Caller, pool):
        response = await client.post(
            self.URL, json=planned(pool, technician), headers=owner.headers
        )
        stored = await Visit.get(PydanticObjectId(response.json()["id"]))
        assert (stored.pool_id, stored.technician_id) == (pool.id, technician.user.id)

    async def test_technician_defaults_to_the_caller(self, client, technician: Caller, pool):
        response = await client.post(self.URL, json=planned(pool), headers=technician.headers)
        assert response.status_code == 201
        assert response.json()["technicianId"] == str(technician.user.id)

    async def test_unassigned_technician_for_themselves(
        self, client, other_technician: Caller, pool
    ):
        response = await client.post(
            self.URL, json=planned(pool, other_technician), headers=other_technician.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_technician_for_another_technician(
        self, client, technician: Caller, colleague: Caller, pool
    ):
        response = await client.post(
            self.URL, json=planned(pool, colleague), headers=technician.headers
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"

    async def test_owner_for_any_assigned_technician(
        self, client, owner: Caller, colleague: Caller, pool
    ):
        response = await client.post(self.URL, json=planned(pool, colleague), headers=owner.headers)
        assert response.status_code == 201
        assert response.json()["technicianId"] == str(colleague.user.id)

    async def test_owner_without_technician(self, client, owner: Caller, pool):
        response = await client.post(self.URL, json=planned(pool), headers=owner.headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "technicianId"]

    async def test_unknown_technician(self, client, owner: Caller, pool):
        response = await client.post(
            self.URL, json=planned(pool, technicianId=UNKNOWN_ID), headers=owner.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_deleted_technician(self, client, settings, owner: Caller, pool):
        deleted = await make_user(settings, role=Role.TECHNICIAN, status=UserStatus.DELETED)
        await pool.set({"technician_ids": [*pool.technician_ids, deleted.id]})
        response = await client.post(
            self.URL, json=planned(pool, technicianId=str(deleted.id)), headers=owner.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_not_a_technician(self, client, owner: Caller, pool):
        response = await client.post(self.URL, json=planned(pool, owner), headers=owner.headers)
        assert response.status_code == 400
        assert response.json()["code"] == "user_not_technician"

    async def test_not_assigned(self, client, owner: Caller, other_technician: Caller, pool):
        response = await client.post(
            self.URL, json=planned(pool, other_technician), headers=owner.headers
        )
        assert response.status_code == 400
        assert response.json()["code"] == "technician_not_assigned"

    async def test_malformed_pool_id(self, client, owner: Caller, technician: Caller, pool):
        response = await client.post(
            self.URL, json=planned(pool, technician, poolId="not-an-id"), headers=owner.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "poolId"]

    async def test_malformed_technician_id(self, client, owner: Caller, pool):
        response = await client.post(
            self.URL, json=planned(pool, technicianId="nope"), headers=owner.headers
        )
        assert response.status_code == 422

    async def test_unknown_pool(self, client, admin: Caller, technician: Caller, pool):
        response = await client.post(
            self.URL, json=planned(pool, technician, poolId=UNKNOWN_ID), headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_unknown_field(self, client, owner: Caller, technician: Caller, pool):
        response = await client.post(
            self.URL, json=planned(pool, technician, durationMinutes=60), headers=owner.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "durationMinutes"]

    async def test_unknown_status(self, client, owner: Caller, technician: Caller, pool):
        response = await client.post(
            self.URL, json=planned(pool, technician, status="done"), headers=owner.headers
        )
        assert response.status_code == 422

    @pytest.mark.parametrize("start, end", [(at(11), at(11)), (at(11), at(10))])
    async def test_start_not_before_end(
        self, client, owner: Caller, technician: Caller, pool, start, end
    ):
        response = await client.post(
            self.URL, json=planned(pool, technician, **window(start, end)), headers=owner.headers
        )
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"

    async def test_missing_end(self, client, owner: Caller, technician: Caller, pool):
        body = planned(pool, technician)
        del body["scheduledEnd"]
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert response.status_code == 422

    async def test_missing_window(self, client, owner: Caller, technician: Caller, pool):
        body = {"poolId": str(pool.id), "technicianId": str(technician.user.id)}
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert response.status_code == 422

    async def test_overlap(self, client, owner: Caller, technician: Caller, pool, visit):
        body = planned(pool, technician, **window(at(10, 30), at(11, 30)))
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert response.status_code == 409
        assert response.json()["code"] == "schedule_conflict"
        assert response.json()["conflicts"] == [str(visit.id)]

    async def test_same_window(self, client, owner: Caller, technician: Caller, pool, visit):
        response = await client.post(
            self.URL, json=planned(pool, technician), headers=owner.headers
        )
        assert response.status_code == 409
        assert response.json()["conflicts"] == [str(visit.id)]

    async def test_window_inside_another(
        self, client, owner: Caller, technician: Caller, pool, visit
    ):
        body = planned(pool, technician, **window(at(10, 15), at(10, 45)))
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert response.status_code == 409

    async def test_conflicts_lists_every_overlapping_visit(
        self, client, owner: Caller, technician: Caller, pool, visit
    ):
        later = await make_visit(
            pool, technician.user, scheduled_start=at(13), scheduled_end=at(14)
        )
        body = planned(pool, technician, **window(at(9), at(15)))
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert sorted(response.json()["conflicts"]) == sorted([str(visit.id), str(later.id)])

    async def test_conflicting_visit_is_not_stored(
        self, client, owner: Caller, technician: Caller, pool, visit
    ):
        await client.post(self.URL, json=planned(pool, technician), headers=owner.headers)
        assert await Visit.find({"pool_id": pool.id}).count() == 1

    async def test_overlap_in_another_pool(
        self, client, owner: Caller, technician: Caller, pool, visit
    ):
        second = await make_pool(owner.user, technicians=[technician.user])
        response = await client.post(
            self.URL, json=planned(second, technician), headers=owner.headers
        )
        assert response.status_code == 409
        assert response.json()["conflicts"] == [str(visit.id)]

    async def test_touching_ends(self, client, owner: Caller, technician: Caller, pool, visit):
        body = planned(pool, technician, **window(at(11), at(12)))
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert response.status_code == 201

    async def test_touching_starts(self, client, owner: Caller, technician: Caller, pool, visit):
        body = planned(pool, technician, **window(at(9), at(10)))
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert response.status_code == 201

    async def test_other_technician_same_window(
        self, client, owner: Caller, colleague: Caller, pool, visit
    ):
        response = await client.post(self.URL, json=planned(pool, colleague), headers=owner.headers)
        assert response.status_code == 201

    @pytest.mark.parametrize(
        "status", [VisitStatus.CANCELLED, VisitStatus.COMPLETED, VisitStatus.NO_SHOW]
    )
    async def test_unscheduled_visit_does_not_conflict(
        self, client, owner: Caller, technician: Caller, pool, status
    ):
        await make_visit(
            pool, technician.user, status=status, scheduled_start=at(10), scheduled_end=at(11)
        )
        response = await client.post(
            self.URL, json=planned(pool, technician), headers=owner.headers
        )
        assert response.status_code == 201

    async def test_completed_visit_gets_visited_at(
        self, client, owner: Caller, technician: Caller, pool
    ):
        before = utcnow()
        body = {
            "poolId": str(pool.id),
            "technicianId": str(technician.user.id),
            "status": "completed",
        }
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert response.status_code == 201
        visited_at = datetime.fromisoformat(response.json()["visitedAt"])
        assert before - timedelta(seconds=1) <= visited_at <= utcnow() + timedelta(seconds=1)

    async def test_completed_visit_keeps_given_visited_at(
        self, client, owner: Caller, technician: Caller, pool
    ):
        body = {
            "poolId": str(pool.id),
            "technicianId": str(technician.user.id),
            "status": "completed",
            "visitedAt": iso(past(9)),
        }
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert response.json()["visitedAt"] == iso(past(9))

    async def test_cancelled_visit_needs_no_window(
        self, client, owner: Caller, technician: Caller, pool
    ):
        body = {
            "poolId": str(pool.id),
            "technicianId": str(technician.user.id),
            "status": "cancelled",
        }
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert response.status_code == 201
        assert response.json()["visitedAt"] is None


class TestListVisits:
    URL = "/visits"

    async def test_anonymous(self, client):
        response = await client.get(self.URL)
        assert response.status_code == 401

    async def test_newest_first(self, client, owner: Caller, technician: Caller, pool):
        middle = await make_visit(
            pool, technician.user, scheduled_start=at(10), scheduled_end=at(11)
        )
        oldest = await make_visit(
            pool, technician.user, status=VisitStatus.COMPLETED, visited_at=at(8)
        )
        newest = await make_visit(
            pool, technician.user, scheduled_start=at(12), scheduled_end=at(13)
        )
        response = await client.get(self.URL, headers=owner.headers)
        assert ids(response) == [str(newest.id), str(middle.id), str(oldest.id)]

    async def test_page_envelope(self, client, owner: Caller, technician: Caller, pool):
        for hour in (8, 10, 12):
            await make_visit(
                pool, technician.user, scheduled_start=at(hour), scheduled_end=at(hour + 1)
            )
        response = await client.get(
            self.URL, params={"limit": 2, "offset": 2}, headers=owner.headers
        )
        body = response.json()
        assert (len(body["items"]), body["total"], body["limit"], body["offset"]) == (1, 3, 2, 2)

    async def test_owner_sees_their_pools_visits(
        self, client, owner: Caller, other_owner: Caller, technician: Caller, pool, visit
    ):
        theirs = await make_pool(other_owner.user, technicians=[technician.user])
        await make_visit(theirs, technician.user, scheduled_start=at(12), scheduled_end=at(13))
        response = await client.get(self.URL, headers=owner.headers)
        assert ids(response) == [str(visit.id)]

    async def test_other_owner_sees_none(self, client, other_owner: Caller, visit):
        response = await client.get(self.URL, headers=other_owner.headers)
        assert response.json()["total"] == 0

    async def test_other_owner_filtering_on_the_pool_sees_none(
        self, client, other_owner: Caller, pool, visit
    ):
        response = await client.get(
            self.URL, params={"poolId": str(pool.id)}, headers=other_owner.headers
        )
        assert response.json()["total"] == 0

    async def test_assigned_technician_sees_the_pools_visits(
        self, client, technician: Caller, colleague: Caller, pool, visit
    ):
        theirs = await make_visit(
            pool, colleague.user, scheduled_start=at(12), scheduled_end=at(13)
        )
        response = await client.get(self.URL, headers=technician.headers)
        assert set(ids(response)) == {str(visit.id), str(theirs.id)}

    async def test_unassigned_technician_sees_none(self, client, other_technician: Caller, visit):
        response = await client.get(self.URL, headers=other_technician.headers)
        assert response.json()["total"] == 0

    async def test_admin_sees_all(
        self, client, admin: Caller, other_owner: Caller, technician: Caller, visit
    ):
        theirs = await make_pool(other_owner.user, technicians=[technician.user])
        await make_visit(theirs, technician.user, scheduled_start=at(12), scheduled_end=at(13))
        response = await client.get(self.URL, headers=admin.headers)
        assert response.json()["total"] == 2

    async def test_filter_pool_id(self, client, owner: Caller, technician: Caller, pool, visit):
        second = await make_pool(owner.user, technicians=[technician.user])
        await make_visit(second, technician.user, scheduled_start=at(12), scheduled_end=at(13))
        response = await client.get(
            self.URL, params={"poolId": str(pool.id)}, headers=owner.headers
        )
        assert ids(response) == [str(visit.id)]

    async def test_filter_technician_id(
        self, client, owner: Caller, colleague: Caller, pool, visit
    ):
        theirs = await make_visit(
            pool, colleague.user, scheduled_start=at(12), scheduled_end=at(13)
        )
        response = await client.get(
            self.URL, params={"technicianId": str(colleague.user.id)}, headers=owner.headers
        )
        assert ids(response) == [str(theirs.id)]

    async def test_filter_status(self, client, owner: Caller, technician: Caller, pool, visit):
        done = await make_visit(
            pool, technician.user, status=VisitStatus.COMPLETED, visited_at=at(8)
        )
        response = await client.get(self.URL, params={"status": "completed"}, headers=owner.headers)
        assert ids(response) == [str(done.id)]

    async def test_unknown_status(self, client, owner: Caller):
        response = await client.get(self.URL, params={"status": "done"}, headers=owner.headers)
        assert response.status_code == 422

    async def test_filter_from(self, client, owner: Caller, technician: Caller, pool, visit):
        await make_visit(pool, technician.user, scheduled_start=at(8), scheduled_end=at(9))
        response = await client.get(self.URL, params={"from": iso(at(10))}, headers=owner.headers)
        assert ids(response) == [str(visit.id)]

    async def test_filter_to(self, client, owner: Caller, technician: Caller, pool, visit):
        early = await make_visit(pool, technician.user, scheduled_start=at(8), scheduled_end=at(9))
        response = await client.get(self.URL, params={"to": iso(at(9))}, headers=owner.headers)
        assert ids(response) == [str(early.id)]

    async def test_filter_window_uses_visited_at(
        self, client, owner: Caller, technician: Caller, pool
    ):
        done = await make_visit(
            pool, technician.user, status=VisitStatus.COMPLETED, visited_at=at(10, days=1)
        )
        await make_visit(pool, technician.user, status=VisitStatus.COMPLETED, visited_at=at(10))
        response = await client.get(
            self.URL,
            params={"from": iso(at(0, days=1)), "to": iso(at(23, days=1))},
            headers=owner.headers,
        )
        assert ids(response) == [str(done.id)]


class TestReadVisit:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("technician", 200, None),
            ("other_owner", 404, "visit_not_found"),
            ("other_technician", 404, "visit_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, visit, caller, caller_headers, status, code):
        response = await client.get(f"/visits/{visit.id}", headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_body(self, client, owner: Caller, visit):
        body = (await client.get(f"/visits/{visit.id}", headers=owner.headers)).json()
        assert set(body) == VISIT_FIELDS
        assert (body["id"], body["scheduledStart"]) == (str(visit.id), iso(at(10)))

    async def test_assigned_colleague_sees_it(self, client, colleague: Caller, visit):
        response = await client.get(f"/visits/{visit.id}", headers=colleague.headers)
        assert response.status_code == 200

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.get(f"/visits/{UNKNOWN_ID}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "visit_not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.get("/visits/not-an-id", headers=admin.headers)
        assert response.status_code == 422


class TestUpdateVisit:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("technician", 200, None),
            ("other_owner", 404, "visit_not_found"),
            ("other_technician", 404, "visit_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, visit, caller, caller_headers, status, code):
        response = await client.patch(
            f"/visits/{visit.id}", json={"observations": "Gate locked"}, headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_assigned_technician_of_another_visit(self, client, colleague: Caller, visit):
        response = await client.patch(
            f"/visits/{visit.id}", json={"observations": "x"}, headers=colleague.headers
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"

    async def test_changes_are_applied(self, client, technician: Caller, visit):
        response = await client.patch(
            f"/visits/{visit.id}",
            json={"observations": "Gate locked", "poolHealth": "needs_attention"},
            headers=technician.headers,
        )
        body = response.json()
        assert (body["observations"], body["poolHealth"]) == ("Gate locked", "needs_attention")
        stored = await Visit.get(visit.id)
        assert stored.observations == "Gate locked"
        assert stored.updated_at > visit.updated_at

    async def test_moving_into_a_taken_window(
        self, client, owner: Caller, technician: Caller, pool, visit
    ):
        later = await make_visit(
            pool, technician.user, scheduled_start=at(13), scheduled_end=at(14)
        )
        response = await client.patch(
            f"/visits/{later.id}", json=window(at(10, 30), at(11, 30)), headers=owner.headers
        )
        assert response.status_code == 409
        assert response.json()["code"] == "schedule_conflict"
        assert response.json()["conflicts"] == [str(visit.id)]
        assert (await Visit.get(later.id)).scheduled_start == at(13)

    async def test_its_own_window_does_not_conflict(self, client, owner: Caller, visit):
        response = await client.patch(
            f"/visits/{visit.id}", json=window(at(10), at(11)), headers=owner.headers
        )
        assert response.status_code == 200

    async def test_shifting_over_its_own_window(self, client, owner: Caller, visit):
        response = await client.patch(
            f"/visits/{visit.id}", json=window(at(10, 30), at(11, 30)), headers=owner.headers
        )
        assert response.status_code == 200
        assert response.json()["scheduledStart"] == iso(at(10, 30))

    async def test_moving_next_to_another_visit(
        self, client, owner: Caller, technician: Caller, pool, visit
    ):
        later = await make_visit(
            pool, technician.user, scheduled_start=at(13), scheduled_end=at(14)
        )
        response = await client.patch(
            f"/visits/{later.id}", json=window(at(11), at(12)), headers=owner.headers
        )
        assert response.status_code == 200

    async def test_rescheduling_a_cancelled_visit_into_a_taken_window(
        self, client, owner: Caller, technician: Caller, pool, visit
    ):
        cancelled = await make_visit(
            pool,
            technician.user,
            status=VisitStatus.CANCELLED,
            scheduled_start=at(10),
            scheduled_end=at(11),
        )
        response = await client.patch(
            f"/visits/{cancelled.id}", json={"status": "scheduled"}, headers=owner.headers
        )
        assert response.status_code == 409
        assert response.json()["conflicts"] == [str(visit.id)]

    async def test_reassigning_into_a_busy_technician(
        self, client, owner: Caller, colleague: Caller, pool, visit
    ):
        busy = await make_visit(pool, colleague.user, scheduled_start=at(10), scheduled_end=at(11))
        response = await client.patch(
            f"/visits/{visit.id}",
            json={"technicianId": str(colleague.user.id)},
            headers=owner.headers,
        )
        assert response.status_code == 409
        assert response.json()["conflicts"] == [str(busy.id)]

    async def test_cancelling_frees_the_window(
        self, client, owner: Caller, technician: Caller, pool, visit
    ):
        await client.patch(
            f"/visits/{visit.id}", json={"status": "cancelled"}, headers=owner.headers
        )
        response = await client.post(
            "/visits",
            json={
                "poolId": str(pool.id),
                "technicianId": str(technician.user.id),
                **window(at(10), at(11)),
            },
            headers=owner.headers,
        )
        assert response.status_code == 201

    async def test_completing_a_visit_gives_it_a_visited_at(
        self, client, technician: Caller, visit
    ):
        before = utcnow()
        response = await client.patch(
            f"/visits/{visit.id}", json={"status": "completed"}, headers=technician.headers
        )
        assert response.status_code == 200
        visited_at = datetime.fromisoformat(response.json()["visitedAt"])
        assert before - timedelta(seconds=1) <= visited_at <= utcnow() + timedelta(seconds=1)
        assert (await Visit.get(visit.id)).visited_at is not None

    async def test_completing_a_visit_keeps_a_given_visited_at(
        self, client, technician: Caller, visit
    ):
        response = await client.patch(
            f"/visits/{visit.id}",
            json={"status": "completed", "visitedAt": iso(past(10, 20))},
            headers=technician.headers,
        )
        assert response.json()["visitedAt"] == iso(past(10, 20))

    async def test_start_not_before_end(self, client, owner: Caller, visit):
        response = await client.patch(
            f"/visits/{visit.id}", json={"scheduledEnd": iso(at(9))}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_clearing_the_end_of_a_scheduled_visit(self, client, owner: Caller, visit):
        response = await client.patch(
            f"/visits/{visit.id}", json={"scheduledEnd": None}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_technician_cannot_reassign(
        self, client, technician: Caller, colleague: Caller, visit
    ):
        response = await client.patch(
            f"/visits/{visit.id}",
            json={"technicianId": str(colleague.user.id)},
            headers=technician.headers,
        )
        assert response.status_code == 403

    async def test_owner_reassigns(self, client, owner: Caller, colleague: Caller, visit):
        response = await client.patch(
            f"/visits/{visit.id}",
            json={"technicianId": str(colleague.user.id)},
            headers=owner.headers,
        )
        assert response.status_code == 200
        assert response.json()["technicianId"] == str(colleague.user.id)

    async def test_reassign_to_an_unassigned_technician(
        self, client, owner: Caller, other_technician: Caller, visit
    ):
        response = await client.patch(
            f"/visits/{visit.id}",
            json={"technicianId": str(other_technician.user.id)},
            headers=owner.headers,
        )
        assert response.status_code == 400
        assert response.json()["code"] == "technician_not_assigned"

    async def test_null_status(self, client, owner: Caller, visit):
        response = await client.patch(
            f"/visits/{visit.id}", json={"status": None}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_unknown_field(self, client, owner: Caller, visit):
        response = await client.patch(
            f"/visits/{visit.id}", json={"poolId": UNKNOWN_ID}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.patch(
            f"/visits/{UNKNOWN_ID}", json={"observations": "x"}, headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "visit_not_found"


class TestDeleteVisit:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 204, None),
            ("owner", 204, None),
            ("technician", 403, "forbidden"),
            ("other_owner", 404, "visit_not_found"),
            ("other_technician", 404, "visit_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, visit, caller, caller_headers, status, code):
        response = await client.delete(f"/visits/{visit.id}", headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_refused_delete_keeps_the_visit(self, client, technician: Caller, visit):
        await client.delete(f"/visits/{visit.id}", headers=technician.headers)
        assert await Visit.get(visit.id) is not None

    async def test_gone(self, client, owner: Caller, visit):
        await client.delete(f"/visits/{visit.id}", headers=owner.headers)
        response = await client.get(f"/visits/{visit.id}", headers=owner.headers)
        assert response.status_code == 404
        assert await Visit.get(visit.id) is None

    async def test_readings_stay_unlinked(self, client, owner: Caller, technician: Caller, pool):
        recorded = await client.post(
            f"/pools/{pool.id}/visits", json={"readings": {"ph": 7.5}}, headers=technician.headers
        )
        visit_id, pool_values_id = (
            recorded.json()["visit"]["id"],
            recorded.json()["poolValues"]["id"],
        )
        await client.delete(f"/visits/{visit_id}", headers=owner.headers)
        response = await client.get(f"/pool-values/{pool_values_id}", headers=owner.headers)
        assert response.status_code == 200
        assert response.json()["visitId"] is None
        assert (await PoolValues.get(PydanticObjectId(pool_values_id))).visit_id is None

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.delete(f"/visits/{UNKNOWN_ID}", headers=admin.headers)
        assert response.status_code == 404


class TestListPoolVisits:
    @staticmethod
    def url(pool: Pool) -> str:
        return f"/pools/{pool.id}/visits"

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
    async def test_access(self, client, pool, visit, caller, caller_headers, status, code):
        response = await client.get(self.url(pool), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_only_this_pool_newest_first(
        self, client, owner: Caller, technician: Caller, pool, visit
    ):
        second = await make_pool(owner.user, technicians=[technician.user])
        await make_visit(second, technician.user, scheduled_start=at(14), scheduled_end=at(15))
        newest = await make_visit(
            pool, technician.user, scheduled_start=at(12), scheduled_end=at(13)
        )
        response = await client.get(self.url(pool), headers=owner.headers)
        assert ids(response) == [str(newest.id), str(visit.id)]

    async def test_unknown_pool(self, client, admin: Caller):
        response = await client.get(f"/pools/{UNKNOWN_ID}/visits", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"
