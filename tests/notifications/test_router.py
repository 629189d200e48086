"""The in-app feed and the email preferences (§17)."""

import pytest

from app.notifications.models import Notification
from app.pools.models import Pool
from app.users.models import utcnow
from tests.conftest import Caller

PREFERENCES = "/users/me/notification-preferences"


async def _notify(user_id, *, count: int = 1, read: bool = False) -> list[Notification]:
    made = []
    for number in range(count):
        notification = Notification(
            user_id=user_id,
            event="alert.raised",
            title=f"Title {number}",
            body="Body",
            resource_type="alert",
            resource_id=user_id,
            read_at=utcnow() if read else None,
        )
        await notification.insert()
        made.append(notification)
    return made


class TestListNotifications:
    async def test_own_only_newest_first_with_unread_count(
        self, client, owner: Caller, other_owner: Caller
    ):
        mine = await _notify(owner.user.id, count=3)
        await _notify(owner.user.id, count=2, read=True)
        await _notify(other_owner.user.id, count=4)
        response = await client.get("/notifications", headers=owner.headers)
        assert response.status_code == 200
        body = response.json()
        assert body["total"] == 5
        assert body["unreadCount"] == 3
        assert {item["id"] for item in body["items"]} >= {str(n.id) for n in mine}
        created = [item["createdAt"] for item in body["items"]]
        assert created == sorted(created, reverse=True)
        assert set(body["items"][0]) == {
            "id",
            "event",
            "title",
            "body",
            "poolId",
            "resourceType",
            "resourceId",
            "readAt",
            "createdAt",
        }

    async def test_unread_filter(self, client, owner: Caller):
        await _notify(owner.user.id, count=2)
        await _notify(owner.user.id, count=1, read=True)
        response = await client.get("/notifications?unread=true&limit=1", headers=owner.headers)
        body = response.json()
        assert (body["total"], body["unreadCount"], len(body["items"])) == (2, 2, 1)
        assert body["items"][0]["readAt"] is None

    async def test_anonymous(self, client):
        assert (await client.get("/notifications")).status_code == 401

    @pytest.mark.parametrize("query", ["unread=maybe", "limit=0", "offset=-1"])
    async def test_bad_query(self, client, owner: Caller, query: str):
        response = await client.get(f"/notifications?{query}", headers=owner.headers)
        assert response.status_code == 422


class TestReadNotification:
    async def test_own(self, client, owner: Caller):
        [notification] = await _notify(owner.user.id)
        url = f"/notifications/{notification.id}/read"
        first = await client.post(url, headers=owner.headers)
        assert first.status_code == 200
        assert first.json()["readAt"] is not None
        again = await client.post(url, headers=owner.headers)
        assert again.json()["readAt"] == first.json()["readAt"]
        listed = await client.get("/notifications", headers=owner.headers)
        assert listed.json()["unreadCount"] == 0

    async def test_someone_elses_is_404(self, client, owner: Caller, admin: Caller):
        [notification] = await _notify(owner.user.id)
        response = await client.post(
            f"/notifications/{notification.id}/read", headers=admin.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "notification_not_found"

    async def test_malformed_id(self, client, owner: Caller):
        response = await client.post("/notifications/nope/read", headers=owner.headers)
        assert response.status_code == 422


class TestReadAll:
    async def test_marks_only_own_unread(self, client, owner: Caller, other_owner: Caller):
        await _notify(owner.user.id, count=3)
        await _notify(owner.user.id, count=1, read=True)
        await _notify(other_owner.user.id, count=2)
        response = await client.post("/notifications/read-all", headers=owner.headers)
        assert response.status_code == 200
        assert response.json() == {"updated": 3}
        assert (await client.post("/notifications/read-all", headers=owner.headers)).json() == {
            "updated": 0
        }
        others = await client.get("/notifications", headers=other_owner.headers)
        assert others.json()["unreadCount"] == 2


ALL_ON = {"alerts": True, "visitReports": True, "messages": True, "invites": True, "billing": True}


class TestPreferences:
    async def test_default_all_on(self, client, owner: Caller):
        response = await client.get(PREFERENCES, headers=owner.headers)
        assert response.status_code == 200
        assert response.json() == {"email": ALL_ON}

    async def test_put_then_get(self, client, owner: Caller, other_owner: Caller):
        wanted = {"email": {**ALL_ON, "messages": False, "visitReports": False}}
        response = await client.put(PREFERENCES, json=wanted, headers=owner.headers)
        assert (response.status_code, response.json()) == (200, wanted)
        assert (await client.get(PREFERENCES, headers=owner.headers)).json() == wanted
        assert (await client.get(PREFERENCES, headers=other_owner.headers)).json() == {
            "email": ALL_ON
        }

    @pytest.mark.parametrize(
        "body",
        [
            {"email": {**ALL_ON, "sms": True}},
            {"email": {"alerts": True}},
            {"email": {**ALL_ON, "alerts": "sometimes"}},
            {"push": {}},
            {},
        ],
    )
    async def test_invalid(self, client, owner: Caller, body):
        response = await client.put(PREFERENCES, json=body, headers=owner.headers)
        assert response.status_code == 422


async def test_pool_fixture_notification_fields(
    client, owner: Caller, technician: Caller, pool: Pool
):
    """A reading by the technician raises an alert: the owner's notification names it."""
    recorded = await client.post(
        f"/pools/{pool.id}/visits", json={"readings": {"ph": 9.0}}, headers=technician.headers
    )
    alert_id = recorded.json()["alerts"][0]["id"]
    feed = (await client.get("/notifications?unread=true", headers=owner.headers)).json()
    [alert] = [item for item in feed["items"] if item["event"] == "alert.raised"]
    assert alert["resourceType"] == "alert"
    assert alert["resourceId"] == alert_id
    assert alert["poolId"] == str(pool.id)
