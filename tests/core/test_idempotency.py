"""Idempotency keys on POST (contract §1): replays, reuse, per-user keys, retries, races.

The `pool` fixture belongs to `owner` with `technician` assigned; `other_technician` is not.
"""

import asyncio
from datetime import timedelta

import pytest
from beanie import PydanticObjectId
from fastapi import FastAPI

from app.core.idempotency.models import IdempotencyRecord, RecordState
from app.photos.models import Photo
from app.pools.models import Pool
from app.readings.models import PoolValues
from app.users.models import utcnow
from app.visits import workflow
from app.visits.models import Visit
from tests.conftest import Caller, problem_code
from tests.factories import make_image, make_invite, make_pool

IN_RANGE = {"ph": 7.5, "chlorine": 2.0, "temperature": 26}
REPLAYED = "Idempotent-Replayed"


def visits_url(pool: Pool) -> str:
    return f"/pools/{pool.id}/visits"


def keyed(caller: Caller, key: str) -> dict[str, str]:
    return {**caller.headers, "Idempotency-Key": key}


async def record_visit(client, pool: Pool, caller: Caller, key: str, **body: object):
    return await client.post(
        visits_url(pool), json={"readings": IN_RANGE, **body}, headers=keyed(caller, key)
    )


class TestReplay:
    async def test_visit_workflow_replayed_records_one_visit_and_one_reading(
        self, client, pool: Pool, technician: Caller
    ):
        first = await record_visit(client, pool, technician, "visit-1")
        second = await record_visit(client, pool, technician, "visit-1")
        assert first.status_code == second.status_code == 201
        assert second.json() == first.json()
        assert REPLAYED not in first.headers
        assert second.headers[REPLAYED] == "true"
        assert second.headers["content-type"] == first.headers["content-type"]
        assert await Visit.find({"pool_id": pool.id}).count() == 1
        assert await PoolValues.find({"pool_id": pool.id}).count() == 1

    async def test_upload_replayed_stores_one_photo(
        self, client, pool: Pool, owner: Caller, technician: Caller
    ):
        visit = (await record_visit(client, pool, technician, "visit")).json()["visit"]
        url = f"/photos/visits/{visit['id']}"
        files = {"file": ("deck.png", make_image(), "image/png")}
        first = await client.post(url, files=files, headers=keyed(technician, "photo-1"))
        # httpx picks a new multipart boundary per request, as browsers and apps do.
        second = await client.post(url, files=files, headers=keyed(technician, "photo-1"))
        boundaries = {r.request.headers["content-type"] for r in (first, second)}
        assert len(boundaries) == 2
        assert (first.status_code, second.status_code) == (201, 201)
        assert second.headers[REPLAYED] == "true"
        assert second.json()["id"] == first.json()["id"]
        assert await Photo.find({"visit_id": PydanticObjectId(visit["id"])}).count() == 1

    async def test_replayed_upload_answers_the_photo_as_it_is_now(
        self, client, pool: Pool, owner: Caller
    ):
        files = {"file": ("pool.png", make_image(), "image/png")}
        url = f"/photos/pools/{pool.id}"
        first = await client.post(url, files=files, headers=keyed(owner, "pool-photo"))
        await client.delete(f"/photos/{first.json()['id']}", headers=owner.headers)
        second = await client.post(url, files=files, headers=keyed(owner, "pool-photo"))
        assert (second.status_code, problem_code(second)) == (404, "photo_not_found")

    async def test_without_a_key_every_request_counts(self, client, pool: Pool, technician: Caller):
        for _ in range(2):
            response = await client.post(
                visits_url(pool), json={"readings": IN_RANGE}, headers=technician.headers
            )
            assert REPLAYED not in response.headers
        assert await Visit.find({"pool_id": pool.id}).count() == 2

    async def test_expired_outcome_is_not_replayed(self, client, pool: Pool, technician: Caller):
        await record_visit(client, pool, technician, "old")
        # The TTL monitor may not have swept it yet; a read must treat it as gone.
        await IdempotencyRecord.get_motor_collection().update_many(
            {}, {"$set": {"expires_at": utcnow() - timedelta(seconds=1)}}
        )
        second = await record_visit(client, pool, technician, "old")
        assert (second.status_code, REPLAYED in second.headers) == (201, False)
        assert await Visit.find({"pool_id": pool.id}).count() == 2

    async def test_outcome_is_kept_for_24_hours(self, client, pool: Pool, technician: Caller):
        before = utcnow()
        await record_visit(client, pool, technician, "kept")
        record = await IdempotencyRecord.find_one({"key": "kept"})
        assert record.state is RecordState.COMPLETED
        assert before + timedelta(hours=24) <= record.expires_at
        assert record.expires_at <= utcnow() + timedelta(hours=24)


