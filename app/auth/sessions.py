"""Login sessions: creation, refresh-token rotation with re-use detection, and revocation."""

from datetime import datetime, timedelta
from typing import Any

from beanie import PydanticObjectId
from pymongo import ReturnDocument

from app.auth.models import Session
from app.core.security import hash_token, new_refresh_token
from app.users.models import utcnow


class RefreshTokenReused(Exception):
    """A refresh token already rotated away was presented again: its session is now revoked."""

    def __init__(self, session: Session) -> None:
        super().__init__(str(session.id))
        self.session = session


async def start(*, user_id: PydanticObjectId, ttl: timedelta) -> tuple[Session, str]:
    """Open a session for a user; returns it with its (only ever returned once) refresh token."""
    refresh_token = new_refresh_token()
    session = Session(
        user_id=user_id, refresh_token_hash=hash_token(refresh_token), expires_at=utcnow() + ttl
    )
    await session.insert()
    return session, refresh_token


async def rotate(*, refresh_token: str, ttl: timedelta) -> tuple[Session, str] | None:
    """Swap a live refresh token for a new one in one conditional update.

    Presenting a token that was already rotated away revokes the whole session (theft detection)
    and raises `RefreshTokenReused`; an unknown, expired or revoked token gives None.
    """
    presented = hash_token(refresh_token)
    replacement = new_refresh_token()
    now = utcnow()
    collection = Session.get_motor_collection()
    raw = await collection.find_one_and_update(
        {"refresh_token_hash": presented, "revoked_at": None, "expires_at": {"$gt": now}},
        {
            "$set": {
                "refresh_token_hash": hash_token(replacement),
                "last_used_at": now,
                "expires_at": now + ttl,
            },
            "$push": {"rotated_hashes": presented},
        },
        return_document=ReturnDocument.AFTER,
    )
    if raw is None:
        stolen = await collection.find_one_and_update(
            {"rotated_hashes": presented, "revoked_at": None},
            {"$set": {"revoked_at": now}},
            return_document=ReturnDocument.AFTER,
        )
        if stolen is not None:
            raise RefreshTokenReused(Session.model_validate(stolen))
        return None
    return Session.model_validate(raw), replacement


async def revoke(*, session_id: PydanticObjectId) -> None:
    """End one session: its access and refresh tokens stop working at once."""
    await Session.get_motor_collection().update_one(
        {"_id": session_id, "revoked_at": None}, {"$set": {"revoked_at": utcnow()}}
    )


async def revoke_all(
    *, user_id: PydanticObjectId, except_session_id: PydanticObjectId | None = None
) -> None:
    """End every open session of a user, optionally keeping the caller's own."""
    query: dict[str, object] = {"user_id": user_id, "revoked_at": None}
    if except_session_id is not None:
        query["_id"] = {"$ne": except_session_id}
    await Session.get_motor_collection().update_many(query, {"$set": {"revoked_at": utcnow()}})


async def find_live_with_user(
    *, session_id: PydanticObjectId, user_id: PydanticObjectId, now: datetime
) -> dict | None:
    """The open session and its user, read together in one round trip."""
    pipeline: list[dict[str, Any]] = [
        {
            "$match": {
                "_id": session_id,
                "user_id": user_id,
                "revoked_at": None,
                "expires_at": {"$gt": now},
            }
        },
        {"$limit": 1},
        {
            "$lookup": {
                "from": "users",
                "localField": "user_id",
                "foreignField": "_id",
                "as": "user",
            }
        },
    ]
    rows = await Session.get_motor_collection().aggregate(pipeline).to_list(length=1)
    return rows[0] if rows else None
