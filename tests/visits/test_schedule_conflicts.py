"""Schedule conflicts (contract section 8): race-safe, and listing only what the caller may see.

`store_latency` makes every store call yield, so two requests interleave between the overlap
check and the insert, as they would against a real MongoDB: only the per-technician schedule
lease keeps the outcome at exactly one 201.
"""

import asyncio

import httpx
import pytest

from app.visits.models import Visit
from tests.conftest import Caller, problem_code
from tests.factories import make_pool
from tests.visits.conftest import at, iso, make_visit

ROUNDS = 10


def planned(pool, technician: Caller, start, end) -> dict[str, str]:
    return {
        "poolId": str(pool.id),
        "technicianId": str(technician.user.id),
        "scheduledStart": iso(start),
        "scheduledEnd": iso(end),
    }


@pytest.mark.parametrize("round_number", range(ROUNDS))
async def test_two_overlapping_visits_at_once_give_one_201(
    client: httpx.AsyncClient,
    store_latency: list[asyncio.Task | None],
    owner: Caller,
    technician: Caller,
    round_number: int,
):
    pool = await make_pool(owner.user, technicians=[technician.user])
    bodies = [
        planned(pool, technician, at(10, days=round_number), at(11, days=round_number)),
        planned(pool, technician, at(10, 30, days=round_number), at(11, 30, days=round_number)),
    ]
    store_latency.clear()
    responses = await asyncio.gather(
        *(client.post("/visits", json=body, headers=owner.headers) for body in bodies)
    )
    assert sorted(response.status_code for response in responses) == [201, 409]
    assert len({task for task in store_latency}) >= 2, "the requests did not interleave"
    assert await Visit.find({"pool_id": pool.id}).count() == 1


async def test_concurrent_patches_into_one_window_give_one_success(
    client: httpx.AsyncClient,
    store_latency: list[asyncio.Task | None],
    owner: Caller,
    technician: Caller,
    pool,
):
    first = await make_visit(pool, technician.user, scheduled_start=at(8), scheduled_end=at(9))
    second = await make_visit(pool, technician.user, scheduled_start=at(12), scheduled_end=at(13))
    move = {"scheduledStart": iso(at(10)), "scheduledEnd": iso(at(11))}
    responses = await asyncio.gather(
        *(
            client.patch(f"/visits/{visit.id}", json=move, headers=owner.headers)
            for visit in (first, second)
        )
    )
    assert sorted(response.status_code for response in responses) == [200, 409]


class TestConflictVisibility:
    async def test_other_owners_visit_is_counted_not_listed(
        self, client, owner: Caller, other_owner: Caller, technician: Caller, pool
    ):
        elsewhere = await make_pool(other_owner.user, technicians=[technician.user])
        await make_visit(elsewhere, technician.user, scheduled_start=at(10), scheduled_end=at(11))
        response = await client.post(
            "/visits", json=planned(pool, technician, at(10), at(11)), headers=owner.headers
        )
        assert response.status_code == 409
        assert problem_code(response) == "schedule_conflict"
        assert (response.json()["conflicts"], response.json()["conflictCount"]) == ([], 1)

    async def test_own_and_foreign_visits(
        self, client, owner: Caller, other_owner: Caller, technician: Caller, pool
    ):
        elsewhere = await make_pool(other_owner.user, technicians=[technician.user])
        await make_visit(elsewhere, technician.user, scheduled_start=at(9), scheduled_end=at(10))
        mine = await make_visit(pool, technician.user, scheduled_start=at(11), scheduled_end=at(12))
        response = await client.post(
            "/visits", json=planned(pool, technician, at(9), at(12)), headers=owner.headers
        )
        assert response.json()["conflicts"] == [str(mine.id)]
        assert response.json()["conflictCount"] == 2

    async def test_admin_sees_every_conflict(
        self, client, admin: Caller, other_owner: Caller, technician: Caller, pool
    ):
        elsewhere = await make_pool(other_owner.user, technicians=[technician.user])
        foreign = await make_visit(
            elsewhere, technician.user, scheduled_start=at(10), scheduled_end=at(11)
        )
        response = await client.post(
            "/visits", json=planned(pool, technician, at(10), at(11)), headers=admin.headers
        )
        assert (response.json()["conflicts"], response.json()["conflictCount"]) == (
            [str(foreign.id)],
            1,
        )
