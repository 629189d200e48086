"""Attempt limits: logins (5 per email, 20 per address in 15 minutes) and registrations."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from app.auth.models import LimitHit, RateLimit
from app.core.config import Settings
from app.users.models import User, utcnow
from tests.factories import DEFAULT_PASSWORD, auth_headers, make_user

CLIENT_IP = "203.0.113.7"
WINDOW_SECONDS = 15 * 60


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings with the registration limit at its default of 10 per hour."""
    return settings.model_copy(update={"register_max_per_ip": 10})


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client calling from a known address, so address failures can be planted."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(CLIENT_IP, 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def user(app: FastAPI, settings: Settings) -> User:
    return await make_user(settings)


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/auth/login", json={"email": email, "password": password})


async def fail(client: httpx.AsyncClient, email: str, times: int) -> None:
    for _ in range(times):
        response = await log_in(client, email, "wrong-password")
        assert response.status_code == 401


async def plant_failures(key: str, count: int, age: timedelta) -> None:
    """Failures recorded `age` ago, as another API instance would have left them."""
    at = utcnow() - age
    hits = [LimitHit(attempt_id=uuid.uuid4().hex, at=at) for _ in range(count)]
    await RateLimit(id=key, hits=hits, expires_at=at + timedelta(seconds=WINDOW_SECONDS)).insert()


def retry_after(response: httpx.Response) -> int:
    value = response.headers["Retry-After"]
    assert value.isdigit()
    return int(value)