class TestReusedKey:
    async def test_other_body_is_422(self, client, pool: Pool, technician: Caller):
        await record_visit(client, pool, technician, "k")
        response = await record_visit(client, pool, technician, "k", notes="a different visit")
        assert (response.status_code, problem_code(response)) == (422, "idempotency_key_reused")
        assert await Visit.find({"pool_id": pool.id}).count() == 1

    async def test_json_is_compared_as_sent(self, client, pool: Pool, technician: Caller):
        await client.post(
            visits_url(pool),
            content=b'{"readings": {"ph": 7.5}}',
            headers={**keyed(technician, "k"), "Content-Type": "application/json"},
        )
        response = await client.post(
            visits_url(pool),
            content=b'{"readings":{"ph":7.5}}',
            headers={**keyed(technician, "k"), "Content-Type": "application/json"},
        )
        assert (response.status_code, problem_code(response)) == (422, "idempotency_key_reused")

    async def test_other_path_is_422(self, client, pool: Pool, owner: Caller, technician: Caller):
        other_pool = await client.post(
            "/pools", json={"name": "Other", "address": "1 Road"}, headers=keyed(owner, "k")
        )
        assert other_pool.status_code == 201
        response = await record_visit(
            client, pool, owner, "k", technicianId=str(technician.user.id)
        )
        assert (response.status_code, problem_code(response)) == (422, "idempotency_key_reused")

    async def test_other_upload_is_422(self, client, pool: Pool, owner: Caller):
        url = f"/photos/pools/{pool.id}"
        for name, data, status in (
            ("a.png", make_image(), 201),
            ("b.png", make_image(), 422),  # another file name
            ("a.png", make_image(color=(1, 2, 3)), 422),  # other bytes
            ("a.png", make_image(), 201),  # the first again
        ):
            files = {"file": (name, data, "image/png")}
            response = await client.post(url, files=files, headers=keyed(owner, "upload"))
            assert response.status_code == status


class TestRoutesWithoutBody:
    async def test_accept_replayed_is_the_first_answer(
        self, client, settings, owner: Caller, other_technician: Caller
    ):
        invite = await make_invite(await make_pool(owner.user), other_technician.user)
        url = f"/invites/{invite.id}/accept"
        first = await client.post(url, headers=keyed(other_technician, "accept"))
        second = await client.post(url, headers=keyed(other_technician, "accept"))
        assert (first.status_code, second.status_code) == (200, 200)
        assert second.headers[REPLAYED] == "true"
        assert second.json() == first.json()
        again = await client.post(url, headers=other_technician.headers)
        assert (again.status_code, problem_code(again)) == (409, "invite_not_pending")


class TestMessagePhotoReplay:
    async def test_one_photo_and_the_message_as_it_is_now(self, client, pool: Pool, owner: Caller):
        opened = await client.post(
            f"/pools/{pool.id}/threads",
            json={"subject": "Tiles", "body": "A cracked tile."},
            headers=owner.headers,
        )
        thread, message = opened.json()["thread"], opened.json()["message"]
        url = f"/threads/{thread['id']}/messages/{message['id']}/photos"
        files = {"file": ("tile.png", make_image(), "image/png")}
        first = await client.post(url, files=files, headers=keyed(owner, "tile"))
        second = await client.post(url, files=files, headers=keyed(owner, "tile"))
        assert (first.status_code, second.status_code) == (201, 201)
        assert second.headers[REPLAYED] == "true"
        assert [p["id"] for p in second.json()["photos"]] == [
            p["id"] for p in first.json()["photos"]
        ]
        assert await Photo.find({"message_id": PydanticObjectId(message["id"])}).count() == 1


class TestKeysPerUser:
    async def test_same_key_of_two_users_are_two_requests(
        self, client, pool: Pool, owner: Caller, technician: Caller
    ):
        body = {"technicianId": str(technician.user.id)}
        by_owner = await record_visit(client, pool, owner, "shared", **body)
        by_technician = await record_visit(client, pool, technician, "shared", **body)
        assert (by_owner.status_code, by_technician.status_code) == (201, 201)
        assert REPLAYED not in by_technician.headers
        assert await Visit.find({"pool_id": pool.id}).count() == 2


class TestFailedRequest:
    async def test_retry_with_the_same_key_succeeds(
        self, client, pool: Pool, owner: Caller, other_technician: Caller
    ):
        body = {"technicianId": str(other_technician.user.id)}
        failed = await record_visit(client, pool, owner, "retry", **body)
        assert (failed.status_code, problem_code(failed)) == (400, "technician_not_assigned")
        await pool.set({"technician_ids": [*pool.technician_ids, other_technician.user.id]})
        retried = await record_visit(client, pool, owner, "retry", **body)
        assert (retried.status_code, REPLAYED in retried.headers) == (201, False)
        assert await Visit.find({"pool_id": pool.id}).count() == 1

    async def test_unhandled_error_releases_the_key(
        self, client, pool: Pool, technician: Caller, monkeypatch: pytest.MonkeyPatch
    ):
        record_visit_for_real = workflow.record_visit
        calls = 0

        async def fails_once(**kwargs: object) -> object:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise RuntimeError("the store went away mid-request")
            return await record_visit_for_real(**kwargs)

        monkeypatch.setattr(workflow, "record_visit", fails_once)
        failed = await record_visit(client, pool, technician, "crash")
        assert (failed.status_code, problem_code(failed)) == (500, "internal_error")
        retried = await record_visit(client, pool, technician, "crash")
        assert (retried.status_code, REPLAYED in retried.headers) == (201, False)

    async def test_error_outcome_is_not_kept(self, client, pool: Pool, other_owner: Caller):
        response = await record_visit(client, pool, other_owner, "hidden")
        assert response.status_code == 404
        assert await IdempotencyRecord.find_all().count() == 0


