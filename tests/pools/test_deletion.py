"""Cascades: deleting a pool (section 6) and deleting the users a pool refers to (section 5)."""

import pytest

from app.invites.models import Invite, InviteStatus
from app.pools.models import Pool
from app.users.models import UserStatus
from tests.conftest import Caller
from tests.factories import make_invite, make_pool


class TestDeletePoolCascade:
    @pytest.fixture
    async def invite(self, pool, other_technician: Caller) -> Invite:
        return await make_invite(pool, other_technician.user)

    async def test_pool_cannot_be_read(self, client, admin: Caller, owner: Caller, pool):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        response = await client.get(f"/pools/{pool.id}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_pool_is_no_longer_listed(self, client, owner: Caller, technician: Caller, pool):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        owner_list = await client.get("/pools", headers=owner.headers)
        technician_list = await client.get(
            f"/pools/technician/{technician.user.id}", headers=technician.headers
        )
        assert owner_list.json()["total"] == 0
        assert technician_list.json()["total"] == 0

    async def test_invite_cannot_be_read(self, client, admin: Caller, owner: Caller, pool, invite):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        response = await client.get(f"/invites/{invite.id}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "invite_not_found"

    async def test_invite_is_removed_from_the_store(self, client, owner: Caller, pool, invite):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        assert await Invite.find({"pool_id": pool.id}).count() == 0

    async def test_invite_is_no_longer_listed(
        self, client, admin: Caller, owner: Caller, pool, invite
    ):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        response = await client.get(
            "/invites", params={"poolId": str(pool.id)}, headers=admin.headers
        )
        assert response.json()["total"] == 0

    async def test_invitee_no_longer_sees_the_invite(
        self, client, owner: Caller, other_technician: Caller, pool, invite
    ):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        response = await client.get(
            f"/invites/technicians/{other_technician.user.id}/pending",
            headers=other_technician.headers,
        )
        assert response.json()["items"] == []

    async def test_invitee_can_no_longer_accept(
        self, client, owner: Caller, other_technician: Caller, pool, invite
    ):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        response = await client.post(
            f"/invites/{invite.id}/accept", headers=other_technician.headers
        )
        assert response.status_code == 404

    async def test_other_pools_keep_their_invites(
        self, client, owner: Caller, other_technician: Caller, pool, invite
    ):
        kept_pool = await make_pool(owner.user)
        kept = await make_invite(kept_pool, other_technician.user)
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        response = await client.get(f"/invites/{kept.id}", headers=owner.headers)
        assert response.status_code == 200

    async def test_owner_and_technician_no_longer_see_each_other(
        self, client, owner: Caller, technician: Caller, pool
    ):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        response = await client.get(f"/users/{technician.user.id}", headers=owner.headers)
        assert response.status_code == 404


class TestDeleteTechnician:
    """DELETE /users/{userId} of a technician: they leave every pool; pending invites cancelled."""

    async def test_no_pool_lists_them(
        self, client, admin: Caller, owner: Caller, other_owner: Caller, technician: Caller, pool
    ):
        second = await make_pool(other_owner.user, technicians=[technician.user])
        response = await client.delete(f"/users/{technician.user.id}", headers=admin.headers)
        assert response.status_code == 200
        for pool_id in (pool.id, second.id):
            assert technician.user.id not in (await Pool.get(pool_id)).technician_ids
        listed = await client.get(
            "/pools", params={"technicianId": str(technician.user.id)}, headers=admin.headers
        )
        assert listed.json()["total"] == 0

    async def test_pool_read_no_longer_lists_them(
        self, client, admin: Caller, owner: Caller, technician: Caller, pool
    ):
        await client.delete(f"/users/{technician.user.id}", headers=admin.headers)
        response = await client.get(f"/pools/{pool.id}", headers=owner.headers)
        assert response.json()["technicianIds"] == []

    async def test_other_technicians_stay(
        self, client, admin: Caller, owner: Caller, technician: Caller, other_technician: Caller
    ):
        shared = await make_pool(owner.user, technicians=[technician.user, other_technician.user])
        await client.delete(f"/users/{technician.user.id}", headers=admin.headers)
        assert (await Pool.get(shared.id)).technician_ids == [other_technician.user.id]

    async def test_self_deletion_cascades_too(self, client, technician: Caller, pool):
        response = await client.delete(f"/users/{technician.user.id}", headers=technician.headers)
        assert response.status_code == 200
        assert (await Pool.get(pool.id)).technician_ids == []

    async def test_pool_owner_may_not_delete_their_technician(
        self, client, owner: Caller, technician: Caller, pool
    ):
        response = await client.delete(f"/users/{technician.user.id}", headers=owner.headers)
        assert response.status_code == 403
        assert (await Pool.get(pool.id)).technician_ids == [technician.user.id]

    async def test_other_owner_does_not_see_the_technician(
        self, client, other_owner: Caller, technician: Caller, pool
    ):
        response = await client.delete(f"/users/{technician.user.id}", headers=other_owner.headers)
        assert response.status_code == 404
        assert (await Pool.get(pool.id)).technician_ids == [technician.user.id]

    async def test_pending_invites_are_cancelled(
        self, client, admin: Caller, owner: Caller, other_owner: Caller, other_technician: Caller
    ):
        invites = [
            await make_invite(await make_pool(owner.user), other_technician.user),
            await make_invite(await make_pool(other_owner.user), other_technician.user),
        ]
        await client.delete(f"/users/{other_technician.user.id}", headers=admin.headers)
        for invite in invites:
            response = await client.get(f"/invites/{invite.id}", headers=admin.headers)
            assert response.json()["status"] == "cancelled"

    async def test_cancelled_invites_free_the_pending_slot(
        self, client, admin: Caller, other_technician: Caller, pool
    ):
        invite = await make_invite(pool, other_technician.user)
        await client.delete(f"/users/{other_technician.user.id}", headers=admin.headers)
        stored = await Invite.get(invite.id)
        assert (stored.status, stored.pending_key) == (InviteStatus.CANCELLED, None)

    async def test_answered_invites_are_kept(self, client, admin: Caller, technician: Caller, pool):
        accepted = await make_invite(pool, technician.user, status=InviteStatus.ACCEPTED)
        await client.delete(f"/users/{technician.user.id}", headers=admin.headers)
        response = await client.get(f"/invites/{accepted.id}", headers=admin.headers)
        assert response.json()["status"] == "accepted"

    async def test_other_technicians_invites_stay_pending(
        self, client, admin: Caller, owner: Caller, technician: Caller, other_technician: Caller
    ):
        untouched = await make_invite(await make_pool(owner.user), technician.user)
        await client.delete(f"/users/{other_technician.user.id}", headers=admin.headers)
        response = await client.get(f"/invites/{untouched.id}", headers=admin.headers)
        assert response.json()["status"] == "pending"


class TestDeleteOwner:
    """DELETE /users/{userId} of an owner: refused while they still own pools."""

    async def test_self_with_pools(self, client, owner: Caller, pool):
        response = await client.delete(f"/users/{owner.user.id}", headers=owner.headers)
        assert response.status_code == 409
        assert response.json()["code"] == "owner_has_pools"

    async def test_admin_with_pools(self, client, admin: Caller, owner: Caller, pool):
        response = await client.delete(f"/users/{owner.user.id}", headers=admin.headers)
        assert response.status_code == 409
        assert response.json()["code"] == "owner_has_pools"

    async def test_refused_deletion_changes_nothing(
        self, client, admin: Caller, owner: Caller, pool
    ):
        await client.delete(f"/users/{owner.user.id}", headers=admin.headers)
        user = await client.get(f"/users/{owner.user.id}", headers=admin.headers)
        assert user.json()["status"] == UserStatus.ACTIVE
        assert (await client.get(f"/pools/{pool.id}", headers=owner.headers)).status_code == 200

    async def test_after_deleting_their_pools(self, client, owner: Caller, pool):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        response = await client.delete(f"/users/{owner.user.id}", headers=owner.headers)
        assert response.status_code == 200
        assert response.json()["deleted"] is True

    async def test_after_pool_transfer(
        self, client, admin: Caller, owner: Caller, other_owner: Caller, pool
    ):
        await client.patch(
            f"/pools/{pool.id}", json={"ownerId": str(other_owner.user.id)}, headers=admin.headers
        )
        response = await client.delete(f"/users/{owner.user.id}", headers=admin.headers)
        assert response.status_code == 200
