"""The rules of authentication: register, login, refresh, logout, and reading a bearer token."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from beanie import PydanticObjectId
from bson.errors import InvalidId

from app.audit import service as audit_service
from app.auth import rate_limit, sessions
from app.auth.exceptions import (
    AccountDeleted,
    AccountInactive,
    InvalidCredentials,
    InvalidRefreshToken,
    InvalidToken,
    TokenExpired,
    TokenRevoked,
)
from app.auth.models import Session
from app.auth.schemas import RegisterIn, TokenOut
from app.core import security
from app.core.config import Settings
from app.users import service as users_service
from app.users.models import User, UserStatus, utcnow
from app.users.schemas import UserCreate, UserOut

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: the user and the session their token belongs to."""

    user: User
    session_id: PydanticObjectId


def _access_ttl(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.access_token_ttl_minutes)


def _refresh_ttl(settings: Settings) -> timedelta:
    return timedelta(days=settings.refresh_token_ttl_days)


def _token_response(
    *, user: User, session_id: PydanticObjectId, refresh_token: str, settings: Settings
) -> TokenOut:
    ttl = _access_ttl(settings)
    access_token = security.create_access_token(
        user_id=str(user.id),
        role=user.role.value,
        session_id=str(session_id),
        secret=settings.secret_key,
        algorithm=settings.jwt_algorithm,
        ttl=ttl,
    )
    return TokenOut(
        access_token=access_token,
        expires_in=int(ttl.total_seconds()),
        refresh_token=refresh_token,
        user=UserOut.model_validate(user),
    )


async def _issue_tokens(*, user: User, settings: Settings) -> TokenOut:
    session, refresh_token = await sessions.start(user_id=user.id, ttl=_refresh_ttl(settings))
    return _token_response(
        user=user, session_id=session.id, refresh_token=refresh_token, settings=settings
    )


async def register(*, data: RegisterIn, ip: str | None, settings: Settings) -> TokenOut:
    """Create an owner or technician account and log it in (rate-limited per client address)."""
    reservation = await rate_limit.reserve_registration(ip=ip, settings=settings)
    try:
        user = await users_service.create(
            data=UserCreate(**data.model_dump()), settings=settings, actor=None
        )
    except BaseException:
        # Only created accounts count toward the limit.
        if reservation is not None:
            await rate_limit.release(reservation)
        raise
    return await _issue_tokens(user=user, settings=settings)


async def login(*, email: str, password: str, ip: str | None, settings: Settings) -> TokenOut:
    """Check credentials (rate-limited per email and client address) and open a session.

    The attempt's place in both limits is reserved before bcrypt runs, so a burst of attempts
    cannot get more password checks than the limits allow.
    """
    email = email.strip().lower()
    reservations = await rate_limit.reserve_login(email=email, ip=ip, settings=settings)
    user = await users_service.get_by_email(email=email)
    password_hash = user.password_hash if user else None
    if not await security.verify_password(password, password_hash, rounds=settings.bcrypt_rounds):
        raise InvalidCredentials  # the reserved places stay: they are now counted failures
    assert user is not None  # a hash matched, so the user exists
    await rate_limit.login_succeeded(reservations)
    if user.status is UserStatus.DELETED:
        raise AccountDeleted
    if user.status is UserStatus.INACTIVE:
        raise AccountInactive
    await user.set({"last_login_at": utcnow()})
    tokens = await _issue_tokens(user=user, settings=settings)
    await audit_service.record(
        actor=user, action="auth.login", resource_type="user", resource_id=user.id
    )
    return tokens


async def _record_refresh_reuse(session: Session) -> None:
    logger.warning(
        "refresh token re-used: session revoked",
        extra={"sessionId": str(session.id), "userId": str(session.user_id)},
    )
    await audit_service.record(
        actor=await User.get(session.user_id),
        action="auth.refresh_reuse_detected",
        resource_type="session",
        resource_id=session.id,
    )


async def refresh(*, refresh_token: str, settings: Settings) -> TokenOut:
    """Rotate a refresh token; a re-used one revokes its session."""
    try:
        rotated = await sessions.rotate(refresh_token=refresh_token, ttl=_refresh_ttl(settings))
    except sessions.RefreshTokenReused as reuse:
        await _record_refresh_reuse(reuse.session)
        raise InvalidRefreshToken from None
    if rotated is None:
        raise InvalidRefreshToken
    session, new_refresh_token = rotated
    user = await User.get(session.user_id)
    if user is None or not user.is_active:
        await sessions.revoke(session_id=session.id)
        raise InvalidRefreshToken
    return _token_response(
        user=user, session_id=session.id, refresh_token=new_refresh_token, settings=settings
    )


async def logout(*, principal: Principal) -> None:
    """End the caller's session everywhere at once."""
    await sessions.revoke(session_id=principal.session_id)
    await audit_service.record(
        actor=principal.user,
        action="auth.logout",
        resource_type="session",
        resource_id=principal.session_id,
    )


async def authenticate(*, token: str, settings: Settings) -> Principal:
    """Resolve a bearer token to its live session and active user in one database round trip."""
    try:
        claims = security.decode_access_token(
            token, secret=settings.secret_key, algorithm=settings.jwt_algorithm
        )
    except security.TokenExpired as exc:
        raise TokenExpired from exc
    except security.TokenInvalid as exc:
        raise InvalidToken from exc
    try:
        session_id = PydanticObjectId(claims.session_id)
        user_id = PydanticObjectId(claims.user_id)
    except (InvalidId, TypeError) as exc:
        raise InvalidToken from exc
    row = await sessions.find_live_with_user(session_id=session_id, user_id=user_id, now=utcnow())
    if row is None:
        raise TokenRevoked
    users = row.get("user") or []
    user = User.model_validate(users[0]) if users else None
    if user is None or not user.is_active:
        raise InvalidToken("The account behind this token is not active.")
    return Principal(user=user, session_id=session_id)
