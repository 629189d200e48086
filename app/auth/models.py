"""Login sessions (one per login, holding the current refresh-token hash) and failed logins."""

from datetime import datetime

from beanie import Document, PydanticObjectId
from pydantic import Field
from pymongo import ASCENDING, IndexModel

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


class LoginFailure(Document):
    """One failed login, counted per email and per client address inside a sliding window."""

    key: str  # "email:<address>" or "ip:<address>"
    at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "login_failures"
        indexes = [
            IndexModel([("key", ASCENDING), ("at", ASCENDING)], name="key_at"),
            IndexModel([("at", ASCENDING)], expireAfterSeconds=24 * 3600, name="at_ttl"),
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
