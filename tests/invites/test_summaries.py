"""The pool and owner summaries on invites (contract §9), loaded once per page, not per invite.

`invite` is a pending invite of `invitee` to `pool`, which belongs to `owner`.
"""

from collections import Counter
from collections.abc import Callable
from typing import Any

import mongomock_motor
import pytest

from app.invites.models import Invite
from app.pools.models import Pool
from app.users.models import Role, UserStatus
from tests.conftest import Caller
from tests.factories import make_invite, make_pool, make_user


def pool_summary(pool: Pool) -> dict[str, object]:
    return {"id": str(pool.id), "name": pool.name, "address": pool.address}


def owner_summary(owner: Caller) -> dict[str, object]:
    user = owner.user
    return {"id": str(user.id), "name": user.name, "lastName": user.last_name, "deleted": False}


@pytest.fixture
def finds(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """From now on, count `find` and `find_one` calls as `collection.method`."""
    calls: Counter[str] = Counter()
    collection_class = mongomock_motor.AsyncMongoMockCollection

    def counting(name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
            calls[f"{self.name}.{name}"] += 1
            return call(self, *args, **kwargs)

        return counted

    for name in ("find", "find_one"):
        monkeypatch.setattr(collection_class, name, counting(name, getattr(collection_class, name)))
    return calls


class TestSummaries:
    async def test_invited_technician_sees_pool_and_owner(
        self, client, pool: Pool, owner: Caller, invitee: Caller, invite: Invite
    ):
        body = (await client.get(f"/invites/{invite.id}", headers=invitee.headers)).json()
        assert body["pool"] == pool_summary(pool)
        assert body["owner"] == owner_summary(owner)
        # The summary is all they see of the pool until they accept.
        response = await client.get(f"/pools/{pool.id}", headers=invitee.headers)
        assert response.status_code == 404

    async def test_pending_list_carries_summaries(
        self, client, pool: Pool, owner: Caller, invitee: Caller, invite: Invite
    ):
        url = f"/invites/technicians/{invitee.user.id}/pending"
        [item] = (await client.get(url, headers=invitee.headers)).json()["items"]
        assert (item["pool"], item["owner"]) == (pool_summary(pool), owner_summary(owner))

    async def test_pool_without_address(self, client, owner: Caller, invitee: Caller):
        pool = await make_pool(owner.user, address=None)
        invite = await make_invite(pool, invitee.user)
        body = (await client.get(f"/invites/{invite.id}", headers=invitee.headers)).json()
        assert body["pool"] == {"id": str(pool.id), "name": pool.name, "address": None}

    async def test_created_invite_carries_summaries(
        self, client, pool: Pool, owner: Caller, invitee: Caller
    ):
        response = await client.post(
            f"/pools/{pool.id}/invites",
            json={"technicianEmail": invitee.user.email},
            headers=owner.headers,
        )
        assert response.status_code == 201
        assert response.json()["pool"] == pool_summary(pool)
        assert response.json()["owner"] == owner_summary(owner)

    async def test_accepted_invite_carries_summaries(
        self, client, pool: Pool, owner: Caller, invitee: Caller, invite: Invite
    ):
        response = await client.post(f"/invites/{invite.id}/accept", headers=invitee.headers)
        assert response.status_code == 200
        assert response.json()["pool"] == pool_summary(pool)
        assert response.json()["owner"] == owner_summary(owner)

    async def test_deleted_owner(self, client, owner: Caller, invitee: Caller, invite: Invite):
        await owner.user.set({"status": UserStatus.DELETED})
        body = (await client.get(f"/invites/{invite.id}", headers=invitee.headers)).json()
        assert body["owner"] == {
            "id": str(owner.user.id),
            "name": None,
            "lastName": None,
            "deleted": True,
        }


class TestBatchLoading:
    async def test_queries_do_not_grow_with_the_page(
        self, client, settings, admin: Caller, invite: Invite, finds: Counter[str]
    ):
        await client.get("/invites", headers=admin.headers)
        one_invite = dict(finds)
        for _ in range(5):
            owner = await make_user(settings, role=Role.OWNER)
            technician = await make_user(settings, role=Role.TECHNICIAN)
            await make_invite(await make_pool(owner), technician)
        finds.clear()

        response = await client.get("/invites", headers=admin.headers)

        assert response.json()["total"] == 6
        assert len({item["pool"]["id"] for item in response.json()["items"]}) == 6
        assert len({item["owner"]["id"] for item in response.json()["items"]}) == 6
        assert dict(finds) == one_invite
        assert (finds["pools.find"], finds["pools.find_one"]) == (1, 0)
