"""Finding blobs without metadata (and metadata without blobs or without a parent), and removing
stale orphan blobs.

An upload writes its blob before its metadata and a delete removes the metadata before the blob,
so a crash or a failed blob delete leaves an orphan blob, never a photo without bytes. A blob
younger than the grace period may be an upload still in flight and is only reported.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from beanie import PydanticObjectId
from pydantic import BaseModel, Field

from app.core.storage import BlobStorage, StoredBlob
from app.messaging.models import Message
from app.photos.models import CONTEXT_ID_FIELD, Photo, PhotoContext
from app.pools.models import Pool
from app.users.models import User, UserStatus
from app.visits.models import Visit

DEFAULT_GRACE = timedelta(minutes=60)


class _BlobNameOnly(BaseModel):
    blob_name: str


class _PhotoParent(BaseModel):
    id: PydanticObjectId = Field(alias="_id")
    context: PhotoContext
    pool_id: PydanticObjectId | None = None
    visit_id: PydanticObjectId | None = None
    user_id: PydanticObjectId | None = None
    message_id: PydanticObjectId | None = None


class _IdOnly(BaseModel):
    id: PydanticObjectId = Field(alias="_id")


@dataclass
class SweepReport:
    """What the sweep found and what it removed."""

    orphan_blobs: list[StoredBlob] = field(default_factory=list)
    missing_blobs: list[str] = field(default_factory=list)
    deleted_blobs: list[str] = field(default_factory=list)
    # Photos (by id) whose user, pool, visit or message no longer exists.
    parentless_photos: list[str] = field(default_factory=list)


async def photos_without_parent() -> list[str]:
    """Ids of photos whose parent is gone (an upload that raced its parent's deletion)."""
    rows = await Photo.find_all().project(_PhotoParent).to_list()
    parentless = []
    for context in PhotoContext:
        field_name = CONTEXT_ID_FIELD[context]
        of_context = [row for row in rows if row.context is context]
        wanted = {getattr(row, field_name) for row in of_context}
        if not wanted:
            continue
        existing = await _existing_parents(context, list(wanted))
        parentless += [
            str(row.id) for row in of_context if getattr(row, field_name) not in existing
        ]
    return sorted(parentless)


async def _existing_parents(
    context: PhotoContext, ids: list[PydanticObjectId]
) -> set[PydanticObjectId]:
    query: dict[str, object] = {"_id": {"$in": ids}}
    if context is PhotoContext.USER_PROFILE:
        query["status"] = {"$ne": UserStatus.DELETED}
    document = {
        PhotoContext.USER_PROFILE: User,
        PhotoContext.POOL: Pool,
        PhotoContext.VISIT: Visit,
        PhotoContext.MESSAGE: Message,
    }[context]
    found = await document.find(query).project(_IdOnly).to_list()
    return {row.id for row in found}


async def sweep_orphan_blobs(
    *,
    storage: BlobStorage,
    delete: bool = False,
    grace: timedelta = DEFAULT_GRACE,
    now: datetime | None = None,
) -> SweepReport:
    """Report orphan blobs, photos whose blob is missing and photos whose parent is gone; with
    `delete`, remove orphan blobs last modified before `now - grace`."""
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
        parentless_photos=await photos_without_parent(),
    )
    if delete:
        cutoff = (now or datetime.now(UTC)) - grace
        for blob in report.orphan_blobs:
            if blob.last_modified < cutoff:
                await storage.delete(blob.name)
                report.deleted_blobs.append(blob.name)
    return report
