"""The photo service as other domains use it: visit and message photos, cascades on deletion."""

import pytest
from beanie import PydanticObjectId

from app.core.config import Settings
from app.core.storage import BlobStorage
from app.photos import service
from app.photos.models import Photo, PhotoContext
from app.pools.models import Pool
from tests.conftest import Caller
from tests.factories import make_photo
from tests.photos.conftest import blob_names


@pytest.fixture
def store(storage: BlobStorage, settings: Settings, technician: Caller, pool: Pool):
    """Store a photo of the pool in a context, uploaded by the assigned technician."""

    async def store_in(context: PhotoContext, context_id: PydanticObjectId) -> Photo:
        return await make_photo(
            storage=storage,
            settings=settings,
            uploader=technician.user,
            context=context,
            context_id=context_id,
            pool_id=pool.id,
        )

    return store_in


class TestVisitAndMessagePhotos:
    async def test_blob_names_per_context(self, store):
        visit_id, message_id = PydanticObjectId(), PydanticObjectId()
        visit_photo = await store(PhotoContext.VISIT, visit_id)
        message_photo = await store(PhotoContext.MESSAGE, message_id)
        assert visit_photo.blob_name == f"visit/{visit_id}/{visit_photo.id}.png"
        assert message_photo.blob_name == f"message/{message_id}/{message_photo.id}.png"
        assert (visit_photo.visit_id, message_photo.message_id) == (visit_id, message_id)

    async def test_photos_for_several_messages_in_one_call(self, store):
        first, second, other = PydanticObjectId(), PydanticObjectId(), PydanticObjectId()
        photos = [
            await store(PhotoContext.MESSAGE, first),
            await store(PhotoContext.MESSAGE, second),
            await store(PhotoContext.MESSAGE, first),
        ]
        await store(PhotoContext.MESSAGE, other)
        found = await service.photos_for(context=PhotoContext.MESSAGE, context_ids=[first, second])
        assert [photo.id for photo in found] == [photo.id for photo in photos]

    async def test_photos_for_is_limited(self, store):
        visit_id = PydanticObjectId()
        for _ in range(3):
            await store(PhotoContext.VISIT, visit_id)
        found = await service.photos_for(
            context=PhotoContext.VISIT, context_ids=[visit_id], limit=2
        )
        assert len(found) == 2

    async def test_delete_photos_of_a_visit(self, store, storage: BlobStorage):
        visit_id = PydanticObjectId()
        gone = [await store(PhotoContext.VISIT, visit_id) for _ in range(2)]
        kept = await store(PhotoContext.VISIT, PydanticObjectId())
        count = await service.delete_photos(
            storage=storage, context=PhotoContext.VISIT, context_ids=[visit_id]
        )
        assert count == 2
        assert [photo.id for photo in await Photo.find_all().to_list()] == [kept.id]
        assert await blob_names(storage) == [kept.blob_name]
        for photo in gone:
            assert not await storage.exists(photo.blob_name)

    async def test_delete_photos_needs_a_scope(self, storage: BlobStorage):
        with pytest.raises(ValueError):
            await service.delete_photos(storage=storage)


class TestPoolCascade:
    async def test_deleting_the_pool_removes_its_photos_and_blobs(
        self, client, store, storage: BlobStorage, settings, owner: Caller, pool: Pool
    ):
        other_pool_photo = await make_photo(
            storage=storage,
            settings=settings,
            uploader=owner.user,
            context=PhotoContext.USER_PROFILE,
            context_id=owner.user.id,
        )
        await store(PhotoContext.POOL, pool.id)
        await store(PhotoContext.VISIT, PydanticObjectId())
        await store(PhotoContext.MESSAGE, PydanticObjectId())
        response = await client.delete(f"/pools/{pool.id}", headers=owner.headers)
        assert response.status_code == 204
        assert await Photo.find({"pool_id": pool.id}).count() == 0
        assert await blob_names(storage) == [other_pool_photo.blob_name]


class TestUserDeletion:
    async def test_deleting_a_user_removes_their_profile_photo(
        self, client, storage: BlobStorage, settings, admin: Caller, technician: Caller, store
    ):
        profile = await make_photo(
            storage=storage,
            settings=settings,
            uploader=technician.user,
            context=PhotoContext.USER_PROFILE,
            context_id=technician.user.id,
        )
        visit_photo = await store(PhotoContext.VISIT, PydanticObjectId())
        response = await client.delete(f"/users/{technician.user.id}", headers=admin.headers)
        assert response.status_code == 200
        assert await Photo.get(profile.id) is None
        assert not await storage.exists(profile.blob_name)
        # Photos they took of a pool belong to the pool and stay.
        assert await blob_names(storage) == [visit_photo.blob_name]
