"""Messaging fixtures: a second assigned technician, threads and messages opened through the API.

The shared `pool` belongs to `owner` with `technician` assigned; `colleague` is a second
technician assigned to the same pool; `other_owner` and `other_technician` share nothing with it.
"""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.storage import BlobStorage
from app.pools.models import Pool
from app.users.models import Role
from tests.conftest import Caller
from tests.factories import auth_headers, make_user


@pytest.fixture
async def colleague(settings: Settings, pool: Pool) -> Caller:
    """A second technician assigned to `pool` (pool access, but not the author of anything)."""
    user = await make_user(settings, role=Role.TECHNICIAN)
    await pool.set({"technician_ids": [*pool.technician_ids, user.id]})
    return Caller(user=user, headers=await auth_headers(settings, user))


@pytest.fixture
def storage(app: FastAPI) -> BlobStorage:
    """The blob storage the app under test started."""
    return app.state.storage


async def open_thread(
    client: httpx.AsyncClient,
    pool: Pool,
    caller: Caller,
    *,
    subject: str = "Green water",
    body: str = "The water turned green overnight.",
    **fields: Any,
) -> dict[str, Any]:
    """Open a thread through the API; the `{"thread", "message"}` body of the 201."""
    response = await client.post(
        f"/pools/{pool.id}/threads",
        json={"subject": subject, "body": body, **fields},
        headers=caller.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def post(
    client: httpx.AsyncClient,
    thread_id: str,
    caller: Caller,
    *,
    body: str = "Any news?",
    **fields: Any,
) -> dict[str, Any]:
    """Post a message through the API; the Message body of the 201."""
    response = await client.post(
        f"/threads/{thread_id}/messages", json={"body": body, **fields}, headers=caller.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def read_thread(client: httpx.AsyncClient, thread_id: str, caller: Caller) -> dict[str, Any]:
    """The thread as the API shows it."""
    response = await client.get(f"/threads/{thread_id}", headers=caller.headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
async def owner_thread(client: httpx.AsyncClient, pool: Pool, owner: Caller) -> dict[str, Any]:
    """A thread of `pool` opened by `owner` (first message a question)."""
    return (await open_thread(client, pool, owner))["thread"]


@pytest.fixture
async def technician_thread(
    client: httpx.AsyncClient, pool: Pool, technician: Caller
) -> dict[str, Any]:
    """A thread of `pool` opened by the assigned `technician`."""
    return (await open_thread(client, pool, technician, subject="Pump noise"))["thread"]


@pytest.fixture
async def technician_message(
    client: httpx.AsyncClient, owner_thread: dict[str, Any], technician: Caller
) -> dict[str, Any]:
    """A comment by `technician` in `owner_thread`."""
    return await post(client, owner_thread["id"], technician, body="Shocked it with chlorine.")
