"""Health endpoints (contract section 3): public liveness and readiness."""

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
