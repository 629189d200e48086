"""Schemathesis over every operation of the generated OpenAPI document, in-process (ASGI).

Each operation gets a bounded number of generated requests (valid and invalid), sent as an admin.
Path parameters take the ids of real resources most of the time, so requests get past the 404 and
reach the handlers; the rest of the time they keep the generated value. Every response must:

- not be a server error (no 500 on any input);
- use a status code the operation documents;
- have the documented content type (`application/problem+json` for errors);
- match the documented schema (problem responses included).

The world is built once through the API. Destructive operations (DELETE) aim at a second set of
resources, so the first successful delete does not turn the rest of the run into 404s; logout
ends a session kept for it, not the admin's.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymongo
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.core.config import Environment, Settings
from app.main import create_app
from tests.conftest import TEST_MONGODB_URL, TEST_SECRET, per_test_database_name
from tests.factories import PATH_PARAMS, make_image

GENERATED_SCHEMA = Path(__file__).resolve().parents[2] / "generated" / "openapi.json"
EXAMPLES_PER_OPERATION = 50
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ADMIN_EMAIL = "fuzz-admin@example.com"
PASSWORD = "correct-horse-battery"


@dataclass
class World:
    """Ids of real resources: `kept` for most operations, `doomed` for DELETE."""

    kept: dict[str, str]
    doomed: dict[str, str]
    admin_headers: dict[str, str]
    logout_headers: dict[str, str]


def _send(client: asgi.ASGIClient, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    response = client.request(method, url, **kwargs)
    assert response.ok, f"building the world: {method} {url}: {response.text}"
    return response.json() if response.content else {}


def _bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _register(client: asgi.ASGIClient, role: str, name: str) -> dict[str, Any]:
    body = {
        "name": name,
        "lastName": "Fuzz",
        "email": f"{name.lower()}@example.com",
        "password": PASSWORD,
        "role": role,
    }
    return _send(client, "POST", "/auth/register", json=body)


def _png() -> dict[str, Any]:
    return {"files": {"file": ("photo.png", make_image(), "image/png")}}


def _build_pool_world(client: asgi.ASGIClient, prefix: str) -> dict[str, str]:
    """An owner's pool, its technician (invited, accepted), a visit, an alert, a thread, photos."""
    owner = _register(client, "owner", f"{prefix}Owner")
    technician = _register(client, "technician", f"{prefix}Technician")
    as_owner, as_technician = _bearer(owner), _bearer(technician)
    pool = _send(client, "POST", "/pools", headers=as_owner, json={"name": f"{prefix} pool"})
    invite_body = {"technicianEmail": technician["user"]["email"]}
    invite = _send(
        client, "POST", f"/pools/{pool['id']}/invites", headers=as_owner, json=invite_body
    )
    _send(client, "POST", f"/invites/{invite['id']}/accept", headers=as_technician)
    readings = {"readings": {"ph": 9.0, "chlorine": 2.0, "temperature": 26.0}}
    recorded = _send(
        client, "POST", f"/pools/{pool['id']}/visits", headers=as_technician, json=readings
    )
    thread_body = {"subject": "Cloudy water", "body": "The water looks cloudy since Monday."}
    created = _send(
        client, "POST", f"/pools/{pool['id']}/threads", headers=as_technician, json=thread_body
    )
    visit_id = recorded["visit"]["id"]
    _send(client, "POST", f"/photos/visits/{visit_id}", headers=as_technician, **_png())
    photo = _send(client, "POST", f"/photos/pools/{pool['id']}", headers=as_owner, **_png())
    profile_url = f"/photos/users/{technician['user']['id']}/profile"
    _send(client, "POST", profile_url, headers=as_technician, **_png())
    spare = _register(client, "technician", f"{prefix}Spare")
    pending = _send(
        client,
        "POST",
        f"/pools/{pool['id']}/invites",
        headers=as_owner,
        json={"technicianEmail": spare["user"]["email"]},
    )
    # An address literal passes the SSRF guard without DNS; nothing is ever sent to it, since the
    # fuzz app runs no background jobs.
    webhook_body = {"url": "https://93.184.216.34/poolia", "events": ["alert.raised"]}
    webhook = _send(client, "POST", "/webhooks", headers=as_owner, json=webhook_body)
    plan_body = {
        "technicianId": technician["user"]["id"],
        "weekday": 1,
        "startTime": "09:00",
        "durationMinutes": 60,
        "startsOn": "2026-01-01",
        "checklist": ["skim"],
    }
    plan = _send(
        client, "POST", f"/pools/{pool['id']}/service-plans", headers=as_owner, json=plan_body
    )
    # The owner was told of the accepted invite, the alert and the visit: a notification of theirs.
    feed = _send(client, "GET", "/notifications", headers=as_owner)
    return {
        "notification": feed["items"][0]["id"],
        "pool": pool["id"],
        "service_plan": plan["id"],
        "owner": owner["user"]["id"],
        "webhook": webhook["id"],
        "assigned_technician": technician["user"]["id"],
        "invite": pending["id"],
        "visit": visit_id,
        "pool_values": recorded["poolValues"]["id"],
        "alert": recorded["alerts"][0]["id"],
        "thread": created["thread"]["id"],
        "message": created["message"]["id"],
        "photo": photo["id"],
    }


