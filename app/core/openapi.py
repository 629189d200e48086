"""OpenAPI document shaping and the offline docs pages."""

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from app.core.errors import PROBLEM_MEDIA_TYPE
from app.core.idempotency.openapi import document_idempotency_key

DOCS_ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
DOCS_ASSETS_PATH = "/docs-assets"


def operation_id(route: APIRoute) -> str:
    """Stable operation ids: `<tag>-<route function name>`."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def _problem_media_types(schema: dict[str, Any]) -> None:
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status.isdigit() and int(status) >= 400 and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    schemas = schema.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


def install_openapi(app: FastAPI) -> None:
    """Serve an OpenAPI document whose error responses are `application/problem+json`."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            _problem_media_types(schema)
            document_idempotency_key(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"


# Module-level endpoints that read the app from the request: FastAPI keeps every endpoint it has
# classified in a module-level cache (4096 entries), so an endpoint closing over `app` would keep
# each app built by `create_app` (routes, store, settings) alive for the rest of the process.
async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI, with its assets served by the app."""
    app = request.app
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title=f"{app.title} - Swagger UI",
        oauth2_redirect_url=OAUTH2_REDIRECT_URL,
        swagger_js_url=f"{DOCS_ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS_ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_ASSETS_PATH}/favicon.png",
        init_oauth=app.swagger_ui_init_oauth,
        swagger_ui_parameters=app.swagger_ui_parameters,
    )


async def swagger_ui_redirect() -> HTMLResponse:
    """The page Swagger UI's OAuth2 flow returns to."""
    return get_swagger_ui_oauth2_redirect_html()


async def redoc(request: Request) -> HTMLResponse:
    """ReDoc, with its assets served by the app."""
    return get_redoc_html(
        openapi_url="/openapi.json",
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{DOCS_ASSETS_PATH}/redoc.standalone.js",
        redoc_favicon_url=f"{DOCS_ASSETS_PATH}/favicon.png",
        with_google_fonts=False,
    )


def install_docs(app: FastAPI) -> None:
    """Swagger UI and ReDoc with their assets served by the app (no CDN, no internet)."""
    app.mount(DOCS_ASSETS_PATH, StaticFiles(directory=DOCS_ASSETS_DIR), name="docs-assets")
    app.add_api_route("/docs", swagger_ui, methods=["GET"], include_in_schema=False)
    app.add_api_route(
        OAUTH2_REDIRECT_URL, swagger_ui_redirect, methods=["GET"], include_in_schema=False
    )
    app.add_api_route("/redoc", redoc, methods=["GET"], include_in_schema=False)
