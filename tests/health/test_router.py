"""Health endpoints (contract section 3): public liveness and readiness."""

import shutil
from pathlib import Path

import pytest

from app.health.service import APP_VERSION


async def failing_storage_check() -> None:
    raise ConnectionError("storage is down")


async def failing_ping(client: object) -> None:
    raise ConnectionError("database is down")


@pytest.fixture
def storage_down(app, monkeypatch) -> None:
    monkeypatch.setattr(app.state.storage, "health_check", failing_storage_check)


@pytest.fixture
def database_down(monkeypatch) -> None:
    monkeypatch.setattr("app.core.db.ping", failing_ping)


class TestLiveness:
    async def test_anonymous(self, client):
        response = await client.get("/health")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert body["version"] == APP_VERSION
        assert body["uptimeSeconds"] >= 0

    @pytest.mark.usefixtures("storage_down", "database_down")
    async def test_touches_no_dependency(self, client):
        response = await client.get("/health")
        assert response.status_code == 200


class TestReadiness:
    async def test_anonymous(self, client):
        response = await client.get("/health/ready")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}

    @pytest.mark.usefixtures("storage_down")
    async def test_storage_down(self, client):
        response = await client.get("/health/ready")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == "service_unavailable"
        assert body["checks"] == {"database": "ok", "storage": "fail"}

    @pytest.mark.usefixtures("database_down")
    async def test_database_down(self, client):
        response = await client.get("/health/ready")
        assert response.status_code == 503
        assert response.json()["checks"] == {"database": "fail", "storage": "ok"}

    @pytest.mark.usefixtures("storage_down")
    async def test_failure_text_not_exposed(self, client):
        response = await client.get("/health/ready")
        assert "storage is down" not in response.text


class TestHead:
    @pytest.mark.parametrize("path", ["/health", "/health/ready"])
    async def test_answers(self, client, path):
        response = await client.head(path)
        assert response.status_code == 200
        assert response.content == b""

    @pytest.mark.usefixtures("storage_down")
    async def test_ready_down(self, client):
        response = await client.head("/health/ready")
        assert response.status_code == 503


def blob_folder_state(folder: str) -> tuple[list[Path], int]:
    """The entries under the blob folder and its modification time (a write changes it)."""
    root = Path(folder)
    return sorted(root.rglob("*")), root.stat().st_mtime_ns


class TestReadinessWritesNothing:
    async def test_no_file_in_the_blob_folder(self, client, settings):
        before = blob_folder_state(settings.local_storage_dir)
        for _ in range(3):
            assert (await client.get("/health/ready")).status_code == 200
        assert blob_folder_state(settings.local_storage_dir) == before

    async def test_no_write_to_the_blob_folder(self, client, settings, monkeypatch):
        calls: list[str] = []
        original = Path.write_bytes

        def recorded(self, data):
            calls.append(str(self))
            return original(self, data)

        monkeypatch.setattr(Path, "write_bytes", recorded)
        assert (await client.get("/health/ready")).status_code == 200
        assert calls == []

    async def test_missing_blob_folder_is_not_ready(self, client, settings):
        shutil.rmtree(settings.local_storage_dir)
        response = await client.get("/health/ready")
        assert response.status_code == 503
        assert response.json()["checks"]["storage"] == "fail"
