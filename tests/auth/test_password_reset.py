"""Password reset by email (§17): one answer for every address, limits of its own,
single-use hashed tokens, every session revoked on confirm."""

import asyncio
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from app.audit.models import AuditEvent
from app.auth.models import PasswordResetToken, Session
from app.core.config import Settings
from app.core.security import hash_token
from app.notifications.models import EmailJob
from app.users.models import Role, UserStatus, utcnow
from tests.conftest import Caller
from tests.factories import DEFAULT_PASSWORD, make_user

REQUEST = "/auth/password-reset/request"
CONFIRM = "/auth/password-reset/confirm"
NEW_PASSWORD = "a-fresh-reset-password"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No background worker: the queued emails stay readable (the link is cleared once sent)."""
    return settings.model_copy(update={"background_jobs_enabled": False})


async def _reset_emails() -> list[EmailJob]:
    return await EmailJob.find({"kind": "password_reset"}).to_list()


def _token_of(job: EmailJob) -> str:
    return parse_qs(urlsplit(job.link_path).query)["token"][0]


class TestRequest:
    async def test_same_answer_for_known_and_unknown(self, client, owner: Caller):
        known = await client.post(REQUEST, json={"email": owner.user.email.upper()})
        unknown = await client.post(REQUEST, json={"email": "nobody@example.com"})
        assert known.status_code == unknown.status_code == 202
        assert known.json() == unknown.json()
        [job] = await _reset_emails()
        assert job.to == owner.user.email
        assert job.subject.startswith("[Poolia]")
        assert job.link_path.startswith("/reset-password?token=")

    async def test_token_is_stored_hashed_only(self, client, owner: Caller):
        await client.post(REQUEST, json={"email": owner.user.email})
        token = _token_of((await _reset_emails())[0])
        assert len(token) >= 43  # 32 random bytes, URL-safe base64
        [stored] = await PasswordResetToken.find({}).to_list()
        assert stored.token_hash == hash_token(token) != token
        remaining = stored.expires_at - utcnow()
        assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)

    @pytest.mark.parametrize("status", [UserStatus.INACTIVE, UserStatus.DELETED])
    async def test_no_email_to_inactive_accounts(self, client, settings, status):
        user = await make_user(settings, role=Role.OWNER, status=status)
        response = await client.post(REQUEST, json={"email": user.email})
        assert response.status_code == 202
        assert await _reset_emails() == []

    async def test_beyond_the_email_limit_still_202_and_nothing_sent(
        self, client, owner: Caller, settings: Settings
    ):
        for _ in range(settings.password_reset_max_per_email + 2):
            response = await client.post(REQUEST, json={"email": owner.user.email})
            assert response.status_code == 202
        assert len(await _reset_emails()) == settings.password_reset_max_per_email

    async def test_concurrent_requests_hold_the_limit(
        self, client, owner: Caller, settings: Settings, store_latency
    ):
        answers = await asyncio.gather(
            *(client.post(REQUEST, json={"email": owner.user.email}) for _ in range(12))
        )
        assert {answer.status_code for answer in answers} == {202}
        assert len(await _reset_emails()) == settings.password_reset_max_per_email

    async def test_address_limit(self, client, settings: Settings):
        users = [await make_user(settings) for _ in range(settings.password_reset_max_per_ip + 1)]
        for user in users:
            await client.post(REQUEST, json={"email": user.email})
        assert len(await _reset_emails()) == settings.password_reset_max_per_ip

    async def test_resets_do_not_lock_the_login(self, client, owner: Caller, settings: Settings):
        for _ in range(settings.password_reset_max_per_email + 1):
            await client.post(REQUEST, json={"email": owner.user.email})
        login = await client.post(
            "/auth/login", json={"email": owner.user.email, "password": DEFAULT_PASSWORD}
        )
        assert login.status_code == 200

    @pytest.mark.parametrize("body", [{}, {"email": "not-an-email"}, {"email": "a@b.co", "x": 1}])
    async def test_invalid_body(self, client, body):
        assert (await client.post(REQUEST, json=body)).status_code == 422


class TestConfirm:
    async def _token(self, client, caller: Caller) -> str:
        await client.post(REQUEST, json={"email": caller.user.email})
        return _token_of((await _reset_emails())[-1])

    async def test_sets_password_revokes_sessions_writes_audit(self, client, owner: Caller):
        token = await self._token(client, owner)
        response = await client.post(CONFIRM, json={"token": token, "newPassword": NEW_PASSWORD})
        assert response.status_code == 204
        assert await Session.find({"user_id": owner.user.id, "revoked_at": None}).count() == 0
        assert (await client.get("/users/me", headers=owner.headers)).status_code == 401
        old = await client.post(
            "/auth/login", json={"email": owner.user.email, "password": DEFAULT_PASSWORD}
        )
        assert old.status_code == 401
        new = await client.post(
            "/auth/login", json={"email": owner.user.email, "password": NEW_PASSWORD}
        )
        assert new.status_code == 200
        audit = await AuditEvent.find_one({"action": "auth.password_reset"})
        assert audit is not None and audit.resource_id == str(owner.user.id)

    async def test_single_use(self, client, owner: Caller):
        token = await self._token(client, owner)
        body = {"token": token, "newPassword": NEW_PASSWORD}
        assert (await client.post(CONFIRM, json=body)).status_code == 204
        again = await client.post(CONFIRM, json={**body, "newPassword": "yet-another-password"})
        assert again.status_code == 400
        assert again.json()["code"] == "invalid_reset_token"

    async def test_concurrent_confirms_one_wins(self, client, owner: Caller, store_latency):
        token = await self._token(client, owner)
        body = {"token": token, "newPassword": NEW_PASSWORD}
        answers = await asyncio.gather(*(client.post(CONFIRM, json=body) for _ in range(3)))
        assert sorted(answer.status_code for answer in answers) == [204, 400, 400]

    async def test_expired(self, client, owner: Caller):
        token = await self._token(client, owner)
        await PasswordResetToken.get_motor_collection().update_many(
            {}, {"$set": {"expires_at": utcnow() - timedelta(seconds=1)}}
        )
        response = await client.post(CONFIRM, json={"token": token, "newPassword": NEW_PASSWORD})
        assert (response.status_code, response.json()["code"]) == (400, "invalid_reset_token")

    async def test_unknown(self, client):
        response = await client.post(CONFIRM, json={"token": "x" * 43, "newPassword": NEW_PASSWORD})
        assert (response.status_code, response.json()["code"]) == (400, "invalid_reset_token")

    async def test_weak_password_is_422_and_token_survives(self, client, owner: Caller):
        token = await self._token(client, owner)
        weak = await client.post(CONFIRM, json={"token": token, "newPassword": "short"})
        assert weak.status_code == 422
        ok = await client.post(CONFIRM, json={"token": token, "newPassword": NEW_PASSWORD})
        assert ok.status_code == 204
