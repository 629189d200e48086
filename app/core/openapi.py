"""OpenAPI document shaping and the offline docs pages."""

import json
import re
from http import HTTPStatus
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request, routing
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from app.core.error_codes import route_dependency_calls, route_problem_codes
from app.core.errors import PROBLEM_MEDIA_TYPE
from app.core.examples import add_request_examples
from app.core.field_docs import (
    FIELD_DESCRIPTIONS,
    PARAMETER_DESCRIPTIONS,
    describe_properties,
    simplify_nullable,
    tidy_properties,
    title_of,
)
from app.core.idempotency.middleware import KEY_HEADER
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


ACCESS_LINK = "#section/Access"
# The problem codes an `Idempotency-Key` brings to the operations that document the header.
IDEMPOTENCY_CODES = {409: ("idempotency_in_progress",), 422: ("idempotency_key_reused",)}
_PARENTHESES = re.compile(r"\s*\(([^()]*)\)")
# A docstring's parenthesis is an access note when it names who may call.
_ACCESS_NOTE = re.compile(
    r"\b(admin|owner|technician|self|pool access|pool manage|anyone|author|creator|uploader|"
    r"recorder|signed link)",
)
_ACCESS_TERMS = re.compile(r"\b(pool access|pool manage)\b")


def _linked(text: str) -> str:
    """Link each mention of "pool access"/"pool manage" to their definition in the description."""
    return _ACCESS_TERMS.sub(lambda match: f"[{match.group(1)}]({ACCESS_LINK})", text)


def _first_paragraph(text: str) -> str:
    return " ".join(text.strip().split("\n\n")[0].split())


def _roles(call: Any) -> list[str] | None:
    """The roles a `require_roles(...)` dependency lets through, or None for any other callable."""
    if getattr(call, "__qualname__", "") != "require_roles.<locals>.dependency":
        return None
    cells = [cell.cell_contents for cell in call.__closure__ or ()]
    roles = next((value for value in cells if isinstance(value, tuple)), ())
    return [str(getattr(role, "value", role)) for role in roles]


def who_may_call(route: APIRoute, authenticated: bool) -> str:
    """Who may call the route, in plain words, from its access dependencies and its docstring."""
    docstring = (route.description or "").strip()
    notes = _PARENTHESES.findall(_first_paragraph(docstring))
    rule = next((note for note in notes if _ACCESS_NOTE.search(note)), None)
    names = {getattr(call, "__name__", "") for call in route_dependency_calls(route)}
    role_lists = [r for r in map(_roles, route_dependency_calls(route)) if r is not None]
    if not authenticated:
        who = "Anyone; no token is needed"
    elif role_lists:
        who = "Signed-in users with the role " + " or ".join(f"`{r}`" for r in role_lists[0])
    elif rule and rule not in {"pool access", "pool manage"}:
        who = f"Signed-in callers: {rule}"
    elif "pool_manage" in names or rule == "pool manage":
        who = "Signed-in callers with pool manage on the pool"
    elif "pool_access" in names or rule == "pool access":
        who = "Signed-in callers with pool access to the pool"
    elif getattr(route.response_model, "__name__", "").startswith("Page"):
        who = "Any signed-in user; the list holds only what they may see"
    else:
        who = "Any signed-in user"
    return _linked(who) + "."


def _summary(route: APIRoute) -> str:
    """The docstring's first sentence without its access note: a short human title."""
    first = _first_paragraph(route.description or route.name.replace("_", " "))
    first = _PARENTHESES.sub("", first).split(";")[0]
    head = first.split(": ")[0]
    # "Send a draft: number it, ..." reads well cut at the colon; "A calculator: ..." does not.
    first = head if len(head.split()) >= 3 else first
    first = first.rstrip(". ")
    return first[:1].upper() + first[1:]


