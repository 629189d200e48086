"""Invites endpoints (contract section 9). One class per endpoint, one test per scenario.

`pool` belongs to `owner` with `technician` assigned; `invite` is a pending invite of `invitee`
to it; `other_technician` is neither assigned nor invited.
"""

from datetime import datetime, timedelta

import pytest
from beanie import PydanticObjectId

from app.audit.models import AuditEvent
from app.invites.models import Invite, InviteStatus
from app.pools.models import Pool
from app.users.models import Role, UserStatus, utcnow
from tests.conftest import Caller, problem_code
from tests.factories import make_invite, make_pool, make_user

UNKNOWN_ID = str(PydanticObjectId())
INVITE_FIELDS = {
    "id",
    "poolId",
    "ownerId",
    "technicianId",
    "technicianEmail",
    "status",
    "message",
    "createdAt",
    "respondedAt",
    "expiresAt",
    "pool",
    "owner",
}


def ids(response) -> set[str]:
    return {item["id"] for item in response.json()["items"]}


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def expire(invite: Invite) -> None:
    """Move the invite's expiry into the past, as if its 14 days had run out."""
    await invite.set({Invite.expires_at: utcnow() - timedelta(minutes=1)})


async def audit_actions(pool_id: PydanticObjectId) -> list[str]:
    """The audit actions recorded against a pool, oldest first."""
    events = await AuditEvent.find({"pool_id": pool_id}).sort("at").to_list()
    return [event.action for event in events]


