"""Password hashing (bcrypt, off the event loop), access JWTs and opaque refresh tokens."""

import asyncio
import hashlib
import os
import secrets
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TypeVar

import bcrypt
import jwt

T = TypeVar("T")

ACCESS_TOKEN_TYPE = "access"
# bcrypt reads at most 72 bytes (bcrypt >= 5 raises beyond that), so no stored hash can match more.
MAX_PASSWORD_BYTES = 72

# bcrypt runs in its own pools, one thread short of the cores: a login storm then keeps a core
# free for the event loop and never fills the default pool that image re-encoding and file I/O
# share. Checking (login) and hashing (registration, password change) get a pool each, so a burst
# of registrations queues behind itself and never in front of the logins.
# Threads start on first use, not at import.
_POOL_THREADS = max(1, (os.cpu_count() or 2) - 1)
_CHECK_POOL = ThreadPoolExecutor(max_workers=_POOL_THREADS, thread_name_prefix="bcrypt-check")
_HASH_POOL = ThreadPoolExecutor(max_workers=_POOL_THREADS, thread_name_prefix="bcrypt-hash")


async def _in_pool(pool: ThreadPoolExecutor, function: Callable[..., T], *args: object) -> T:
    return await asyncio.get_running_loop().run_in_executor(pool, function, *args)


async def hash_password(password: str, *, rounds: int) -> str:
    """Hash a password with bcrypt in the hashing pool."""
    salt = bcrypt.gensalt(rounds=rounds)
    hashed = await _in_pool(_HASH_POOL, bcrypt.hashpw, password.encode(), salt)
    return hashed.decode()


@lru_cache(maxsize=8)
def _dummy_hash(rounds: int) -> bytes:
    return bcrypt.hashpw(secrets.token_bytes(16).hex().encode(), bcrypt.gensalt(rounds=rounds))


def _check_against_dummy(candidate: bytes, rounds: int) -> None:
    # In the pool: the first call for a cost also makes the dummy hash, a full bcrypt round.
    bcrypt.checkpw(candidate, _dummy_hash(rounds))


async def verify_password(password: str, password_hash: str | None, *, rounds: int) -> bool:
    """Check a password in the checking pool; with no hash, spend the same time, answer False."""
    candidate = password.encode()
    if password_hash is None or len(candidate) > MAX_PASSWORD_BYTES:
        await _in_pool(_CHECK_POOL, _check_against_dummy, candidate[:MAX_PASSWORD_BYTES], rounds)
        return False
    return await _in_pool(_CHECK_POOL, bcrypt.checkpw, candidate, password_hash.encode())


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    role: str
    session_id: str
    expires_at: datetime


class TokenExpired(Exception):
    """The access token's `exp` has passed."""


class TokenInvalid(Exception):
    """The access token is malformed, tampered with or of the wrong type."""


def create_access_token(
    *, user_id: str, role: str, session_id: str, secret: str, algorithm: str, ttl: timedelta
) -> str:
    """Sign an access JWT carrying the user, role and session."""
    now = datetime.now(UTC)
    claims = {
        "sub": user_id,
        "role": role,
        "sid": session_id,
        "jti": uuid.uuid4().hex,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "typ": ACCESS_TOKEN_TYPE,
    }
    return jwt.encode(claims, secret, algorithm=algorithm)


def decode_access_token(token: str, *, secret: str, algorithm: str) -> AccessClaims:
    """Verify an access JWT's signature, type and expiry (`exp` must be a number of seconds)."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[algorithm],
            # The expiry is checked below: PyJWT takes `"123"` or `true` as a number of seconds.
            options={"require": ["sub", "sid", "exp", "iat", "typ"], "verify_exp": False},
        )
    except jwt.InvalidTokenError as exc:
        raise TokenInvalid from exc
    if claims.get("typ") != ACCESS_TOKEN_TYPE:
        raise TokenInvalid
    expires_at = _expiry(claims["exp"])
    if expires_at <= datetime.now(UTC):
        raise TokenExpired
    return AccessClaims(
        user_id=str(claims["sub"]),
        role=str(claims.get("role", "")),
        session_id=str(claims["sid"]),
        expires_at=expires_at,
    )


def _expiry(exp: object) -> datetime:
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise TokenInvalid
    try:
        return datetime.fromtimestamp(exp, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise TokenInvalid from exc


def new_refresh_token() -> str:
    """An opaque refresh token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The stored form of an opaque token (it is never kept in clear)."""
    return hashlib.sha256(token.encode()).hexdigest()