class TestConcurrentRepeat:
    async def test_repeat_while_running_is_409(
        self, client, pool: Pool, technician: Caller, store_latency
    ):
        first, second = await asyncio.gather(
            record_visit(client, pool, technician, "racing"),
            record_visit(client, pool, technician, "racing"),
        )
        outcomes = sorted(
            [(first.status_code, problem_code(first)), (second.status_code, problem_code(second))]
        )
        assert outcomes == [(201, None), (409, "idempotency_in_progress")]
        assert await Visit.find({"pool_id": pool.id}).count() == 1
        assert await PoolValues.find({"pool_id": pool.id}).count() == 1
        replay = await record_visit(client, pool, technician, "racing")
        assert replay.headers[REPLAYED] == "true"


class TestKeyFormat:
    @pytest.mark.parametrize(
        "key", [b"", b"x" * 256, "cl\xe9".encode("latin-1"), b"tab\there"], ids=str
    )
    async def test_bad_key_is_422(self, client, pool: Pool, technician: Caller, key: bytes):
        response = await client.post(
            visits_url(pool),
            json={"readings": IN_RANGE},
            headers=[*technician.headers.items(), ("Idempotency-Key", key)],
        )
        assert (response.status_code, problem_code(response)) == (422, "validation_error")
        assert response.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
        assert await Visit.find({"pool_id": pool.id}).count() == 0

    async def test_longest_key_is_accepted(self, client, pool: Pool, technician: Caller):
        key = "".join(chr(code) for code in range(0x20, 0x7F)) * 2 + "k" * 65
        assert len(key) == 255
        response = await record_visit(client, pool, technician, key)
        assert response.status_code == 201

    @pytest.mark.parametrize("key", ["k", "x" * 256])
    async def test_anonymous_is_401(self, client, pool: Pool, key: str):
        response = await client.post(
            visits_url(pool), json={"readings": IN_RANGE}, headers={"Idempotency-Key": key}
        )
        assert (response.status_code, problem_code(response)) == (401, "not_authenticated")


class TestScope:
    async def test_auth_routes_ignore_the_key(self, client, owner: Caller):
        for _ in range(2):
            response = await client.post(
                "/auth/login",
                json={"email": owner.user.email, "password": "correct-horse-battery"},
                headers={"Idempotency-Key": "login"},
            )
            assert response.status_code == 200
            assert REPLAYED not in response.headers
        assert await IdempotencyRecord.find_all().count() == 0

    async def test_no_request_body_is_kept(self, client, admin: Caller):
        secret = "a-password-that-must-never-be-stored"
        response = await client.post(
            "/users",
            json={
                "name": "New",
                "lastName": "User",
                "email": "new.user@example.com",
                "password": secret,
                "role": "owner",
            },
            headers=keyed(admin, "new-user"),
        )
        assert response.status_code == 201
        record = await IdempotencyRecord.get_motor_collection().find_one({"key": "new-user"})
        assert secret.encode() not in repr(record).encode()
        assert len(record["fingerprint"]) == 64


class TestOpenApi:
    def test_header_documented_on_keyed_posts_only(self, app: FastAPI):
        schema = app.openapi()

        def header_names(path: str, method: str) -> set[str]:
            parameters = schema["paths"][path][method].get("parameters", [])
            return {p["name"] for p in parameters if p["in"] == "header"}

        assert "Idempotency-Key" in header_names("/pools/{poolId}/visits", "post")
        assert "Idempotency-Key" in header_names("/photos/visits/{visitId}", "post")
        assert "Idempotency-Key" not in header_names("/auth/login", "post")
        assert "Idempotency-Key" not in header_names("/pools/{poolId}/visits", "get")
        responses = schema["paths"]["/pools/{poolId}/visits"]["post"]["responses"]
        assert {"409", "422"} <= set(responses)


class TestCors:
    ORIGIN = "https://app.example.com"

    @pytest.fixture
    def settings(self, settings):
        return settings.model_copy(update={"cors_origins": self.ORIGIN})

    async def test_browsers_may_read_the_replay_header(
        self, client, pool: Pool, technician: Caller
    ):
        headers = {**keyed(technician, "cors"), "Origin": self.ORIGIN}
        body = {"readings": IN_RANGE}
        await client.post(visits_url(pool), json=body, headers=headers)
        replay = await client.post(visits_url(pool), json=body, headers=headers)
        assert replay.headers[REPLAYED] == "true"
        exposed = replay.headers["access-control-expose-headers"].lower().split(", ")
        assert REPLAYED.lower() in exposed
