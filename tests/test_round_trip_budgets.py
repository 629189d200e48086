"""The round-trip table: every route's budget of database operations, counted at the driver.

Like the access table, one row per route: `test_every_route_has_a_budget` fails when a route has no
row (or a row no route), and `test_round_trips_within_budget` sends one successful request per
route, as the first caller the access table lets through, against a fresh world, and counts the
store operations it makes (`app/core/store_probe.py`: every find, aggregation, count, insert,
update or delete is one). Pages run in their MongoDB shape, the page and its count in one
`$facet`. Budgets over the targets of the performance issue say why in the row.

Targets: authentication 1; `GET /pools/{id}` 2; a paginated list 3 (auth, page + count, one
more when the list is scoped by a pool the caller must see); the dashboard 4; a message page with
photos 5; the agenda 4; the visit workflow 8.
"""

from dataclasses import dataclass

import httpx
import pytest

from app.core import pagination, store_probe
from tests.factories import DEFAULT_PASSWORD, make_image
from tests.test_access_table import (  # the access table's world and requests
    ACCESS,
    CONTENT,
    RouteKey,
    World,
    app_routes,
    url_for,
)
from tests.test_access_table import world as access_world  # noqa: F401 (a fixture)


@dataclass(frozen=True)
class Budget:
    round_trips: int
    reason: str = ""


def budget(round_trips: int, reason: str = "") -> Budget:
    return Budget(round_trips, reason)


