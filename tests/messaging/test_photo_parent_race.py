"""An upload racing the deletion of its parent leaves nothing behind (contract section 11).

The parent is deleted through the API while the upload's blob is being written, the moment a
concurrent deletion would land. `pool` belongs to `owner` and has `technician` assigned.
"""

import pytest
from beanie import PydanticObjectId

from app.core.storage import BlobStorage
from app.photos.models import Photo, PhotoContext
from app.photos.sweep import sweep_orphan_blobs
from tests.conftest import Caller, problem_code
from tests.factories import make_image


def upload() -> dict:
    return {"file": ("photo.png", make_image("PNG"), "image/png")}


@pytest.fixture
def delete_during_put(monkeypatch, storage: BlobStorage):
    """Run `deletion` (once) right after the next blob is written."""

    def arm(deletion):
        original = storage.put

        async def put(name, data, *, content_type):
            await original(name, data, content_type=content_type)
            monkeypatch.setattr(storage, "put", original)
            await deletion()

        monkeypatch.setattr(storage, "put", put)

    return arm


async def blobs(storage: BlobStorage) -> list[str]:
    return [blob.name async for blob in storage.list_blobs()]


class TestUploadRacingDeletion:
    async def test_visit_deleted_meanwhile(
        self, client, storage, delete_during_put, owner: Caller, technician: Caller, pool
    ):
        recorded = await client.post(
            f"/pools/{pool.id}/visits", json={"readings": {"ph": 7.5}}, headers=technician.headers
        )
        visit_id = recorded.json()["visit"]["id"]

        async def delete_visit():
            response = await client.delete(f"/visits/{visit_id}", headers=owner.headers)
            assert response.status_code == 204

        delete_during_put(delete_visit)
        response = await client.post(
            f"/photos/visits/{visit_id}", files=upload(), headers=technician.headers
        )
        assert response.status_code == 404
        assert problem_code(response) == "visit_not_found"
        assert await Photo.find_all().count() == 0
        assert await blobs(storage) == []

    async def test_pool_deleted_meanwhile(self, client, storage, delete_during_put, owner, pool):
        async def delete_pool():
            assert (
                await client.delete(f"/pools/{pool.id}", headers=owner.headers)
            ).status_code == 204

        delete_during_put(delete_pool)
        response = await client.post(
            f"/photos/pools/{pool.id}", files=upload(), headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (404, "pool_not_found")
        assert await Photo.find_all().count() == 0
        assert await blobs(storage) == []

    async def test_user_deleted_meanwhile(
        self, client, storage, delete_during_put, admin, other_owner
    ):
        async def delete_user():
            url = f"/users/{other_owner.user.id}"
            assert (await client.delete(url, headers=admin.headers)).status_code in (200, 204)

        delete_during_put(delete_user)
        response = await client.post(
            f"/photos/users/{other_owner.user.id}/profile", files=upload(), headers=admin.headers
        )
        assert (response.status_code, problem_code(response)) == (404, "user_not_found")
        assert await Photo.find_all().count() == 0
        assert await blobs(storage) == []


class TestSweepReportsParentless:
    async def test_photo_whose_visit_is_gone(self, storage, owner: Caller, pool):
        # As a crash between the parent's deletion and its photos' would leave it.
        gone = Photo(
            context=PhotoContext.VISIT,
            pool_id=pool.id,
            visit_id=PydanticObjectId(),
            uploaded_by=owner.user.id,
            content_type="image/png",
            size_bytes=1,
            width=1,
            height=1,
            blob_name="visit/x/y.png",
        )
        await gone.insert()
        kept = Photo(
            context=PhotoContext.POOL,
            pool_id=pool.id,
            uploaded_by=owner.user.id,
            content_type="image/png",
            size_bytes=1,
            width=1,
            height=1,
            blob_name="pool/x/z.png",
        )
        await kept.insert()
        report = await sweep_orphan_blobs(storage=storage)
        assert report.parentless_photos == [str(gone.id)]
