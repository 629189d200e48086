"""Invites to an address with no account (§9, §17): 201 all the same, an email with a sign-up
link, and the invite attaches when a technician account appears with that address."""

import asyncio

from app.invites.models import Invite
from app.notifications.models import EmailJob, Notification
from app.pools.models import Pool
from app.users.models import Role
from tests.conftest import Caller
from tests.factories import auth_headers, make_user

NEW_ADDRESS = "new.tech@example.com"


async def _invite(client, pool: Pool, owner: Caller, email: str = NEW_ADDRESS):
    return await client.post(
        f"/pools/{pool.id}/invites", json={"technicianEmail": email}, headers=owner.headers
    )


def _register(email: str, role: str = "technician") -> dict:
    return {
        "name": "New",
        "lastName": "Tech",
        "email": email,
        "password": "a-long-enough-password",
        "role": role,
    }


class TestUnknownAddress:
    async def test_201_with_null_technician_and_a_signup_email(
        self, client, owner: Caller, pool: Pool
    ):
        response = await _invite(client, pool, owner)
        assert response.status_code == 201
        invite = response.json()
        assert (invite["technicianId"], invite["technicianEmail"]) == (None, NEW_ADDRESS)
        [job] = await EmailJob.find({"kind": "invite.created"}).to_list()
        assert job.to == NEW_ADDRESS
        assert job.user_id is None
        assert job.link_path == f"/register?invite={invite['id']}"
        assert job.subject.startswith(f"[Poolia] {pool.name}")
        assert await Notification.find({"event": "invite.created"}).count() == 0

    async def test_same_answer_shape_as_a_known_technician(
        self, client, owner: Caller, pool: Pool, other_technician: Caller
    ):
        known = await _invite(client, pool, owner, other_technician.user.email)
        unknown = await _invite(client, pool, owner)
        assert known.status_code == unknown.status_code == 201
        assert set(known.json()) == set(unknown.json())
        assert known.json()["technicianId"] == str(other_technician.user.id)

    async def test_second_pending_is_409(self, client, owner: Caller, pool: Pool):
        assert (await _invite(client, pool, owner)).status_code == 201
        again = await _invite(client, pool, owner, NEW_ADDRESS.upper())
        assert again.status_code == 409
        assert again.json()["code"] == "invite_already_pending"

    async def test_concurrent_identical_give_one_201(
        self, client, owner: Caller, pool: Pool, store_latency
    ):
        answers = await asyncio.gather(*(_invite(client, pool, owner) for _ in range(2)))
        assert sorted(answer.status_code for answer in answers) == [201, 409]

    async def test_an_owner_address_is_400(
        self, client, owner: Caller, pool: Pool, other_owner: Caller
    ):
        response = await _invite(client, pool, owner, other_owner.user.email)
        assert response.status_code == 400
        assert response.json()["code"] == "user_not_technician"


class TestAttach:
    async def test_registering_as_technician_attaches_and_can_accept(
        self, client, owner: Caller, pool: Pool
    ):
        invite_id = (await _invite(client, pool, owner)).json()["id"]
        registered = await client.post("/auth/register", json=_register(NEW_ADDRESS.title()))
        assert registered.status_code == 201
        user_id = registered.json()["user"]["id"]
        headers = {"Authorization": f"Bearer {registered.json()['access_token']}"}
        pending = await client.get(f"/invites/technicians/{user_id}/pending", headers=headers)
        assert [item["id"] for item in pending.json()["items"]] == [invite_id]
        accepted = await client.post(f"/invites/{invite_id}/accept", headers=headers)
        assert accepted.status_code == 200
        assert accepted.json()["technicianId"] == user_id

    async def test_registering_as_owner_attaches_nothing(self, client, owner: Caller, pool: Pool):
        invite_id = (await _invite(client, pool, owner)).json()["id"]
        registered = await client.post("/auth/register", json=_register(NEW_ADDRESS, "owner"))
        assert registered.status_code == 201
        invite = await Invite.get(invite_id)
        assert invite.technician_id is None

    async def test_admin_creating_the_user_attaches(
        self, client, owner: Caller, admin: Caller, pool: Pool
    ):
        invite_id = (await _invite(client, pool, owner)).json()["id"]
        created = await client.post("/users", json=_register(NEW_ADDRESS), headers=admin.headers)
        assert created.status_code == 201
        assert str((await Invite.get(invite_id)).technician_id) == created.json()["id"]

    async def test_changing_email_to_it_attaches(
        self, client, owner: Caller, pool: Pool, other_technician: Caller
    ):
        invite_id = (await _invite(client, pool, owner)).json()["id"]
        changed = await client.patch(
            f"/users/{other_technician.user.id}",
            json={"email": NEW_ADDRESS},
            headers=other_technician.headers,
        )
        assert changed.status_code == 200
        assert (await Invite.get(invite_id)).technician_id == other_technician.user.id

    async def test_unattached_invite_cannot_be_accepted(
        self, client, owner: Caller, admin: Caller, pool: Pool, settings
    ):
        invite_id = (await _invite(client, pool, owner)).json()["id"]
        stranger = await make_user(settings, role=Role.TECHNICIAN)
        as_stranger = await client.post(
            f"/invites/{invite_id}/accept", headers=await auth_headers(settings, stranger)
        )
        assert as_stranger.status_code == 404
        as_admin = await client.post(f"/invites/{invite_id}/accept", headers=admin.headers)
        assert as_admin.status_code == 409
