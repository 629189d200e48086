"""A database or blob backend that cannot be reached gives 503 `service_unavailable`, never 500."""

from collections.abc import Callable

import httpx
import mongomock_motor
import pytest
from azure.core.exceptions import ServiceRequestError
from pymongo.errors import ExecutionTimeout, NetworkTimeout, ServerSelectionTimeoutError

from tests.conftest import Caller
from tests.factories import DEFAULT_PASSWORD, make_image

DATABASE_ERRORS = [
    ServerSelectionTimeoutError("no servers"),
    NetworkTimeout("timed out"),
    ExecutionTimeout("operation exceeded time limit"),
    ConnectionResetError("reset by peer"),
]
STORAGE_ERRORS = [
    ServiceRequestError("connection refused"),
    ConnectionRefusedError("refused"),
    TimeoutError("timed out"),
]
STORE_CALLS = {
    mongomock_motor.AsyncMongoMockCollection: (
        "find_one",
        "find_one_and_update",
        "insert_one",
        "update_one",
    ),
    mongomock_motor.AsyncCursor: ("to_list",),
    mongomock_motor.AsyncLatentCommandCursor: ("to_list",),
}


def raiser(error: Exception) -> Callable:
    async def fail(*args: object, **kwargs: object) -> None:
        raise error

    return fail


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> Callable[[Exception], None]:
    """Make every store call of the in-memory database fail with the given error."""

    def down(error: Exception) -> None:
        for owner, names in STORE_CALLS.items():
            for name in names:
                monkeypatch.setattr(owner, name, raiser(error))

    return down


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "service_unavailable"
    assert int(response.headers["Retry-After"]) > 0
    assert "timed out" not in response.text and "refused" not in response.text


class TestDatabaseDown:
    @pytest.mark.parametrize("error", DATABASE_ERRORS, ids=lambda error: type(error).__name__)
    async def test_authenticated_read(self, client, owner: Caller, database_down, error) -> None:
        database_down(error)
        assert_unavailable(await client.get("/users/me", headers=owner.headers))

    @pytest.mark.parametrize("error", DATABASE_ERRORS, ids=lambda error: type(error).__name__)
    async def test_login(self, client, owner: Caller, database_down, error) -> None:
        database_down(error)
        body = {"email": owner.user.email, "password": DEFAULT_PASSWORD}
        assert_unavailable(await client.post("/auth/login", json=body))

    async def test_list(self, client, owner: Caller, database_down) -> None:
        database_down(ServerSelectionTimeoutError("no servers"))
        assert_unavailable(await client.get("/pools", headers=owner.headers))

    async def test_liveness_unaffected(self, client, database_down) -> None:
        database_down(ServerSelectionTimeoutError("no servers"))
        assert (await client.get("/health")).status_code == 200


class TestStorageDown:
    @pytest.mark.parametrize("error", STORAGE_ERRORS, ids=lambda error: type(error).__name__)
    async def test_upload(self, app, client, owner: Caller, monkeypatch, error) -> None:
        monkeypatch.setattr(app.state.storage, "put", raiser(error))
        files = {"file": ("photo.png", make_image("PNG"), "image/png")}
        response = await client.post(
            f"/photos/users/{owner.user.id}/profile", files=files, headers=owner.headers
        )
        assert_unavailable(response)

    async def test_readiness_carries_retry_after(self, app, client, monkeypatch) -> None:
        monkeypatch.setattr(app.state.storage, "health_check", raiser(TimeoutError("timed out")))
        response = await client.get("/health/ready")
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0
