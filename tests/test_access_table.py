"""The access table: every route of the app, every kind of caller, the expected status class.

The table is written from the contract (`api-contract.md` §2 and the "who" column of every table),
not from the code. Two tests keep it honest:

- `test_every_route_has_a_row` walks `app.routes` and fails when a route has no row (a new endpoint
  cannot ship without its access rule written down) or a row names no route (no stale rows);
- `test_access` sends one minimal valid request per row and caller against a fresh world, so that a
  2xx is possible and a 422 never hides the access check, and compares the status class.

Callers: `anonymous` (no token), `admin`, `pool_owner` (owns the pool), `other_owner` (owns
nothing here), `assigned_technician` (in the pool's `technicianIds`), `unassigned_technician` (not
in the pool; the invitee of the world's pending invite, see `World`).

Status classes follow the contract's visibility rule: 404 for a caller who may not see the
resource at all, 403 for one who may see it but not perform the action, 401 without a token.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from beanie import PydanticObjectId
from fastapi import FastAPI
from starlette.routing import Mount

from app.audit.models import AuditEvent
from app.auth import sessions
from app.auth.models import PasswordResetToken
from app.core.openapi import DOCS_ASSETS_PATH
from app.core.security import hash_token, new_refresh_token
from app.notifications.models import Notification
from app.pools.models import Pool
from app.users.models import Role, User, utcnow
from app.visits.models import Visit
from tests.conftest import Caller
from tests.factories import (
    DEFAULT_PASSWORD,
    PATH_PARAMS,
    make_image,
    make_invite,
    make_user,
    make_webhook,
)

try:  # FastAPI 0.16x keeps included routers lazily in `app.routes`; this flattens them.
    from fastapi.routing import iter_route_contexts
except ImportError:  # older FastAPI: `app.routes` is already flat

    def iter_route_contexts(routes):  # type: ignore[no-redef]
        return iter(routes)


RouteKey = tuple[str, str]

CALLERS = (
    "anonymous",
    "admin",
    "pool_owner",
    "other_owner",
    "assigned_technician",
    "unassigned_technician",
)


def rule(
    *,
    anonymous: str,
    admin: str,
    pool_owner: str,
    other_owner: str,
    assigned_technician: str,
    unassigned_technician: str,
) -> dict[str, str]:
    """One row of the table: the expected status class for each caller."""
    return {
        "anonymous": anonymous,
        "admin": admin,
        "pool_owner": pool_owner,
        "other_owner": other_owner,
        "assigned_technician": assigned_technician,
        "unassigned_technician": unassigned_technician,
    }


# The usual shapes of a row. A token on a public route is simply ignored.
PUBLIC = rule(
    anonymous="2xx",
    admin="2xx",
    pool_owner="2xx",
    other_owner="2xx",
    assigned_technician="2xx",
    unassigned_technician="2xx",
)
AUTHENTICATED = {**PUBLIC, "anonymous": "401"}
ADMIN_ONLY = rule(
    anonymous="401",
    admin="2xx",
    pool_owner="403",
    other_owner="403",
    assigned_technician="403",
    unassigned_technician="403",
)
# §2 pool access: admin, the pool's owner, an assigned technician; the others cannot see the pool.
POOL_ACCESS = rule(
    anonymous="401",
    admin="2xx",
    pool_owner="2xx",
    other_owner="404",
    assigned_technician="2xx",
    unassigned_technician="404",
)
# §2 pool manage: admin, the pool's owner; an assigned technician sees the pool, may not manage it.
POOL_MANAGE = {**POOL_ACCESS, "assigned_technician": "403"}
# `{userId}` is the assigned technician (see PATH_PARAMS): admin and self may act; the pool owner
# shares a pool with them, so sees them (403); the other owner and the unassigned technician don't.
USER_SELF_OR_ADMIN = rule(
    anonymous="401",
    admin="2xx",
    pool_owner="403",
    other_owner="404",
    assigned_technician="2xx",
    unassigned_technician="404",
)
# "admin, that technician" on a per-technician listing, `{technicianId}` = the assigned technician;
# everyone else gets 403, as the contract spells out for /pools/technician/{technicianId}.
ADMIN_OR_THAT_TECHNICIAN = {**ADMIN_ONLY, "assigned_technician": "2xx"}
# Invite rows: the world's invite is addressed to the unassigned technician (the invitee). The pool
# owner and the invitee can see it; the assigned technician and the other owner cannot (404).
INVITE_MANAGE = rule(
    anonymous="401",
    admin="2xx",
    pool_owner="2xx",
    other_owner="404",
    assigned_technician="404",
    unassigned_technician="403",
)
INVITE_RESPOND = {**INVITE_MANAGE, "pool_owner": "403", "unassigned_technician": "2xx"}
# Billing (§18): the world's invoice is sent to the pool owner, with a partial payment; its draft
# invoice is the operator's alone. Admin manages; the owner reads their own sent invoices,
# payments and statement; a technician gets 403 on the lists and 404 on items.
BILLING_LIST = {**AUTHENTICATED, "assigned_technician": "403", "unassigned_technician": "403"}
BILLING_READ = rule(
    anonymous="401",
    admin="2xx",
    pool_owner="2xx",
    other_owner="404",
    assigned_technician="404",
    unassigned_technician="404",
)
DRAFT_MANAGE = {**BILLING_READ, "pool_owner": "404"}  # a draft reads as missing to its owner
# Webhook rows: the world's webhook belongs to the pool owner; only they and an admin see it.
WEBHOOK_OWNER = rule(
    anonymous="401",
    admin="2xx",
    pool_owner="2xx",
    other_owner="404",
    assigned_technician="404",
    unassigned_technician="404",
)

ACCESS: dict[RouteKey, dict[str, str]] = {
    # --- docs and health (§3, §14): public
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/health"): PUBLIC,
    ("GET", "/health/ready"): PUBLIC,
    # --- auth (§4)
    ("POST", "/auth/register"): PUBLIC,  # a fresh email: 201 for anyone
    ("POST", "/auth/login"): PUBLIC,  # the pool owner's email and password
    ("POST", "/auth/token"): PUBLIC,  # same credentials as a password-grant form
    ("POST", "/auth/refresh"): PUBLIC,  # a live refresh token of the pool owner
    ("POST", "/auth/logout"): AUTHENTICATED,  # ends the caller's own session
    # §17: the same 202 for any email; confirm with the world's live reset token (pool owner)
    ("POST", "/auth/password-reset/request"): PUBLIC,
    ("POST", "/auth/password-reset/confirm"): PUBLIC,
    # --- users (§5); `{userId}` is the assigned technician
    ("GET", "/users"): ADMIN_ONLY,
    ("POST", "/users"): ADMIN_ONLY,
    ("GET", "/users/me"): AUTHENTICATED,
    ("POST", "/users/me/change-password"): AUTHENTICATED,
    # admin, self, or a user sharing a pool with them (the pool owner)
    ("GET", "/users/{userId}"): {**USER_SELF_OR_ADMIN, "pool_owner": "2xx"},
    ("PATCH", "/users/{userId}"): USER_SELF_OR_ADMIN,  # a name change, allowed to self
    ("DELETE", "/users/{userId}"): USER_SELF_OR_ADMIN,  # a technician: no owner_has_pools 409
    # --- pools (§6)
    ("POST", "/pools"): {**ADMIN_ONLY, "other_owner": "2xx", "pool_owner": "2xx"},
    ("GET", "/pools"): AUTHENTICATED,  # scoped list
    # `{userId}` is the pool owner here: admin and that owner; "403 otherwise"
    ("GET", "/pools/user/{userId}"): {**ADMIN_ONLY, "pool_owner": "2xx"},
    # `{technicianId}` is the assigned technician: admin and that technician; "403 otherwise"
    ("GET", "/pools/technician/{technicianId}"): ADMIN_OR_THAT_TECHNICIAN,
    ("GET", "/pools/{poolId}"): POOL_ACCESS,
    ("PATCH", "/pools/{poolId}"): POOL_MANAGE,
    ("DELETE", "/pools/{poolId}"): POOL_MANAGE,
    # `{technicianId}` is the assigned technician: pool manage, or that technician leaving
    ("DELETE", "/pools/{poolId}/technicians/{technicianId}"): POOL_ACCESS,
    ("GET", "/pools/{poolId}/dashboard"): POOL_ACCESS,
    ("GET", "/pools/{poolId}/alert-config"): POOL_ACCESS,
    ("PUT", "/pools/{poolId}/alert-config"): POOL_MANAGE,
    # --- invites (§9); the body invites a spare technician who is neither assigned nor invited
    ("POST", "/pools/{poolId}/invites"): POOL_MANAGE,
    ("POST", "/invites"): ADMIN_ONLY,
    ("GET", "/invites"): AUTHENTICATED,  # scoped list
    # `{technicianId}` is the assigned technician
    ("GET", "/invites/technicians/{technicianId}"): ADMIN_OR_THAT_TECHNICIAN,
    ("GET", "/invites/technicians/{technicianId}/pending"): ADMIN_OR_THAT_TECHNICIAN,
    # admin, the pool's owner, the invited technician (here: the unassigned technician)
    ("GET", "/invites/{inviteId}"): {**INVITE_MANAGE, "unassigned_technician": "2xx"},
    ("PATCH", "/invites/{inviteId}"): INVITE_MANAGE,  # admin, the pool's owner
    ("DELETE", "/invites/{inviteId}"): INVITE_MANAGE,  # admin, the pool's owner
    ("POST", "/invites/{inviteId}/accept"): INVITE_RESPOND,  # the invitee, admin
    ("POST", "/invites/{inviteId}/decline"): INVITE_RESPOND,  # the invitee, admin
    # --- alerts (§10); the alert comes from the world's out-of-range pH reading
    ("GET", "/pools/{poolId}/alerts"): POOL_ACCESS,
    ("POST", "/alerts/{alertId}/acknowledge"): POOL_ACCESS,
    # --- pool values (§7); the world's reading was recorded by the assigned technician
    ("POST", "/pool-values"): POOL_ACCESS,  # the pool is named in the body
    ("GET", "/pool-values"): AUTHENTICATED,  # scoped list
    ("GET", "/pool-values/{poolValuesId}"): POOL_ACCESS,
    ("PATCH", "/pool-values/{poolValuesId}"): POOL_ACCESS,  # admin, pool owner, the recorder
    ("DELETE", "/pool-values/{poolValuesId}"): POOL_MANAGE,  # admin, pool owner (not the recorder)
    # --- water balance (§16)
    ("GET", "/pool-values/{poolValuesId}/water-balance"): POOL_ACCESS,
    ("POST", "/water-balance"): AUTHENTICATED,  # the calculator reads no pool
    # --- visits (§8); the world's visit is the assigned technician's
    ("POST", "/visits"): POOL_ACCESS,  # pool manage, or an assigned technician for themselves
    ("GET", "/visits"): AUTHENTICATED,  # scoped list
    ("GET", "/visits/{visitId}"): POOL_ACCESS,
    ("PATCH", "/visits/{visitId}"): POOL_ACCESS,  # pool manage, the visit's technician
    ("DELETE", "/visits/{visitId}"): POOL_MANAGE,
    ("POST", "/pools/{poolId}/visits"): POOL_ACCESS,  # pool manage, an assigned technician
    ("GET", "/pools/{poolId}/visits"): POOL_ACCESS,
    # --- photos (§11); `{photoId}` is the pool photo, uploaded by the pool owner
    ("POST", "/photos/users/{userId}/profile"): USER_SELF_OR_ADMIN,  # admin, self
    # anyone who may see the user (the world has a profile photo of the assigned technician)
    ("GET", "/photos/users/{userId}/profile"): {**USER_SELF_OR_ADMIN, "pool_owner": "2xx"},
    ("POST", "/photos/visits/{visitId}"): POOL_ACCESS,
    ("GET", "/photos/visits/{visitId}"): POOL_ACCESS,
    ("POST", "/photos/pools/{poolId}"): POOL_MANAGE,
    ("GET", "/photos/pools/{poolId}"): POOL_ACCESS,
    # a bearer token and no signed link: anyone who may see the photo
    ("GET", "/photos/{photoId}/content"): POOL_ACCESS,
    # admin, the uploader, the pool's owner; the assigned technician sees it but may not delete it
    ("DELETE", "/photos/{photoId}"): POOL_MANAGE,
    # --- messaging (§12); the thread and its first message are the assigned technician's
    ("POST", "/pools/{poolId}/threads"): POOL_ACCESS,
    ("GET", "/pools/{poolId}/threads"): POOL_ACCESS,
    ("GET", "/threads/{threadId}"): POOL_ACCESS,
    ("PATCH", "/threads/{threadId}"): POOL_ACCESS,  # thread creator, pool owner, admin
    ("GET", "/threads/{threadId}/messages"): POOL_ACCESS,
    ("POST", "/threads/{threadId}/messages"): POOL_ACCESS,
    ("GET", "/messages/{messageId}"): POOL_ACCESS,
    # the author, admin; the pool owner sees the message but may not edit it
    ("PATCH", "/messages/{messageId}"): {**POOL_ACCESS, "pool_owner": "403"},
    ("POST", "/threads/{threadId}/messages/{messageId}/photos"): POOL_ACCESS,
    # --- billing (§18); `{invoiceId}` is the sent invoice, or the draft where noted
    ("POST", "/invoices"): ADMIN_ONLY,
    ("GET", "/invoices"): BILLING_LIST,
    ("GET", "/invoices/{invoiceId}"): BILLING_READ,
    ("PATCH", "/invoices/{invoiceId}"): DRAFT_MANAGE,  # the draft
    ("DELETE", "/invoices/{invoiceId}"): DRAFT_MANAGE,  # the draft
    ("POST", "/invoices/{invoiceId}/send"): DRAFT_MANAGE,  # the draft
    ("POST", "/invoices/{invoiceId}/void"): DRAFT_MANAGE,  # the draft
    ("GET", "/invoices/{invoiceId}/pdf"): BILLING_READ,
    ("POST", "/payments"): ADMIN_ONLY,  # a part of the sent invoice's balance
    ("GET", "/payments"): BILLING_LIST,
    ("GET", "/payments/{paymentId}"): BILLING_READ,
    ("GET", "/owners/{ownerId}/statement"): BILLING_READ,  # `{ownerId}` is the pool owner
    # --- service plans (§15); the world's plan is the assigned technician's, Mondays 09:00
    ("POST", "/pools/{poolId}/service-plans"): POOL_MANAGE,
    ("GET", "/pools/{poolId}/service-plans"): POOL_ACCESS,
    ("GET", "/service-plans/{planId}"): POOL_ACCESS,
    ("PATCH", "/service-plans/{planId}"): POOL_MANAGE,
    ("DELETE", "/service-plans/{planId}"): POOL_MANAGE,
    # the world's plan occurrence (scheduled, the assigned technician's): manage, its technician
    ("POST", "/visits/{visitId}/complete"): POOL_ACCESS,
    ("GET", "/agenda"): AUTHENTICATED,  # scoped list over a window
    # --- notifications (§17); the world's notification is the pool owner's (the alert raised)
    ("GET", "/notifications"): AUTHENTICATED,  # own only
    ("POST", "/notifications/read-all"): AUTHENTICATED,  # own only
    ("POST", "/notifications/{notificationId}/read"): rule(
        anonymous="401",
        admin="404",  # own only, admins included
        pool_owner="2xx",
        other_owner="404",
        assigned_technician="404",
        unassigned_technician="404",
    ),
    ("GET", "/users/me/notification-preferences"): AUTHENTICATED,
    ("PUT", "/users/me/notification-preferences"): AUTHENTICATED,
    # --- audit (§13)
    ("GET", "/audit"): ADMIN_ONLY,
    ("GET", "/audit/{auditEventId}"): ADMIN_ONLY,
    # --- webhooks (§17); `{webhookId}` is the pool owner's webhook
    ("POST", "/webhooks"): {**ADMIN_ONLY, "pool_owner": "2xx", "other_owner": "2xx"},
    ("GET", "/webhooks"): AUTHENTICATED,  # own (admin: all)
    ("GET", "/webhooks/{webhookId}"): WEBHOOK_OWNER,
    ("PATCH", "/webhooks/{webhookId}"): WEBHOOK_OWNER,
    ("DELETE", "/webhooks/{webhookId}"): WEBHOOK_OWNER,
    ("POST", "/webhooks/{webhookId}/test"): WEBHOOK_OWNER,
    ("GET", "/webhooks/{webhookId}/deliveries"): WEBHOOK_OWNER,
}

# Rows the contract lists but the app does not serve yet: the route test checks they are still
# missing (so this set cannot go stale either), and their access cases are expected failures.
NOT_IN_APP: set[RouteKey] = set()

# Cases where the app disagrees with the contract, for the lead to fix in app/. Each is an
# expected failure; once the app is fixed the test fails until the entry is removed.
KNOWN_DEVIATIONS: dict[tuple[str, str, str], str] = {}


# --- the world each case runs against ----------------------------------------------------------


@dataclass
class World:
    """Fresh resources for one case, all belonging to the pool.

    The pending invite is addressed to the unassigned technician: an assigned technician cannot be
    invited (409 `technician_already_assigned`), and this way the invite rows test the invitee
    (`unassigned_technician`) as well as a technician of the pool who is not a party to the invite
    (`assigned_technician`). A spare technician, neither assigned nor invited, is the one new
    invites are sent to, so that creating one is not a 409.
    """

    ids: dict[str, str]  # the caller names, "spare_technician" and the resources
    emails: dict[str, str]
    refresh_token: str
    reset_token: str  # a live password-reset token of the pool owner
    me: User | None  # the caller of this case; None when anonymous
    headers: dict[str, str]  # the caller's bearer token; none when anonymous


async def _call(client: httpx.AsyncClient, method: str, url: str, caller: Caller, **kwargs: Any):
    response = await client.request(method, url, headers=caller.headers, **kwargs)
    assert response.is_success, f"building the world: {method} {url}: {response.text}"
    return response.json()


def _png() -> dict[str, Any]:
    return {"files": {"file": ("photo.png", make_image(), "image/png")}}


@pytest.fixture
async def world(
    caller: str,
    client: httpx.AsyncClient,
    settings,
    admin: Caller,
    owner: Caller,
    other_owner: Caller,
    technician: Caller,
    other_technician: Caller,
    pool: Pool,
) -> World:
    callers = {
        "admin": admin,
        "pool_owner": owner,
        "other_owner": other_owner,
        "assigned_technician": technician,
        "unassigned_technician": other_technician,
    }
    spare = await make_user(settings, role=Role.TECHNICIAN)
    invite = await make_invite(pool, other_technician.user)
    # The assigned technician records a visit with an out-of-range pH: visit, reading and alert.
    recorded = await _call(
        client,
        "POST",
        f"/pools/{pool.id}/visits",
        technician,
        json={"readings": {"ph": 9.0, "chlorine": 2.0, "temperature": 26.0}},
    )
    assert recorded["alerts"], "the world needs an active alert"
    created = await _call(
        client,
        "POST",
        f"/pools/{pool.id}/threads",
        technician,
        json={"subject": "Cloudy water", "body": "The water looks cloudy since Monday."},
    )
    photo = await _call(client, "POST", f"/photos/pools/{pool.id}", owner, **_png())
    plan = await _call(
        client,
        "POST",
        f"/pools/{pool.id}/service-plans",
        owner,
        json={
            "technicianId": str(technician.user.id),
            "weekday": 1,
            "startTime": "09:00",
            "durationMinutes": 60,
            "startsOn": "2026-01-01",
            "checklist": ["skim", "brush walls"],
        },
    )
    await _call(client, "POST", f"/photos/users/{technician.user.id}/profile", technician, **_png())
    invoice_body = {
        "ownerId": str(owner.user.id),
        "poolId": str(pool.id),
        "periodStart": "2026-03-01",
        "periodEnd": "2026-03-31",
        "lines": [{"description": "Weekly care", "quantity": 4, "unitPriceCents": 5_000}],
    }
    draft_invoice = await _call(client, "POST", "/invoices", admin, json=invoice_body)
    invoice = await _call(client, "POST", "/invoices", admin, json=invoice_body)
    await _call(client, "POST", f"/invoices/{invoice['id']}/send", admin)
    payment_body = {
        "invoiceId": invoice["id"],
        "amountCents": 5_000,
        "method": "bank_transfer",
        "reference": "world-payment",
    }
    payment = await _call(client, "POST", "/payments", admin, json=payment_body)
    webhook = await make_webhook(owner.user)
    occurrence = await Visit.find_one({"service_plan_id": PydanticObjectId(plan["id"])})
    assert occurrence is not None, "the world needs a scheduled plan occurrence"
    audit_event = await AuditEvent.find_one({})
    assert audit_event is not None, "the world needs an audit event"
    _, refresh_token = await sessions.start(user_id=owner.user.id, ttl=timedelta(days=1))
    reset_token = new_refresh_token()
    await PasswordResetToken(
        token_hash=hash_token(reset_token),
        user_id=owner.user.id,
        expires_at=utcnow() + timedelta(minutes=30),
    ).insert()
    notification = await Notification.find_one({"user_id": owner.user.id})
    assert notification is not None, "the world needs a notification of the pool owner"
    return World(
        ids={
            **{name: str(each.user.id) for name, each in callers.items()},
            "spare_technician": str(spare.id),
            "pool": str(pool.id),
            "invite": str(invite.id),
            "visit": recorded["visit"]["id"],
            "pool_values": recorded["poolValues"]["id"],
            "alert": recorded["alerts"][0]["id"],
            "thread": created["thread"]["id"],
            "message": created["message"]["id"],
            "photo": photo["id"],
            "service_plan": plan["id"],
            "scheduled_visit": str(occurrence.id),
            "audit_event": str(audit_event.id),
            "invoice": invoice["id"],
            "draft_invoice": draft_invoice["id"],
            "payment": payment["id"],
            "webhook": str(webhook.id),
            "notification": str(notification.id),
        },
        emails={
            **{name: each.user.email for name, each in callers.items()},
            "spare_technician": spare.email,
        },
        refresh_token=refresh_token,
        reset_token=reset_token,
        me=None if caller == "anonymous" else callers[caller].user,
        headers={} if caller == "anonymous" else callers[caller].headers,
    )


PATH_PARAM_OVERRIDES: dict[RouteKey, dict[str, str]] = {
    ("GET", "/pools/user/{userId}"): {"userId": "pool_owner"},  # a user who owns the pool
    ("PATCH", "/invoices/{invoiceId}"): {"invoiceId": "draft_invoice"},
    ("DELETE", "/invoices/{invoiceId}"): {"invoiceId": "draft_invoice"},
    ("POST", "/invoices/{invoiceId}/send"): {"invoiceId": "draft_invoice"},
    ("POST", "/invoices/{invoiceId}/void"): {"invoiceId": "draft_invoice"},
    ("POST", "/visits/{visitId}/complete"): {"visitId": "scheduled_visit"},
}


def _new_pool(w: World) -> dict[str, Any]:
    # An owner creates a pool for themselves (`ownerId` omitted); an admin must name the owner.
    body: dict[str, Any] = {"name": "Second pool"}
    if w.me is not None and w.me.role is Role.ADMIN:
        body["ownerId"] = w.ids["pool_owner"]
    return {"json": body}


NEW_PASSWORD = "a-brand-new-passphrase"
CONTENT: dict[RouteKey, Callable[[World], dict[str, Any]]] = {
    ("POST", "/auth/register"): lambda w: {
        "json": {
            "name": "New",
            "lastName": "Comer",
            "email": "newcomer@example.com",
            "password": NEW_PASSWORD,
            "role": "owner",
        }
    },
    ("POST", "/auth/login"): lambda w: {
        "json": {"email": w.emails["pool_owner"], "password": DEFAULT_PASSWORD}
    },
    ("POST", "/auth/token"): lambda w: {
        "data": {"username": w.emails["pool_owner"], "password": DEFAULT_PASSWORD}
    },
    ("POST", "/auth/refresh"): lambda w: {"json": {"refreshToken": w.refresh_token}},
    ("POST", "/auth/password-reset/request"): lambda w: {"json": {"email": w.emails["pool_owner"]}},
    ("POST", "/auth/password-reset/confirm"): lambda w: {
        "json": {"token": w.reset_token, "newPassword": NEW_PASSWORD}
    },
    ("POST", "/users"): lambda w: {
        "json": {
            "name": "Created",
            "lastName": "ByAdmin",
            "email": "created@example.com",
            "password": NEW_PASSWORD,
            "role": "technician",
        }
    },
    ("POST", "/users/me/change-password"): lambda w: {
        "json": {"currentPassword": DEFAULT_PASSWORD, "newPassword": NEW_PASSWORD}
    },
    ("PATCH", "/users/{userId}"): lambda w: {"json": {"name": "Renamed"}},
    ("POST", "/pools"): _new_pool,
    ("PATCH", "/pools/{poolId}"): lambda w: {"json": {"name": "Renamed pool"}},
    ("PUT", "/pools/{poolId}/alert-config"): lambda w: {
        "json": {
            "enabled": True,
            "ph": {"min": 7.0, "max": 7.6},
            "chlorine": {"min": 1.0, "max": 3.0},
            "temperature": {"min": 12.0, "max": 30.0},
        }
    },
    ("POST", "/pools/{poolId}/invites"): lambda w: {
        "json": {"technicianEmail": w.emails["spare_technician"]}
    },
    ("POST", "/invites"): lambda w: {
        "json": {"poolId": w.ids["pool"], "technicianId": w.ids["spare_technician"]}
    },
    ("PATCH", "/invites/{inviteId}"): lambda w: {"json": {"message": "See you on Monday."}},
    ("PUT", "/users/me/notification-preferences"): lambda w: {
        "json": {
            "email": {
                "alerts": True,
                "visitReports": False,
                "messages": True,
                "invites": True,
                "billing": True,
            }
        }
    },
    ("POST", "/pool-values"): lambda w: {"json": {"poolId": w.ids["pool"], "ph": 7.4}},
    ("POST", "/water-balance"): lambda w: {
        "json": {"readings": {"ph": 7.9, "alkalinity": 70}, "volumeLiters": 40_000}
    },
    ("PATCH", "/pool-values/{poolValuesId}"): lambda w: {"json": {"chlorine": 2.5}},
    ("POST", "/visits"): lambda w: {
        "json": {
            "poolId": w.ids["pool"],
            "technicianId": w.ids["assigned_technician"],
            "status": "scheduled",
            "scheduledStart": "2030-01-15T09:00:00Z",
            "scheduledEnd": "2030-01-15T10:00:00Z",
        }
    },
    ("PATCH", "/visits/{visitId}"): lambda w: {"json": {"observations": "Filter cleaned."}},
    ("POST", "/pools/{poolId}/visits"): lambda w: {
        "json": {"technicianId": w.ids["assigned_technician"], "readings": {"ph": 7.4}}
    },
    ("POST", "/photos/users/{userId}/profile"): lambda w: _png(),
    ("POST", "/photos/visits/{visitId}"): lambda w: _png(),
    ("POST", "/photos/pools/{poolId}"): lambda w: _png(),
    ("POST", "/pools/{poolId}/threads"): lambda w: {
        "json": {"subject": "Pump noise", "body": "The pump rattles at night."}
    },
    ("PATCH", "/threads/{threadId}"): lambda w: {"json": {"subject": "Cloudy water (again)"}},
    ("POST", "/threads/{threadId}/messages"): lambda w: {"json": {"body": "Checking tomorrow."}},
    ("PATCH", "/messages/{messageId}"): lambda w: {"json": {"body": "Edited: since Sunday."}},
    ("POST", "/threads/{threadId}/messages/{messageId}/photos"): lambda w: _png(),
    ("POST", "/invoices"): lambda w: {
        "json": {
            "ownerId": w.ids["pool_owner"],
            "poolId": w.ids["pool"],
            "periodStart": "2026-04-01",
            "periodEnd": "2026-04-30",
            "lines": [{"description": "Pump repair", "quantity": 1, "unitPriceCents": 12_000}],
        }
    },
    ("PATCH", "/invoices/{invoiceId}"): lambda w: {"json": {"notes": "Paid by transfer."}},
    ("POST", "/payments"): lambda w: {
        "json": {
            "invoiceId": w.ids["invoice"],
            "amountCents": 1_000,
            "method": "cash",
            "reference": "access-check",
        }
    },
    ("GET", "/owners/{ownerId}/statement"): lambda w: {
        "params": {"from": "2026-01-01", "to": "2099-12-31"}
    },
    # an address literal, so the SSRF guard passes without DNS
    ("POST", "/webhooks"): lambda w: {
        "json": {"url": "https://93.184.216.34/poolia", "events": ["alert.raised"]}
    },
    ("PATCH", "/webhooks/{webhookId}"): lambda w: {"json": {"description": "ERP sync"}},
    ("POST", "/pools/{poolId}/service-plans"): lambda w: {
        "json": {
            "technicianId": w.ids["assigned_technician"],
            "weekday": 3,
            "startTime": "14:00",
            "durationMinutes": 90,
            "startsOn": "2026-01-01",
        }
    },
    ("PATCH", "/service-plans/{planId}"): lambda w: {"json": {"startTime": "10:30"}},
    ("GET", "/agenda"): lambda w: {
        "params": {"from": "2026-11-01T00:00:00Z", "to": "2026-12-01T00:00:00Z"}
    },
    ("POST", "/visits/{visitId}/complete"): lambda w: {
        "json": {"tasksDone": ["skim"], "readings": {"ph": 7.4, "chlorine": 1.5}}
    },
}


def url_for(route: RouteKey, world: World) -> str:
    """The route's path template with the world's ids filled in."""
    sources = {**PATH_PARAMS, **PATH_PARAM_OVERRIDES.get(route, {})}
    return re.sub(r"\{(\w+)\}", lambda match: world.ids[sources[match[1]]], route[1])


def status_class(status: int) -> str:
    return "2xx" if 200 <= status < 300 else str(status)


# --- the tests ---------------------------------------------------------------------------------


def app_routes(app: FastAPI) -> set[RouteKey]:
    """Every (method, path template) the app serves, without HEAD/OPTIONS and the docs assets."""
    found: set[RouteKey] = set()
    for route in iter_route_contexts(app.routes):
        original = getattr(route, "original_route", route)
        if isinstance(original, Mount) and route.path == DOCS_ASSETS_PATH:
            continue  # static files of the offline docs
        methods = getattr(route, "methods", None)
        assert methods, f"a route without HTTP methods has no row: {original!r}"
        found |= {(method, route.path) for method in methods - {"HEAD", "OPTIONS"}}
    return found


def test_every_route_has_a_row(app: FastAPI):
    served = app_routes(app)
    assert sorted(served - ACCESS.keys()) == [], "routes without an access row"
    assert sorted(ACCESS.keys() - served - NOT_IN_APP) == [], "rows without a route"
    assert sorted(NOT_IN_APP & served) == [], "served now: remove from NOT_IN_APP"


def test_every_row_names_every_caller():
    incomplete = {route for route, row in ACCESS.items() if set(row) != set(CALLERS)}
    unknown = {
        (route, expected)
        for route, row in ACCESS.items()
        for expected in row.values()
        if expected not in {"2xx", "401", "403", "404"}
    }
    assert (incomplete, unknown) == (set(), set())


CASES = [
    pytest.param(method, path, caller, id=f"{method} {path} {caller}")
    for method, path in ACCESS
    for caller in CALLERS
]


@pytest.mark.parametrize(("method", "path", "caller"), CASES)
async def test_access(
    method: str,
    path: str,
    caller: str,
    world: World,
    client: httpx.AsyncClient,
):
    route = (method, path)
    if route in NOT_IN_APP:
        pytest.xfail(f"{method} {path} is in the contract but not served by the app")
    content = CONTENT.get(route, lambda w: {})(world)
    response = await client.request(method, url_for(route, world), headers=world.headers, **content)
    expected, actual = ACCESS[route][caller], status_class(response.status_code)
    deviation = KNOWN_DEVIATIONS.get((method, path, caller))
    if deviation is not None:
        assert actual != expected, "the app now follows the contract: remove the known deviation"
        pytest.xfail(f"{deviation} (expected {expected}, got {actual})")
    assert actual == expected, f"{method} {path} as {caller}: {response.text[:500]}"
