"""The kept outcome of a request made with an idempotency key."""

from datetime import datetime, timedelta
from enum import StrEnum

from beanie import PydanticObjectId
from pymongo import IndexModel

from app.core.documents import Document

# How long a successful outcome is kept and replayed (contract §1).
OUTCOME_TTL = timedelta(hours=24)
# A claim whose request never settles (the process died mid-handler) stops blocking the key after
# this long; a handler runs after its body has been read, so it never needs nearly as much.
CLAIM_TTL = timedelta(minutes=5)


class RecordState(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class IdempotencyRecord(Document):
    """A key claimed by a user: the request's digest and, once it succeeded, its answer."""

    user_id: PydanticObjectId
    key: str
    fingerprint: str  # SHA-256 over method, path, query and body; never the body itself
    state: RecordState = RecordState.IN_PROGRESS
    status_code: int | None = None
    content_type: str | None = None
    body: bytes | None = None
    created_at: datetime
    # MongoDB's TTL monitor removes the record after this; reads treat it as gone already,
    # since the monitor runs only once a minute (and the embedded store has none).
    expires_at: datetime

    class Settings:
        name = "idempotency_keys"
        indexes = [
            IndexModel([("user_id", 1), ("key", 1)], unique=True, name="user_key_unique"),
            IndexModel([("expires_at", 1)], expireAfterSeconds=0, name="expires_ttl"),
        ]
