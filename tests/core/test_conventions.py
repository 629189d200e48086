"""Cross-cutting conventions (contract sections 1 and 14): errors, request ids, logs, CORS, docs."""

import io
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.logging import JsonFormatter
from app.main import create_app
from tests.conftest import Caller
from tests.factories import DEFAULT_PASSWORD

PROBLEM = "application/problem+json"
PROBLEM_FIELDS = {"type", "title", "status", "detail", "code", "requestId", "errors"}
SPA_ORIGIN = "https://spa.example"
UTC_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def assert_problem(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert set(body) >= PROBLEM_FIELDS
    assert (body["status"], body["code"]) == (status, code)
    assert body["requestId"] == response.headers["X-Request-ID"]
    return body


def is_uuid4(value: str) -> bool:
    try:
        return uuid.UUID(value).version == 4
    except ValueError:
        return False


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Every log line of the app at INFO and above, as the JSON formatter writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    app_logger = logging.getLogger("app")
    previous_level = app_logger.level
    app_logger.addHandler(handler)
    app_logger.setLevel(logging.INFO)
    yield stream
    app_logger.removeHandler(handler)
    app_logger.setLevel(previous_level)


def log_entries(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.fixture
async def failing_app(app: FastAPI) -> FastAPI:
    """The test app with one extra route that fails with an unexpected exception."""

    async def explode() -> None:
        raise RuntimeError("secret detail")

    app.add_api_route("/explode", explode, methods=["GET"])
    return app


async def client_for(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


@pytest.fixture
async def cors_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async for http in client_for(settings.model_copy(update={"cors_origins": SPA_ORIGIN})):
        yield http


class TestErrorShape:
    async def test_unknown_route(self, client):
        response = await client.get("/no-such-route")
        body = assert_problem(response, 404, "not_found")
        assert body["type"] == "about:blank"
        assert body["title"] == "Not Found"
        assert body["errors"] is None

    async def test_wrong_method(self, client):
        response = await client.delete("/health")
        assert_problem(response, 405, "method_not_allowed")
        assert "GET" in response.headers["Allow"]

    async def test_validation_error(self, client, admin: Caller):
        response = await client.get("/users", params={"limit": "many"}, headers=admin.headers)
        body = assert_problem(response, 422, "validation_error")
        assert body["errors"] == [
            {"loc": ["query", "limit"], "msg": body["errors"][0]["msg"], "type": "int_parsing"}
        ]
        assert body["errors"][0]["msg"]

    async def test_malformed_json_body(self, client, admin: Caller):
        response = await client.post(
            "/users",
            content=b"{not json",
            headers={**admin.headers, "Content-Type": "application/json"},
        )
        assert_problem(response, 422, "validation_error")

    async def test_body_not_utf8(self, client, admin: Caller):
        # Found by schemathesis: a body the framework cannot even decode was a 400 `http_error`,
        # a status these operations do not document; it is the same mistake as malformed JSON.
        response = await client.post(
            "/users",
            content=b"\xff\xfe{",
            headers={**admin.headers, "Content-Type": "application/json"},
        )
        body = assert_problem(response, 422, "validation_error")
        assert body["errors"] == [
            {"loc": ["body"], "msg": "The body could not be parsed.", "type": "body_unparsable"}
        ]

    async def test_domain_error(self, client):
        response = await client.get("/users/me")
        body = assert_problem(response, 401, "not_authenticated")
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert body["detail"]

    async def test_unhandled_exception(self, failing_app, client):
        response = await client.get("/explode")
        body = assert_problem(response, 500, "internal_error")
        assert "secret detail" not in response.text
        assert "Traceback" not in response.text
        assert body["detail"] == "An unexpected error occurred."


class TestRequestId:
    async def test_sane_inbound_id_echoed(self, client):
        response = await client.get("/health", headers={"X-Request-ID": "abc-123"})
        assert response.headers["X-Request-ID"] == "abc-123"

    async def test_128_characters_echoed(self, client):
        inbound = "a" * 128
        response = await client.get("/health", headers={"X-Request-ID": inbound})
        assert response.headers["X-Request-ID"] == inbound

    async def test_too_long_replaced(self, client):
        response = await client.get("/health", headers={"X-Request-ID": "a" * 200})
        assert is_uuid4(response.headers["X-Request-ID"])

    async def test_with_spaces_replaced(self, client):
        response = await client.get("/health", headers={"X-Request-ID": "abc 123"})
        assert is_uuid4(response.headers["X-Request-ID"])

    async def test_missing_generated(self, client):
        response = await client.get("/health")
        assert is_uuid4(response.headers["X-Request-ID"])

    async def test_differs_per_request(self, client):
        first = await client.get("/health")
        second = await client.get("/health")
        assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]

    async def test_on_success(self, client):
        response = await client.get("/health")
        assert response.status_code == 200
        assert response.headers["X-Request-ID"]

    async def test_on_not_found(self, client):
        response = await client.get("/no-such-route", headers={"X-Request-ID": "abc-404"})
        assert response.headers["X-Request-ID"] == "abc-404"
        assert response.json()["requestId"] == "abc-404"

    async def test_on_validation_error(self, client, admin: Caller):
        response = await client.get(
            "/users", params={"limit": 0}, headers={**admin.headers, "X-Request-ID": "abc-422"}
        )
        assert response.status_code == 422
        assert response.headers["X-Request-ID"] == "abc-422"
        assert response.json()["requestId"] == "abc-422"

    async def test_on_unhandled_exception(self, failing_app, client):
        response = await client.get("/explode", headers={"X-Request-ID": "abc-500"})
        assert response.headers["X-Request-ID"] == "abc-500"
        assert response.json()["requestId"] == "abc-500"


class TestTimes:
    async def test_user_times_end_with_z(self, client, admin: Caller):
        body = (await client.get("/users/me", headers=admin.headers)).json()
        for field in ("createdAt", "updatedAt"):
            assert UTC_TIME.fullmatch(body[field]), body[field]

    async def test_audit_time_ends_with_z(self, client, admin: Caller, owner: Caller):
        await client.patch(f"/users/{owner.user.id}", json={"name": "G"}, headers=admin.headers)
        event = (await client.get("/audit", headers=admin.headers)).json()["items"][0]
        assert event["at"].endswith("Z")


class TestLogs:
    async def test_access_line(self, client, json_log):
        response = await client.get("/health", headers={"X-Request-ID": "abc-log"})
        [entry] = [e for e in log_entries(json_log) if e["logger"] == "app.access"]
        assert entry["requestId"] == response.headers["X-Request-ID"]
        assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/health", 200)
        assert entry["durationMs"] >= 0

    async def test_line_written_inside_the_request(self, app, client, json_log, monkeypatch):
        async def failing_check() -> None:
            raise ConnectionError("storage is down")

        monkeypatch.setattr(app.state.storage, "health_check", failing_check)
        await client.get("/health/ready", headers={"X-Request-ID": "abc-inside"})
        [entry] = [e for e in log_entries(json_log) if e["logger"] == "app.health.service"]
        assert entry["requestId"] == "abc-inside"

    async def test_unhandled_exception_line(self, failing_app, client, json_log):
        await client.get("/explode", headers={"X-Request-ID": "abc-crash"})
        [entry] = [e for e in log_entries(json_log) if e["message"] == "unhandled error"]
        assert entry["requestId"] == "abc-crash"
        assert "secret detail" in entry["exception"]

    async def test_no_request_id_outside_a_request(self, json_log):
        logging.getLogger("app.test").warning("outside")
        [entry] = log_entries(json_log)
        assert entry["requestId"] is None


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def assert_security_headers(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name


class TestSecurityHeaders:
    async def test_on_success(self, client):
        assert_security_headers(await client.get("/health"))

    async def test_on_not_found(self, client):
        assert_security_headers(await client.get("/no-such-route"))

    async def test_on_validation_error(self, client, admin: Caller):
        response = await client.get("/users", params={"limit": "many"}, headers=admin.headers)
        assert_security_headers(response)

    async def test_on_unhandled_exception(self, failing_app, client):
        response = await client.get("/explode")
        assert response.status_code == 500
        assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store"

    async def test_on_docs(self, client):
        assert_security_headers(await client.get("/docs"))

    async def test_on_refused_preflight(self, cors_client):
        response = await cors_client.options(
            "/users",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert_security_headers(response)

    async def test_authenticated_json_not_stored(self, client, admin: Caller):
        response = await client.get("/users/me", headers=admin.headers)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"

    async def test_token_response_not_stored(self, client, owner: Caller):
        body = {"email": owner.user.email, "password": DEFAULT_PASSWORD}
        response = await client.post("/auth/login", json=body)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"

    async def test_error_not_stored(self, client):
        response = await client.get("/users/me")
        assert response.status_code == 401
        assert response.headers["Cache-Control"] == "no-store"


class TestCors:
    async def test_allowed_origin(self, cors_client):
        response = await cors_client.get("/health", headers={"Origin": SPA_ORIGIN})
        assert response.headers["Access-Control-Allow-Origin"] == SPA_ORIGIN
        assert "x-request-id" in response.headers["Access-Control-Expose-Headers"].lower()

    async def test_other_origin(self, cors_client):
        response = await cors_client.get("/health", headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in response.headers

    async def test_preflight_allowed_origin(self, cors_client):
        response = await cors_client.options(
            "/users",
            headers={
                "Origin": SPA_ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == SPA_ORIGIN

    async def test_preflight_other_origin(self, cors_client):
        response = await cors_client.options(
            "/users",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "Access-Control-Allow-Origin" not in response.headers
        assert_problem(response, 400, "cors_origin_refused")

    async def test_preflight_without_configured_origins_is_405(self, client):
        response = await client.options(
            "/users", headers={"Origin": SPA_ORIGIN, "Access-Control-Request-Method": "POST"}
        )
        assert "Access-Control-Allow-Origin" not in response.headers
        assert_problem(response, 405, "method_not_allowed")

    async def test_no_origins_configured(self, client):
        response = await client.get("/health", headers={"Origin": SPA_ORIGIN})
        assert "Access-Control-Allow-Origin" not in response.headers


class TestDocs:
    @pytest.mark.parametrize("path", ["/docs", "/redoc"])
    async def test_html_uses_local_assets(self, client, path):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "/docs-assets/" in response.text
        assert not re.search(r"(src|href)=\"https?://", response.text)

    @pytest.mark.parametrize("path", ["/docs", "/redoc"])
    async def test_assets_served(self, client, path):
        html = (await client.get(path)).text
        assets = re.findall(r"(?:src|href)=\"(/docs-assets/[^\"]+)\"", html)
        assert assets
        for asset in assets:
            response = await client.get(asset)
            assert response.status_code == 200, asset
            assert response.content, asset

    async def test_swagger_ui_preconfigures_oauth_client(self, client):
        html = (await client.get("/docs")).text
        assert "initOAuth" in html
        assert "poolia-docs" in html

    async def test_missing_asset(self, client):
        response = await client.get("/docs-assets/no-such-file.js")
        assert_problem(response, 404, "not_found")

    async def test_oauth2_redirect_page(self, client):
        response = await client.get("/docs/oauth2-redirect")
        assert response.status_code == 200

    async def test_docs_not_in_schema(self, client):
        paths = (await client.get("/openapi.json")).json()["paths"]
        assert not [path for path in paths if path.startswith("/docs") or path == "/redoc"]


@pytest.fixture
async def openapi(client) -> dict:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path, operation


class TestOpenApi:
    async def test_oauth2_password_flow(self, openapi):
        schemes = openapi["components"]["securitySchemes"]
        [scheme] = schemes.values()
        assert scheme["type"] == "oauth2"
        assert scheme["flows"]["password"]["tokenUrl"] == "/auth/token"

    async def test_operations_have_id_tags_summary(self, openapi):
        for method, path, operation in operations(openapi):
            assert operation.get("operationId"), (method, path)
            assert operation.get("tags"), (method, path)
            assert operation.get("summary"), (method, path)

    async def test_operation_ids_unique(self, openapi):
        ids = [operation["operationId"] for _, _, operation in operations(openapi)]
        assert len(ids) == len(set(ids))

    async def test_operation_id_from_tag_and_name(self, openapi):
        assert openapi["paths"]["/users"]["get"]["operationId"] == "users-list_users"

    async def test_problem_responses_are_problem_json(self, openapi):
        for method, path, operation in operations(openapi):
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert set(response.get("content", {})) == {PROBLEM}, (method, path, status)

    async def test_authenticated_operations_declare_401(self, openapi):
        for method, path, operation in operations(openapi):
            if operation.get("security"):
                assert "401" in operation["responses"], (method, path)

    async def test_security_only_on_authenticated_operations(self, openapi):
        assert "security" not in openapi["paths"]["/health"]["get"]
        assert "security" not in openapi["paths"]["/auth/login"]["post"]
        assert openapi["paths"]["/users/me"]["get"]["security"]

    async def test_problem_schema(self, openapi):
        problem = openapi["components"]["schemas"]["Problem"]
        assert {"type", "title", "status", "detail", "code", "requestId", "errors"} <= set(
            problem["properties"]
        )

    async def test_every_reference_resolves(self, openapi):
        schemas = openapi["components"]["schemas"]
        refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(openapi))
        assert refs
        assert [ref for ref in refs if ref not in schemas] == []

    async def test_path_parameters_are_camel_case(self, openapi):
        for path in openapi["paths"]:
            assert "_" not in "".join(re.findall(r"\{([^}]+)\}", path)), path

    async def test_problem_declared_on_user_routes(self, openapi):
        responses = openapi["paths"]["/users/{userId}"]["patch"]["responses"]
        assert {"401", "403", "404", "409", "422"} <= set(responses)
