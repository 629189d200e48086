"""Login sessions (one per login, holding the current refresh-token hash) and attempt limits."""

from datetime import datetime

from beanie import PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, IndexModel

from app.core.documents import Document
from app.users.models import utcnow


class Session(Document):
    user_id: PydanticObjectId
    refresh_token_hash: str
    # Hashes of refresh tokens already rotated away: presenting one again means theft.
    rotated_hashes: list[str] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None

    class Settings:
        name = "sessions"
        indexes = [
            IndexModel(
                [("refresh_token_hash", ASCENDING)], unique=True, name="refresh_hash_unique"
            ),
            IndexModel([("rotated_hashes", ASCENDING)], name="rotated_hashes"),
            IndexModel([("user_id", ASCENDING), ("revoked_at", ASCENDING)], name="user_revoked"),
            # MongoDB drops sessions once their refresh window is over.
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expires_ttl"),
        ]


class LimitHit(BaseModel):
    """One attempt holding a place in a limit's window: in flight, failed, or a created account."""

    attempt_id: str
    at: datetime


class RateLimit(Document):
    """The recent attempts behind one limit key (`email:<address>`, `ip:<address>`, ...).

    `hits` is kept newest first and never longer than the limit, so "is there room?" is one
    condition on one array element, and a place is reserved with one conditional `$push`.
    """

    id: str  # type: ignore[assignment]  # the limit key itself, so an upsert cannot duplicate it
    hits: list[LimitHit] = Field(default_factory=list)
    expires_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "rate_limits"
        indexes = [
            # MongoDB drops a key's document once its newest attempt has left the window.
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expires_ttl"),
        ]


class PasswordResetToken(Document):
    """A single-use password-reset token, stored only as a hash."""

    token_hash: str
    user_id: PydanticObjectId
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None

    class Settings:
        name = "password_reset_tokens"
        indexes = [
            IndexModel([("token_hash", ASCENDING)], unique=True, name="token_hash_unique"),
            # MongoDB drops tokens a day after they lapse (used or not).
            IndexModel(
                [("expires_at", ASCENDING)], expireAfterSeconds=24 * 3600, name="expires_ttl"
            ),
        ]


class PasswordResetRequest(Document):
    """One password-reset request, counted per email and per client address (own limits)."""

    key: str  # "email:<address>" or "ip:<address>"
    at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "password_reset_requests"
        indexes = [
            IndexModel([("key", ASCENDING), ("at", ASCENDING)], name="key_at"),
            IndexModel([("at", ASCENDING)], expireAfterSeconds=24 * 3600, name="at_ttl"),
        ]
