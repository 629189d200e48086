"""Every domain operation is a route of the app itself, behind the app-wide dependencies."""

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, APIRouter
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route

from app.core.idempotency.dependencies import idempotency_claim
from app.core.routing import add_routes
from app.main import ROUTERS, create_app


def operations(routes: list[BaseRoute]) -> set[tuple[str, frozenset[str], str]]:
    return {
        (route.path, frozenset(route.methods or ()), route.name)
        for route in routes
        if isinstance(route, APIRoute)
    }


def test_the_app_matches_operations_directly() -> None:
    app = create_app()
    domain = {operation for router in ROUTERS for operation in operations(router.routes)}

    assert domain <= operations(app.routes)
    # No included-router branch: each is matched twice a request (to choose it, then inside it).
    assert all(
        isinstance(route, Route) or getattr(route, "path", "") == "/docs-assets"
        for route in app.routes
    )


def test_each_operation_claims_idempotency_first_then_keeps_its_own_dependencies() -> None:
    app = create_app()
    for router in ROUTERS:
        for original in router.routes:
            assert isinstance(original, APIRoute)
            added = next(
                route
                for route in app.routes
                if isinstance(route, APIRoute)
                and (route.path, route.methods) == (original.path, original.methods)
            )
            calls = [sub.call for sub in added.dependant.dependencies]
            assert calls[0] is idempotency_claim, added.path
            own = [sub.call for sub in original.dependant.dependencies]
            assert calls[1:] == own, added.path
            assert added.response_model == original.response_model
            assert added.status_code == original.status_code


def test_a_route_that_is_not_an_operation_is_refused() -> None:
    router = APIRouter()
    router.add_route("/raw", lambda request: PlainTextResponse("raw"))

    with pytest.raises(TypeError, match="API operations only"):
        add_routes(FastAPI(), router)
