"""Claiming a key, keeping a successful outcome, releasing a failed one."""

import logging

from beanie import PydanticObjectId
from pymongo.errors import DuplicateKeyError

from app.core.idempotency.exceptions import IdempotencyInProgress, IdempotencyKeyReused
from app.core.idempotency.models import (
    CLAIM_TTL,
    OUTCOME_TTL,
    IdempotencyRecord,
    RecordState,
)
from app.users.models import utcnow

logger = logging.getLogger(__name__)

# A claim can lose its insert to a record that is then released or found expired; a few rounds
# settle that, and a key still contested after them is reported as in progress.
CLAIM_ATTEMPTS = 3


async def claim(*, user_id: PydanticObjectId, key: str, fingerprint: str) -> IdempotencyRecord:
    """Claim `key` for this request before its handler runs, or find the outcome kept for it.

    Returns an in-progress record (this request now holds the key) or a completed one (to be
    replayed). Raises when the key belongs to another request or its first request still runs.
    """
    collection = IdempotencyRecord.get_motor_collection()
    for _ in range(CLAIM_ATTEMPTS):
        now = utcnow()
        record = IdempotencyRecord(
            user_id=user_id,
            key=key,
            fingerprint=fingerprint,
            created_at=now,
            expires_at=now + CLAIM_TTL,
        )
        try:
            # The unique index on (user, key) makes this insert the claim: of two concurrent
            # requests with one key, exactly one inserts.
            await record.insert()
            return record
        except DuplicateKeyError:
            pass
        existing = await IdempotencyRecord.find_one({"user_id": user_id, "key": key})
        if existing is None:
            continue  # released since the insert failed
        if existing.expires_at <= now:
            # Expired but not yet swept by the TTL monitor: it no longer counts.
            await collection.delete_one({"_id": existing.id, "expires_at": existing.expires_at})
            continue
        if existing.fingerprint != fingerprint:
            raise IdempotencyKeyReused
        if existing.state is RecordState.IN_PROGRESS:
            raise IdempotencyInProgress
        return existing
    raise IdempotencyInProgress


async def complete(
    *, record_id: PydanticObjectId, status_code: int, content_type: str | None, body: bytes
) -> None:
    """Keep a successful outcome for replays, for OUTCOME_TTL from now."""
    await IdempotencyRecord.get_motor_collection().update_one(
        {"_id": record_id, "state": RecordState.IN_PROGRESS.value},
        {
            "$set": {
                "state": RecordState.COMPLETED.value,
                "status_code": status_code,
                "content_type": content_type,
                "body": body,
                "expires_at": utcnow() + OUTCOME_TTL,
            }
        },
    )


async def release(*, record_id: PydanticObjectId) -> None:
    """Give the key back after a failed request, so a retry with it is processed anew."""
    await IdempotencyRecord.get_motor_collection().delete_one(
        {"_id": record_id, "state": RecordState.IN_PROGRESS.value}
    )
