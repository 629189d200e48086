"""Login rate limit: 5 failures per email or 20 per client address within 15 minutes."""

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from app.auth.models import LoginFailure
from app.core.config import Settings
from app.users.models import User, utcnow
from tests.factories import DEFAULT_PASSWORD, make_user

CLIENT_IP = "203.0.113.7"
WINDOW_SECONDS = 15 * 60


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
    await LoginFailure.insert_many([LoginFailure(key=key, at=at) for _ in range(count)])


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
