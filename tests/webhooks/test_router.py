"""Webhook endpoints (contract §17): who may hold webhooks, the secret, changes, ping, the log."""

import httpx
import pytest
from fastapi import FastAPI

from app.webhooks.models import Webhook, WebhookDelivery
from tests.conftest import Caller, problem_code
from tests.factories import make_webhook

PUBLIC_URL = "https://93.184.216.34/poolia"  # an address literal: no DNS needed to check it


def body(**fields: object) -> dict[str, object]:
    return {"url": PUBLIC_URL, "events": ["alert.raised"], **fields}


class TestCreateWebhook:
    async def test_owner(self, client: httpx.AsyncClient, owner: Caller):
        response = await client.post(
            "/webhooks", headers=owner.headers, json=body(description="ERP sync")
        )
        assert response.status_code == 201
        created = response.json()
        assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
        assert created["active"] is True and created["ownerId"] == str(owner.user.id)
        assert (created["url"], created["events"]) == (PUBLIC_URL, ["alert.raised"])
        assert created["description"] == "ERP sync"
        stored = await Webhook.get(created["id"])
        assert stored is not None and stored.secret == created["secret"]

    async def test_admin(self, client: httpx.AsyncClient, admin: Caller):
        response = await client.post("/webhooks", headers=admin.headers, json=body(active=False))
        assert response.status_code == 201 and response.json()["active"] is False

    async def test_technician(self, client: httpx.AsyncClient, technician: Caller):
        response = await client.post("/webhooks", headers=technician.headers, json=body())
        assert (response.status_code, problem_code(response)) == (403, "forbidden")

    async def test_anonymous(self, client: httpx.AsyncClient):
        assert (await client.post("/webhooks", json=body())).status_code == 401

    async def test_repeated_events_are_kept_once(self, client: httpx.AsyncClient, owner: Caller):
        events = ["visit.completed", "alert.raised", "visit.completed"]
        response = await client.post("/webhooks", headers=owner.headers, json=body(events=events))
        assert response.json()["events"] == ["visit.completed", "alert.raised"]

    @pytest.mark.parametrize(
        "fields",
        [
            {"events": ["alert.exploded"]},
            {"events": ["ping"]},
            {"events": []},
            {"url": "ftp://93.184.216.34/poolia"},
            {"url": "/relative/path"},
            {"url": "http://"},
            {"url": "https://93.184.216.34:99999/"},
            {"secret": "mine"},
        ],
        ids=str,
    )
    async def test_invalid_body(self, client: httpx.AsyncClient, owner: Caller, fields):
        response = await client.post("/webhooks", headers=owner.headers, json=body(**fields))
        assert (response.status_code, problem_code(response)) == (422, "validation_error")


class TestListWebhooks:
    async def test_own_only(self, client: httpx.AsyncClient, owner: Caller, other_owner: Caller):
        first = await make_webhook(owner.user)
        second = await make_webhook(owner.user)
        await make_webhook(other_owner.user)
        response = await client.get("/webhooks", headers=owner.headers)
        page = response.json()
        assert page["total"] == 2
        assert [item["id"] for item in page["items"]] == [str(second.id), str(first.id)]
        assert all("secret" not in item for item in page["items"])

    async def test_admin_sees_all(
        self, client: httpx.AsyncClient, admin: Caller, owner: Caller, other_owner: Caller
    ):
        await make_webhook(owner.user)
        await make_webhook(other_owner.user)
        response = await client.get("/webhooks", headers=admin.headers)
        assert response.json()["total"] == 2

    async def test_technician_has_none(self, client: httpx.AsyncClient, technician: Caller):
        response = await client.get("/webhooks", headers=technician.headers)
        assert response.status_code == 200 and response.json()["total"] == 0