class TestEmailLimit:
    async def test_sixth_attempt_limited_even_with_right_password(
        self, client: httpx.AsyncClient, user: User
    ) -> None:
        await fail(client, user.email, 5)
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 429
        assert response.json()["code"] == "rate_limited"
        assert response.headers["content-type"] == "application/problem+json"

    async def test_retry_after(self, client: httpx.AsyncClient, user: User) -> None:
        await fail(client, user.email, 5)
        response = await log_in(client, user.email, "wrong-password")
        assert 0 < retry_after(response) <= WINDOW_SECONDS

    async def test_four_failures_allowed(self, client: httpx.AsyncClient, user: User) -> None:
        await fail(client, user.email, 4)
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 200

    async def test_counts_email_case_insensitively(
        self, client: httpx.AsyncClient, user: User
    ) -> None:
        await fail(client, user.email.upper(), 5)
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 429

    async def test_counts_token_usernames_case_insensitively(
        self, client: httpx.AsyncClient, user: User
    ) -> None:
        for _ in range(5):
            await client.post(
                "/auth/token",
                data={"username": f" {user.email.upper()} ", "password": "wrong-password"},
            )
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 429

    async def test_other_email_unaffected(
        self, client: httpx.AsyncClient, settings: Settings, user: User
    ) -> None:
        await fail(client, user.email, 5)
        other = await make_user(settings)
        response = await log_in(client, other.email, DEFAULT_PASSWORD)
        assert response.status_code == 200

    async def test_unknown_email_limited(self, client: httpx.AsyncClient) -> None:
        await fail(client, "nobody@example.com", 5)
        response = await log_in(client, "nobody@example.com", "wrong-password")
        assert response.status_code == 429

    async def test_success_clears_email_failures(
        self, client: httpx.AsyncClient, user: User
    ) -> None:
        await fail(client, user.email, 4)
        assert (await log_in(client, user.email, DEFAULT_PASSWORD)).status_code == 200
        await fail(client, user.email, 4)
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 200

    async def test_shared_with_token_endpoint(self, client: httpx.AsyncClient, user: User) -> None:
        await fail(client, user.email, 5)
        response = await client.post(
            "/auth/token", data={"username": user.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 429
        assert response.json()["code"] == "rate_limited"


class TestAddressLimit:
    async def test_twenty_failures_across_emails(
        self, client: httpx.AsyncClient, user: User
    ) -> None:
        for number in range(20):
            await fail(client, f"guess{number}@example.com", 1)
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 429
        assert response.json()["code"] == "rate_limited"
        assert 0 < retry_after(response) <= WINDOW_SECONDS

    async def test_nineteen_failures_allowed(self, client: httpx.AsyncClient, user: User) -> None:
        for number in range(19):
            await fail(client, f"guess{number}@example.com", 1)
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 200

    async def test_other_address_unaffected(
        self, app: FastAPI, client: httpx.AsyncClient, user: User
    ) -> None:
        for number in range(20):
            await fail(client, f"guess{number}@example.com", 1)
        transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 4321))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
            response = await log_in(other, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 200


class TestWindow:
    async def test_recent_planted_failures_count(
        self, client: httpx.AsyncClient, user: User
    ) -> None:
        await plant_failures(f"email:{user.email}", 5, age=timedelta(minutes=10))
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 429
        # The window reopens 15 minutes after the oldest counted failure: about 5 minutes left.
        assert 4 * 60 <= retry_after(response) <= 5 * 60 + 1

    async def test_old_email_failures_ignored(self, client: httpx.AsyncClient, user: User) -> None:
        await plant_failures(f"email:{user.email}", 5, age=timedelta(minutes=16))
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 200

    async def test_old_address_failures_ignored(
        self, client: httpx.AsyncClient, user: User
    ) -> None:
        await plant_failures(f"ip:{CLIENT_IP}", 20, age=timedelta(minutes=16))
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 200

    async def test_recent_address_failures_count(
        self, client: httpx.AsyncClient, user: User
    ) -> None:
        await plant_failures(f"ip:{CLIENT_IP}", 20, age=timedelta(minutes=1))
        response = await log_in(client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 429


def wrong_logins(client: httpx.AsyncClient, email: str, count: int) -> list:
    return [log_in(client, email, "wrong-password") for _ in range(count)]


class TestConcurrency:
    """Attempts reserve their place before bcrypt: a burst cannot get more checks than the limit."""

    async def test_burst_for_one_email_checks_at_most_five(
        self, client: httpx.AsyncClient, user: User, store_latency: list, monkeypatch
    ) -> None:
        checks = count_password_checks(monkeypatch)
        responses = await asyncio.gather(*wrong_logins(client, user.email, 30))
        statuses = [response.status_code for response in responses]
        assert statuses.count(401) == 5
        assert statuses.count(429) == 25
        assert len(checks) == 5
        assert (await log_in(client, user.email, DEFAULT_PASSWORD)).status_code == 429
        assert len(checks) == 5

    async def test_right_password_inside_burst_is_limited(
        self, client: httpx.AsyncClient, user: User, store_latency: list
    ) -> None:
        right = log_in(client, user.email, DEFAULT_PASSWORD)
        attempts = [*wrong_logins(client, user.email, 29), right]
        responses = await asyncio.gather(*attempts)
        statuses = [response.status_code for response in responses]
        assert statuses.count(401) + statuses.count(200) <= 5
        assert statuses.count(429) >= 25

    async def test_burst_from_one_address_checks_at_most_twenty(
        self, client: httpx.AsyncClient, user: User, store_latency: list, monkeypatch
    ) -> None:
        checks = count_password_checks(monkeypatch)
        attempts = [log_in(client, f"guess{n}@example.com", "wrong-password") for n in range(30)]
        responses = await asyncio.gather(*attempts)
        statuses = [response.status_code for response in responses]
        assert statuses.count(401) == 20
        assert statuses.count(429) == 10
        assert len(checks) == 20
        assert (await log_in(client, user.email, DEFAULT_PASSWORD)).status_code == 429

    async def test_refused_address_gives_back_the_email_place(
        self, client: httpx.AsyncClient, user: User
    ) -> None:
        await plant_failures(f"ip:{CLIENT_IP}", 20, age=timedelta(minutes=1))
        for _ in range(6):
            assert (await log_in(client, user.email, "wrong-password")).status_code == 429
        raw = await RateLimit.get_motor_collection().find_one({"_id": f"email:{user.email}"})
        assert raw is None or raw["hits"] == []

    async def test_success_releases_its_address_place(
        self, client: httpx.AsyncClient, settings: Settings, user: User
    ) -> None:
        for _ in range(25):
            assert (await log_in(client, user.email, DEFAULT_PASSWORD)).status_code == 200


def count_password_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every password check the login makes."""
    from app.core import security

    checks: list[str] = []
    original = security.verify_password

    async def counting(password: str, *args: object, **kwargs: object) -> bool:
        checks.append(password)
        return await original(password, *args, **kwargs)

    monkeypatch.setattr(security, "verify_password", counting)
    return checks


class TestChangePassword:
    async def test_wrong_current_password_counts_as_failed_login(
        self, client: httpx.AsyncClient, settings: Settings, user: User
    ) -> None:
        headers = await auth_headers(settings, user)
        body = {"currentPassword": "wrong-password", "newPassword": "another-password-1"}
        for _ in range(5):
            response = await client.post("/users/me/change-password", json=body, headers=headers)
            assert response.status_code == 400
        response = await client.post("/users/me/change-password", json=body, headers=headers)
        assert response.status_code == 429
        assert response.json()["code"] == "rate_limited"
        assert (await log_in(client, user.email, DEFAULT_PASSWORD)).status_code == 429

    async def test_right_current_password_does_not_count(
        self, client: httpx.AsyncClient, settings: Settings, user: User
    ) -> None:
        await fail(client, user.email, 4)
        headers = await auth_headers(settings, user)
        body = {"currentPassword": DEFAULT_PASSWORD, "newPassword": "another-password-1"}
        response = await client.post("/users/me/change-password", json=body, headers=headers)
        assert response.status_code == 200
        assert (await log_in(client, user.email, "another-password-1")).status_code == 200


def registration(number: int) -> dict[str, str]:
    return {
        "name": "New",
        "lastName": "Person",
        "email": f"new{number}-{uuid.uuid4().hex[:6]}@example.com",
        "password": "a-good-password",
        "role": "owner",
    }


class TestRegistrationLimit:
    async def test_eleventh_registration_from_one_address_is_limited(
        self, client: httpx.AsyncClient
    ) -> None:
        for number in range(10):
            response = await client.post("/auth/register", json=registration(number))
            assert response.status_code == 201
        response = await client.post("/auth/register", json=registration(10))
        assert response.status_code == 429
        assert response.json()["code"] == "rate_limited"
        assert 0 < retry_after(response) <= 3600

    async def test_refused_registrations_do_not_count(
        self, client: httpx.AsyncClient, user: User
    ) -> None:
        taken = registration(0) | {"email": user.email}
        for _ in range(12):
            assert (await client.post("/auth/register", json=taken)).status_code == 409
        assert (await client.post("/auth/register", json=registration(1))).status_code == 201

    async def test_burst_creates_at_most_the_limit(
        self, client: httpx.AsyncClient, store_latency: list
    ) -> None:
        attempts = [client.post("/auth/register", json=registration(n)) for n in range(20)]
        statuses = [response.status_code for response in await asyncio.gather(*attempts)]
        assert statuses.count(201) == 10
        assert statuses.count(429) == 10

    async def test_other_address_unaffected(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        for number in range(10):
            await client.post("/auth/register", json=registration(number))
        transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 4321))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
            response = await other.post("/auth/register", json=registration(99))
        assert response.status_code == 201
