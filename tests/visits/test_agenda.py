"""GET /agenda (contract section 15): the window, earliest first, with pool summaries, by role."""

from collections import Counter
from collections.abc import Callable
from typing import Any

import mongomock_motor
import pytest
from beanie import PydanticObjectId

from app.visits.models import VisitStatus
from tests.conftest import Caller, problem_code
from tests.dashboard.test_router import AUTHENTICATION_COLLECTION, DATABASE_CALLS
from tests.factories import make_pool
from tests.visits.conftest import DAY, at, iso, make_visit

WINDOW = {"from": iso(DAY), "to": iso(at(0, days=7))}


async def agenda(client, caller: Caller, **params: Any):
    return await client.get("/agenda", params={**WINDOW, **params}, headers=caller.headers)


def visit_ids(response) -> list[str]:
    return [item["visit"]["id"] for item in response.json()["items"]]


@pytest.fixture
def database_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Store calls per collection from now on, authentication's own excluded."""
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


class TestAgenda:
    async def test_window_earliest_first_with_pool(
        self, client, owner: Caller, technician: Caller, pool
    ):
        late = await make_visit(pool, technician.user, scheduled_start=at(15), scheduled_end=at(16))
        early = await make_visit(pool, technician.user, scheduled_start=at(9), scheduled_end=at(10))
        next_day = await make_visit(
            pool, technician.user, scheduled_start=at(8, days=1), scheduled_end=at(9, days=1)
        )
        await make_visit(
            pool, technician.user, scheduled_start=at(8, days=7), scheduled_end=at(9, days=7)
        )
        await make_visit(
            pool, technician.user, scheduled_start=at(8, days=-1), scheduled_end=at(9, days=-1)
        )
        response = await agenda(client, owner)
        assert response.status_code == 200
        assert visit_ids(response) == [str(early.id), str(late.id), str(next_day.id)]
        assert response.json()["items"][0]["pool"] == {
            "id": str(pool.id),
            "name": pool.name,
            "address": pool.address,
            "timezone": "UTC",
        }
        assert response.json()["total"] == 3

    async def test_cancelled_left_out_unless_asked(
        self, client, owner: Caller, technician: Caller, pool
    ):
        cancelled = await make_visit(
            pool,
            technician.user,
            status=VisitStatus.CANCELLED,
            scheduled_start=at(9),
            scheduled_end=at(10),
        )
        assert visit_ids(await agenda(client, owner)) == []
        response = await agenda(client, owner, includeCancelled="true")
        assert visit_ids(response) == [str(cancelled.id)]

    async def test_completed_visits_are_shown(
        self, client, owner: Caller, technician: Caller, pool
    ):
        done = await make_visit(
            pool,
            technician.user,
            status=VisitStatus.COMPLETED,
            scheduled_start=at(9),
            scheduled_end=at(10),
            visited_at=at(9),
        )
        assert visit_ids(await agenda(client, owner)) == [str(done.id)]

    async def test_owner_sees_only_their_pools(
        self, client, owner: Caller, other_owner: Caller, technician: Caller, pool
    ):
        elsewhere = await make_pool(other_owner.user, technicians=[technician.user])
        await make_visit(elsewhere, technician.user, scheduled_start=at(9), scheduled_end=at(10))
        mine = await make_visit(pool, technician.user, scheduled_start=at(11), scheduled_end=at(12))
        assert visit_ids(await agenda(client, owner)) == [str(mine.id)]
        assert len(visit_ids(await agenda(client, other_owner))) == 1

    async def test_technician_sees_own_visits_at_their_pools(
        self, client, owner: Caller, technician: Caller, colleague: Caller, pool
    ):
        own = await make_visit(pool, technician.user, scheduled_start=at(9), scheduled_end=at(10))
        await make_visit(pool, colleague.user, scheduled_start=at(9), scheduled_end=at(10))
        left = await make_pool(owner.user)  # a pool they are no longer assigned to
        await make_visit(left, technician.user, scheduled_start=at(12), scheduled_end=at(13))
        assert visit_ids(await agenda(client, technician)) == [str(own.id)]

    async def test_technician_naming_another_is_403(
        self, client, technician: Caller, colleague: Caller
    ):
        response = await agenda(client, technician, technicianId=str(colleague.user.id))
        assert (response.status_code, problem_code(response)) == (403, "forbidden")

    async def test_technician_naming_themselves(self, client, technician: Caller, pool):
        response = await agenda(client, technician, technicianId=str(technician.user.id))
        assert response.status_code == 200

    async def test_filter_by_technician(
        self, client, admin: Caller, technician: Caller, colleague: Caller, pool
    ):
        await make_visit(pool, technician.user, scheduled_start=at(9), scheduled_end=at(10))
        theirs = await make_visit(pool, colleague.user, scheduled_start=at(9), scheduled_end=at(10))
        response = await agenda(client, admin, technicianId=str(colleague.user.id))
        assert visit_ids(response) == [str(theirs.id)]

    @pytest.mark.parametrize(
        "params",
        [
            {"from": iso(at(10)), "to": iso(at(10))},
            {"from": iso(at(10)), "to": iso(at(9))},
            {"from": iso(DAY), "to": iso(at(1, days=31))},
            {"from": "yesterday"},
            {"technicianId": "nope"},
            {"includeCancelled": "maybe"},
        ],
    )
    async def test_invalid_is_422(self, client, owner: Caller, params):
        response = await agenda(client, owner, **params)
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    @pytest.mark.parametrize("missing", ["from", "to"])
    async def test_window_is_required(self, client, owner: Caller, missing):
        params = {key: value for key, value in WINDOW.items() if key != missing}
        response = await client.get("/agenda", params=params, headers=owner.headers)
        assert response.status_code == 422

    async def test_31_days_is_allowed(self, client, owner: Caller):
        response = await client.get(
            "/agenda", params={"from": iso(DAY), "to": iso(at(0, days=31))}, headers=owner.headers
        )
        assert response.status_code == 200

    async def test_anonymous(self, client):
        response = await client.get("/agenda", params=WINDOW)
        assert response.status_code == 401

    @pytest.mark.parametrize("caller", ["admin", "owner", "technician"])
    async def test_queries_do_not_grow_with_the_page(
        self, client, admin, owner: Caller, technician: Caller, pool, caller, request
    ):
        others = [await make_pool(owner.user, technicians=[technician.user]) for _ in range(4)]
        for index, each in enumerate([pool, *others]):
            await make_visit(
                each, technician.user, scheduled_start=at(index), scheduled_end=at(index, 30)
            )
        calls = request.getfixturevalue("database_calls")
        response = await agenda(client, request.getfixturevalue(caller))
        assert len(response.json()["items"]) == 5
        # One query for the visits, one for their pools, and the page's count.
        assert sum(calls.values()) <= 3, dict(calls)
        assert calls["visits.count_documents"] + calls["visits.find"] <= 2, dict(calls)

    async def test_unknown_technician_filter_is_empty(self, client, owner: Caller):
        response = await agenda(client, owner, technicianId=str(PydanticObjectId()))
        assert (response.status_code, response.json()["total"]) == (200, 0)
