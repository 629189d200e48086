"""Photo endpoints (contract section 11), each test on the local and the Azure (Azurite) backend.

One class per endpoint. The `pool` fixture belongs to `owner` and has `technician` assigned;
`other_technician` is not assigned, `other_owner` shares nothing with them.
"""

import asyncio
import time
from datetime import UTC, datetime, timedelta
from io import BytesIO
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from beanie import PydanticObjectId
from PIL import Image

from app.audit.models import AuditEvent
from app.core.config import Settings
from app.core.storage import BlobStorage
from app.photos import links
from app.photos.models import Photo, PhotoContext
from app.pools.models import Pool
from tests.conftest import Caller, problem_code
from tests.factories import make_image, make_photo
from tests.photos.conftest import blob_names, fetch

UNKNOWN_ID = str(PydanticObjectId())
PHOTO_FIELDS = {
    "id",
    "context",
    "poolId",
    "visitId",
    "userId",
    "messageId",
    "uploadedBy",
    "fileName",
    "contentType",
    "sizeBytes",
    "width",
    "height",
    "url",
    "urlExpiresAt",
    "createdAt",
}
ACCESS_CALLERS = ["admin", "owner", "other_owner", "technician", "other_technician", "anonymous"]


def upload(data: bytes, file_name: str = "photo.png", content_type: str = "image/png") -> dict:
    """The multipart `files=` argument for one file in field `file`."""
    return {"file": (file_name, data, content_type)}


def gps_jpeg() -> bytes:
    """A 40x20 JPEG whose EXIF says: rotate 90 degrees, camera model, GPS position."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x0110] = "PoolCam 3000"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.0)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    output = BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(output, "JPEG", exif=exif)
    return output.getvalue()


def with_query(url: str, **changes: str) -> str:
    """The URL with some query parameters replaced."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.fixture
async def profile_photo(storage: BlobStorage, settings: Settings, owner: Caller) -> Photo:
    """`owner`'s profile photo, uploaded by themselves."""
    return await make_photo(
        storage=storage,
        settings=settings,
        uploader=owner.user,
        context=PhotoContext.USER_PROFILE,
        context_id=owner.user.id,
    )


@pytest.fixture
async def pool_photo(storage: BlobStorage, settings: Settings, owner: Caller, pool: Pool) -> Photo:
    """The pool's photo, uploaded by its owner."""
    return await make_photo(
        storage=storage,
        settings=settings,
        uploader=owner.user,
        context=PhotoContext.POOL,
        context_id=pool.id,
        pool_id=pool.id,
    )


@pytest.fixture
async def technician_photo(
    storage: BlobStorage, settings: Settings, technician: Caller, pool: Pool
) -> Photo:
    """A visit photo of the pool uploaded by the assigned technician (as visits will store it)."""
    return await make_photo(
        storage=storage,
        settings=settings,
        uploader=technician.user,
        context=PhotoContext.VISIT,
        context_id=PydanticObjectId(),
        pool_id=pool.id,
    )