BUDGETS: dict[RouteKey, Budget] = {
    ("DELETE", "/invites/{inviteId}"): budget(4),
    ("DELETE", "/invoices/{invoiceId}"): budget(5),
    ("DELETE", "/photos/{photoId}"): budget(5),
    ("DELETE", "/pool-values/{poolValuesId}"): budget(10),
    ("DELETE", "/pools/{poolId}"): budget(14),
    ("DELETE", "/pools/{poolId}/technicians/{technicianId}"): budget(12),
    ("DELETE", "/service-plans/{planId}"): budget(8),
    ("DELETE", "/users/{userId}"): budget(16),
    ("DELETE", "/visits/{visitId}"): budget(7),
    ("DELETE", "/webhooks/{webhookId}"): budget(4),
    ("GET", "/agenda"): budget(3),
    ("GET", "/audit"): budget(2),
    ("GET", "/audit/{auditEventId}"): budget(2),
    ("GET", "/docs"): budget(0),
    ("GET", "/docs/oauth2-redirect"): budget(0),
    ("GET", "/health"): budget(0),
    ("GET", "/health/ready"): budget(0),
    ("GET", "/invites"): budget(
        4,
        "a list: auth, page; +1 pools and +1 owners of the page's invites, one query each"
        " (§9 summaries)",
    ),
    ("GET", "/invites/technicians/{technicianId}"): budget(3),
    ("GET", "/invites/technicians/{technicianId}/pending"): budget(3),
    ("GET", "/invites/{inviteId}"): budget(
        4, "auth, invite, and its pool and owner summaries (§9)"
    ),
    ("GET", "/invoices"): budget(2),
    ("GET", "/invoices/{invoiceId}"): budget(2),
    ("GET", "/invoices/{invoiceId}/pdf"): budget(2),
    ("GET", "/messages/{messageId}"): budget(4),
    ("GET", "/notifications"): budget(3),
    ("GET", "/openapi.json"): budget(0),
    ("GET", "/owners/{ownerId}/statement"): budget(
        4, "auth, owner; invoices and payments: two queries whatever their number (§18)"
    ),
    ("GET", "/payments"): budget(2),
    ("GET", "/payments/{paymentId}"): budget(2),
    ("GET", "/photos/pools/{poolId}"): budget(3),
    ("GET", "/photos/users/{userId}/profile"): budget(
        4, "auth, user, a shared pool (visibility), photo"
    ),
    ("GET", "/photos/visits/{visitId}"): budget(
        4,
        "auth, visit, its pool (access), photos",
    ),
    ("GET", "/photos/{photoId}/content"): budget(3),
    ("GET", "/pool-values"): budget(3),
    ("GET", "/pool-values/{poolValuesId}"): budget(3),
    ("GET", "/pool-values/{poolValuesId}/water-balance"): budget(
        4, "auth, reading, pool, alert config (targets, §16)"
    ),
    ("GET", "/pools"): budget(2),
    ("GET", "/pools/technician/{technicianId}"): budget(3),
    ("GET", "/pools/user/{userId}"): budget(3),
    ("GET", "/pools/{poolId}"): budget(2),
    ("GET", "/pools/{poolId}/alert-config"): budget(3),
    ("GET", "/pools/{poolId}/alerts"): budget(3),
    ("GET", "/pools/{poolId}/dashboard"): budget(4),
    ("GET", "/pools/{poolId}/service-plans"): budget(3),
    ("GET", "/pools/{poolId}/threads"): budget(3),
    ("GET", "/pools/{poolId}/visits"): budget(3),
    ("GET", "/redoc"): budget(0),
    ("GET", "/service-plans/{planId}"): budget(3),
    ("GET", "/threads/{threadId}"): budget(3),
    ("GET", "/threads/{threadId}/messages"): budget(5),
    ("GET", "/users"): budget(2),
    ("GET", "/users/me"): budget(1),
    ("GET", "/users/me/notification-preferences"): budget(2),
    ("GET", "/users/{userId}"): budget(3),
    ("GET", "/visits"): budget(3),
    ("GET", "/visits/{visitId}"): budget(3),
    ("GET", "/webhooks"): budget(2),
    ("GET", "/webhooks/{webhookId}"): budget(2),
    ("GET", "/webhooks/{webhookId}/deliveries"): budget(3),
    ("PATCH", "/invites/{inviteId}"): budget(6),
    ("PATCH", "/invoices/{invoiceId}"): budget(4),
    ("PATCH", "/messages/{messageId}"): budget(7),
    ("PATCH", "/pool-values/{poolValuesId}"): budget(11),
    ("PATCH", "/pools/{poolId}"): budget(4),
    ("PATCH", "/service-plans/{planId}"): budget(11),
    ("PATCH", "/threads/{threadId}"): budget(5),
    ("PATCH", "/users/{userId}"): budget(4),
    ("PATCH", "/visits/{visitId}"): budget(5),
    ("PATCH", "/webhooks/{webhookId}"): budget(3),
    ("POST", "/alerts/{alertId}/acknowledge"): budget(5),
    ("POST", "/auth/login"): budget(8),
    ("POST", "/auth/logout"): budget(3),
    ("POST", "/auth/password-reset/confirm"): budget(5),
    ("POST", "/auth/password-reset/request"): budget(6),
    ("POST", "/auth/refresh"): budget(2),
    ("POST", "/auth/register"): budget(4),
    ("POST", "/auth/token"): budget(8),
    ("POST", "/invites"): budget(14),
    ("POST", "/invites/{inviteId}/accept"): budget(14),
    ("POST", "/invites/{inviteId}/decline"): budget(13),
    ("POST", "/invoices"): budget(5),
    ("POST", "/invoices/{invoiceId}/send"): budget(11),
    ("POST", "/invoices/{invoiceId}/void"): budget(5),
    ("POST", "/notifications/read-all"): budget(2),
    ("POST", "/notifications/{notificationId}/read"): budget(3),
    ("POST", "/payments"): budget(11),
    ("POST", "/photos/pools/{poolId}"): budget(8),
    ("POST", "/photos/users/{userId}/profile"): budget(8),
    ("POST", "/photos/visits/{visitId}"): budget(6),
    ("POST", "/pool-values"): budget(8),
    ("POST", "/pools"): budget(3),
    ("POST", "/pools/{poolId}/invites"): budget(14),
    ("POST", "/pools/{poolId}/service-plans"): budget(10),
    ("POST", "/pools/{poolId}/threads"): budget(12),
    ("POST", "/pools/{poolId}/visits"): budget(
        12,
        "the target is 8: +1 re-read of the pool's latest-reading pointer after the alerts"
        " (two readings racing, §10), +1 the event fan-out's webhook lookup (§17), +1 the"
        " technician a manager names is read, +1 two audit events (visit and reading)",
    ),
    ("POST", "/threads/{threadId}/messages"): budget(13),
    ("POST", "/threads/{threadId}/messages/{messageId}/photos"): budget(10),
    ("POST", "/users"): budget(4),
    ("POST", "/users/me/change-password"): budget(6),
    ("POST", "/visits"): budget(8),
    ("POST", "/visits/{visitId}/complete"): budget(
        12, "as the visit workflow, plus the visit itself; the readings are optional"
    ),
    ("POST", "/water-balance"): budget(1),
    ("POST", "/webhooks"): budget(2),
    ("POST", "/webhooks/{webhookId}/test"): budget(3),
    ("PUT", "/pools/{poolId}/alert-config"): budget(4),
    ("PUT", "/users/me/notification-preferences"): budget(2),
}

# Who sends the measured request: the first of these the access table lets through.
PREFERENCE = (
    "pool_owner",
    "assigned_technician",
    "admin",
    "unassigned_technician",
    "other_owner",
    "anonymous",
)
TARGETS = {
    ("GET", "/pools/{poolId}"): 2,
    ("GET", "/pools/{poolId}/dashboard"): 4,
    ("GET", "/threads/{threadId}/messages"): 5,
    ("GET", "/agenda"): 4,
    ("POST", "/pools/{poolId}/visits"): 8,
}


