"""Audit details (contract section 13): what a pool deletion removed, and replaced photos.

The `pool` fixture belongs to `owner` and has `technician` assigned.
"""

import httpx

from app.pools.models import Pool
from app.users.models import Role
from tests.audit.test_router import only_event
from tests.conftest import Caller
from tests.factories import make_image, make_invite, make_user


def png(color: tuple[int, int, int] = (20, 120, 200)) -> dict:
    return {"file": ("photo.png", make_image("PNG", color=color), "image/png")}


async def upload_pool_photo(client: httpx.AsyncClient, caller: Caller, pool: Pool, **kw) -> str:
    response = await client.post(
        f"/photos/pools/{pool.id}", files=png(**kw), headers=caller.headers
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


class TestPoolDeleteDetails:
    async def test_counts_what_the_cascade_removed(
        self, client, settings, admin: Caller, owner: Caller, technician: Caller, pool: Pool
    ):
        for ph in (7.5, 8.9):  # the second raises an alert
            recorded = await client.post(
                f"/pools/{pool.id}/visits",
                json={"readings": {"ph": ph}},
                headers=technician.headers,
            )
            assert recorded.status_code == 201
        visit_id = recorded.json()["visit"]["id"]
        await make_invite(pool, await make_user(settings, role=Role.TECHNICIAN))
        thread = await client.post(
            f"/pools/{pool.id}/threads",
            json={"subject": "Filter", "body": "Is it clogged?"},
            headers=owner.headers,
        )
        thread_id = thread.json()["thread"]["id"]
        message = await client.post(
            f"/threads/{thread_id}/messages", json={"body": "Looks fine."}, headers=owner.headers
        )
        await upload_pool_photo(client, owner, pool)
        visit_photo = await client.post(
            f"/photos/visits/{visit_id}", files=png(), headers=technician.headers
        )
        assert visit_photo.status_code == 201
        message_photo = await client.post(
            f"/threads/{thread_id}/messages/{message.json()['id']}/photos",
            files=png(),
            headers=owner.headers,
        )
        assert message_photo.status_code == 201

        response = await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        assert response.status_code == 204
        event = await only_event(client, admin, action="pool.delete")
        assert event["details"] == {
            "invites": 1,
            "servicePlans": 0,
            "visits": 2,
            "poolValues": 2,
            "alerts": 1,
            "threads": 1,
            "messages": 2,
            "photos": 3,
        }

    async def test_empty_pool_counts_zero(self, client, admin: Caller, owner: Caller, pool: Pool):
        await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        event = await only_event(client, admin, action="pool.delete")
        assert set(event["details"].values()) == {0}


class TestReplacedPhotos:
    async def test_replaced_pool_photo_writes_photo_delete(
        self, client, admin: Caller, owner: Caller, pool: Pool
    ):
        first = await upload_pool_photo(client, owner, pool)
        second = await upload_pool_photo(client, owner, pool, color=(1, 2, 3))
        event = await only_event(client, admin, action="photo.delete")
        assert event["resourceId"] == first
        assert event["actorId"] == str(owner.user.id)
        assert event["poolId"] == str(pool.id)
        assert event["details"] == {"replacedBy": second}

    async def test_replaced_profile_photo_writes_photo_delete(
        self, client, admin: Caller, owner: Caller
    ):
        url = f"/photos/users/{owner.user.id}/profile"
        first = await client.post(url, files=png(), headers=owner.headers)
        await client.post(url, files=png(), headers=owner.headers)
        event = await only_event(client, admin, action="photo.delete")
        assert event["resourceId"] == first.json()["id"]

    async def test_first_photo_deletes_nothing(
        self, client, admin: Caller, owner: Caller, pool: Pool
    ):
        await upload_pool_photo(client, owner, pool)
        response = await client.get(
            "/audit", params={"action": "photo.delete"}, headers=admin.headers
        )
        assert response.json()["total"] == 0
