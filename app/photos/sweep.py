"""Finding blobs without metadata (and metadata without blobs), and removing stale orphan blobs.

An upload writes its blob before its metadata and a delete removes the metadata before the blob,
so a crash or a failed blob delete leaves an orphan blob, never a photo without bytes. A blob
younger than the grace period may be an upload still in flight and is only reported.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel

from app.core.storage import BlobStorage, StoredBlob
from app.photos.models import Photo

DEFAULT_GRACE = timedelta(minutes=60)


class _BlobNameOnly(BaseModel):
    blob_name: str


@dataclass
class SweepReport:
    """What the sweep found and what it removed."""

    orphan_blobs: list[StoredBlob] = field(default_factory=list)
    missing_blobs: list[str] = field(default_factory=list)
    deleted_blobs: list[str] = field(default_factory=list)


async def sweep_orphan_blobs(
    *,
    storage: BlobStorage,
    delete: bool = False,
    grace: timedelta = DEFAULT_GRACE,
    now: datetime | None = None,
) -> SweepReport:
    """Report orphan blobs and photos whose blob is missing; with `delete`, remove orphan
    blobs last modified before `now - grace`."""
    # Blobs are listed before the metadata is read, so an upload that completes in between
    # shows up on both sides rather than as an orphan.
    blobs = [blob async for blob in storage.list_blobs()]
    recorded = {row.blob_name for row in await Photo.find_all().project(_BlobNameOnly).to_list()}
    stored_names = {blob.name for blob in blobs}
    report = SweepReport(
        orphan_blobs=sorted(
            (blob for blob in blobs if blob.name not in recorded), key=lambda blob: blob.name
        ),
        missing_blobs=sorted(recorded - stored_names),
    )
    if delete:
        cutoff = (now or datetime.now(UTC)) - grace
        for blob in report.orphan_blobs:
            if blob.last_modified < cutoff:
                await storage.delete(blob.name)
                report.deleted_blobs.append(blob.name)
    return report