class TestUploadProfilePhoto:
    @staticmethod
    def url(user_id: object) -> str:
        return f"/photos/users/{user_id}/profile"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 201, None),
            ("owner", 201, None),
            ("other_owner", 404, "user_not_found"),
            ("technician", 403, "forbidden"),
            ("other_technician", 404, "user_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, pool, owner: Caller, caller, caller_headers, status, code):
        response = await client.post(
            self.url(owner.user.id), files=upload(make_image()), headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_unknown_user(self, client, admin: Caller):
        response = await client.post(
            self.url(UNKNOWN_ID), files=upload(make_image()), headers=admin.headers
        )
        assert (response.status_code, problem_code(response)) == (404, "user_not_found")

    async def test_response_shape(self, client, owner: Caller):
        response = await client.post(
            self.url(owner.user.id),
            files=upload(make_image(size=(30, 20)), "me.png"),
            headers=owner.headers,
        )
        body = response.json()
        assert set(body) == PHOTO_FIELDS
        assert body["context"] == "user_profile"
        assert body["userId"] == body["uploadedBy"] == str(owner.user.id)
        assert body["poolId"] is body["visitId"] is body["messageId"] is None
        assert (body["contentType"], body["width"], body["height"]) == ("image/png", 30, 20)
        assert body["fileName"] == "me.png"
        assert body["createdAt"].endswith("Z")
        assert body["urlExpiresAt"].endswith("Z")

    async def test_replaces_the_previous_photo(self, client, storage: BlobStorage, owner: Caller):
        first = await client.post(
            self.url(owner.user.id), files=upload(make_image()), headers=owner.headers
        )
        old = await Photo.get(PydanticObjectId(first.json()["id"]))
        second = await client.post(
            self.url(owner.user.id),
            files=upload(make_image(color=(1, 2, 3))),
            headers=owner.headers,
        )
        assert second.status_code == 201
        assert await Photo.get(old.id) is None
        assert not await storage.exists(old.blob_name)
        new = await Photo.get(PydanticObjectId(second.json()["id"]))
        assert await blob_names(storage) == [new.blob_name]
        current = await client.get(self.url(owner.user.id), headers=owner.headers)
        assert current.json()["id"] == str(new.id)

    async def test_records_an_audit_event(self, client, owner: Caller):
        response = await client.post(
            self.url(owner.user.id), files=upload(make_image()), headers=owner.headers
        )
        event = await AuditEvent.find_one({"action": "photo.create"})
        assert event.resource_id == response.json()["id"]
        assert event.actor_id == owner.user.id


class TestReadProfilePhoto:
    @staticmethod
    def url(user_id: object) -> str:
        return f"/photos/users/{user_id}/profile"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("other_owner", 404, "user_not_found"),
            ("technician", 200, None),
            ("other_technician", 404, "user_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(
        self, client, pool, owner: Caller, profile_photo, caller, caller_headers, status, code
    ):
        response = await client.get(self.url(owner.user.id), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)
        if status == 200:
            assert response.json()["id"] == str(profile_photo.id)

    async def test_none(self, client, owner: Caller):
        response = await client.get(self.url(owner.user.id), headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (404, "photo_not_found")

    async def test_url_serves_the_stored_bytes(
        self, client, storage: BlobStorage, owner: Caller, profile_photo: Photo
    ):
        body = (await client.get(self.url(owner.user.id), headers=owner.headers)).json()
        fetched = await fetch(client, body["url"])
        assert fetched.status_code == 200
        stored = b"".join([chunk async for chunk in storage.stream(profile_photo.blob_name)])
        assert fetched.content == stored
        assert fetched.headers["content-type"] == "image/png"


class TestUploadPoolPhoto:
    @staticmethod
    def url(pool_id: object) -> str:
        return f"/photos/pools/{pool_id}"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 201, None),
            ("owner", 201, None),
            ("other_owner", 404, "pool_not_found"),
            ("technician", 403, "forbidden"),
            ("other_technician", 404, "pool_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, pool: Pool, caller, caller_headers, status, code):
        response = await client.post(
            self.url(pool.id), files=upload(make_image()), headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_unknown_pool(self, client, admin: Caller):
        response = await client.post(
            self.url(UNKNOWN_ID), files=upload(make_image()), headers=admin.headers
        )
        assert (response.status_code, problem_code(response)) == (404, "pool_not_found")

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.post(
            self.url("not-an-id"), files=upload(make_image()), headers=admin.headers
        )
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_missing_file(self, client, pool: Pool, owner: Caller):
        response = await client.post(
            self.url(pool.id), data={"other": "x"}, files={}, headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_blob_name_is_generated(
        self, client, storage: BlobStorage, pool: Pool, owner: Caller
    ):
        response = await client.post(
            self.url(pool.id), files=upload(make_image()), headers=owner.headers
        )
        body = response.json()
        assert "blobName" not in body
        photo = await Photo.get(PydanticObjectId(body["id"]))
        assert photo.blob_name == f"pool/{pool.id}/{photo.id}.png"
        assert await blob_names(storage) == [photo.blob_name]
        assert body["poolId"] == str(pool.id)
        assert body["context"] == "pool"

    async def test_replaces_the_previous_photo(
        self, client, storage: BlobStorage, pool: Pool, owner: Caller, pool_photo: Photo
    ):
        response = await client.post(
            self.url(pool.id), files=upload(make_image("JPEG"), "new.jpg"), headers=owner.headers
        )
        assert response.status_code == 201
        assert await Photo.get(pool_photo.id) is None
        assert not await storage.exists(pool_photo.blob_name)
        assert await Photo.find({"context": "pool", "pool_id": pool.id}).count() == 1

    async def test_other_contexts_of_the_pool_are_kept(
        self, client, storage: BlobStorage, pool: Pool, owner: Caller, technician_photo: Photo
    ):
        response = await client.post(
            self.url(pool.id), files=upload(make_image()), headers=owner.headers
        )
        assert response.status_code == 201
        assert await Photo.get(technician_photo.id) is not None
        assert await storage.exists(technician_photo.blob_name)


class TestUploadValidation:
    """What an upload must be: checked on the pool photo route, with the pool's owner."""

    @pytest.fixture
    def url(self, pool: Pool) -> str:
        return f"/photos/pools/{pool.id}"

    @pytest.mark.parametrize(
        "image_format, content_type, extension",
        [
            ("JPEG", "image/jpeg", "jpg"),
            ("PNG", "image/png", "png"),
            ("GIF", "image/gif", "gif"),
            ("WEBP", "image/webp", "webp"),
        ],
    )
    async def test_accepted_formats(
        self, client, url, owner: Caller, image_format, content_type, extension
    ):
        # The declared type and the name say otherwise: only the bytes count.
        response = await client.post(
            url,
            files=upload(make_image(image_format), "picture.bin", "application/octet-stream"),
            headers=owner.headers,
        )
        assert response.status_code == 201
        body = response.json()
        assert body["contentType"] == content_type
        photo = await Photo.get(PydanticObjectId(body["id"]))
        assert photo.blob_name.endswith(f".{extension}")
        fetched = await fetch(client, body["url"])
        assert fetched.headers["content-type"] == content_type
        assert Image.open(BytesIO(fetched.content)).format == image_format

    async def test_animated_gif_keeps_its_frames(self, client, url, owner: Caller):
        frames = [Image.new("RGB", (16, 16), color) for color in ("red", "green", "blue")]
        output = BytesIO()
        frames[0].save(output, "GIF", save_all=True, append_images=frames[1:], duration=80)
        response = await client.post(
            url, files=upload(output.getvalue(), "spin.gif"), headers=owner.headers
        )
        assert response.status_code == 201
        fetched = await fetch(client, response.json()["url"])
        assert Image.open(BytesIO(fetched.content)).n_frames == 3

    @pytest.mark.parametrize(
        "data, file_name, content_type",
        [
            (b"just some text, not a picture\n", "holiday.jpg", "image/jpeg"),
            (b"", "empty.png", "image/png"),
            (
                b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                b"<script>alert(1)</script></svg>",
                "logo.svg",
                "image/svg+xml",
            ),
            (make_image("BMP"), "old.bmp", "image/bmp"),
            (make_image("PNG", size=(200, 200))[:-40], "cut.png", "image/png"),
            (make_image("PNG", size=(200, 200))[:60], "cut-early.png", "image/png"),
            (make_image("JPEG", size=(200, 200))[:300], "cut.jpg", "image/jpeg"),
            (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "corrupt.png", "image/png"),
            (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "corrupt.jpg", "image/jpeg"),
        ],
        ids=[
            "text-named-jpg",
            "empty",
            "svg",
            "bmp",
            "truncated-png",
            "truncated-png-header",
            "truncated-jpeg",
            "corrupt-png",
            "corrupt-jpeg",
        ],
    )
    async def test_refused(
        self, client, storage: BlobStorage, url, owner: Caller, data, file_name, content_type
    ):
        response = await client.post(
            url, files=upload(data, file_name, content_type), headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (415, "unsupported_media_type")
        assert response.headers["content-type"] == "application/problem+json"
        assert await Photo.count() == 0
        assert await blob_names(storage) == []

    @pytest.mark.parametrize("side", [7_000, 12_000], ids=["49MP", "144MP"])
    @pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
    async def test_decompression_bomb(self, client, storage: BlobStorage, url, owner: Caller, side):
        output = BytesIO()
        Image.new("1", (side, side)).save(output, "PNG")  # many megapixels in a few KiB
        response = await client.post(
            url, files=upload(output.getvalue(), "bomb.png"), headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (415, "unsupported_media_type")
        assert await blob_names(storage) == []

    async def test_over_max_upload_bytes(
        self, client, storage: BlobStorage, settings: Settings, url, owner: Caller
    ):
        data = make_image("PNG", size=(300, 300), compress_level=0)
        settings.max_upload_bytes = len(data) - 1
        response = await client.post(url, files=upload(data), headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (413, "payload_too_large")
        assert await blob_names(storage) == []

    async def test_exactly_max_upload_bytes(self, client, settings: Settings, url, owner: Caller):
        data = make_image("PNG", size=(300, 300), compress_level=0)
        settings.max_upload_bytes = len(data)
        response = await client.post(url, files=upload(data), headers=owner.headers)
        assert response.status_code == 201

    async def test_body_far_over_the_limit_refused_before_reading(
        self, client, settings: Settings, url, owner: Caller
    ):
        data = b"\x89PNG\r\n\x1a\n" + b"\x00" * (settings.max_upload_bytes + 128 * 1024)
        response = await client.post(url, files=upload(data), headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (413, "payload_too_large")

    async def test_streamed_body_far_over_the_limit(
        self, client, settings: Settings, url, owner: Caller
    ):
        async def chunks():
            yield b'--edge\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
            for _ in range(settings.max_upload_bytes // (1024 * 1024) + 2):
                yield b"\x00" * (1024 * 1024)

        response = await client.post(
            url,
            content=chunks(),
            headers={**owner.headers, "Content-Type": "multipart/form-data; boundary=edge"},
        )
        assert (response.status_code, problem_code(response)) == (413, "payload_too_large")

    async def test_gps_and_exif_stripped(self, client, url, owner: Caller):
        original = gps_jpeg()
        assert Image.open(BytesIO(original)).getexif().get_ifd(0x8825)
        response = await client.post(url, files=upload(original, "gps.jpg"), headers=owner.headers)
        body = response.json()
        fetched = await fetch(client, body["url"])
        stored = Image.open(BytesIO(fetched.content))
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
        assert b"Exif" not in fetched.content
        assert b"PoolCam" not in fetched.content
        # The orientation was applied before the EXIF went: 40x20 stands upright as 20x40.
        assert (body["width"], body["height"]) == (20, 40) == stored.size

    async def test_png_text_and_exif_stripped(self, client, url, owner: Caller):
        from PIL import PngImagePlugin

        text = PngImagePlugin.PngInfo()
        text.add_text("Author", "Jane Secret")
        exif = Image.Exif()
        exif[0x0110] = "PoolCam 3000"
        output = BytesIO()
        Image.new("RGBA", (8, 8)).save(output, "PNG", pnginfo=text, exif=exif)
        response = await client.post(url, files=upload(output.getvalue()), headers=owner.headers)
        fetched = await fetch(client, response.json()["url"])
        assert b"Jane Secret" not in fetched.content
        assert b"PoolCam" not in fetched.content

    async def test_hostile_file_name(self, client, storage: BlobStorage, url, pool, owner: Caller):
        response = await client.post(
            url, files=upload(make_image(), "../../etc/passwd.jpg"), headers=owner.headers
        )
        body = response.json()
        assert body["fileName"] == "passwd.jpg"
        photo = await Photo.get(PydanticObjectId(body["id"]))
        assert photo.blob_name == f"pool/{pool.id}/{photo.id}.png"
        assert await blob_names(storage) == [photo.blob_name]

    @pytest.mark.parametrize(
        "file_name, stored",
        [
            ("C:\\Users\\me\\Desktop\\pool.png", "pool.png"),
            ("..", None),
            ("<script>alert(1)</script>.png", "script_.png"),
            ("holiday photo (1).jpg", "holiday photo (1).jpg"),
            ("a" * 300 + ".png", "a" * 116 + ".png"),
        ],
    )
    async def test_file_name_sanitized(self, client, url, owner: Caller, file_name, stored):
        response = await client.post(
            url, files=upload(make_image(), file_name), headers=owner.headers
        )
        assert response.json()["fileName"] == stored


class TestReadPoolPhoto:
    @staticmethod
    def url(pool_id: object) -> str:
        return f"/photos/pools/{pool_id}"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("other_owner", 404, "pool_not_found"),
            ("technician", 200, None),
            ("other_technician", 404, "pool_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(
        self, client, pool: Pool, pool_photo: Photo, caller, caller_headers, status, code
    ):
        response = await client.get(self.url(pool.id), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)
        if status == 200:
            assert response.json()["id"] == str(pool_photo.id)

    async def test_none(self, client, pool: Pool, owner: Caller):
        response = await client.get(self.url(pool.id), headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (404, "photo_not_found")

    async def test_visit_photos_are_not_the_pool_photo(
        self, client, pool: Pool, owner: Caller, technician_photo: Photo
    ):
        response = await client.get(self.url(pool.id), headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (404, "photo_not_found")

    async def test_url_expiry_follows_the_setting(
        self, client, settings: Settings, pool: Pool, owner: Caller, pool_photo: Photo
    ):
        settings.photo_url_ttl_minutes = 5
        body = (await client.get(self.url(pool.id), headers=owner.headers)).json()
        expires_at = datetime.fromisoformat(body["urlExpiresAt"])
        expected = datetime.now(UTC) + timedelta(minutes=5)
        # Rounded up to the next 5-minute boundary: at most one window later.
        assert -5 < (expires_at - expected).total_seconds() <= 300
        assert expires_at.timestamp() % 300 == 0


class TestReadPhotoContent:
    @staticmethod
    def url(photo_id: object) -> str:
        return f"/photos/{photo_id}/content"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("other_owner", 404, "photo_not_found"),
            ("technician", 200, None),
            ("other_technician", 404, "photo_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access_with_a_token(
        self, client, pool_photo: Photo, caller, caller_headers, status, code
    ):
        response = await client.get(self.url(pool_photo.id), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    @pytest.mark.parametrize(
        "caller, status",
        [
            ("admin", 200),
            ("owner", 200),
            ("other_owner", 404),
            ("technician", 200),
            ("other_technician", 404),
        ],
    )
    async def test_profile_photo_follows_user_visibility(
        self, client, pool, profile_photo: Photo, caller, caller_headers, status
    ):
        response = await client.get(self.url(profile_photo.id), headers=caller_headers)
        assert response.status_code == status

    async def test_streams_the_bytes_with_their_type(
        self, client, storage: BlobStorage, owner: Caller, pool_photo: Photo
    ):
        response = await client.get(self.url(pool_photo.id), headers=owner.headers)
        stored = b"".join([chunk async for chunk in storage.stream(pool_photo.blob_name)])
        assert response.content == stored
        assert len(stored) == pool_photo.size_bytes
        assert response.headers["content-type"] == "image/png"
        assert response.headers["content-length"] == str(pool_photo.size_bytes)
        assert response.headers["x-content-type-options"] == "nosniff"

    async def test_unknown_photo(self, client, admin: Caller):
        response = await client.get(self.url(UNKNOWN_ID), headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (404, "photo_not_found")

    async def test_missing_blob(
        self, client, storage: BlobStorage, admin: Caller, pool_photo: Photo
    ):
        await storage.delete(pool_photo.blob_name)
        response = await client.get(self.url(pool_photo.id), headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (404, "photo_not_found")

    def signed(self, settings: Settings, photo: Photo, ttl: timedelta) -> str:
        # Exactly `ttl` from now, not rounded to a window, so a link can be made already expired.
        return links.content_url_until(
            photo_id=photo.id,
            base_url="http://testserver/",
            secret=settings.secret_key,
            expires=int(time.time() + ttl.total_seconds()),
        ).url

    async def test_signed_link_without_a_token(self, client, settings: Settings, pool_photo: Photo):
        response = await client.get(self.signed(settings, pool_photo, timedelta(minutes=5)))
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"

    async def test_signed_link_with_a_token_of_someone_who_cannot_see_it(
        self, client, settings: Settings, other_owner: Caller, pool_photo: Photo
    ):
        url = self.signed(settings, pool_photo, timedelta(minutes=5))
        response = await client.get(url, headers=other_owner.headers)
        assert response.status_code == 200

    async def test_tampered_signature(self, client, settings: Settings, pool_photo: Photo):
        url = self.signed(settings, pool_photo, timedelta(minutes=5))
        signature = parse_qs(urlsplit(url).query)["sig"][0]
        tampered = with_query(url, sig=("0" if signature[0] != "0" else "1") + signature[1:])
        response = await client.get(tampered)
        assert (response.status_code, problem_code(response)) == (403, "forbidden")

    async def test_extended_expiry(self, client, settings: Settings, pool_photo: Photo):
        url = self.signed(settings, pool_photo, timedelta(minutes=5))
        expires = int(parse_qs(urlsplit(url).query)["exp"][0])
        response = await client.get(with_query(url, exp=str(expires + 3600)))
        assert (response.status_code, problem_code(response)) == (403, "forbidden")

    async def test_signature_of_another_photo(
        self, client, settings: Settings, pool_photo: Photo, profile_photo: Photo
    ):
        url = self.signed(settings, profile_photo, timedelta(minutes=5))
        other = url.replace(str(profile_photo.id), str(pool_photo.id))
        response = await client.get(other)
        assert (response.status_code, problem_code(response)) == (403, "forbidden")

    async def test_expired_link(self, client, settings: Settings, pool_photo: Photo):
        response = await client.get(self.signed(settings, pool_photo, timedelta(seconds=-1)))
        assert (response.status_code, problem_code(response)) == (403, "forbidden")

    async def test_expired_link_with_a_token_of_someone_who_may_see_it(
        self, client, settings: Settings, owner: Caller, pool_photo: Photo
    ):
        url = self.signed(settings, pool_photo, timedelta(seconds=-1))
        response = await client.get(url, headers=owner.headers)
        assert response.status_code == 200

    async def test_signature_only(self, client, settings: Settings, pool_photo: Photo):
        url = self.signed(settings, pool_photo, timedelta(minutes=5))
        signature = parse_qs(urlsplit(url).query)["sig"][0]
        response = await client.get(self.url(pool_photo.id), params={"sig": signature})
        assert (response.status_code, problem_code(response)) == (403, "forbidden")

    async def test_link_of_a_deleted_photo(
        self, client, settings: Settings, owner: Caller, pool_photo: Photo
    ):
        url = self.signed(settings, pool_photo, timedelta(minutes=5))
        await client.delete(f"/photos/{pool_photo.id}", headers=owner.headers)
        response = await client.get(url)
        assert (response.status_code, problem_code(response)) == (404, "photo_not_found")


class TestReturnedUrl:
    """The `url` of a photo response, as a browser would use it: no credentials."""

    @pytest.mark.parametrize("storage_backend", ["local"])
    async def test_local_backend_signs_a_content_link(
        self, client, storage_backend, pool: Pool, owner: Caller, pool_photo: Photo
    ):
        body = (await client.get(f"/photos/pools/{pool.id}", headers=owner.headers)).json()
        parts = urlsplit(body["url"])
        assert (parts.scheme, parts.netloc) == ("http", "testserver")
        assert parts.path == f"/photos/{pool_photo.id}/content"
        query = parse_qs(parts.query)
        assert datetime.fromtimestamp(int(query["exp"][0]), UTC) == datetime.fromisoformat(
            body["urlExpiresAt"]
        )
        assert (await fetch(client, body["url"])).status_code == 200

    @pytest.mark.parametrize("storage_backend", ["azure"])
    async def test_azure_backend_returns_a_read_only_sas(
        self, client, storage_backend, settings: Settings, pool: Pool, owner: Caller, pool_photo
    ):
        body = (await client.get(f"/photos/pools/{pool.id}", headers=owner.headers)).json()
        parts = urlsplit(body["url"])
        assert parts.path.endswith(f"/{settings.azure_storage_container}/{pool_photo.blob_name}")
        query = parse_qs(parts.query)
        assert query["sp"] == ["r"]
        expires_at = datetime.fromisoformat(body["urlExpiresAt"])
        assert datetime.fromisoformat(query["se"][0].replace("Z", "+00:00")) == expires_at
        fetched = await fetch(client, body["url"])
        assert fetched.status_code == 200
        assert fetched.headers["content-type"] == "image/png"
        async with httpx.AsyncClient(trust_env=False) as outside:
            tampered = await outside.get(with_query(body["url"], sp="rwd"))
            unsigned = await outside.get(body["url"].split("?")[0])
            written = await outside.put(
                body["url"], content=b"x", headers={"x-ms-blob-type": "BlockBlob"}
            )
        assert tampered.status_code == 403
        assert unsigned.status_code in (403, 404)
        assert written.status_code == 403


class TestDeletePhoto:
    @staticmethod
    def url(photo_id: object) -> str:
        return f"/photos/{photo_id}"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 204, None),
            ("owner", 204, None),
            ("other_owner", 404, "photo_not_found"),
            ("technician", 403, "forbidden"),
            ("other_technician", 404, "photo_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access_pool_photo(
        self, client, storage: BlobStorage, pool_photo: Photo, caller, caller_headers, status, code
    ):
        response = await client.delete(self.url(pool_photo.id), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)
        assert (await Photo.get(pool_photo.id) is None) is (status == 204)
        assert (await storage.exists(pool_photo.blob_name)) is (status != 204)

    @pytest.mark.parametrize(
        "caller, status",
        [
            ("admin", 204),
            ("owner", 204),
            ("other_owner", 404),
            ("technician", 403),
            ("other_technician", 404),
            ("anonymous", 401),
        ],
    )
    async def test_access_profile_photo(
        self, client, pool, profile_photo: Photo, caller, caller_headers, status
    ):
        response = await client.delete(self.url(profile_photo.id), headers=caller_headers)
        assert response.status_code == status

    async def test_the_user_deletes_a_profile_photo_an_admin_set(
        self, client, storage, settings, admin: Caller, owner: Caller
    ):
        photo = await make_photo(
            storage=storage,
            settings=settings,
            uploader=admin.user,
            context=PhotoContext.USER_PROFILE,
            context_id=owner.user.id,
        )
        response = await client.delete(self.url(photo.id), headers=owner.headers)
        assert response.status_code == 204

    @pytest.mark.parametrize(
        "caller, status",
        [("technician", 204), ("owner", 204), ("other_technician", 404), ("other_owner", 404)],
    )
    async def test_uploader_and_pool_owner_delete_a_technicians_photo(
        self, client, technician_photo: Photo, caller, caller_headers, status
    ):
        response = await client.delete(self.url(technician_photo.id), headers=caller_headers)
        assert response.status_code == status

    async def test_unknown_photo(self, client, admin: Caller):
        response = await client.delete(self.url(UNKNOWN_ID), headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (404, "photo_not_found")

    async def test_records_an_audit_event(self, client, owner: Caller, pool_photo: Photo):
        await client.delete(self.url(pool_photo.id), headers=owner.headers)
        event = await AuditEvent.find_one({"action": "photo.delete"})
        assert event.resource_id == str(pool_photo.id)
        assert event.pool_id == pool_photo.pool_id

    async def test_blob_delete_failure_still_deletes_the_metadata(
        self, client, storage: BlobStorage, monkeypatch, owner: Caller, pool_photo: Photo, caplog
    ):
        async def unreachable(name: str) -> None:
            raise ConnectionError("blob storage is unreachable")

        monkeypatch.setattr(storage, "delete", unreachable)
        response = await client.delete(self.url(pool_photo.id), headers=owner.headers)
        assert response.status_code == 204
        assert await Photo.get(pool_photo.id) is None
        assert await storage.exists(pool_photo.blob_name)
        assert "left for the orphan sweep" in caplog.text


class TestConsistency:
    async def test_failed_metadata_write_removes_the_blob(
        self, client, storage: BlobStorage, monkeypatch, pool: Pool, owner: Caller
    ):
        async def failing_insert(self, *args, **kwargs):
            raise ConnectionError("database went away")

        monkeypatch.setattr(Photo, "insert", failing_insert)
        response = await client.post(
            f"/photos/pools/{pool.id}", files=upload(make_image()), headers=owner.headers
        )
        assert (response.status_code, problem_code(response)) == (503, "service_unavailable")
        assert await blob_names(storage) == []
        assert await Photo.count() == 0

    async def test_failed_replacement_keeps_the_previous_photo(
        self, client, storage: BlobStorage, monkeypatch, pool: Pool, owner: Caller, pool_photo
    ):
        async def failing_insert(self, *args, **kwargs):
            raise ConnectionError("database went away")

        monkeypatch.setattr(Photo, "insert", failing_insert)
        await client.post(
            f"/photos/pools/{pool.id}", files=upload(make_image()), headers=owner.headers
        )
        assert await blob_names(storage) == [pool_photo.blob_name]
        assert await Photo.get(pool_photo.id) is not None


class TestUrlWindow:
    """Read URLs expire on 5-minute boundaries so a browser can cache them (section 11)."""

    async def test_reads_within_a_window_return_the_same_url(
        self, client, pool: Pool, owner: Caller, pool_photo: Photo
    ):
        first = (await client.get(f"/photos/pools/{pool.id}", headers=owner.headers)).json()
        await asyncio.sleep(1.1)  # the unrounded expiry would now differ by a second
        second = (await client.get(f"/photos/pools/{pool.id}", headers=owner.headers)).json()
        if first["urlExpiresAt"] == second["urlExpiresAt"]:  # not across a window's edge
            assert first["url"] == second["url"]
        assert datetime.fromisoformat(first["urlExpiresAt"]).timestamp() % 300 == 0

    @pytest.mark.parametrize("storage_backend", ["local"])
    async def test_content_cache_lasts_until_the_link_expires(
        self, client, storage_backend, pool: Pool, owner: Caller, pool_photo: Photo
    ):
        body = (await client.get(f"/photos/pools/{pool.id}", headers=owner.headers)).json()
        response = await fetch(client, body["url"])
        cache_control = response.headers["cache-control"]
        assert cache_control.startswith("private, max-age=")
        max_age = int(cache_control.removeprefix("private, max-age="))
        left = datetime.fromisoformat(body["urlExpiresAt"]).timestamp() - time.time()
        assert 0 < max_age <= left + 1

    async def test_content_read_with_a_token_is_private(
        self, client, owner: Caller, pool_photo: Photo
    ):
        response = await client.get(f"/photos/{pool_photo.id}/content", headers=owner.headers)
        assert response.headers["cache-control"].startswith("private, max-age=")