def _problem_response(status: int, codes: list[str]) -> dict[str, Any]:
    listed = ", ".join(f"`{code}`" for code in codes)
    return {
        "description": f"{HTTPStatus(status).phrase}. Problem codes: {listed}."
        if codes
        else (HTTPStatus(status).phrase),
        "x-problem-codes": codes,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _document_operations(app: FastAPI, schema: dict[str, Any]) -> None:
    """Summary, who may call, and the problem codes of each error response, for every operation."""
    app_wide = {dependency.dependency for dependency in app.router.dependencies}
    for context in routing.iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        path_item = schema["paths"].get(context.path_format or route.path_format, {})
        for method in sorted(route.methods or ()):
            operation = path_item.get(method.lower())
            if operation is None:
                continue
            who = who_may_call(route, authenticated=bool(operation.get("security")))
            operation["summary"] = _summary(route)
            operation["description"] = f"**Who may call:** {who}\n\n{_linked(route.description)}"
            operation["x-who-may-call"] = who
            responses = operation["responses"]
            codes_by_status = route_problem_codes(route, app_wide)
            if any(p.get("name") == KEY_HEADER for p in operation.get("parameters", [])):
                for status, shared in IDEMPOTENCY_CODES.items():
                    codes_by_status[status] = sorted({*codes_by_status.get(status, []), *shared})
            for status, codes in sorted(codes_by_status.items()):
                documented = responses.setdefault(str(status), {})
                documented.update(_problem_response(status, codes))
            for status, response in responses.items():
                if status[0] in "45" and "x-problem-codes" not in response:
                    response.update(_problem_response(int(status), []))
            operation["responses"] = dict(sorted(responses.items()))


OBJECT_ID_SCHEMA = "PydanticObjectId"


def _readable_component_names(schema: dict[str, Any]) -> None:
    """Two models of one name get module-path names (`app__alerts__models__Metric`); name them
    after their module instead (`AlertsMetric`), with that title, so generated clients see two
    distinct, readable types."""
    schemas = schema.get("components", {}).get("schemas", {})
    renamed: dict[str, str] = {}
    for name in list(schemas):
        if "__" not in name:
            continue
        parts = name.split("__")
        new = parts[-3].title().replace("_", "") + parts[-1] if len(parts) >= 3 else parts[-1]
        if new in schemas or new in renamed.values():
            continue
        renamed[name] = new
    if not renamed:
        return
    for old, new in renamed.items():
        schemas[new] = {**schemas.pop(old), "title": new}
    text = json.dumps(schema)
    for old, new in renamed.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    schema.update(json.loads(text))


def _inline_object_ids(node: Any, object_id: dict[str, Any]) -> Any:
    """Put the id's plain string schema where it is referenced, so `id | null` reads as one type."""
    if isinstance(node, list):
        return [_inline_object_ids(item, object_id) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("$ref") == f"#/components/schemas/{OBJECT_ID_SCHEMA}":
        return {**object_id, **{key: value for key, value in node.items() if key != "$ref"}}
    return {key: _inline_object_ids(value, object_id) for key, value in node.items()}


def _document_fields(schema: dict[str, Any]) -> None:
    """Descriptions, readable titles and simple nullable types on schemas and parameters."""
    schemas = schema.get("components", {}).get("schemas", {})
    object_id = schemas.pop(OBJECT_ID_SCHEMA, None)
    if object_id is not None:
        # No `example`: Swagger UI would pre-fill that fake id into every id filter.
        object_id = {key: value for key, value in object_id.items() if key != "example"}
        schema["paths"] = _inline_object_ids(schema["paths"], object_id)
        schema["components"]["schemas"] = schemas = _inline_object_ids(schemas, object_id)
    describe_properties(schemas)
    tidy_properties(schemas)
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                parameter_schema = parameter.get("schema", {})
                parameter_schema["title"] = title_of(parameter["name"])
                simplify_nullable(parameter_schema)
                if not parameter.get("description"):
                    name = parameter["name"]
                    described = FIELD_DESCRIPTIONS.get(name) or (
                        PARAMETER_DESCRIPTIONS.get(name) if parameter["in"] == "query" else None
                    )
                    if described:
                        parameter["description"] = described


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
            _readable_component_names(schema)
            _document_operations(app, schema)
            _document_fields(schema)
            add_request_examples(schema)
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
