"""Audit log endpoints (contract section 13): admin-only reads of the recorded state changes."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
from beanie import PydanticObjectId

from tests.conftest import Caller
from tests.factories import DEFAULT_PASSWORD

NEW_USER = {
    "name": "Ada",
    "lastName": "Lovelace",
    "email": "ada@example.com",
    "password": "analytical-engine",
    "role": "owner",
}


async def only_event(client: httpx.AsyncClient, admin: Caller, **filters: str) -> dict:
    response = await client.get("/audit", params=filters, headers=admin.headers)
    assert response.json()["total"] == 1, response.json()
    return response.json()["items"][0]


def actions(response: httpx.Response) -> list[str]:
    return [item["action"] for item in response.json()["items"]]


class TestListAuditEvents:
    async def test_admin(self, client, admin: Caller):
        await client.post("/users", json=NEW_USER, headers=admin.headers)
        response = await client.get("/audit", headers=admin.headers)
        assert response.status_code == 200
        assert actions(response) == ["user.create"]

    async def test_owner(self, client, owner: Caller):
        response = await client.get("/audit", headers=owner.headers)
        assert response.status_code == 403

    async def test_technician(self, client, technician: Caller):
        response = await client.get("/audit", headers=technician.headers)
        assert response.status_code == 403

    async def test_anonymous(self, client):
        response = await client.get("/audit")
        assert response.status_code == 401

    async def test_user_create_recorded(self, client, admin: Caller):
        created = await client.post("/users", json=NEW_USER, headers=admin.headers)
        event = await only_event(client, admin, action="user.create")
        assert event["actorId"] == str(admin.user.id)
        assert event["actorRole"] == "admin"
        assert event["resourceType"] == "user"
        assert event["resourceId"] == created.json()["id"]
        assert event["requestId"] == created.headers["X-Request-ID"]
        assert event["at"].endswith("Z")

    async def test_user_create_changes_name_fields_but_not_password(self, client, admin: Caller):
        await client.post("/users", json=NEW_USER, headers=admin.headers)
        event = await only_event(client, admin, action="user.create")
        assert {"name", "lastName", "email", "role"} <= set(event["changes"])
        assert not any("password" in field.lower() for field in event["changes"])

    async def test_user_update_recorded(self, client, admin: Caller, owner: Caller):
        updated = await client.patch(
            f"/users/{owner.user.id}", json={"name": "Grace"}, headers=owner.headers
        )
        event = await only_event(client, admin, action="user.update")
        assert event["actorId"] == str(owner.user.id)
        assert event["actorRole"] == "owner"
        assert event["resourceId"] == str(owner.user.id)
        assert event["requestId"] == updated.headers["X-Request-ID"]
        assert "name" in event["changes"]
        assert "lastName" not in event["changes"]

    async def test_user_delete_recorded(self, client, admin: Caller, owner: Caller):
        deleted = await client.delete(f"/users/{owner.user.id}", headers=admin.headers)
        event = await only_event(client, admin, action="user.delete")
        assert event["actorId"] == str(admin.user.id)
        assert event["resourceId"] == str(owner.user.id)
        assert event["requestId"] == deleted.headers["X-Request-ID"]
        assert "status" in event["changes"]

    async def test_change_password_recorded_without_password(
        self, client, admin: Caller, owner: Caller
    ):
        changed = await client.post(
            "/users/me/change-password",
            json={"currentPassword": DEFAULT_PASSWORD, "newPassword": "a-brand-new-passphrase"},
            headers=owner.headers,
        )
        event = await only_event(client, admin, action="user.change_password")
        assert event["actorId"] == str(owner.user.id)
        assert event["requestId"] == changed.headers["X-Request-ID"]
        assert not any("password" in field.lower() for field in event["changes"])
        assert "a-brand-new-passphrase" not in str(event)

    async def test_failed_change_not_recorded(self, client, admin: Caller, owner: Caller):
        await client.post(
            "/users/me/change-password",
            json={"currentPassword": "wrong-password", "newPassword": "a-brand-new-passphrase"},
            headers=owner.headers,
        )
        response = await client.get(
            "/audit", params={"action": "user.change_password"}, headers=admin.headers
        )
        assert response.json()["total"] == 0

    async def test_filter_actor_id(self, client, admin: Caller, owner: Caller):
        await client.post("/users", json=NEW_USER, headers=admin.headers)
        await client.patch(f"/users/{owner.user.id}", json={"name": "G"}, headers=owner.headers)
        response = await client.get(
            "/audit", params={"actorId": str(owner.user.id)}, headers=admin.headers
        )
        assert actions(response) == ["user.update"]

    async def test_filter_resource_type(self, client, admin: Caller):
        await client.post("/users", json=NEW_USER, headers=admin.headers)
        response = await client.get(
            "/audit", params={"resourceType": "pool"}, headers=admin.headers
        )
        assert response.json()["total"] == 0

    async def test_filter_resource_id(self, client, admin: Caller, owner: Caller):
        await client.post("/users", json=NEW_USER, headers=admin.headers)
        await client.patch(f"/users/{owner.user.id}", json={"name": "G"}, headers=admin.headers)
        response = await client.get(
            "/audit", params={"resourceId": str(owner.user.id)}, headers=admin.headers
        )
        assert actions(response) == ["user.update"]

    async def test_filter_action(self, client, admin: Caller, owner: Caller):
        await client.post("/users", json=NEW_USER, headers=admin.headers)
        await client.delete(f"/users/{owner.user.id}", headers=admin.headers)
        response = await client.get(
            "/audit", params={"action": "user.delete"}, headers=admin.headers
        )
        assert actions(response) == ["user.delete"]

    async def test_newest_first(self, client, admin: Caller, owner: Caller):
        await client.post("/users", json=NEW_USER, headers=admin.headers)
        await asyncio.sleep(0.01)
        await client.delete(f"/users/{owner.user.id}", headers=admin.headers)
        response = await client.get("/audit", headers=admin.headers)
        assert actions(response) == ["user.delete", "user.create"]

    async def test_filter_from(self, client, admin: Caller, owner: Caller):
        await client.post("/users", json=NEW_USER, headers=admin.headers)
        await asyncio.sleep(0.01)
        between = datetime.now(UTC)
        await asyncio.sleep(0.01)
        await client.delete(f"/users/{owner.user.id}", headers=admin.headers)
        response = await client.get(
            "/audit", params={"from": between.isoformat()}, headers=admin.headers
        )
        assert actions(response) == ["user.delete"]

    async def test_filter_to(self, client, admin: Caller, owner: Caller):
        await client.post("/users", json=NEW_USER, headers=admin.headers)
        await asyncio.sleep(0.01)
        between = datetime.now(UTC)
        await asyncio.sleep(0.01)
        await client.delete(f"/users/{owner.user.id}", headers=admin.headers)
        response = await client.get(
            "/audit", params={"to": between.isoformat()}, headers=admin.headers
        )
        assert actions(response) == ["user.create"]

    async def test_naive_from_is_utc(self, client, admin: Caller):
        await client.post("/users", json=NEW_USER, headers=admin.headers)
        an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).replace(tzinfo=None)
        response = await client.get(
            "/audit", params={"from": an_hour_ago.isoformat()}, headers=admin.headers
        )
        assert actions(response) == ["user.create"]

    async def test_malformed_actor_id(self, client, admin: Caller):
        response = await client.get("/audit", params={"actorId": "nope"}, headers=admin.headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["query", "actorId"]

    async def test_pagination(self, client, admin: Caller, owner: Caller):
        await client.post("/users", json=NEW_USER, headers=admin.headers)
        await client.delete(f"/users/{owner.user.id}", headers=admin.headers)
        response = await client.get(
            "/audit", params={"limit": 1, "offset": 1}, headers=admin.headers
        )
        body = response.json()
        assert (len(body["items"]), body["total"], body["limit"], body["offset"]) == (1, 2, 1, 1)


class TestReadAuditEvent:
    async def test_admin(self, client, admin: Caller):
        await client.post("/users", json=NEW_USER, headers=admin.headers)
        event = await only_event(client, admin)
        response = await client.get(f"/audit/{event['id']}", headers=admin.headers)
        assert response.status_code == 200
        assert response.json() == event

    async def test_owner(self, client, admin: Caller, owner: Caller):
        await client.post("/users", json=NEW_USER, headers=admin.headers)
        event = await only_event(client, admin)
        response = await client.get(f"/audit/{event['id']}", headers=owner.headers)
        assert response.status_code == 403

    async def test_unknown_id(self, client, admin: Caller):
        response = await client.get(f"/audit/{PydanticObjectId()}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.get("/audit/not-an-id", headers=admin.headers)
        assert response.status_code == 422

    async def test_anonymous(self, client):
        response = await client.get(f"/audit/{PydanticObjectId()}")
        assert response.status_code == 401