class TestReadWebhook:
    async def test_owner_without_secret(self, client: httpx.AsyncClient, owner: Caller):
        webhook = await make_webhook(owner.user)
        response = await client.get(f"/webhooks/{webhook.id}", headers=owner.headers)
        assert response.status_code == 200
        assert "secret" not in response.json() and webhook.secret not in response.text

    async def test_admin(self, client: httpx.AsyncClient, admin: Caller, owner: Caller):
        webhook = await make_webhook(owner.user)
        assert (await client.get(f"/webhooks/{webhook.id}", headers=admin.headers)).is_success

    async def test_other_owner(self, client: httpx.AsyncClient, owner: Caller, other_owner: Caller):
        webhook = await make_webhook(owner.user)
        response = await client.get(f"/webhooks/{webhook.id}", headers=other_owner.headers)
        assert (response.status_code, problem_code(response)) == (404, "webhook_not_found")

    async def test_unknown(self, client: httpx.AsyncClient, owner: Caller):
        response = await client.get("/webhooks/0123456789abcdef01234567", headers=owner.headers)
        assert problem_code(response) == "webhook_not_found"

    async def test_malformed_id(self, client: httpx.AsyncClient, owner: Caller):
        response = await client.get("/webhooks/not-an-id", headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (422, "validation_error")


class TestUpdateWebhook:
    async def test_owner(self, client: httpx.AsyncClient, owner: Caller):
        webhook = await make_webhook(owner.user, description="old")
        changes = {"url": PUBLIC_URL, "events": ["message.posted"], "active": False}
        response = await client.patch(
            f"/webhooks/{webhook.id}", headers=owner.headers, json={**changes, "description": None}
        )
        assert response.status_code == 200
        assert response.json() | changes == response.json()
        assert response.json()["description"] is None
        stored = await Webhook.get(webhook.id)
        assert stored is not None and (stored.events, stored.active) == (["message.posted"], False)
        assert stored.secret == webhook.secret

    async def test_null_url(self, client: httpx.AsyncClient, owner: Caller):
        webhook = await make_webhook(owner.user)
        response = await client.patch(
            f"/webhooks/{webhook.id}", headers=owner.headers, json={"url": None}
        )
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_other_owner(self, client: httpx.AsyncClient, owner: Caller, other_owner: Caller):
        webhook = await make_webhook(owner.user)
        response = await client.patch(
            f"/webhooks/{webhook.id}", headers=other_owner.headers, json={"active": False}
        )
        assert problem_code(response) == "webhook_not_found"


class TestDeleteWebhook:
    async def test_owner(self, client: httpx.AsyncClient, owner: Caller):
        webhook = await make_webhook(owner.user)
        await client.post(f"/webhooks/{webhook.id}/test", headers=owner.headers)
        response = await client.delete(f"/webhooks/{webhook.id}", headers=owner.headers)
        assert response.status_code == 204
        assert await Webhook.get(webhook.id) is None
        assert await WebhookDelivery.find({"webhook_id": webhook.id}).count() == 0

    async def test_other_owner(self, client: httpx.AsyncClient, owner: Caller, other_owner: Caller):
        webhook = await make_webhook(owner.user)
        response = await client.delete(f"/webhooks/{webhook.id}", headers=other_owner.headers)
        assert problem_code(response) == "webhook_not_found"
        assert await Webhook.get(webhook.id) is not None

    async def test_deleted_user_loses_webhooks(
        self, client: httpx.AsyncClient, admin: Caller, other_owner: Caller
    ):
        webhook = await make_webhook(other_owner.user)
        response = await client.delete(f"/users/{other_owner.user.id}", headers=admin.headers)
        assert response.is_success
        assert await Webhook.get(webhook.id) is None


class TestPingWebhook:
    async def test_owner(self, client: httpx.AsyncClient, owner: Caller):
        webhook = await make_webhook(owner.user, active=False)
        response = await client.post(f"/webhooks/{webhook.id}/test", headers=owner.headers)
        assert response.status_code == 202
        delivery = response.json()
        assert (delivery["event"], delivery["status"]) == ("ping", "pending")
        assert delivery["attempts"] == 0
        assert delivery["nextAttemptAt"] is not None and delivery["deliveredAt"] is None
        stored = await WebhookDelivery.get(delivery["id"])
        assert stored is not None
        assert f'"data":{{"webhookId":"{webhook.id}"}}' in stored.body

    async def test_other_owner(self, client: httpx.AsyncClient, owner: Caller, other_owner: Caller):
        webhook = await make_webhook(owner.user)
        response = await client.post(f"/webhooks/{webhook.id}/test", headers=other_owner.headers)
        assert problem_code(response) == "webhook_not_found"
        assert await WebhookDelivery.count() == 0


class TestListDeliveries:
    async def test_newest_first_paginated(self, client: httpx.AsyncClient, owner: Caller):
        webhook = await make_webhook(owner.user)
        queued = [
            (await client.post(f"/webhooks/{webhook.id}/test", headers=owner.headers)).json()
            for _ in range(3)
        ]
        response = await client.get(
            f"/webhooks/{webhook.id}/deliveries",
            headers=owner.headers,
            params={"limit": 2, "offset": 0},
        )
        page = response.json()
        assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
        assert [item["id"] for item in page["items"]] == [queued[2]["id"], queued[1]["id"]]
        assert set(page["items"][0]) == {
            "id",
            "event",
            "status",
            "attempts",
            "lastStatusCode",
            "lastError",
            "nextAttemptAt",
            "createdAt",
            "deliveredAt",
        }

    async def test_only_this_webhook(self, client: httpx.AsyncClient, owner: Caller):
        first, second = await make_webhook(owner.user), await make_webhook(owner.user)
        await client.post(f"/webhooks/{first.id}/test", headers=owner.headers)
        response = await client.get(f"/webhooks/{second.id}/deliveries", headers=owner.headers)
        assert response.json()["total"] == 0

    async def test_other_owner(self, client: httpx.AsyncClient, owner: Caller, other_owner: Caller):
        webhook = await make_webhook(owner.user)
        response = await client.get(
            f"/webhooks/{webhook.id}/deliveries", headers=other_owner.headers
        )
        assert problem_code(response) == "webhook_not_found"


@pytest.fixture
def guarded(app: FastAPI) -> FastAPI:
    """The app with the SSRF guard on (the webhook tests' settings lift it)."""
    app.state.settings = app.state.settings.model_copy(
        update={"webhook_allow_private_targets": False}
    )
    return app


class TestUrlGuard:
    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:8000/hook",
            "http://localhost/hook",
            "http://10.1.2.3/hook",
            "http://192.168.1.10/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/hook",
            "http://[::ffff:127.0.0.1]/hook",
            "http://0.0.0.0/hook",
            "http://224.0.0.1/hook",
            "http://240.0.0.1/hook",
            "http://host.that-does-not-resolve.invalid/hook",
        ],
    )
    async def test_refused_at_creation(
        self, guarded: FastAPI, client: httpx.AsyncClient, owner: Caller, url: str
    ):
        response = await client.post("/webhooks", headers=owner.headers, json=body(url=url))
        assert (response.status_code, problem_code(response)) == (422, "webhook_url_not_allowed")
        assert response.json()["errors"][0]["loc"] == ["body", "url"]
        assert await Webhook.count() == 0

    async def test_public_address_accepted(
        self, guarded: FastAPI, client: httpx.AsyncClient, owner: Caller
    ):
        response = await client.post("/webhooks", headers=owner.headers, json=body())
        assert response.status_code == 201

    async def test_refused_on_change(
        self, guarded: FastAPI, client: httpx.AsyncClient, owner: Caller
    ):
        webhook = await make_webhook(owner.user, url=PUBLIC_URL)
        response = await client.patch(
            f"/webhooks/{webhook.id}", headers=owner.headers, json={"url": "http://10.0.0.5/"}
        )
        assert problem_code(response) == "webhook_url_not_allowed"
        stored = await Webhook.get(webhook.id)
        assert stored is not None and stored.url == PUBLIC_URL

    async def test_lifted_by_setting(self, client: httpx.AsyncClient, owner: Caller):
        response = await client.post(
            "/webhooks", headers=owner.headers, json=body(url="http://127.0.0.1:9/hook")
        )
        assert response.status_code == 201
