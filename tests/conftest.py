"""Shared fixtures: a fresh app on the embedded store per test, a client, the usual callers."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Environment, Settings
from app.main import create_app
from app.pools.models import Pool
from app.users.models import Role, User
from tests.factories import auth_headers, make_pool, make_user

TEST_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        environment=Environment.TEST,
        jwt_secret=TEST_SECRET,
        bcrypt_rounds=4,
        local_storage_dir=str(tmp_path / "blobs"),
        mongodb_db="poolia_test",
        log_level="WARNING",
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@dataclass
class Caller:
    user: User
    headers: dict[str, str]


async def _caller(settings: Settings, role: Role) -> Caller:
    user = await make_user(settings, role=role)
    return Caller(user=user, headers=await auth_headers(settings, user))


@pytest.fixture
async def admin(app: FastAPI, settings: Settings) -> Caller:
    return await _caller(settings, Role.ADMIN)


@pytest.fixture
async def owner(app: FastAPI, settings: Settings) -> Caller:
    return await _caller(settings, Role.OWNER)


@pytest.fixture
async def other_owner(app: FastAPI, settings: Settings) -> Caller:
    return await _caller(settings, Role.OWNER)


@pytest.fixture
async def technician(app: FastAPI, settings: Settings) -> Caller:
    return await _caller(settings, Role.TECHNICIAN)


@pytest.fixture
async def other_technician(app: FastAPI, settings: Settings) -> Caller:
    return await _caller(settings, Role.TECHNICIAN)


@pytest.fixture
async def pool(owner: Caller, technician: Caller) -> Pool:
    """A pool of `owner` with `technician` assigned (`other_technician` is not)."""
    return await make_pool(owner.user, technicians=[technician.user])


@pytest.fixture
def caller_headers(request: pytest.FixtureRequest, caller: str) -> dict[str, str]:
    """Headers of the caller fixture named by the test's `caller` parameter (none if anonymous)."""
    if caller == "anonymous":
        return {}
    return request.getfixturevalue(caller).headers


def problem_code(response: httpx.Response) -> str | None:
    """The `code` of a problem-details response; None for a success."""
    if response.headers.get("content-type") != "application/problem+json":
        return None
    return response.json()["code"]
