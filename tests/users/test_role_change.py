"""Access follows the current role (contract section 2): pool access, role changes, embedded users.

The `pool` fixture belongs to `owner` and has `technician` assigned.
"""

from app.invites.models import Invite, InviteStatus
from app.pools.models import Pool
from app.users.models import Role, User
from app.visits.models import VisitStatus
from tests.conftest import Caller, problem_code
from tests.factories import make_invite, make_pool
from tests.visits.conftest import make_visit, past


class TestPoolAccessFollowsRole:
    async def test_assigned_user_who_is_no_longer_technician_has_no_access(
        self, client, technician: Caller, pool: Pool
    ):
        # Stored straight, as a role changed before this rule existed left it: still listed.
        await technician.user.set({"role": Role.OWNER})
        response = await client.get(f"/pools/{pool.id}", headers=technician.headers)
        assert response.status_code == 404
        assert problem_code(response) == "pool_not_found"

    async def test_assigned_technician_has_access(self, client, technician: Caller, pool: Pool):
        response = await client.get(f"/pools/{pool.id}", headers=technician.headers)
        assert response.status_code == 200


class TestRoleChange:
    async def change_role(self, client, admin: Caller, user: User, role: str):
        return await client.patch(f"/users/{user.id}", json={"role": role}, headers=admin.headers)

    async def test_technician_made_owner_leaves_every_pool(
        self, client, admin: Caller, owner: Caller, technician: Caller, pool: Pool
    ):
        second = await make_pool(owner.user, technicians=[technician.user])
        response = await self.change_role(client, admin, technician.user, "owner")
        assert response.status_code == 200, response.text
        for each in (pool, second):
            assert technician.user.id not in (await Pool.get(each.id)).technician_ids
        listed = await client.get(f"/pools/{pool.id}", headers=owner.headers)
        assert listed.json()["technicianIds"] == []

    async def test_technician_made_owner_loses_pool_access(
        self, client, admin: Caller, technician: Caller, pool: Pool
    ):
        await self.change_role(client, admin, technician.user, "owner")
        response = await client.get(f"/pools/{pool.id}", headers=technician.headers)
        assert response.status_code == 404

    async def test_pending_invites_are_cancelled(
        self, client, admin: Caller, owner: Caller, technician: Caller
    ):
        other = await make_pool(owner.user)
        invite = await make_invite(other, technician.user)
        await self.change_role(client, admin, technician.user, "admin")
        assert (await Invite.get(invite.id)).status is InviteStatus.CANCELLED

    async def test_same_detachment_as_deletion(
        self, client, admin: Caller, owner: Caller, technician: Caller, other_technician: Caller
    ):
        changed_pool = await make_pool(owner.user, technicians=[technician.user])
        deleted_pool = await make_pool(owner.user, technicians=[other_technician.user])
        changed_invite = await make_invite(await make_pool(owner.user), technician.user)
        deleted_invite = await make_invite(await make_pool(owner.user), other_technician.user)
        await self.change_role(client, admin, technician.user, "owner")
        await client.delete(f"/users/{other_technician.user.id}", headers=admin.headers)
        assert (await Pool.get(changed_pool.id)).technician_ids == []
        assert (await Pool.get(deleted_pool.id)).technician_ids == []
        assert (await Invite.get(changed_invite.id)).status is InviteStatus.CANCELLED
        assert (await Invite.get(deleted_invite.id)).status is InviteStatus.CANCELLED

    async def test_owner_with_pools_cannot_change_role(
        self, client, admin: Caller, owner: Caller, pool: Pool
    ):
        response = await self.change_role(client, admin, owner.user, "technician")
        assert response.status_code == 409
        assert problem_code(response) == "owner_has_pools"
        assert (await User.get(owner.user.id)).role is Role.OWNER

    async def test_owner_without_pools_can_change_role(
        self, client, admin: Caller, other_owner: Caller
    ):
        response = await self.change_role(client, admin, other_owner.user, "technician")
        assert response.status_code == 200
        assert response.json()["role"] == "technician"

    async def test_same_role_changes_nothing(
        self, client, admin: Caller, technician: Caller, pool: Pool
    ):
        response = await self.change_role(client, admin, technician.user, "technician")
        assert response.status_code == 200
        assert technician.user.id in (await Pool.get(pool.id)).technician_ids


class TestEmbeddedDeletedUser:
    async def test_dashboard_hides_a_deleted_technician(
        self, client, admin: Caller, owner: Caller, technician: Caller, pool: Pool
    ):
        await make_visit(pool, technician.user, status=VisitStatus.COMPLETED, visited_at=past(9))
        await client.delete(f"/users/{technician.user.id}", headers=admin.headers)
        response = await client.get(f"/pools/{pool.id}/dashboard", headers=owner.headers)
        assert response.status_code == 200
        assert response.json()["technician"] == {
            "id": str(technician.user.id),
            "name": None,
            "lastName": None,
            "email": None,
            "deleted": True,
        }

    async def test_living_users_carry_deleted_false(
        self, client, owner: Caller, technician: Caller, pool: Pool
    ):
        await make_visit(pool, technician.user, status=VisitStatus.COMPLETED, visited_at=past(9))
        body = (await client.get(f"/pools/{pool.id}/dashboard", headers=owner.headers)).json()
        assert body["owner"]["deleted"] is False
        assert body["owner"]["email"] == owner.user.email
        assert body["technician"]["deleted"] is False
        assert body["technician"]["email"] == technician.user.email