def first_allowed(route: RouteKey) -> str:
    return next(caller for caller in PREFERENCE if ACCESS[route][caller] == "2xx")


@pytest.fixture
async def world(access_world: World) -> World:  # noqa: F811 (the fixture, by name)
    """The access table's world (its fixture, under the name the tests here use)."""
    return access_world


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch):
    """The store probe installed, and pages in their MongoDB shape (one `$facet`)."""
    monkeypatch.setattr(pagination, "single_round_trip_pages", lambda collection: True)
    store_probe.install()
    yield
    store_probe.uninstall()


def test_every_route_has_a_budget(app):
    served = app_routes(app)
    assert sorted(served - BUDGETS.keys()) == [], "routes without a round-trip budget"
    assert sorted(BUDGETS.keys() - served) == [], "budgets without a route"


def test_budgets_over_their_target_say_why():
    unexplained = [
        route
        for route, each in BUDGETS.items()
        if each.round_trips > TARGETS.get(route, each.round_trips) and not each.reason
    ]
    assert unexplained == []


CASES = [
    pytest.param(method, path, first_allowed((method, path)), id=f"{method} {path}")
    for method, path in sorted(BUDGETS)
]


@pytest.mark.parametrize(("method", "path", "caller"), CASES)
async def test_round_trips_within_budget(
    method: str, path: str, caller: str, world: World, client: httpx.AsyncClient, probe
):
    build = CONTENT.get((method, path), lambda w: {})
    with store_probe.measure() as usage:
        response = await client.request(
            method, url_for((method, path), world), headers=world.headers, **build(world)
        )
    assert response.is_success, response.text
    allowed = BUDGETS[(method, path)].round_trips
    assert usage.round_trips <= allowed, usage.operations


PAGES = [
    "/pools/{poolId}/visits",
    "/visits",
    "/agenda",
    "/threads/{threadId}/messages",
    "/invites",
    "/notifications",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("caller", ["pool_owner"])
async def test_a_page_costs_the_same_whatever_its_size(
    path: str, caller: str, world: World, client: httpx.AsyncClient, probe
):
    """No query per item: a page of many items takes as many round trips as a page of one."""
    route = ("GET", path)
    build = CONTENT.get(route, lambda w: {})
    url = url_for(route, world)
    with store_probe.measure() as before:
        first = await client.get(url, headers=world.headers, **build(world))
    assert first.is_success, first.text
    await _grow(path, world, client)
    with store_probe.measure() as after:
        second = await client.get(url, headers=world.headers, **build(world))
    assert second.json()["total"] > first.json()["total"], "the page did not grow"
    assert after.round_trips == before.round_trips, (before.operations, after.operations)


async def _grow(path: str, w: World, client: httpx.AsyncClient) -> None:
    """Add several items to the page `path` lists, through the API."""
    owner = w.headers
    if path in ("/pools/{poolId}/visits", "/visits", "/agenda"):
        for day in range(5):
            body = {
                "poolId": w.ids["pool"],
                "technicianId": w.ids["assigned_technician"],
                "status": "scheduled",
                "scheduledStart": f"2026-11-{10 + day}T09:00:00Z",
                "scheduledEnd": f"2026-11-{10 + day}T10:00:00Z",
            }
            assert (await client.post("/visits", json=body, headers=owner)).status_code == 201
    elif path == "/threads/{threadId}/messages":
        for number in range(5):
            url = f"/threads/{w.ids['thread']}/messages"
            sent = await client.post(url, json={"body": f"Note {number}"}, headers=owner)
            assert sent.status_code == 201, sent.text
            photo = {"files": {"file": ("p.png", make_image(), "image/png")}}
            attached = await client.post(
                f"{url}/{sent.json()['id']}/photos", headers=owner, **photo
            )
            assert attached.status_code == 201, attached.text
    elif path == "/invites":
        for number in range(5):
            body = {"technicianEmail": f"new-tech-{number}@example.com"}
            created = await client.post(f"/pools/{w.ids['pool']}/invites", json=body, headers=owner)
            assert created.status_code == 201, created.text
    elif path == "/notifications":
        # Every message the technician posts in the owner's pool thread notifies the owner.
        technician = await _login_headers(client, w.emails["assigned_technician"])
        for number in range(5):
            url = f"/threads/{w.ids['thread']}/messages"
            sent = await client.post(url, json={"body": f"Update {number}"}, headers=technician)
            assert sent.status_code == 201, sent.text


async def _login_headers(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    response = await client.post("/auth/login", json={"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
