"""Shared fixtures: a fresh app on the embedded store per test, a client, the usual callers.

With TEST_MONGODB_URL set, every test runs against that MongoDB server instead, in a database of its
own that is dropped afterwards.
"""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import httpx
import mongomock_motor
import pytest
from fastapi import FastAPI

from app.core.config import Environment, Settings
from app.main import create_app
from app.pools.models import Pool
from app.users.models import Role, User
from tests.factories import auth_headers, make_pool, make_user

TEST_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"
TEST_MONGODB_URL = os.environ.get("TEST_MONGODB_URL") or None


def per_test_database_name() -> str:
    """A database of the test's own on a real server; the embedded store is fresh per app anyway."""
    return f"poolia_test_{uuid.uuid4().hex[:16]}" if TEST_MONGODB_URL else "poolia_test"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        environment=Environment.TEST,
        jwt_secret=TEST_SECRET,
        bcrypt_rounds=4,
        local_storage_dir=str(tmp_path / "blobs"),
        mongodb_url=TEST_MONGODB_URL,
        mongodb_db=per_test_database_name(),
        log_level="WARNING",
        # Tests register many accounts from one address; tests/auth/test_rate_limit.py sets 10.
        register_max_per_ip=10_000,
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        try:
            yield application
        finally:
            if settings.mongodb_url:
                await application.state.mongo_client.drop_database(settings.mongodb_db)


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


# The in-memory store answers without yielding to the event loop, so requests gathered with
# asyncio.gather would run one after the other. `store_latency` gives each store call a little
# latency, as a MongoDB round trip has, so that "concurrent" requests really interleave.
ROUND_TRIP_SECONDS = 0.001
COLLECTION_CALLS = (
    "count_documents",
    "delete_many",
    "delete_one",
    "find_one",
    "find_one_and_update",
    "insert_one",
    "replace_one",
    "update_many",
    "update_one",
)
CURSOR_CALLS = ("to_list", "next", "__anext__")


def _with_latency(
    call: Callable[..., Coroutine[Any, Any, Any]], callers: list[asyncio.Task | None]
) -> Callable[..., Coroutine[Any, Any, Any]]:
    async def delayed(*args: Any, **kwargs: Any) -> Any:
        callers.append(asyncio.current_task())
        await asyncio.sleep(ROUND_TRIP_SECONDS)
        return await call(*args, **kwargs)

    return delayed


@pytest.fixture
def store_latency(monkeypatch: pytest.MonkeyPatch) -> list[asyncio.Task | None]:
    """Make every call to the in-memory store yield to the event loop first.

    Returns the task behind each store call, in call order.
    """
    callers: list[asyncio.Task | None] = []
    collection = mongomock_motor.AsyncMongoMockCollection
    for name in COLLECTION_CALLS:
        monkeypatch.setattr(collection, name, _with_latency(getattr(collection, name), callers))
    for cursor in (mongomock_motor.AsyncCursor, mongomock_motor.AsyncLatentCommandCursor):
        for name in CURSOR_CALLS:
            monkeypatch.setattr(cursor, name, _with_latency(getattr(cursor, name), callers))
    return callers
