"""The orphan sweep (app/photos/sweep.py, behind scripts/sweep_orphan_blobs.py), both backends."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.config import Settings
from app.core.storage import BlobStorage
from app.photos.models import Photo, PhotoContext
from app.photos.sweep import sweep_orphan_blobs
from tests.conftest import Caller
from tests.factories import make_image, make_photo
from tests.photos.conftest import blob_names

ORPHAN = "pool/0123456789abcdef01234567/fedcba987654321001234567.png"


@pytest.fixture
async def photo(storage: BlobStorage, settings: Settings, owner: Caller) -> Photo:
    return await make_photo(
        storage=storage,
        settings=settings,
        uploader=owner.user,
        context=PhotoContext.USER_PROFILE,
        context_id=owner.user.id,
    )


@pytest.fixture
async def orphan(storage: BlobStorage) -> str:
    """A blob no photo points at (as a crash between blob and metadata would leave)."""
    await storage.put(ORPHAN, make_image(), content_type="image/png")
    return ORPHAN


class TestSweep:
    async def test_nothing_to_report(self, storage: BlobStorage, photo: Photo):
        report = await sweep_orphan_blobs(storage=storage, delete=True, grace=timedelta(0))
        assert (report.orphan_blobs, report.missing_blobs, report.deleted_blobs) == ([], [], [])
        assert await blob_names(storage) == [photo.blob_name]

    async def test_reports_without_deleting(self, storage: BlobStorage, photo: Photo, orphan):
        report = await sweep_orphan_blobs(storage=storage)
        assert [blob.name for blob in report.orphan_blobs] == [orphan]
        assert report.orphan_blobs[0].size > 0
        assert report.deleted_blobs == []
        assert await blob_names(storage) == sorted([photo.blob_name, orphan])

    async def test_reports_metadata_without_a_blob(self, storage: BlobStorage, photo: Photo):
        await storage.delete(photo.blob_name)
        report = await sweep_orphan_blobs(storage=storage, delete=True, grace=timedelta(0))
        assert report.missing_blobs == [photo.blob_name]
        assert report.orphan_blobs == []
        assert await Photo.get(photo.id) is not None

    async def test_deletes_orphans_past_the_grace_period(
        self, storage: BlobStorage, photo: Photo, orphan
    ):
        later = datetime.now(UTC) + timedelta(minutes=61)
        report = await sweep_orphan_blobs(storage=storage, delete=True, now=later)
        assert report.deleted_blobs == [orphan]
        assert await blob_names(storage) == [photo.blob_name]

    async def test_keeps_orphans_within_the_grace_period(self, storage: BlobStorage, orphan):
        report = await sweep_orphan_blobs(storage=storage, delete=True)
        assert [blob.name for blob in report.orphan_blobs] == [orphan]
        assert report.deleted_blobs == []
        assert await blob_names(storage) == [orphan]

    async def test_grace_is_configurable(self, storage: BlobStorage, orphan):
        report = await sweep_orphan_blobs(storage=storage, delete=True, grace=timedelta(0))
        assert report.deleted_blobs == [orphan]
        assert await blob_names(storage) == []

    async def test_sweeps_what_a_failed_blob_delete_left(
        self, client, storage: BlobStorage, monkeypatch, owner: Caller, photo: Photo
    ):
        async def unreachable(name: str) -> None:
            raise ConnectionError("blob storage is unreachable")

        with monkeypatch.context() as patch:
            patch.setattr(storage, "delete", unreachable)
            response = await client.delete(f"/photos/{photo.id}", headers=owner.headers)
        assert response.status_code == 204
        report = await sweep_orphan_blobs(storage=storage, delete=True, grace=timedelta(0))
        assert report.deleted_blobs == [photo.blob_name]
        assert await blob_names(storage) == []


class TestSweepScript:
    SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "sweep_orphan_blobs.py"

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        environment = {
            key: value for key, value in os.environ.items() if not key.startswith("MONGODB_")
        }
        return subprocess.run(
            [sys.executable, str(self.SCRIPT), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**environment, **env},
        )

    def test_help(self):
        result = self.run("--help")
        assert result.returncode == 0
        assert "--grace-minutes" in result.stdout
        assert "--delete" in result.stdout

    def test_refuses_the_embedded_store(self):
        # Its metadata lives inside the server process: every blob would look orphaned.
        result = self.run("--delete")
        assert result.returncode == 2
        assert "MONGODB_URL" in result.stderr
