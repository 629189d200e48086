"""Password reset by email: the same answer for every address, limits apart from logins.

A request reserves its place in the per-email and per-address counts before anything else, so
concurrent requests cannot slip past the limit; beyond it the request is answered the same and
nothing is sent (a flood of requests can neither lock a user out nor fill their inbox).
"""

from datetime import timedelta

from beanie import PydanticObjectId
from pymongo import ReturnDocument

from app.audit import service as audit_service
from app.auth import sessions
from app.auth.exceptions import InvalidResetToken
from app.auth.models import PasswordResetRequest, PasswordResetToken
from app.core.config import Settings
from app.core.security import hash_password, hash_token, new_refresh_token
from app.notifications import service as notifications_service
from app.users.models import User, UserStatus, utcnow

RESET_EMAIL_KIND = "password_reset"


async def _within_limits(*, email: str, ip: str | None, settings: Settings) -> bool:
    """Count this request (first), then check that it is among the first N of its window."""
    now = utcnow()
    since = now - timedelta(minutes=settings.password_reset_window_minutes)
    limits = [(f"email:{email}", settings.password_reset_max_per_email)]
    if ip:
        limits.append((f"ip:{ip}", settings.password_reset_max_per_ip))
    mine = [PasswordResetRequest(id=PydanticObjectId(), key=key, at=now) for key, _ in limits]
    await PasswordResetRequest.insert_many(mine)
    for (key, limit), request in zip(limits, mine, strict=True):
        # Requests reserved before this one (ObjectIds grow with time) in the window.
        ahead = await PasswordResetRequest.find(
            {"key": key, "at": {"$gt": since}, "_id": {"$lte": request.id}}
        ).count()
        if ahead > limit:
            return False
    return True


async def request_reset(*, email: str, ip: str | None, settings: Settings) -> None:
    """Email a reset link to an active user with this address, within the request limits."""
    email = email.strip().lower()
    if not await _within_limits(email=email, ip=ip, settings=settings):
        return
    user = await User.find_one({"email": email, "status": UserStatus.ACTIVE})
    if user is None:
        return
    token = new_refresh_token()
    ttl = timedelta(minutes=settings.password_reset_ttl_minutes)
    await PasswordResetToken(
        token_hash=hash_token(token), user_id=user.id, expires_at=utcnow() + ttl
    ).insert()
    await notifications_service.enqueue_email(
        to=user.email,
        kind=RESET_EMAIL_KIND,
        title="Reset your password",
        body=(
            "Someone asked to reset the password of your Poolia account. The link below works "
            f"once, for {settings.password_reset_ttl_minutes} minutes. If it was not you, ignore "
            "this email: your password stays as it is."
        ),
        recipient_name=user.name,
        user_id=user.id,
        link_path=f"/reset-password?token={token}",
        link_label="Choose a new password",
        sensitive=True,
    )


async def confirm_reset(*, token: str, new_password: str, settings: Settings) -> None:
    """Use a reset token once: set the new password, end every session, record it."""
    now = utcnow()
    raw = await PasswordResetToken.get_motor_collection().find_one_and_update(
        {"token_hash": hash_token(token), "used_at": None, "expires_at": {"$gt": now}},
        {"$set": {"used_at": now}},
        return_document=ReturnDocument.AFTER,
    )
    if raw is None:
        raise InvalidResetToken
    user = await User.find_one({"_id": raw["user_id"], "status": UserStatus.ACTIVE})
    if user is None:
        raise InvalidResetToken
    new_hash = await hash_password(new_password, rounds=settings.bcrypt_rounds)
    await User.get_motor_collection().update_one(
        {"_id": user.id}, {"$set": {"password_hash": new_hash, "updated_at": now}}
    )
    await sessions.revoke_all(user_id=user.id)
    await audit_service.record(
        actor=user, action="auth.password_reset", resource_type="user", resource_id=user.id
    )
