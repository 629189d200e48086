"""Links the API builds start with PUBLIC_BASE_URL when it is set, never the request's Host."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from tests.conftest import Caller
from tests.factories import make_image

PUBLIC_BASE_URL = "https://api.poolia.example/v"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_base_url": PUBLIC_BASE_URL})


async def upload_profile_photo(
    client: httpx.AsyncClient, caller: Caller, headers: dict[str, str]
) -> httpx.Response:
    files = {"file": ("photo.png", make_image("PNG"), "image/png")}
    return await client.post(
        f"/photos/users/{caller.user.id}/profile",
        files=files,
        headers=caller.headers | headers,
    )


class TestPhotoLinks:
    async def test_start_with_public_base_url(self, client, owner: Caller) -> None:
        response = await upload_profile_photo(client, owner, {"Host": "evil.example"})
        assert response.status_code == 201
        url = response.json()["url"]
        assert url.startswith(f"{PUBLIC_BASE_URL}/photos/")
        assert "evil.example" not in url

    async def test_forwarded_host_ignored(self, client, owner: Caller) -> None:
        headers = {"X-Forwarded-Host": "evil.example", "Forwarded": "host=evil.example"}
        response = await upload_profile_photo(client, owner, headers)
        assert "evil.example" not in response.json()["url"]


@pytest.fixture
async def unset_client(app: FastAPI, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app.state.settings = settings.model_copy(update={"public_base_url": None})
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


class TestWithoutPublicBaseUrl:
    async def test_request_base_outside_production(self, unset_client, owner: Caller) -> None:
        response = await upload_profile_photo(unset_client, owner, {})
        assert response.json()["url"].startswith("http://testserver/photos/")

    def test_background_default(self) -> None:
        assert Settings().link_base_url() == "http://localhost:8000"
        assert Settings(public_base_url="https://a.example/").link_base_url("http://b") == (
            "https://a.example"
        )
