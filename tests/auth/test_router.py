"""Auth endpoints: register, login, OAuth2 token, refresh, logout, and bearer-token checks."""

import asyncio
import itertools
from datetime import timedelta

import httpx
import jwt
import pytest

from app.audit.models import AuditEvent
from app.auth import sessions
from app.auth.models import Session
from app.core import security
from app.core.config import Settings
from app.users.models import Role, User, UserStatus
from tests.factories import DEFAULT_PASSWORD, make_user

PROBLEM_JSON = "application/problem+json"
_emails = itertools.count(1)


def register_body(**overrides: object) -> dict[str, object]:
    """A valid registration body with a fresh email."""
    body: dict[str, object] = {
        "name": "Ada",
        "lastName": "Lovelace",
        "email": f"new{next(_emails)}@example.com",
        "password": "s3cret-password",
        "role": "owner",
    }
    body.update(overrides)
    return body


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/auth/login", json={"email": email, "password": password})


async def tokens_for(client: httpx.AsyncClient, user: User) -> dict:
    """The token response of a fresh login of the user."""
    response = await log_in(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 200, response.text
    return response.json()


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


async def me(client: httpx.AsyncClient, access_token: str) -> httpx.Response:
    return await client.get("/users/me", headers=bearer(access_token))


def without_request_id(problem: dict) -> dict:
    return {key: value for key, value in problem.items() if key != "requestId"}


def assert_token_response(body: dict) -> None:
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert isinstance(body["access_token"], str) and body["access_token"]
    assert isinstance(body["refresh_token"], str) and len(body["refresh_token"]) >= 43


class TestRegister:
    async def test_returns_token_response(self, client: httpx.AsyncClient) -> None:
        body = register_body()
        response = await client.post("/auth/register", json=body)
        assert response.status_code == 201
        data = response.json()
        assert_token_response(data)
        assert data["user"]["email"] == body["email"]
        assert data["user"]["lastName"] == "Lovelace"
        assert data["user"]["role"] == "owner"
        assert data["user"]["status"] == "active"
        assert data["user"]["createdAt"].endswith("Z")

    async def test_never_returns_password_hash(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/auth/register", json=register_body())
        assert response.status_code == 201
        assert "password" not in response.text.lower()

    async def test_issued_access_token_works(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/auth/register", json=register_body())
        me_response = await me(client, response.json()["access_token"])
        assert me_response.status_code == 200
        assert me_response.json()["id"] == response.json()["user"]["id"]

    async def test_technician(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/auth/register", json=register_body(role="technician"))
        assert response.status_code == 201
        assert response.json()["user"]["role"] == "technician"

    async def test_email_trimmed_and_lowercased(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/auth/register", json=register_body(email="  Grace.Hopper@Example.COM ")
        )
        assert response.status_code == 201
        assert response.json()["user"]["email"] == "grace.hopper@example.com"
        assert await User.find_one({"email": "grace.hopper@example.com"}) is not None

    async def test_snake_case_input(self, client: httpx.AsyncClient) -> None:
        body = register_body()
        body["last_name"] = body.pop("lastName")
        response = await client.post("/auth/register", json=body)
        assert response.status_code == 201
        assert response.json()["user"]["lastName"] == "Lovelace"

    async def test_admin_role_refused(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/auth/register", json=register_body(role="admin"))
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"
        assert await User.find_one({"role": Role.ADMIN}) is None

    async def test_unknown_field(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/auth/register", json=register_body(nickname="ada"))
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM_JSON
        assert any(issue["loc"][-1] == "nickname" for issue in response.json()["errors"])

    async def test_invalid_email(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/auth/register", json=register_body(email="not-an-email"))
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"][-1] == "email"

    async def test_password_too_short(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/auth/register", json=register_body(password="1234567"))
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"][-1] == "password"

    async def test_password_of_72_bytes_accepted(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/auth/register", json=register_body(password="é" * 36))
        assert response.status_code == 201

    async def test_password_over_72_bytes(self, client: httpx.AsyncClient) -> None:
        # 40 characters, but 80 bytes in UTF-8: bcrypt would silently ignore the tail.
        response = await client.post("/auth/register", json=register_body(password="é" * 40))
        assert response.status_code == 422
        [issue] = response.json()["errors"]
        assert issue["loc"][-1] == "password"
        assert "72 bytes" in issue["msg"]

    async def test_duplicate_email(self, client: httpx.AsyncClient, owner) -> None:
        response = await client.post("/auth/register", json=register_body(email=owner.user.email))
        assert response.status_code == 409
        assert response.json()["code"] == "email_taken"

    async def test_duplicate_email_other_case(self, client: httpx.AsyncClient) -> None:
        first = await client.post("/auth/register", json=register_body(email="dup@example.com"))
        assert first.status_code == 201
        second = await client.post("/auth/register", json=register_body(email="DUP@Example.com"))
        assert second.status_code == 409
        assert second.json()["code"] == "email_taken"

    async def test_concurrent_registrations_of_one_email(self, client: httpx.AsyncClient) -> None:
        for attempt in range(10):
            body = register_body(email=f"race{attempt}@example.com")
            responses = await asyncio.gather(
                client.post("/auth/register", json=body), client.post("/auth/register", json=body)
            )
            assert sorted(r.status_code for r in responses) == [201, 409]
            assert await User.find({"email": body["email"]}).count() == 1

    async def test_password_whitespace_kept(self, client: httpx.AsyncClient) -> None:
        body = register_body(password="  spaced password  ")
        await client.post("/auth/register", json=body)
        response = await client.post(
            "/auth/token", data={"username": body["email"], "password": "  spaced password  "}
        )
        assert response.status_code == 200


class TestLogin:
    async def test_success(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 200
        data = response.json()
        assert_token_response(data)
        assert data["user"]["id"] == str(user.id)
        assert "password" not in response.text.lower()

    async def test_sets_last_login_at(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        assert user.last_login_at is None
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.json()["user"]["lastLoginAt"].endswith("Z")
        stored = await User.get(user.id)
        assert stored is not None and stored.last_login_at is not None

    async def test_email_case_insensitive(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        user = await make_user(settings, email="mixed@example.com")
        response = await log_in(client, "  MIXED@Example.com ", DEFAULT_PASSWORD)
        assert response.status_code == 200
        assert response.json()["user"]["id"] == str(user.id)

    async def test_wrong_password(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        response = await log_in(client, user.email, "wrong-password")
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"
        assert response.headers["content-type"] == PROBLEM_JSON

    async def test_overlong_password(self, client: httpx.AsyncClient, settings: Settings) -> None:
        # bcrypt refuses more than 72 bytes; that can never match, so it is a plain 401.
        user = await make_user(settings)
        response = await log_in(client, user.email, DEFAULT_PASSWORD + "x" * 100)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"

    async def test_same_answer_for_every_credential_failure(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        user = await make_user(settings)
        passwordless = await make_user(settings, password=None)
        answers = [
            await log_in(client, "nobody@example.com", DEFAULT_PASSWORD),
            await log_in(client, user.email, "wrong-password"),
            await log_in(client, passwordless.email, DEFAULT_PASSWORD),
        ]
        assert [answer.status_code for answer in answers] == [401, 401, 401]
        bodies = [without_request_id(answer.json()) for answer in answers]
        assert bodies[0]["code"] == "invalid_credentials"
        assert bodies[0] == bodies[1] == bodies[2]

    async def test_inactive(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings, status=UserStatus.INACTIVE)
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 403
        assert response.json()["code"] == "account_inactive"

    async def test_deleted(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings, status=UserStatus.DELETED)
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 403
        assert response.json()["code"] == "account_deleted"

    async def test_inactive_wrong_password(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        user = await make_user(settings, status=UserStatus.INACTIVE)
        response = await log_in(client, user.email, "wrong-password")
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"

    async def test_deleted_wrong_password(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        user = await make_user(settings, status=UserStatus.DELETED)
        response = await log_in(client, user.email, "wrong-password")
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"

    async def test_inactive_gets_no_session(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        user = await make_user(settings, status=UserStatus.INACTIVE)
        await log_in(client, user.email, DEFAULT_PASSWORD)
        assert await Session.find({"user_id": user.id}).count() == 0

    @pytest.mark.parametrize("missing", ["email", "password"])
    async def test_missing_field(self, client: httpx.AsyncClient, missing: str) -> None:
        body = {"email": "someone@example.com", "password": DEFAULT_PASSWORD}
        del body[missing]
        response = await client.post("/auth/login", json=body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"][-1] == missing

    async def test_records_audit_event(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        tokens = await tokens_for(client, user)
        event = await AuditEvent.find_one({"action": "auth.login"})
        assert event is not None
        assert event.actor_id == user.id
        assert event.resource_id == str(user.id)
        stored = event.model_dump_json()
        for secret in (DEFAULT_PASSWORD, tokens["access_token"], tokens["refresh_token"]):
            assert secret not in stored

    async def test_failure_not_audited(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        await log_in(client, user.email, "wrong-password")
        assert await AuditEvent.find_one({"action": "auth.login"}) is None


class TestToken:
    async def test_success(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        response = await client.post(
            "/auth/token", data={"username": user.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 200
        assert_token_response(response.json())
        assert response.json()["user"]["id"] == str(user.id)

    async def test_username_case_insensitive(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        user = await make_user(settings, email="formuser@example.com")
        response = await client.post(
            "/auth/token",
            data={"username": " FormUser@Example.com ", "password": DEFAULT_PASSWORD},
        )
        assert response.status_code == 200
        assert response.json()["user"]["id"] == str(user.id)

    async def test_wrong_password(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        response = await client.post(
            "/auth/token", data={"username": user.email, "password": "wrong-password"}
        )
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"

    async def test_inactive(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings, status=UserStatus.INACTIVE)
        response = await client.post(
            "/auth/token", data={"username": user.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 403
        assert response.json()["code"] == "account_inactive"

    async def test_json_body(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        response = await client.post(
            "/auth/token", json={"username": user.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"


class TestRefresh:
    async def test_returns_new_tokens(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        tokens = await tokens_for(client, user)
        response = await client.post(
            "/auth/refresh", json={"refreshToken": tokens["refresh_token"]}
        )
        assert response.status_code == 200
        data = response.json()
        assert_token_response(data)
        assert data["refresh_token"] != tokens["refresh_token"]
        assert data["user"]["id"] == str(user.id)
        assert (await me(client, data["access_token"])).status_code == 200

    async def test_snake_case_field(self, client: httpx.AsyncClient, settings: Settings) -> None:
        tokens = await tokens_for(client, await make_user(settings))
        response = await client.post(
            "/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert response.status_code == 200

    async def test_old_token_refused(self, client: httpx.AsyncClient, settings: Settings) -> None:
        tokens = await tokens_for(client, await make_user(settings))
        await client.post("/auth/refresh", json={"refreshToken": tokens["refresh_token"]})
        response = await client.post(
            "/auth/refresh", json={"refreshToken": tokens["refresh_token"]}
        )
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_refresh_token"

    async def test_reuse_revokes_session(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        tokens = await tokens_for(client, await make_user(settings))
        rotated = await client.post("/auth/refresh", json={"refreshToken": tokens["refresh_token"]})
        newest = rotated.json()
        await client.post("/auth/refresh", json={"refreshToken": tokens["refresh_token"]})

        refresh_again = await client.post(
            "/auth/refresh", json={"refreshToken": newest["refresh_token"]}
        )
        assert refresh_again.status_code == 401
        assert refresh_again.json()["code"] == "invalid_refresh_token"
        me_response = await me(client, newest["access_token"])
        assert me_response.status_code == 401
        assert me_response.json()["code"] == "token_revoked"

    async def test_reuse_is_audited(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        tokens = await tokens_for(client, user)
        await client.post("/auth/refresh", json={"refreshToken": tokens["refresh_token"]})
        await client.post("/auth/refresh", json={"refreshToken": tokens["refresh_token"]})
        events = await AuditEvent.find({"action": "auth.refresh_reuse_detected"}).to_list()
        assert len(events) == 1
        assert events[0].actor_id == user.id
        assert events[0].resource_type == "session"
        session = await Session.find_one({"user_id": user.id})
        assert session is not None and events[0].resource_id == str(session.id)

    async def test_unknown_token_is_not_audited_as_reuse(self, client: httpx.AsyncClient) -> None:
        await client.post("/auth/refresh", json={"refreshToken": "not-a-real-token"})
        assert await AuditEvent.find({"action": "auth.refresh_reuse_detected"}).count() == 0

    async def test_reuse_keeps_other_sessions(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        user = await make_user(settings)
        stolen = await tokens_for(client, user)
        other = await tokens_for(client, user)
        await client.post("/auth/refresh", json={"refreshToken": stolen["refresh_token"]})
        await client.post("/auth/refresh", json={"refreshToken": stolen["refresh_token"]})
        assert (await me(client, other["access_token"])).status_code == 200

    async def test_garbage_token(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/auth/refresh", json={"refreshToken": "not-a-real-token"})
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_refresh_token"

    async def test_access_token_is_not_a_refresh_token(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        tokens = await tokens_for(client, await make_user(settings))
        response = await client.post("/auth/refresh", json={"refreshToken": tokens["access_token"]})
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_refresh_token"

    async def test_expired_session(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        _session, refresh_token = await sessions.start(user_id=user.id, ttl=timedelta(seconds=-1))
        response = await client.post("/auth/refresh", json={"refreshToken": refresh_token})
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_refresh_token"

    async def test_deleted_user(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        tokens = await tokens_for(client, user)
        await user.set({"status": UserStatus.DELETED})
        response = await client.post(
            "/auth/refresh", json={"refreshToken": tokens["refresh_token"]}
        )
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_refresh_token"

    async def test_inactive_user(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        tokens = await tokens_for(client, user)
        await user.set({"status": UserStatus.INACTIVE})
        response = await client.post(
            "/auth/refresh", json={"refreshToken": tokens["refresh_token"]}
        )
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_refresh_token"

    async def test_missing_token(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/auth/refresh", json={})
        assert response.status_code == 422

    async def test_refresh_token_stored_only_as_hash(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        user = await make_user(settings)
        tokens = await tokens_for(client, user)
        stored = await Session.get_motor_collection().find_one({"user_id": user.id})
        assert tokens["refresh_token"] not in str(stored)
        assert stored["refresh_token_hash"] == security.hash_token(tokens["refresh_token"])


class TestLogout:
    async def test_success(self, client: httpx.AsyncClient, owner) -> None:
        response = await client.post("/auth/logout", headers=owner.headers)
        assert response.status_code == 200
        assert response.json() == {"detail": "Logged out"}

    async def test_access_token_revoked(self, client: httpx.AsyncClient, owner) -> None:
        await client.post("/auth/logout", headers=owner.headers)
        response = await client.get("/users/me", headers=owner.headers)
        assert response.status_code == 401
        assert response.json()["code"] == "token_revoked"

    async def test_refresh_token_revoked(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        tokens = await tokens_for(client, await make_user(settings))
        await client.post("/auth/logout", headers=bearer(tokens["access_token"]))
        response = await client.post(
            "/auth/refresh", json={"refreshToken": tokens["refresh_token"]}
        )
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_refresh_token"

    async def test_other_sessions_keep_working(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        user = await make_user(settings)
        leaving = await tokens_for(client, user)
        staying = await tokens_for(client, user)
        await client.post("/auth/logout", headers=bearer(leaving["access_token"]))
        assert (await me(client, staying["access_token"])).status_code == 200
        refreshed = await client.post(
            "/auth/refresh", json={"refreshToken": staying["refresh_token"]}
        )
        assert refreshed.status_code == 200

    async def test_anonymous(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/auth/logout")
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["code"] == "not_authenticated"

    async def test_records_audit_event(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        tokens = await tokens_for(client, user)
        await client.post("/auth/logout", headers=bearer(tokens["access_token"]))
        event = await AuditEvent.find_one({"action": "auth.logout"})
        assert event is not None
        assert event.actor_id == user.id
        stored = event.model_dump_json()
        for secret in (DEFAULT_PASSWORD, tokens["access_token"], tokens["refresh_token"]):
            assert secret not in stored


async def access_token(settings: Settings, user: User, **overrides: object) -> str:
    """An access token for a fresh session of the user, with the signing inputs overridable."""
    session, _ = await sessions.start(user_id=user.id, ttl=timedelta(days=1))
    arguments: dict = {
        "user_id": str(user.id),
        "role": user.role.value,
        "session_id": str(session.id),
        "secret": settings.secret_key,
        "algorithm": settings.jwt_algorithm,
        "ttl": timedelta(minutes=15),
    }
    arguments.update(overrides)
    return security.create_access_token(**arguments)


class TestAccessToken:
    async def test_valid(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        response = await me(client, await access_token(settings, user))
        assert response.status_code == 200

    async def test_missing_authorization(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/users/me")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    async def test_expired(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        token = await access_token(settings, user, ttl=timedelta(minutes=-1))
        response = await me(client, token)
        assert response.status_code == 401
        assert response.json()["code"] == "token_expired"

    async def test_tampered_signature(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        header, payload, signature = (await access_token(settings, user)).split(".")
        flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
        response = await me(client, f"{header}.{payload}.{flipped}")
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"

    async def test_tampered_payload(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        admin_payload = (await access_token(settings, user, role="admin")).split(".")[1]
        header, _, signature = (await access_token(settings, user)).split(".")
        response = await me(client, f"{header}.{admin_payload}.{signature}")
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"

    async def test_other_secret(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        token = await access_token(settings, user, secret="another-secret-" + "x" * 40)
        response = await me(client, token)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"

    async def test_refresh_token_as_bearer(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        tokens = await tokens_for(client, await make_user(settings))
        response = await me(client, tokens["refresh_token"])
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"

    async def test_unknown_session(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        token = await access_token(settings, user, session_id="0123456789abcdef01234567")
        response = await me(client, token)
        assert response.status_code == 401
        assert response.json()["code"] == "token_revoked"

    @pytest.mark.parametrize(
        "exp", ["soon", "99999999999", 10**30, 1e300, float("nan"), True, None, {"at": 1}], ids=repr
    )
    async def test_malformed_exp(self, client: httpx.AsyncClient, settings: Settings, exp) -> None:
        user = await make_user(settings)
        session, _ = await sessions.start(user_id=user.id, ttl=timedelta(days=1))
        claims = {"sub": str(user.id), "sid": str(session.id), "role": "owner", "iat": 1}
        token = jwt.encode({**claims, "exp": exp, "typ": "access"}, settings.secret_key)
        response = await me(client, token)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"

    async def test_inactive_user(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        token = await access_token(settings, user)
        await user.set({"status": UserStatus.INACTIVE})
        response = await me(client, token)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"

    async def test_deleted_user(self, client: httpx.AsyncClient, settings: Settings) -> None:
        user = await make_user(settings)
        token = await access_token(settings, user)
        await user.set({"status": UserStatus.DELETED})
        response = await me(client, token)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"
