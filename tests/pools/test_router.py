"""Pools endpoints (contract section 6, without dashboard and alert config).

One class per endpoint, one test per scenario. The `pool` fixture belongs to `owner` and has
`technician` assigned; `other_technician` is not assigned.
"""

from datetime import datetime, timedelta

import httpx
import pytest
from beanie import PydanticObjectId

from app.audit.models import AuditEvent
from app.pools.models import Pool
from app.users.models import Role, UserStatus, utcnow
from tests.conftest import Caller, problem_code
from tests.factories import make_invite, make_pool, make_user

UNKNOWN_ID = str(PydanticObjectId())
POOL_FIELDS = {
    "id",
    "name",
    "ownerId",
    "technicianIds",
    "address",
    "volumeLiters",
    "poolType",
    "indoor",
    "notes",
    "timezone",
    "createdAt",
    "updatedAt",
}


def ids(response: httpx.Response) -> set[str]:
    return {item["id"] for item in response.json()["items"]}


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def audit_actions(pool_id: PydanticObjectId | str) -> list[str]:
    """The audit actions recorded against a pool, oldest first."""
    events = await AuditEvent.find({"pool_id": PydanticObjectId(pool_id)}).sort("at").to_list()
    return [event.action for event in events]


class TestCreatePool:
    URL = "/pools"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("owner", 201, None),
            ("other_owner", 201, None),
            ("technician", 403, "forbidden"),
            ("other_technician", 403, "forbidden"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, caller, caller_headers, status, code):
        response = await client.post(self.URL, json={"name": "Lagoon"}, headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_owner_owns_the_new_pool(self, client, owner: Caller):
        response = await client.post(self.URL, json={"name": "Lagoon"}, headers=owner.headers)
        body = response.json()
        assert body["ownerId"] == str(owner.user.id)
        assert body["technicianIds"] == []

    async def test_response_shape(self, client, owner: Caller):
        response = await client.post(
            self.URL,
            json={
                "name": "Lagoon",
                "address": "1 Shore Lane",
                "volumeLiters": 42000,
                "poolType": "saltwater",
                "indoor": True,
                "notes": "Gate code 1234",
            },
            headers=owner.headers,
        )
        body = response.json()
        assert set(body) == POOL_FIELDS
        assert body["poolType"] == "saltwater"
        assert body["volumeLiters"] == 42000
        assert body["indoor"] is True
        assert body["createdAt"].endswith("Z")

    async def test_defaults(self, client, owner: Caller):
        response = await client.post(self.URL, json={"name": "Lagoon"}, headers=owner.headers)
        body = response.json()
        assert (body["poolType"], body["indoor"], body["address"]) == ("chlorine", False, None)

    async def test_stored(self, client, owner: Caller):
        response = await client.post(self.URL, json={"name": "Lagoon"}, headers=owner.headers)
        stored = await Pool.get(PydanticObjectId(response.json()["id"]))
        assert stored.name == "Lagoon"
        assert stored.owner_id == owner.user.id

    async def test_owner_names_themselves(self, client, owner: Caller):
        response = await client.post(
            self.URL, json={"name": "Lagoon", "ownerId": str(owner.user.id)}, headers=owner.headers
        )
        assert response.status_code == 201

    async def test_owner_names_another_owner(self, client, owner: Caller, other_owner: Caller):
        response = await client.post(
            self.URL,
            json={"name": "Lagoon", "ownerId": str(other_owner.user.id)},
            headers=owner.headers,
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"

    async def test_admin_for_an_owner(self, client, admin: Caller, owner: Caller):
        response = await client.post(
            self.URL, json={"name": "Lagoon", "ownerId": str(owner.user.id)}, headers=admin.headers
        )
        assert response.status_code == 201
        assert response.json()["ownerId"] == str(owner.user.id)

    async def test_admin_without_owner_id(self, client, admin: Caller):
        response = await client.post(self.URL, json={"name": "Lagoon"}, headers=admin.headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "ownerId"]

    async def test_admin_unknown_owner(self, client, admin: Caller):
        response = await client.post(
            self.URL, json={"name": "Lagoon", "ownerId": UNKNOWN_ID}, headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_admin_deleted_owner(self, client, settings, admin: Caller):
        deleted = await make_user(settings, role=Role.OWNER, status=UserStatus.DELETED)
        response = await client.post(
            self.URL, json={"name": "Lagoon", "ownerId": str(deleted.id)}, headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_admin_names_a_technician(self, client, admin: Caller, technician: Caller):
        response = await client.post(
            self.URL,
            json={"name": "Lagoon", "ownerId": str(technician.user.id)},
            headers=admin.headers,
        )
        assert response.status_code == 400
        assert response.json()["code"] == "user_not_owner"

    async def test_malformed_owner_id(self, client, admin: Caller):
        response = await client.post(
            self.URL, json={"name": "Lagoon", "ownerId": "not-an-id"}, headers=admin.headers
        )
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"

    async def test_unknown_field(self, client, owner: Caller):
        response = await client.post(
            self.URL, json={"name": "Lagoon", "colour": "blue"}, headers=owner.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "colour"]

    async def test_missing_name(self, client, owner: Caller):
        response = await client.post(self.URL, json={"address": "x"}, headers=owner.headers)
        assert response.status_code == 422

    async def test_empty_name(self, client, owner: Caller):
        response = await client.post(self.URL, json={"name": "   "}, headers=owner.headers)
        assert response.status_code == 422

    async def test_name_of_120_characters(self, client, owner: Caller):
        response = await client.post(self.URL, json={"name": "n" * 120}, headers=owner.headers)
        assert response.status_code == 201

    async def test_name_of_121_characters(self, client, owner: Caller):
        response = await client.post(self.URL, json={"name": "n" * 121}, headers=owner.headers)
        assert response.status_code == 422

    @pytest.mark.parametrize("pool_type", ["chlorine", "saltwater", "mineral", "other"])
    async def test_known_pool_type(self, client, owner: Caller, pool_type):
        response = await client.post(
            self.URL, json={"name": "Lagoon", "poolType": pool_type}, headers=owner.headers
        )
        assert response.status_code == 201
        assert response.json()["poolType"] == pool_type

    async def test_unknown_pool_type(self, client, owner: Caller):
        response = await client.post(
            self.URL, json={"name": "Lagoon", "poolType": "bromine"}, headers=owner.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "poolType"]

    async def test_non_positive_volume(self, client, owner: Caller):
        response = await client.post(
            self.URL, json={"name": "Lagoon", "volumeLiters": 0}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_snake_case_input(self, client, owner: Caller):
        response = await client.post(
            self.URL, json={"name": "Lagoon", "pool_type": "mineral"}, headers=owner.headers
        )
        assert response.status_code == 201
        assert response.json()["poolType"] == "mineral"

    async def test_audited(self, client, owner: Caller):
        response = await client.post(self.URL, json={"name": "Lagoon"}, headers=owner.headers)
        assert await audit_actions(response.json()["id"]) == ["pool.create"]


class TestListPools:
    URL = "/pools"

    @pytest.fixture
    async def foreign_pool(self, other_owner: Caller) -> Pool:
        return await make_pool(other_owner.user, name="Foreign", address="9 Far Street")

    @pytest.mark.parametrize(
        "caller, visible",
        [
            ("admin", {"pool", "foreign_pool"}),
            ("owner", {"pool"}),
            ("other_owner", {"foreign_pool"}),
            ("technician", {"pool"}),
            ("other_technician", set()),
        ],
    )
    async def test_scoped_to_caller(
        self, request, client, pool, foreign_pool, caller, caller_headers, visible
    ):
        response = await client.get(self.URL, headers=caller_headers)
        assert response.status_code == 200
        expected = {str(request.getfixturevalue(name).id) for name in visible}
        assert ids(response) == expected
        assert response.json()["total"] == len(expected)

    async def test_anonymous(self, client, pool):
        response = await client.get(self.URL)
        assert response.status_code == 401

    async def test_filter_owner_id(self, client, admin: Caller, pool, foreign_pool):
        response = await client.get(
            self.URL, params={"ownerId": str(pool.owner_id)}, headers=admin.headers
        )
        assert ids(response) == {str(pool.id)}

    async def test_filter_owner_id_cannot_widen_scope(
        self, client, owner: Caller, other_owner: Caller, pool, foreign_pool
    ):
        response = await client.get(
            self.URL, params={"ownerId": str(other_owner.user.id)}, headers=owner.headers
        )
        assert ids(response) == set()

    async def test_filter_technician_id(
        self, client, admin: Caller, technician: Caller, pool, foreign_pool
    ):
        response = await client.get(
            self.URL, params={"technicianId": str(technician.user.id)}, headers=admin.headers
        )
        assert ids(response) == {str(pool.id)}

    async def test_filter_q_matches_name_case_insensitively(
        self, client, admin: Caller, pool, foreign_pool
    ):
        response = await client.get(self.URL, params={"q": "FOREIGN"}, headers=admin.headers)
        assert ids(response) == {str(foreign_pool.id)}

    async def test_filter_q_matches_address(self, client, admin: Caller, pool, foreign_pool):
        response = await client.get(self.URL, params={"q": "far street"}, headers=admin.headers)
        assert ids(response) == {str(foreign_pool.id)}

    async def test_filter_q_is_not_a_regex(self, client, admin: Caller, pool, foreign_pool):
        response = await client.get(self.URL, params={"q": ".*"}, headers=admin.headers)
        assert ids(response) == set()

    async def test_malformed_owner_id(self, client, admin: Caller):
        response = await client.get(self.URL, params={"ownerId": "nope"}, headers=admin.headers)
        assert response.status_code == 422

    async def test_newest_first(self, client, owner: Caller):
        first = await make_pool(owner.user)
        second = await make_pool(owner.user)
        response = await client.get(self.URL, headers=owner.headers)
        assert [item["id"] for item in response.json()["items"]] == [str(second.id), str(first.id)]

    async def test_pagination(self, client, owner: Caller):
        for _ in range(3):
            await make_pool(owner.user)
        response = await client.get(
            self.URL, params={"limit": 2, "offset": 1}, headers=owner.headers
        )
        body = response.json()
        assert (len(body["items"]), body["total"], body["limit"], body["offset"]) == (2, 3, 2, 1)


class TestListPoolsOfOwner:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("other_owner", 403, "forbidden"),
            ("technician", 403, "forbidden"),
            ("other_technician", 403, "forbidden"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, owner: Caller, pool, caller, caller_headers, status, code):
        response = await client.get(f"/pools/user/{owner.user.id}", headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_lists_only_that_owners_pools(
        self, client, admin: Caller, owner: Caller, other_owner: Caller, pool
    ):
        await make_pool(other_owner.user)
        response = await client.get(f"/pools/user/{owner.user.id}", headers=admin.headers)
        assert ids(response) == {str(pool.id)}

    async def test_unknown_user(self, client, admin: Caller):
        response = await client.get(f"/pools/user/{UNKNOWN_ID}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.get("/pools/user/not-an-id", headers=admin.headers)
        assert response.status_code == 422


class TestListPoolsOfTechnician:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 403, "forbidden"),
            ("other_owner", 403, "forbidden"),
            ("technician", 200, None),
            ("other_technician", 403, "forbidden"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(
        self, client, technician: Caller, pool, caller, caller_headers, status, code
    ):
        response = await client.get(
            f"/pools/technician/{technician.user.id}", headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_lists_only_assigned_pools(
        self, client, technician: Caller, other_owner: Caller, pool
    ):
        await make_pool(other_owner.user)
        response = await client.get(
            f"/pools/technician/{technician.user.id}", headers=technician.headers
        )
        assert ids(response) == {str(pool.id)}

    async def test_user_not_technician(self, client, admin: Caller, owner: Caller):
        response = await client.get(f"/pools/technician/{owner.user.id}", headers=admin.headers)
        assert response.status_code == 400
        assert response.json()["code"] == "user_not_technician"

    async def test_unknown_user(self, client, admin: Caller):
        response = await client.get(f"/pools/technician/{UNKNOWN_ID}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.get("/pools/technician/not-an-id", headers=admin.headers)
        assert response.status_code == 422


class TestReadPool:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("other_owner", 404, "pool_not_found"),
            ("technician", 200, None),
            ("other_technician", 404, "pool_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, pool, caller, caller_headers, status, code):
        response = await client.get(f"/pools/{pool.id}", headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_body(self, client, owner: Caller, technician: Caller, pool):
        response = await client.get(f"/pools/{pool.id}", headers=owner.headers)
        body = response.json()
        assert set(body) == POOL_FIELDS
        assert body["id"] == str(pool.id)
        assert body["technicianIds"] == [str(technician.user.id)]
        assert body["updatedAt"].endswith("Z")

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.get(f"/pools/{UNKNOWN_ID}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.get("/pools/not-an-id", headers=admin.headers)
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"


class TestUpdatePool:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("other_owner", 404, "pool_not_found"),
            ("technician", 403, "forbidden"),
            ("other_technician", 404, "pool_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, pool, caller, caller_headers, status, code):
        response = await client.patch(
            f"/pools/{pool.id}", json={"name": "Renamed"}, headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_change_is_returned_and_stored(self, client, owner: Caller, pool):
        response = await client.patch(
            f"/pools/{pool.id}",
            json={"name": "Renamed", "poolType": "mineral", "indoor": True},
            headers=owner.headers,
        )
        body = response.json()
        assert (body["name"], body["poolType"], body["indoor"]) == ("Renamed", "mineral", True)
        stored = await Pool.get(pool.id)
        assert (stored.name, stored.pool_type, stored.indoor) == ("Renamed", "mineral", True)

    async def test_partial(self, client, owner: Caller, pool):
        response = await client.patch(
            f"/pools/{pool.id}", json={"notes": "Skimmer cracked"}, headers=owner.headers
        )
        assert response.json()["name"] == pool.name
        assert response.json()["address"] == pool.address

    async def test_updated_at_moves(self, client, owner: Caller):
        yesterday = utcnow() - timedelta(days=1)
        old = await make_pool(owner.user, created_at=yesterday, updated_at=yesterday)
        response = await client.patch(
            f"/pools/{old.id}", json={"name": "Renamed"}, headers=owner.headers
        )
        body = response.json()
        assert parse_time(body["updatedAt"]) > utcnow() - timedelta(minutes=1)
        assert parse_time(body["createdAt"]) < utcnow() - timedelta(hours=23)

    async def test_null_clears_a_nullable_field(self, client, owner: Caller, pool):
        response = await client.patch(
            f"/pools/{pool.id}", json={"address": None}, headers=owner.headers
        )
        assert response.json()["address"] is None

    async def test_null_name(self, client, owner: Caller, pool):
        response = await client.patch(
            f"/pools/{pool.id}", json={"name": None}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_name_of_121_characters(self, client, owner: Caller, pool):
        response = await client.patch(
            f"/pools/{pool.id}", json={"name": "n" * 121}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_empty_name(self, client, owner: Caller, pool):
        response = await client.patch(f"/pools/{pool.id}", json={"name": ""}, headers=owner.headers)
        assert response.status_code == 422

    async def test_unknown_pool_type(self, client, owner: Caller, pool):
        response = await client.patch(
            f"/pools/{pool.id}", json={"poolType": "bromine"}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_unknown_field(self, client, owner: Caller, pool):
        response = await client.patch(
            f"/pools/{pool.id}", json={"technicianIds": []}, headers=owner.headers
        )
        assert response.status_code == 422
        assert (await Pool.get(pool.id)).technician_ids == pool.technician_ids

    async def test_owner_changes_owner(self, client, owner: Caller, other_owner: Caller, pool):
        response = await client.patch(
            f"/pools/{pool.id}", json={"ownerId": str(other_owner.user.id)}, headers=owner.headers
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert (await Pool.get(pool.id)).owner_id == owner.user.id

    async def test_owner_names_themselves(self, client, owner: Caller, pool):
        response = await client.patch(
            f"/pools/{pool.id}", json={"ownerId": str(owner.user.id)}, headers=owner.headers
        )
        assert response.status_code == 200

    async def test_admin_transfers_pool(
        self, client, admin: Caller, owner: Caller, other_owner: Caller, pool
    ):
        response = await client.patch(
            f"/pools/{pool.id}", json={"ownerId": str(other_owner.user.id)}, headers=admin.headers
        )
        assert response.status_code == 200
        assert response.json()["ownerId"] == str(other_owner.user.id)
        new_owner_view = await client.get(f"/pools/{pool.id}", headers=other_owner.headers)
        old_owner_view = await client.get(f"/pools/{pool.id}", headers=owner.headers)
        assert (new_owner_view.status_code, old_owner_view.status_code) == (200, 404)

    async def test_transfer_moves_the_pools_invites(
        self, client, admin: Caller, other_owner: Caller, other_technician: Caller, pool
    ):
        invite = await make_invite(pool, other_technician.user)
        await client.patch(
            f"/pools/{pool.id}", json={"ownerId": str(other_owner.user.id)}, headers=admin.headers
        )
        response = await client.get(f"/invites/{invite.id}", headers=other_owner.headers)
        assert response.status_code == 200
        assert response.json()["ownerId"] == str(other_owner.user.id)

    async def test_admin_transfers_to_unknown_user(self, client, admin: Caller, pool):
        response = await client.patch(
            f"/pools/{pool.id}", json={"ownerId": UNKNOWN_ID}, headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_admin_transfers_to_technician(
        self, client, admin: Caller, technician: Caller, pool
    ):
        response = await client.patch(
            f"/pools/{pool.id}", json={"ownerId": str(technician.user.id)}, headers=admin.headers
        )
        assert response.status_code == 400
        assert response.json()["code"] == "user_not_owner"

    async def test_malformed_owner_id(self, client, admin: Caller, pool):
        response = await client.patch(
            f"/pools/{pool.id}", json={"ownerId": "123"}, headers=admin.headers
        )
        assert response.status_code == 422

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.patch(
            f"/pools/{UNKNOWN_ID}", json={"name": "Renamed"}, headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.patch(
            "/pools/not-an-id", json={"name": "Renamed"}, headers=admin.headers
        )
        assert response.status_code == 422

    async def test_audited(self, client, owner: Caller, pool):
        await client.patch(f"/pools/{pool.id}", json={"name": "Renamed"}, headers=owner.headers)
        assert await audit_actions(pool.id) == ["pool.update"]


class TestDeletePool:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 204, None),
            ("owner", 204, None),
            ("other_owner", 404, "pool_not_found"),
            ("technician", 403, "forbidden"),
            ("other_technician", 404, "pool_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, pool, caller, caller_headers, status, code):
        response = await client.delete(f"/pools/{pool.id}", headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)
        assert (await Pool.get(pool.id) is None) == (status == 204)

    async def test_no_body(self, client, owner: Caller, pool):
        response = await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        assert response.content == b""

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.delete(f"/pools/{UNKNOWN_ID}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.delete("/pools/not-an-id", headers=admin.headers)
        assert response.status_code == 422

    async def test_audited(self, client, owner: Caller, pool):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        assert await audit_actions(pool.id) == ["pool.delete"]


class TestRemoveTechnician:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("other_owner", 404, "pool_not_found"),
            ("technician", 200, None),  # leaving the pool
            ("other_technician", 404, "pool_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(
        self, client, technician: Caller, pool, caller, caller_headers, status, code
    ):
        response = await client.delete(
            f"/pools/{pool.id}/technicians/{technician.user.id}", headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_removed_from_pool(self, client, owner: Caller, technician: Caller, pool):
        response = await client.delete(
            f"/pools/{pool.id}/technicians/{technician.user.id}", headers=owner.headers
        )
        assert response.json()["technicianIds"] == []
        assert (await Pool.get(pool.id)).technician_ids == []

    async def test_removed_technician_loses_access(
        self, client, owner: Caller, technician: Caller, pool
    ):
        await client.delete(
            f"/pools/{pool.id}/technicians/{technician.user.id}", headers=owner.headers
        )
        response = await client.get(f"/pools/{pool.id}", headers=technician.headers)
        assert response.status_code == 404

    async def test_technician_removes_another_technician(
        self, client, owner: Caller, technician: Caller, other_technician: Caller
    ):
        shared = await make_pool(owner.user, technicians=[technician.user, other_technician.user])
        response = await client.delete(
            f"/pools/{shared.id}/technicians/{other_technician.user.id}",
            headers=technician.headers,
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert other_technician.user.id in (await Pool.get(shared.id)).technician_ids

    async def test_user_not_technician(self, client, owner: Caller, other_owner: Caller, pool):
        response = await client.delete(
            f"/pools/{pool.id}/technicians/{other_owner.user.id}", headers=owner.headers
        )
        assert response.status_code == 400
        assert response.json()["code"] == "user_not_technician"

    async def test_technician_not_assigned(
        self, client, owner: Caller, other_technician: Caller, pool
    ):
        response = await client.delete(
            f"/pools/{pool.id}/technicians/{other_technician.user.id}", headers=owner.headers
        )
        assert response.status_code == 400
        assert response.json()["code"] == "technician_not_assigned"

    async def test_removed_twice(self, client, owner: Caller, technician: Caller, pool):
        url = f"/pools/{pool.id}/technicians/{technician.user.id}"
        await client.delete(url, headers=owner.headers)
        response = await client.delete(url, headers=owner.headers)
        assert response.status_code == 400
        assert response.json()["code"] == "technician_not_assigned"

    async def test_unknown_technician(self, client, owner: Caller, pool):
        response = await client.delete(
            f"/pools/{pool.id}/technicians/{UNKNOWN_ID}", headers=owner.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_unknown_pool(self, client, admin: Caller, technician: Caller):
        response = await client.delete(
            f"/pools/{UNKNOWN_ID}/technicians/{technician.user.id}", headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_malformed_technician_id(self, client, owner: Caller, pool):
        response = await client.delete(
            f"/pools/{pool.id}/technicians/not-an-id", headers=owner.headers
        )
        assert response.status_code == 422

    async def test_audited(self, client, owner: Caller, technician: Caller, pool):
        await client.delete(
            f"/pools/{pool.id}/technicians/{technician.user.id}", headers=owner.headers
        )
        assert await audit_actions(pool.id) == ["pool.technician_remove"]


class TestReadUserSharingAPool:
    """GET /users/{userId}: an owner and the technicians of their pools may see each other."""

    async def test_owner_sees_assigned_technician(
        self, client, owner: Caller, technician: Caller, pool
    ):
        response = await client.get(f"/users/{technician.user.id}", headers=owner.headers)
        assert response.status_code == 200
        assert response.json()["id"] == str(technician.user.id)

    async def test_assigned_technician_sees_owner(
        self, client, owner: Caller, technician: Caller, pool
    ):
        response = await client.get(f"/users/{owner.user.id}", headers=technician.headers)
        assert response.status_code == 200
        assert response.json()["id"] == str(owner.user.id)

    async def test_owner_does_not_see_unassigned_technician(
        self, client, owner: Caller, other_technician: Caller, pool
    ):
        response = await client.get(f"/users/{other_technician.user.id}", headers=owner.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_other_owner_does_not_see_assigned_technician(
        self, client, other_owner: Caller, technician: Caller, pool
    ):
        response = await client.get(f"/users/{technician.user.id}", headers=other_owner.headers)
        assert response.status_code == 404

    async def test_unassigned_technician_does_not_see_owner(
        self, client, owner: Caller, other_technician: Caller, pool
    ):
        response = await client.get(f"/users/{owner.user.id}", headers=other_technician.headers)
        assert response.status_code == 404

    async def test_technicians_of_one_pool_do_not_see_each_other(
        self, client, owner: Caller, technician: Caller, other_technician: Caller
    ):
        await make_pool(owner.user, technicians=[technician.user, other_technician.user])
        response = await client.get(
            f"/users/{other_technician.user.id}", headers=technician.headers
        )
        assert response.status_code == 404

    async def test_visibility_ends_when_technician_leaves(
        self, client, owner: Caller, technician: Caller, pool
    ):
        await client.delete(
            f"/pools/{pool.id}/technicians/{technician.user.id}", headers=technician.headers
        )
        response = await client.get(f"/users/{technician.user.id}", headers=owner.headers)
        assert response.status_code == 404


class TestPoolTimezone:
    async def test_default_is_utc(self, client, owner: Caller):
        response = await client.post("/pools", json={"name": "Lido"}, headers=owner.headers)
        assert (response.status_code, response.json()["timezone"]) == (201, "UTC")

    async def test_iana_name_is_kept(self, client, owner: Caller):
        body = {"name": "Lido", "timezone": "Europe/Madrid"}
        response = await client.post("/pools", json=body, headers=owner.headers)
        assert (response.status_code, response.json()["timezone"]) == (201, "Europe/Madrid")

    @pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "", "europe/madrid"])
    async def test_unknown_name_is_422(self, client, owner: Caller, zone):
        body = {"name": "Lido", "timezone": zone}
        response = await client.post("/pools", json=body, headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_patch(self, client, owner: Caller, pool):
        response = await client.patch(
            f"/pools/{pool.id}", json={"timezone": "America/New_York"}, headers=owner.headers
        )
        assert (response.status_code, response.json()["timezone"]) == (200, "America/New_York")

    async def test_patch_null_is_422(self, client, owner: Caller, pool):
        response = await client.patch(
            f"/pools/{pool.id}", json={"timezone": None}, headers=owner.headers
        )
        assert response.status_code == 422
