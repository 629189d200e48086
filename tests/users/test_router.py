"""Users endpoints (contract section 5): one class per endpoint, one test per scenario."""

import httpx
from beanie import PydanticObjectId

from app.users.models import UserStatus
from tests.conftest import Caller
from tests.factories import DEFAULT_PASSWORD, make_user, token_for

UNKNOWN_ID = str(PydanticObjectId())
NEW_PASSWORD = "a-brand-new-passphrase"


def new_user_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "Ada",
        "lastName": "Lovelace",
        "email": "ada@example.com",
        "password": "analytical-engine",
        "role": "owner",
    }
    body.update(overrides)
    return body


async def login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/auth/login", json={"email": email, "password": password})


def ids(response: httpx.Response) -> set[str]:
    return {item["id"] for item in response.json()["items"]}


class TestListUsers:
    async def test_admin(self, client, admin: Caller, owner: Caller, technician: Caller):
        response = await client.get("/users", headers=admin.headers)
        assert response.status_code == 200
        assert ids(response) == {str(admin.user.id), str(owner.user.id), str(technician.user.id)}
        assert "passwordHash" not in response.json()["items"][0]

    async def test_owner(self, client, owner: Caller):
        response = await client.get("/users", headers=owner.headers)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"

    async def test_technician(self, client, technician: Caller):
        response = await client.get("/users", headers=technician.headers)
        assert response.status_code == 403

    async def test_anonymous(self, client):
        response = await client.get("/users")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    async def test_filter_role(self, client, admin: Caller, owner: Caller, technician: Caller):
        response = await client.get("/users", params={"role": "technician"}, headers=admin.headers)
        assert ids(response) == {str(technician.user.id)}

    async def test_filter_status(self, client, settings, admin: Caller, owner: Caller):
        inactive = await make_user(settings, status=UserStatus.INACTIVE)
        response = await client.get("/users", params={"status": "inactive"}, headers=admin.headers)
        assert ids(response) == {str(inactive.id)}

    async def test_filter_q_matches_name_case_insensitively(
        self, client, settings, admin: Caller, owner: Caller
    ):
        match = await make_user(settings, name="Marguerite")
        response = await client.get("/users", params={"q": "GUER"}, headers=admin.headers)
        assert ids(response) == {str(match.id)}

    async def test_filter_q_matches_last_name(self, client, admin: Caller, owner: Caller):
        created = await client.post(
            "/users", json=new_user_body(lastName="Hopper"), headers=admin.headers
        )
        response = await client.get("/users", params={"q": "hopp"}, headers=admin.headers)
        assert ids(response) == {created.json()["id"]}

    async def test_filter_q_matches_email(self, client, settings, admin: Caller, owner: Caller):
        match = await make_user(settings, email="pool.boss@example.org")
        response = await client.get(
            "/users", params={"q": "Boss@Example.ORG"}, headers=admin.headers
        )
        assert ids(response) == {str(match.id)}

    async def test_filter_q_is_not_a_regex(self, client, admin: Caller, owner: Caller):
        response = await client.get("/users", params={"q": ".*"}, headers=admin.headers)
        assert response.json()["total"] == 0

    async def test_deleted_hidden_by_default(self, client, settings, admin: Caller):
        await make_user(settings, status=UserStatus.DELETED)
        response = await client.get("/users", headers=admin.headers)
        assert ids(response) == {str(admin.user.id)}

    async def test_deleted_listed_with_status_deleted(self, client, settings, admin: Caller):
        deleted = await make_user(settings, status=UserStatus.DELETED)
        response = await client.get("/users", params={"status": "deleted"}, headers=admin.headers)
        assert ids(response) == {str(deleted.id)}

    async def test_pagination_window_is_echoed(
        self, client, admin: Caller, owner: Caller, technician: Caller
    ):
        response = await client.get(
            "/users", params={"limit": 2, "offset": 1}, headers=admin.headers
        )
        body = response.json()
        assert (body["total"], body["limit"], body["offset"]) == (3, 2, 1)
        assert len(body["items"]) == 2

    async def test_newest_first(self, client, admin: Caller, owner: Caller, technician: Caller):
        response = await client.get("/users", headers=admin.headers)
        assert [item["id"] for item in response.json()["items"]] == [
            str(technician.user.id),
            str(owner.user.id),
            str(admin.user.id),
        ]

    async def test_limit_zero(self, client, admin: Caller):
        response = await client.get("/users", params={"limit": 0}, headers=admin.headers)
        assert response.status_code == 422

    async def test_limit_above_100(self, client, admin: Caller):
        response = await client.get("/users", params={"limit": 101}, headers=admin.headers)
        assert response.status_code == 422

    async def test_negative_offset(self, client, admin: Caller):
        response = await client.get("/users", params={"offset": -1}, headers=admin.headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["query", "offset"]


class TestCreateUser:
    async def test_admin_creates_owner(self, client, admin: Caller):
        response = await client.post("/users", json=new_user_body(), headers=admin.headers)
        assert response.status_code == 201
        body = response.json()
        assert body["email"] == "ada@example.com"
        assert body["role"] == "owner"
        assert body["status"] == "active"
        assert "access_token" not in body
        assert "refresh_token" not in body

    async def test_admin_creates_admin(self, client, admin: Caller):
        response = await client.post(
            "/users", json=new_user_body(role="admin"), headers=admin.headers
        )
        assert response.status_code == 201
        assert response.json()["role"] == "admin"

    async def test_admin_creates_inactive_user(self, client, admin: Caller):
        response = await client.post(
            "/users", json=new_user_body(status="inactive"), headers=admin.headers
        )
        assert response.json()["status"] == "inactive"

    async def test_created_user_can_log_in(self, client, admin: Caller):
        await client.post("/users", json=new_user_body(), headers=admin.headers)
        response = await login(client, "ada@example.com", "analytical-engine")
        assert response.status_code == 200

    async def test_no_password_hash_in_response(self, client, admin: Caller):
        response = await client.post("/users", json=new_user_body(), headers=admin.headers)
        assert "passwordHash" not in response.text
        assert "password_hash" not in response.text
        assert "analytical-engine" not in response.text

    async def test_email_taken(self, client, admin: Caller, owner: Caller):
        response = await client.post(
            "/users", json=new_user_body(email=owner.user.email.upper()), headers=admin.headers
        )
        assert response.status_code == 409
        assert response.json()["code"] == "email_taken"

    async def test_owner(self, client, owner: Caller):
        response = await client.post("/users", json=new_user_body(), headers=owner.headers)
        assert response.status_code == 403

    async def test_anonymous(self, client):
        response = await client.post("/users", json=new_user_body())
        assert response.status_code == 401

    async def test_unknown_field(self, client, admin: Caller):
        response = await client.post(
            "/users", json=new_user_body(nickname="Ada"), headers=admin.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "nickname"]

    async def test_invalid_status(self, client, admin: Caller):
        response = await client.post(
            "/users", json=new_user_body(status="sleeping"), headers=admin.headers
        )
        assert response.status_code == 422

    async def test_status_deleted_refused(self, client, admin: Caller):
        response = await client.post(
            "/users", json=new_user_body(status="deleted"), headers=admin.headers
        )
        assert response.status_code == 422

    async def test_snake_case_input_accepted(self, client, admin: Caller):
        body = new_user_body()
        body["last_name"] = body.pop("lastName")
        response = await client.post("/users", json=body, headers=admin.headers)
        assert response.status_code == 201
        assert response.json()["lastName"] == "Lovelace"


class TestReadMe:
    async def test_authenticated(self, client, owner: Caller):
        response = await client.get("/users/me", headers=owner.headers)
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == str(owner.user.id)
        assert body["email"] == owner.user.email
        assert "passwordHash" not in body

    async def test_anonymous(self, client):
        response = await client.get("/users/me")
        assert response.status_code == 401

    async def test_times_are_utc_with_z(self, client, owner: Caller):
        body = (await client.get("/users/me", headers=owner.headers)).json()
        assert body["createdAt"].endswith("Z")
        assert body["updatedAt"].endswith("Z")


class TestChangePassword:
    URL = "/users/me/change-password"

    async def test_current_password_incorrect(self, client, owner: Caller):
        response = await client.post(
            self.URL,
            json={"currentPassword": "not-my-password", "newPassword": NEW_PASSWORD},
            headers=owner.headers,
        )
        assert response.status_code == 400
        assert response.json()["code"] == "current_password_incorrect"

    async def test_password_unchanged(self, client, owner: Caller):
        response = await client.post(
            self.URL,
            json={"currentPassword": DEFAULT_PASSWORD, "newPassword": DEFAULT_PASSWORD},
            headers=owner.headers,
        )
        assert response.status_code == 400
        assert response.json()["code"] == "password_unchanged"

    async def test_success(self, client, owner: Caller):
        response = await client.post(
            self.URL,
            json={"currentPassword": DEFAULT_PASSWORD, "newPassword": NEW_PASSWORD},
            headers=owner.headers,
        )
        assert response.status_code == 200
        assert response.json() == {"detail": "Password changed"}

    async def test_old_password_no_longer_logs_in(self, client, owner: Caller):
        await client.post(
            self.URL,
            json={"currentPassword": DEFAULT_PASSWORD, "newPassword": NEW_PASSWORD},
            headers=owner.headers,
        )
        response = await login(client, owner.user.email, DEFAULT_PASSWORD)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"

    async def test_new_password_logs_in(self, client, owner: Caller):
        await client.post(
            self.URL,
            json={"currentPassword": DEFAULT_PASSWORD, "newPassword": NEW_PASSWORD},
            headers=owner.headers,
        )
        response = await login(client, owner.user.email, NEW_PASSWORD)
        assert response.status_code == 200

    async def test_own_session_survives(self, client, owner: Caller):
        await client.post(
            self.URL,
            json={"currentPassword": DEFAULT_PASSWORD, "newPassword": NEW_PASSWORD},
            headers=owner.headers,
        )
        response = await client.get("/users/me", headers=owner.headers)
        assert response.status_code == 200

    async def test_other_sessions_are_revoked(self, client, settings, owner: Caller):
        other_session = {"Authorization": f"Bearer {await token_for(settings, owner.user)}"}
        await client.post(
            self.URL,
            json={"currentPassword": DEFAULT_PASSWORD, "newPassword": NEW_PASSWORD},
            headers=owner.headers,
        )
        response = await client.get("/users/me", headers=other_session)
        assert response.status_code == 401

    async def test_new_password_too_short(self, client, owner: Caller):
        response = await client.post(
            self.URL,
            json={"currentPassword": DEFAULT_PASSWORD, "newPassword": "short"},
            headers=owner.headers,
        )
        assert response.status_code == 422

    async def test_anonymous(self, client):
        response = await client.post(
            self.URL, json={"currentPassword": DEFAULT_PASSWORD, "newPassword": NEW_PASSWORD}
        )
        assert response.status_code == 401


class TestReadUser:
    async def test_admin(self, client, admin: Caller, owner: Caller):
        response = await client.get(f"/users/{owner.user.id}", headers=admin.headers)
        assert response.status_code == 200
        assert response.json()["id"] == str(owner.user.id)

    async def test_self(self, client, owner: Caller):
        response = await client.get(f"/users/{owner.user.id}", headers=owner.headers)
        assert response.status_code == 200
        assert response.json()["email"] == owner.user.email

    async def test_other_owner(self, client, owner: Caller, other_owner: Caller):
        response = await client.get(f"/users/{other_owner.user.id}", headers=owner.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_technician_without_shared_pool(self, client, owner: Caller, technician: Caller):
        response = await client.get(f"/users/{owner.user.id}", headers=technician.headers)
        assert response.status_code == 404

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.get("/users/not-an-id", headers=admin.headers)
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.get(f"/users/{UNKNOWN_ID}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_anonymous(self, client, owner: Caller):
        response = await client.get(f"/users/{owner.user.id}")
        assert response.status_code == 401


class TestUpdateUser:
    async def test_self_changes_profile(self, client, owner: Caller):
        response = await client.patch(
            f"/users/{owner.user.id}",
            json={"name": "Grace", "lastName": "Hopper", "phone": "+34 600 000 000"},
            headers=owner.headers,
        )
        assert response.status_code == 200
        body = response.json()
        assert (body["name"], body["lastName"], body["phone"]) == (
            "Grace",
            "Hopper",
            "+34 600 000 000",
        )

    async def test_change_is_stored(self, client, owner: Caller):
        await client.patch(f"/users/{owner.user.id}", json={"name": "Grace"}, headers=owner.headers)
        response = await client.get("/users/me", headers=owner.headers)
        assert response.json()["name"] == "Grace"

    async def test_self_changes_email(self, client, owner: Caller):
        response = await client.patch(
            f"/users/{owner.user.id}", json={"email": " New@Example.com "}, headers=owner.headers
        )
        assert response.status_code == 200
        assert response.json()["email"] == "new@example.com"

    async def test_email_taken(self, client, owner: Caller, other_owner: Caller):
        response = await client.patch(
            f"/users/{owner.user.id}",
            json={"email": other_owner.user.email},
            headers=owner.headers,
        )
        assert response.status_code == 409
        assert response.json()["code"] == "email_taken"

    async def test_self_changes_role(self, client, owner: Caller):
        response = await client.patch(
            f"/users/{owner.user.id}", json={"role": "admin"}, headers=owner.headers
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"

    async def test_self_changes_status(self, client, owner: Caller):
        response = await client.patch(
            f"/users/{owner.user.id}", json={"status": "inactive"}, headers=owner.headers
        )
        assert response.status_code == 403

    async def test_admin_changes_role(self, client, admin: Caller, owner: Caller):
        response = await client.patch(
            f"/users/{owner.user.id}", json={"role": "technician"}, headers=admin.headers
        )
        assert response.status_code == 200
        assert response.json()["role"] == "technician"

    async def test_admin_changes_status(self, client, admin: Caller, owner: Caller):
        response = await client.patch(
            f"/users/{owner.user.id}", json={"status": "inactive"}, headers=admin.headers
        )
        assert response.status_code == 200
        assert response.json()["status"] == "inactive"

    async def test_role_change_applies_to_existing_token(
        self, client, admin: Caller, owner: Caller
    ):
        await client.patch(f"/users/{owner.user.id}", json={"role": "admin"}, headers=admin.headers)
        response = await client.get("/users", headers=owner.headers)
        assert response.status_code == 200

    async def test_inactive_user_token_stops_working(self, client, admin: Caller, owner: Caller):
        await client.patch(
            f"/users/{owner.user.id}", json={"status": "inactive"}, headers=admin.headers
        )
        response = await client.get("/users/me", headers=owner.headers)
        assert response.status_code == 401

    async def test_other_owner(self, client, owner: Caller, other_owner: Caller):
        response = await client.patch(
            f"/users/{other_owner.user.id}", json={"name": "Mallory"}, headers=owner.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_unknown_field(self, client, owner: Caller):
        response = await client.patch(
            f"/users/{owner.user.id}", json={"nickname": "Ada"}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_status_deleted_refused(self, client, admin: Caller, owner: Caller):
        response = await client.patch(
            f"/users/{owner.user.id}", json={"status": "deleted"}, headers=admin.headers
        )
        assert response.status_code == 422

    async def test_null_name_refused(self, client, owner: Caller):
        response = await client.patch(
            f"/users/{owner.user.id}", json={"name": None}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_null_phone_clears_it(self, client, owner: Caller):
        await client.patch(f"/users/{owner.user.id}", json={"phone": "123"}, headers=owner.headers)
        response = await client.patch(
            f"/users/{owner.user.id}", json={"phone": None}, headers=owner.headers
        )
        assert response.status_code == 200
        assert response.json()["phone"] is None

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.patch(
            f"/users/{UNKNOWN_ID}", json={"name": "Nobody"}, headers=admin.headers
        )
        assert response.status_code == 404

    async def test_anonymous(self, client, owner: Caller):
        response = await client.patch(f"/users/{owner.user.id}", json={"name": "Anon"})
        assert response.status_code == 401


class TestDeleteUser:
    async def test_self(self, client, owner: Caller):
        response = await client.delete(f"/users/{owner.user.id}", headers=owner.headers)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"id", "deleted", "deletedAt"}
        assert body["id"] == str(owner.user.id)
        assert body["deleted"] is True
        assert body["deletedAt"].endswith("Z")

    async def test_token_stops_working(self, client, owner: Caller):
        await client.delete(f"/users/{owner.user.id}", headers=owner.headers)
        response = await client.get("/users/me", headers=owner.headers)
        assert response.status_code == 401

    async def test_login_refused(self, client, owner: Caller):
        await client.delete(f"/users/{owner.user.id}", headers=owner.headers)
        response = await login(client, owner.user.email, DEFAULT_PASSWORD)
        assert response.status_code == 403
        assert response.json()["code"] == "account_deleted"

    async def test_admin(self, client, admin: Caller, technician: Caller):
        response = await client.delete(f"/users/{technician.user.id}", headers=admin.headers)
        assert response.status_code == 200
        assert response.json()["deleted"] is True

    async def test_other_owner(self, client, owner: Caller, other_owner: Caller):
        response = await client.delete(f"/users/{other_owner.user.id}", headers=owner.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"

    async def test_other_owner_is_not_deleted(self, client, owner: Caller, other_owner: Caller):
        await client.delete(f"/users/{other_owner.user.id}", headers=owner.headers)
        response = await client.get("/users/me", headers=other_owner.headers)
        assert response.status_code == 200

    async def test_listed_as_deleted(self, client, admin: Caller, owner: Caller):
        await client.delete(f"/users/{owner.user.id}", headers=admin.headers)
        response = await client.get("/users", params={"status": "deleted"}, headers=admin.headers)
        assert ids(response) == {str(owner.user.id)}
        assert response.json()["items"][0]["status"] == "deleted"

    async def test_hidden_from_default_list(self, client, admin: Caller, owner: Caller):
        await client.delete(f"/users/{owner.user.id}", headers=admin.headers)
        response = await client.get("/users", headers=admin.headers)
        assert str(owner.user.id) not in ids(response)

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.delete(f"/users/{UNKNOWN_ID}", headers=admin.headers)
        assert response.status_code == 404

    async def test_anonymous(self, client, owner: Caller):
        response = await client.delete(f"/users/{owner.user.id}")
        assert response.status_code == 401
