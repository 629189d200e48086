"""The two invite races of contract section 9, each repeated on a fresh pool and technician.

The in-memory store answers without ever yielding to the event loop, so two "concurrent" requests
would simply run one after the other. `store_latency` gives every store call a little latency, as
a MongoDB round trip has, so that the requests interleave and both pass their read checks before
either writes: only the unique pending-invite index and the conditional accept update can then
keep the outcome right.
"""

import asyncio

import httpx
import pytest

from app.core.config import Settings
from app.invites.models import Invite, InviteStatus
from app.pools.models import Pool
from app.users.models import Role
from tests.conftest import Caller
from tests.factories import auth_headers, make_invite, make_pool, make_user

ROUNDS = 25


async def _fresh_technician(settings: Settings) -> Caller:
    user = await make_user(settings, role=Role.TECHNICIAN)
    return Caller(user=user, headers=await auth_headers(settings, user))


async def test_store_latency_interleaves_requests(
    client: httpx.AsyncClient, store_latency: list[asyncio.Task | None], owner: Caller, pool
):
    """Guard for the harness: without interleaving the races below would prove nothing."""
    store_latency.clear()
    await asyncio.gather(
        *(client.get(f"/pools/{pool.id}", headers=owner.headers) for _ in range(2))
    )
    first, second = dict.fromkeys(store_latency)
    last_call_of_first = max(i for i, task in enumerate(store_latency) if task is first)
    assert store_latency.index(second) < last_call_of_first


@pytest.mark.parametrize("round_number", range(ROUNDS))
async def test_concurrent_identical_invites(
    client: httpx.AsyncClient,
    settings: Settings,
    store_latency: list[asyncio.Task | None],
    owner: Caller,
    round_number: int,
):
    pool = await make_pool(owner.user)
    invitee = await _fresh_technician(settings)
    body = {"technicianEmail": invitee.user.email}

    responses = await asyncio.gather(
        *(
            client.post(f"/pools/{pool.id}/invites", json=body, headers=owner.headers)
            for _ in range(2)
        )
    )

    assert sorted(response.status_code for response in responses) == [201, 409]
    conflict = next(response for response in responses if response.status_code == 409)
    assert conflict.json()["code"] == "invite_already_pending"
    stored = await Invite.find({"pool_id": pool.id, "technician_id": invitee.user.id}).to_list()
    assert len(stored) == 1


@pytest.mark.parametrize("round_number", range(ROUNDS))
async def test_concurrent_accepts(
    client: httpx.AsyncClient,
    settings: Settings,
    store_latency: list[asyncio.Task | None],
    owner: Caller,
    round_number: int,
):
    pool = await make_pool(owner.user)
    invitee = await _fresh_technician(settings)
    invite = await make_invite(pool, invitee.user)

    responses = await asyncio.gather(
        *(client.post(f"/invites/{invite.id}/accept", headers=invitee.headers) for _ in range(2))
    )

    assert sorted(response.status_code for response in responses) == [200, 409]
    conflict = next(response for response in responses if response.status_code == 409)
    assert conflict.json()["code"] in {"invite_not_pending", "technician_already_assigned"}
    stored_pool = await Pool.get(pool.id)
    assert stored_pool.technician_ids.count(invitee.user.id) == 1
    stored_invite = await Invite.get(invite.id)
    assert stored_invite.status is InviteStatus.ACCEPTED