class TestCreatePoolInvite:
    @pytest.fixture
    def url(self, pool: Pool) -> str:
        return f"/pools/{pool.id}/invites"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 201, None),
            ("owner", 201, None),
            ("other_owner", 404, "pool_not_found"),
            ("technician", 403, "forbidden"),
            ("other_technician", 404, "pool_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, url, invitee: Caller, caller, caller_headers, status, code):
        response = await client.post(
            url, json={"technicianEmail": invitee.user.email}, headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_body(self, client, url, owner: Caller, invitee: Caller, pool):
        response = await client.post(
            url,
            json={"technicianEmail": invitee.user.email, "message": "Mondays, 9am"},
            headers=owner.headers,
        )
        body = response.json()
        assert set(body) == INVITE_FIELDS
        assert body["poolId"] == str(pool.id)
        assert body["ownerId"] == str(owner.user.id)
        assert body["technicianId"] == str(invitee.user.id)
        assert body["technicianEmail"] == invitee.user.email
        assert (body["status"], body["message"], body["respondedAt"]) == (
            "pending",
            "Mondays, 9am",
            None,
        )

    async def test_expires_after_14_days(self, client, url, owner: Caller, invitee: Caller):
        response = await client.post(
            url, json={"technicianEmail": invitee.user.email}, headers=owner.headers
        )
        body = response.json()
        lifetime = parse_time(body["expiresAt"]) - parse_time(body["createdAt"])
        assert abs(lifetime - timedelta(days=14)) < timedelta(seconds=1)
        assert body["expiresAt"].endswith("Z")

    async def test_admin_invite_belongs_to_the_pool_owner(
        self, client, url, admin: Caller, owner: Caller, invitee: Caller
    ):
        response = await client.post(
            url, json={"technicianEmail": invitee.user.email}, headers=admin.headers
        )
        assert response.json()["ownerId"] == str(owner.user.id)

    async def test_stored_as_pending(self, client, url, owner: Caller, invitee: Caller, pool):
        response = await client.post(
            url, json={"technicianEmail": invitee.user.email}, headers=owner.headers
        )
        stored = await Invite.get(PydanticObjectId(response.json()["id"]))
        assert (stored.pool_id, stored.status) == (pool.id, InviteStatus.PENDING)

    async def test_email_is_matched_case_insensitively(
        self, client, url, owner: Caller, invitee: Caller
    ):
        response = await client.post(
            url, json={"technicianEmail": f"  {invitee.user.email.upper()} "}, headers=owner.headers
        )
        assert response.status_code == 201
        assert response.json()["technicianId"] == str(invitee.user.id)

    async def test_owner_id_query_matches(self, client, url, owner: Caller, invitee: Caller):
        response = await client.post(
            url,
            params={"ownerId": str(owner.user.id)},
            json={"technicianEmail": invitee.user.email},
            headers=owner.headers,
        )
        assert response.status_code == 201

    async def test_owner_id_query_differs(
        self, client, url, owner: Caller, other_owner: Caller, invitee: Caller
    ):
        response = await client.post(
            url,
            params={"ownerId": str(other_owner.user.id)},
            json={"technicianEmail": invitee.user.email},
            headers=owner.headers,
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"

    async def test_owner_id_query_malformed(self, client, url, owner: Caller, invitee: Caller):
        response = await client.post(
            url,
            params={"ownerId": "nope"},
            json={"technicianEmail": invitee.user.email},
            headers=owner.headers,
        )
        assert response.status_code == 422

    async def test_unknown_email(self, client, url, owner: Caller):
        # §17: no 404 probe; the address is invited and `technicianId` stays null.
        response = await client.post(
            url, json={"technicianEmail": "Nobody@Example.com"}, headers=owner.headers
        )
        assert response.status_code == 201
        assert response.json()["technicianId"] is None
        assert response.json()["technicianEmail"] == "nobody@example.com"

    async def test_deleted_technician(self, client, settings, url, owner: Caller):
        deleted = await make_user(settings, role=Role.TECHNICIAN, status=UserStatus.DELETED)
        response = await client.post(
            url, json={"technicianEmail": deleted.email}, headers=owner.headers
        )
        assert response.status_code == 400
        assert response.json()["code"] == "user_not_technician"

    async def test_invalid_email(self, client, url, owner: Caller):
        response = await client.post(
            url, json={"technicianEmail": "not-an-email"}, headers=owner.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "technicianEmail"]

    async def test_missing_email(self, client, url, owner: Caller):
        response = await client.post(url, json={"message": "hi"}, headers=owner.headers)
        assert response.status_code == 422

    async def test_unknown_field(self, client, url, owner: Caller, invitee: Caller):
        response = await client.post(
            url,
            json={"technicianEmail": invitee.user.email, "technicianId": str(invitee.user.id)},
            headers=owner.headers,
        )
        assert response.status_code == 422

    async def test_message_too_long(self, client, url, owner: Caller, invitee: Caller):
        response = await client.post(
            url,
            json={"technicianEmail": invitee.user.email, "message": "m" * 1001},
            headers=owner.headers,
        )
        assert response.status_code == 422

    async def test_user_not_technician(self, client, url, owner: Caller, other_owner: Caller):
        response = await client.post(
            url, json={"technicianEmail": other_owner.user.email}, headers=owner.headers
        )
        assert response.status_code == 400
        assert response.json()["code"] == "user_not_technician"

    async def test_technician_already_assigned(
        self, client, url, owner: Caller, technician: Caller
    ):
        response = await client.post(
            url, json={"technicianEmail": technician.user.email}, headers=owner.headers
        )
        assert response.status_code == 409
        assert response.json()["code"] == "technician_already_assigned"

    async def test_invite_already_pending(
        self, client, url, owner: Caller, invitee: Caller, invite
    ):
        response = await client.post(
            url, json={"technicianEmail": invitee.user.email}, headers=owner.headers
        )
        assert response.status_code == 409
        assert response.json()["code"] == "invite_already_pending"

    async def test_same_technician_to_another_pool(
        self, client, owner: Caller, invitee: Caller, invite
    ):
        second = await make_pool(owner.user)
        response = await client.post(
            f"/pools/{second.id}/invites",
            json={"technicianEmail": invitee.user.email},
            headers=owner.headers,
        )
        assert response.status_code == 201

    @pytest.mark.parametrize(
        "status", [InviteStatus.DECLINED, InviteStatus.CANCELLED, InviteStatus.EXPIRED]
    )
    async def test_after_an_answered_invite(
        self, client, url, owner: Caller, invitee: Caller, pool, status
    ):
        await make_invite(pool, invitee.user, status=status)
        response = await client.post(
            url, json={"technicianEmail": invitee.user.email}, headers=owner.headers
        )
        assert response.status_code == 201

    async def test_after_expiry(self, client, url, owner: Caller, invitee: Caller, invite):
        await expire(invite)
        response = await client.post(
            url, json={"technicianEmail": invitee.user.email}, headers=owner.headers
        )
        assert response.status_code == 201
        assert response.json()["id"] != str(invite.id)

    async def test_after_expiry_the_old_invite_stays_expired(
        self, client, url, owner: Caller, invitee: Caller, invite
    ):
        await expire(invite)
        await client.post(url, json={"technicianEmail": invitee.user.email}, headers=owner.headers)
        response = await client.get(f"/invites/{invite.id}", headers=owner.headers)
        assert response.json()["status"] == "expired"

    async def test_unknown_pool(self, client, admin: Caller, invitee: Caller):
        response = await client.post(
            f"/pools/{UNKNOWN_ID}/invites",
            json={"technicianEmail": invitee.user.email},
            headers=admin.headers,
        )
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_malformed_pool_id(self, client, admin: Caller, invitee: Caller):
        response = await client.post(
            "/pools/not-an-id/invites",
            json={"technicianEmail": invitee.user.email},
            headers=admin.headers,
        )
        assert response.status_code == 422

    async def test_audited(self, client, url, owner: Caller, invitee: Caller, pool):
        await client.post(url, json={"technicianEmail": invitee.user.email}, headers=owner.headers)
        assert await audit_actions(pool.id) == ["invite.create"]


class TestCreateInvite:
    URL = "/invites"

    @pytest.fixture
    def body(self, pool: Pool, invitee: Caller) -> dict[str, str]:
        return {"poolId": str(pool.id), "technicianId": str(invitee.user.id)}

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 201, None),
            ("owner", 403, "forbidden"),
            ("other_owner", 403, "forbidden"),
            ("technician", 403, "forbidden"),
            ("other_technician", 403, "forbidden"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, body, caller, caller_headers, status, code):
        response = await client.post(self.URL, json=body, headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_body(self, client, body, admin: Caller, owner: Caller, invitee: Caller, pool):
        response = await client.post(self.URL, json=body, headers=admin.headers)
        created = response.json()
        assert created["poolId"] == str(pool.id)
        assert created["ownerId"] == str(owner.user.id)
        assert created["technicianEmail"] == invitee.user.email
        assert created["status"] == "pending"

    async def test_unknown_pool(self, client, body, admin: Caller):
        response = await client.post(
            self.URL, json={**body, "poolId": UNKNOWN_ID}, headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_unknown_technician(self, client, body, admin: Caller):
        response = await client.post(
            self.URL, json={**body, "technicianId": UNKNOWN_ID}, headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_user_not_technician(self, client, body, admin: Caller, other_owner: Caller):
        response = await client.post(
            self.URL,
            json={**body, "technicianId": str(other_owner.user.id)},
            headers=admin.headers,
        )
        assert response.status_code == 400
        assert response.json()["code"] == "user_not_technician"

    async def test_technician_already_assigned(
        self, client, body, admin: Caller, technician: Caller
    ):
        response = await client.post(
            self.URL,
            json={**body, "technicianId": str(technician.user.id)},
            headers=admin.headers,
        )
        assert response.status_code == 409
        assert response.json()["code"] == "technician_already_assigned"

    async def test_invite_already_pending(self, client, body, admin: Caller, invite):
        response = await client.post(self.URL, json=body, headers=admin.headers)
        assert response.status_code == 409
        assert response.json()["code"] == "invite_already_pending"

    async def test_malformed_pool_id(self, client, body, admin: Caller):
        response = await client.post(
            self.URL, json={**body, "poolId": "not-an-id"}, headers=admin.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "poolId"]

    async def test_missing_technician_id(self, client, pool, admin: Caller):
        response = await client.post(self.URL, json={"poolId": str(pool.id)}, headers=admin.headers)
        assert response.status_code == 422

    async def test_unknown_field(self, client, body, admin: Caller):
        response = await client.post(
            self.URL, json={**body, "status": "accepted"}, headers=admin.headers
        )
        assert response.status_code == 422

    async def test_audited(self, client, body, admin: Caller, pool):
        await client.post(self.URL, json=body, headers=admin.headers)
        assert await audit_actions(pool.id) == ["invite.create"]


class TestListInvites:
    URL = "/invites"

    @pytest.fixture
    async def foreign_invite(self, other_owner: Caller, other_technician: Caller) -> Invite:
        return await make_invite(await make_pool(other_owner.user), other_technician.user)

    @pytest.mark.parametrize(
        "caller, visible",
        [
            ("admin", {"invite", "foreign_invite"}),
            ("owner", {"invite"}),
            ("other_owner", {"foreign_invite"}),
            ("technician", set()),
            ("other_technician", {"foreign_invite"}),
            ("invitee", {"invite"}),
        ],
    )
    async def test_scoped_to_caller(
        self, request, client, invite, foreign_invite, caller, caller_headers, visible
    ):
        response = await client.get(self.URL, headers=caller_headers)
        assert response.status_code == 200
        expected = {str(request.getfixturevalue(name).id) for name in visible}
        assert ids(response) == expected
        assert response.json()["total"] == len(expected)

    async def test_anonymous(self, client, invite):
        response = await client.get(self.URL)
        assert response.status_code == 401

    async def test_filter_pool_id(self, client, admin: Caller, pool, invite, foreign_invite):
        response = await client.get(
            self.URL, params={"poolId": str(pool.id)}, headers=admin.headers
        )
        assert ids(response) == {str(invite.id)}

    async def test_filter_status(self, client, owner: Caller, technician: Caller, pool, invite):
        declined = await make_invite(pool, technician.user, status=InviteStatus.DECLINED)
        response = await client.get(self.URL, params={"status": "declined"}, headers=owner.headers)
        assert ids(response) == {str(declined.id)}

    async def test_expired_reads_expired(self, client, owner: Caller, invite):
        await expire(invite)
        response = await client.get(self.URL, headers=owner.headers)
        assert [item["status"] for item in response.json()["items"]] == ["expired"]

    async def test_status_expired_includes_lapsed_invite(self, client, owner: Caller, invite):
        await expire(invite)
        response = await client.get(self.URL, params={"status": "expired"}, headers=owner.headers)
        assert ids(response) == {str(invite.id)}

    async def test_status_pending_excludes_lapsed_invite(self, client, owner: Caller, invite):
        await expire(invite)
        response = await client.get(self.URL, params={"status": "pending"}, headers=owner.headers)
        assert ids(response) == set()

    async def test_status_pending_includes_live_invite(self, client, owner: Caller, invite):
        response = await client.get(self.URL, params={"status": "pending"}, headers=owner.headers)
        assert ids(response) == {str(invite.id)}

    async def test_unknown_status(self, client, owner: Caller):
        response = await client.get(self.URL, params={"status": "lost"}, headers=owner.headers)
        assert response.status_code == 422

    async def test_malformed_pool_id(self, client, owner: Caller):
        response = await client.get(self.URL, params={"poolId": "nope"}, headers=owner.headers)
        assert response.status_code == 422

    async def test_newest_first(self, client, owner: Caller, other_technician: Caller, invite):
        newer = await make_invite(await make_pool(owner.user), other_technician.user)
        response = await client.get(self.URL, headers=owner.headers)
        assert [item["id"] for item in response.json()["items"]] == [str(newer.id), str(invite.id)]


class TestListTechnicianInvites:
    @pytest.fixture
    def url(self, invitee: Caller) -> str:
        return f"/invites/technicians/{invitee.user.id}"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 403, "forbidden"),
            ("other_owner", 403, "forbidden"),
            ("technician", 403, "forbidden"),
            ("other_technician", 403, "forbidden"),
            ("invitee", 200, None),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, url, invite, caller, caller_headers, status, code):
        response = await client.get(url, headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_lists_every_status(self, client, url, owner: Caller, invitee: Caller, invite):
        accepted = await make_invite(
            await make_pool(owner.user), invitee.user, status=InviteStatus.ACCEPTED
        )
        response = await client.get(url, headers=invitee.headers)
        assert ids(response) == {str(invite.id), str(accepted.id)}

    async def test_only_that_technicians_invites(
        self, client, url, owner: Caller, invitee: Caller, other_technician: Caller, invite
    ):
        await make_invite(await make_pool(owner.user), other_technician.user)
        response = await client.get(url, headers=invitee.headers)
        assert ids(response) == {str(invite.id)}

    async def test_filter_status(self, client, url, owner: Caller, invitee: Caller, invite):
        await make_invite(await make_pool(owner.user), invitee.user, status=InviteStatus.DECLINED)
        response = await client.get(url, params={"status": "pending"}, headers=invitee.headers)
        assert ids(response) == {str(invite.id)}

    async def test_expired_reads_expired(self, client, url, invitee: Caller, invite):
        await expire(invite)
        response = await client.get(url, headers=invitee.headers)
        assert response.json()["items"][0]["status"] == "expired"

    async def test_user_not_technician(self, client, admin: Caller, owner: Caller):
        response = await client.get(f"/invites/technicians/{owner.user.id}", headers=admin.headers)
        assert response.status_code == 400
        assert response.json()["code"] == "user_not_technician"

    async def test_unknown_user(self, client, admin: Caller):
        response = await client.get(f"/invites/technicians/{UNKNOWN_ID}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.get("/invites/technicians/not-an-id", headers=admin.headers)
        assert response.status_code == 422


class TestListTechnicianPendingInvites:
    @pytest.fixture
    def url(self, invitee: Caller) -> str:
        return f"/invites/technicians/{invitee.user.id}/pending"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 403, "forbidden"),
            ("other_owner", 403, "forbidden"),
            ("technician", 403, "forbidden"),
            ("other_technician", 403, "forbidden"),
            ("invitee", 200, None),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, url, invite, caller, caller_headers, status, code):
        response = await client.get(url, headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_lists_live_pending(self, client, url, invitee: Caller, invite):
        response = await client.get(url, headers=invitee.headers)
        assert ids(response) == {str(invite.id)}
        assert response.json()["items"][0]["status"] == "pending"

    @pytest.mark.parametrize(
        "status", [InviteStatus.ACCEPTED, InviteStatus.DECLINED, InviteStatus.CANCELLED]
    )
    async def test_excludes_answered(self, client, url, owner: Caller, invitee: Caller, status):
        await make_invite(await make_pool(owner.user), invitee.user, status=status)
        response = await client.get(url, headers=invitee.headers)
        assert ids(response) == set()

    async def test_excludes_expired(self, client, url, invitee: Caller, invite):
        await expire(invite)
        response = await client.get(url, headers=invitee.headers)
        assert ids(response) == set()
        assert response.json()["total"] == 0

    async def test_user_not_technician(self, client, admin: Caller, owner: Caller):
        response = await client.get(
            f"/invites/technicians/{owner.user.id}/pending", headers=admin.headers
        )
        assert response.status_code == 400
        assert response.json()["code"] == "user_not_technician"

    async def test_unknown_user(self, client, admin: Caller):
        response = await client.get(
            f"/invites/technicians/{UNKNOWN_ID}/pending", headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"


class TestReadInvite:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("other_owner", 404, "invite_not_found"),
            ("technician", 404, "invite_not_found"),
            ("other_technician", 404, "invite_not_found"),
            ("invitee", 200, None),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, invite, caller, caller_headers, status, code):
        response = await client.get(f"/invites/{invite.id}", headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_body(self, client, invitee: Caller, invite):
        response = await client.get(f"/invites/{invite.id}", headers=invitee.headers)
        body = response.json()
        assert set(body) == INVITE_FIELDS
        assert (body["id"], body["status"]) == (str(invite.id), "pending")
        assert body["createdAt"].endswith("Z")

    async def test_expired_reads_expired(self, client, invitee: Caller, invite):
        await expire(invite)
        response = await client.get(f"/invites/{invite.id}", headers=invitee.headers)
        assert response.json()["status"] == "expired"

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.get(f"/invites/{UNKNOWN_ID}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "invite_not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.get("/invites/not-an-id", headers=admin.headers)
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"


class TestUpdateInvite:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("other_owner", 404, "invite_not_found"),
            ("technician", 404, "invite_not_found"),
            ("other_technician", 404, "invite_not_found"),
            ("invitee", 403, "forbidden"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, invite, caller, caller_headers, status, code):
        response = await client.patch(
            f"/invites/{invite.id}", json={"message": "Bring test strips"}, headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_message(self, client, owner: Caller, invite):
        response = await client.patch(
            f"/invites/{invite.id}", json={"message": "Bring test strips"}, headers=owner.headers
        )
        assert (response.json()["message"], response.json()["status"]) == (
            "Bring test strips",
            "pending",
        )
        assert (await Invite.get(invite.id)).message == "Bring test strips"

    async def test_null_message_clears_it(self, client, owner: Caller, pool, other_technician):
        invite = await make_invite(pool, other_technician.user, message="Hello")
        response = await client.patch(
            f"/invites/{invite.id}", json={"message": None}, headers=owner.headers
        )
        assert response.json()["message"] is None

    async def test_cancel(self, client, owner: Caller, invite):
        response = await client.patch(
            f"/invites/{invite.id}", json={"status": "cancelled"}, headers=owner.headers
        )
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        assert (await Invite.get(invite.id)).status is InviteStatus.CANCELLED

    async def test_cancelled_invite_cannot_be_accepted(
        self, client, owner: Caller, invitee: Caller, invite
    ):
        await client.patch(
            f"/invites/{invite.id}", json={"status": "cancelled"}, headers=owner.headers
        )
        response = await client.post(f"/invites/{invite.id}/accept", headers=invitee.headers)
        assert response.status_code == 409
        assert response.json()["code"] == "invite_not_pending"

    async def test_cancel_frees_the_pending_slot(
        self, client, owner: Caller, invitee: Caller, pool, invite
    ):
        await client.patch(
            f"/invites/{invite.id}", json={"status": "cancelled"}, headers=owner.headers
        )
        response = await client.post(
            f"/pools/{pool.id}/invites",
            json={"technicianEmail": invitee.user.email},
            headers=owner.headers,
        )
        assert response.status_code == 201

    @pytest.mark.parametrize(
        "status", [InviteStatus.ACCEPTED, InviteStatus.DECLINED, InviteStatus.CANCELLED]
    )
    async def test_cancel_not_pending(
        self, client, owner: Caller, other_technician: Caller, pool, status
    ):
        answered = await make_invite(pool, other_technician.user, status=status)
        response = await client.patch(
            f"/invites/{answered.id}", json={"status": "cancelled"}, headers=owner.headers
        )
        assert response.status_code == 409
        assert response.json()["code"] == "invite_not_pending"
        assert (await Invite.get(answered.id)).status is status

    async def test_cancel_expired(self, client, owner: Caller, invite):
        await expire(invite)
        response = await client.patch(
            f"/invites/{invite.id}", json={"status": "cancelled"}, headers=owner.headers
        )
        assert response.status_code == 409
        assert response.json()["code"] == "invite_not_pending"

    @pytest.mark.parametrize("status", ["accepted", "declined", "pending", "expired"])
    async def test_other_status(self, client, owner: Caller, invite, status):
        response = await client.patch(
            f"/invites/{invite.id}", json={"status": status}, headers=owner.headers
        )
        assert response.status_code == 422
        assert (await Invite.get(invite.id)).status is InviteStatus.PENDING

    async def test_null_status(self, client, owner: Caller, invite):
        response = await client.patch(
            f"/invites/{invite.id}", json={"status": None}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_unknown_field(self, client, owner: Caller, other_technician: Caller, invite):
        response = await client.patch(
            f"/invites/{invite.id}",
            json={"technicianId": str(other_technician.user.id)},
            headers=owner.headers,
        )
        assert response.status_code == 422

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.patch(
            f"/invites/{UNKNOWN_ID}", json={"message": "x"}, headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "invite_not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.patch("/invites/nope", json={"message": "x"}, headers=admin.headers)
        assert response.status_code == 422


class TestDeleteInvite:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 204, None),
            ("owner", 204, None),
            ("other_owner", 404, "invite_not_found"),
            ("technician", 404, "invite_not_found"),
            ("other_technician", 404, "invite_not_found"),
            ("invitee", 403, "forbidden"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, invite, caller, caller_headers, status, code):
        response = await client.delete(f"/invites/{invite.id}", headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)
        assert (await Invite.get(invite.id) is None) == (status == 204)

    async def test_cannot_be_read_afterwards(self, client, owner: Caller, invitee: Caller, invite):
        await client.delete(f"/invites/{invite.id}", headers=owner.headers)
        response = await client.get(f"/invites/{invite.id}", headers=invitee.headers)
        assert response.status_code == 404

    async def test_frees_the_pending_slot(
        self, client, owner: Caller, invitee: Caller, pool, invite
    ):
        await client.delete(f"/invites/{invite.id}", headers=owner.headers)
        response = await client.post(
            f"/pools/{pool.id}/invites",
            json={"technicianEmail": invitee.user.email},
            headers=owner.headers,
        )
        assert response.status_code == 201

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.delete(f"/invites/{UNKNOWN_ID}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "invite_not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.delete("/invites/nope", headers=admin.headers)
        assert response.status_code == 422


class TestAcceptInvite:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 403, "forbidden"),
            ("other_owner", 404, "invite_not_found"),
            ("technician", 404, "invite_not_found"),
            ("other_technician", 404, "invite_not_found"),
            ("invitee", 200, None),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, invite, caller, caller_headers, status, code):
        response = await client.post(f"/invites/{invite.id}/accept", headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_accepted(self, client, invitee: Caller, invite):
        response = await client.post(f"/invites/{invite.id}/accept", headers=invitee.headers)
        body = response.json()
        assert body["status"] == "accepted"
        assert body["respondedAt"].endswith("Z")
        assert (await Invite.get(invite.id)).status is InviteStatus.ACCEPTED

    async def test_technician_joins_the_pool(
        self, client, technician: Caller, invitee: Caller, pool, invite
    ):
        await client.post(f"/invites/{invite.id}/accept", headers=invitee.headers)
        stored = await Pool.get(pool.id)
        assert stored.technician_ids == [technician.user.id, invitee.user.id]

    async def test_technician_can_read_the_pool(self, client, invitee: Caller, pool, invite):
        await client.post(f"/invites/{invite.id}/accept", headers=invitee.headers)
        response = await client.get(f"/pools/{pool.id}", headers=invitee.headers)
        assert response.status_code == 200

    async def test_admin_accepts_for_the_technician(
        self, client, admin: Caller, invitee: Caller, pool, invite
    ):
        await client.post(f"/invites/{invite.id}/accept", headers=admin.headers)
        assert invitee.user.id in (await Pool.get(pool.id)).technician_ids

    async def test_accepted_twice(self, client, invitee: Caller, invite):
        await client.post(f"/invites/{invite.id}/accept", headers=invitee.headers)
        response = await client.post(f"/invites/{invite.id}/accept", headers=invitee.headers)
        assert response.status_code == 409
        assert response.json()["code"] == "invite_not_pending"

    @pytest.mark.parametrize("status", [InviteStatus.DECLINED, InviteStatus.CANCELLED])
    async def test_not_pending(self, client, invitee: Caller, pool, status):
        answered = await make_invite(pool, invitee.user, status=status)
        response = await client.post(f"/invites/{answered.id}/accept", headers=invitee.headers)
        assert response.status_code == 409
        assert response.json()["code"] == "invite_not_pending"
        assert invitee.user.id not in (await Pool.get(pool.id)).technician_ids

    async def test_expired(self, client, invitee: Caller, pool, invite):
        await expire(invite)
        response = await client.post(f"/invites/{invite.id}/accept", headers=invitee.headers)
        assert response.status_code == 409
        assert response.json()["code"] == "invite_not_pending"
        assert invitee.user.id not in (await Pool.get(pool.id)).technician_ids
        assert (await Invite.get(invite.id)).status is InviteStatus.PENDING

    async def test_pool_gone(self, client, owner: Caller, invitee: Caller):
        vanished = await make_pool(owner.user)
        orphan = await make_invite(vanished, invitee.user)
        await vanished.delete()
        response = await client.post(f"/invites/{orphan.id}/accept", headers=invitee.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_technician_already_assigned(self, client, technician: Caller, pool):
        stale = await make_invite(pool, technician.user)
        response = await client.post(f"/invites/{stale.id}/accept", headers=technician.headers)
        assert response.status_code == 409
        assert response.json()["code"] == "technician_already_assigned"
        assert (await Pool.get(pool.id)).technician_ids == [technician.user.id]

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.post(f"/invites/{UNKNOWN_ID}/accept", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "invite_not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.post("/invites/nope/accept", headers=admin.headers)
        assert response.status_code == 422

    async def test_audited(self, client, invitee: Caller, pool, invite):
        await client.post(f"/invites/{invite.id}/accept", headers=invitee.headers)
        assert await audit_actions(pool.id) == ["invite.accept"]


class TestDeclineInvite:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 403, "forbidden"),
            ("other_owner", 404, "invite_not_found"),
            ("technician", 404, "invite_not_found"),
            ("other_technician", 404, "invite_not_found"),
            ("invitee", 200, None),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, invite, caller, caller_headers, status, code):
        response = await client.post(f"/invites/{invite.id}/decline", headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_declined(self, client, invitee: Caller, pool, invite):
        response = await client.post(f"/invites/{invite.id}/decline", headers=invitee.headers)
        body = response.json()
        assert body["status"] == "declined"
        assert body["respondedAt"].endswith("Z")
        assert (await Invite.get(invite.id)).status is InviteStatus.DECLINED
        assert invitee.user.id not in (await Pool.get(pool.id)).technician_ids

    async def test_declined_twice(self, client, invitee: Caller, invite):
        await client.post(f"/invites/{invite.id}/decline", headers=invitee.headers)
        response = await client.post(f"/invites/{invite.id}/decline", headers=invitee.headers)
        assert response.status_code == 409
        assert response.json()["code"] == "invite_not_pending"

    async def test_after_accept(self, client, invitee: Caller, pool, invite):
        await client.post(f"/invites/{invite.id}/accept", headers=invitee.headers)
        response = await client.post(f"/invites/{invite.id}/decline", headers=invitee.headers)
        assert response.status_code == 409
        assert invitee.user.id in (await Pool.get(pool.id)).technician_ids

    async def test_expired(self, client, invitee: Caller, invite):
        await expire(invite)
        response = await client.post(f"/invites/{invite.id}/decline", headers=invitee.headers)
        assert response.status_code == 409
        assert response.json()["code"] == "invite_not_pending"

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.post(f"/invites/{UNKNOWN_ID}/decline", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "invite_not_found"