def _bill(client: asgi.ASGIClient, ids: dict[str, str], admin_headers: dict[str, str]) -> None:
    """A draft and a sent invoice for the world's owner, and a partial payment of the sent one."""
    body = {
        "ownerId": ids["owner"],
        "poolId": ids["pool"],
        "periodStart": "2026-03-01",
        "periodEnd": "2026-03-31",
        "lines": [{"description": "Weekly care", "quantity": 2, "unitPriceCents": 5_000}],
    }
    draft = _send(client, "POST", "/invoices", headers=admin_headers, json=body)
    invoice = _send(client, "POST", "/invoices", headers=admin_headers, json=body)
    _send(client, "POST", f"/invoices/{invoice['id']}/send", headers=admin_headers)
    payment_body = {
        "invoiceId": invoice["id"],
        "amountCents": 1_000,
        "method": "cash",
        "reference": "fuzz-world",
    }
    payment = _send(client, "POST", "/payments", headers=admin_headers, json=payment_body)
    ids.update(
        pool_owner=ids["owner"],
        invoice=invoice["id"],
        draft_invoice=draft["id"],
        payment=payment["id"],
    )


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    settings = Settings(
        environment=Environment.TEST,
        jwt_secret=TEST_SECRET,
        bcrypt_rounds=4,
        local_storage_dir=str(tmp_path_factory.mktemp("fuzz-blobs")),
        mongodb_url=TEST_MONGODB_URL,
        mongodb_db=per_test_database_name(),
        bootstrap_admin_email=ADMIN_EMAIL,
        bootstrap_admin_password=PASSWORD,
        log_level="CRITICAL",
        # No delivery worker: the fuzzer creates webhooks to whatever URLs it generates.
        background_jobs_enabled=False,
    )
    yield create_app(settings)
    asgi.shutdown_lifespans()
    if settings.mongodb_url:
        with pymongo.MongoClient(settings.mongodb_url) as server:
            server.drop_database(settings.mongodb_db)


@pytest.fixture(scope="module")
def world(fuzz_app: FastAPI) -> World:
    with asgi.get_client(fuzz_app) as client:
        kept = _build_pool_world(client, "Kept")
        doomed = _build_pool_world(client, "Doomed")
        credentials = {"email": ADMIN_EMAIL, "password": PASSWORD}
        admin_headers = _bearer(_send(client, "POST", "/auth/login", json=credentials))
        logout_headers = _bearer(_send(client, "POST", "/auth/login", json=credentials))
        _bill(client, kept, admin_headers)
        _bill(client, doomed, admin_headers)
        events = _send(client, "GET", "/audit", headers=admin_headers, params={"limit": 1})
    kept["audit_event"] = doomed["audit_event"] = events["items"][0]["id"]
    return World(kept, doomed, admin_headers, logout_headers)


schema = schemathesis.openapi.from_path(GENERATED_SCHEMA)


def _path_is_valid(case: schemathesis.Case) -> bool:
    """True unless the case was generated to break the path parameters' schema."""
    path = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
    return path is None or path.mode.is_positive


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same requests on every run, so CI is repeatable
    database=None,  # and nothing is replayed from, or written to, a local example database
)
def test_api_conforms_to_its_schema(case: schemathesis.Case, world: World, fuzz_app: FastAPI):
    if _path_is_valid(case):
        ids = world.doomed if case.method == "DELETE" else world.kept
        for name in case.path_parameters or {}:
            case.path_parameters[name] = ids[PATH_PARAMS[name]]
    is_logout = case.path == "/auth/logout"
    headers = world.logout_headers if is_logout else world.admin_headers
    case.call_and_validate(app=fuzz_app, headers=headers, checks=CHECKS)
