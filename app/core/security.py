"""Password hashing (bcrypt, off the event loop), access JWTs and opaque refresh tokens."""

import asyncio
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import bcrypt
import jwt

ACCESS_TOKEN_TYPE = "access"
# bcrypt reads at most 72 bytes (bcrypt >= 5 raises beyond that), so no stored hash can match more.
MAX_PASSWORD_BYTES = 72


async def hash_password(password: str, *, rounds: int) -> str:
    """Hash a password with bcrypt in a worker thread."""
    salt = bcrypt.gensalt(rounds=rounds)
    hashed = await asyncio.to_thread(bcrypt.hashpw, password.encode(), salt)
    return hashed.decode()


@lru_cache(maxsize=8)
def _dummy_hash(rounds: int) -> bytes:
    return bcrypt.hashpw(secrets.token_bytes(16).hex().encode(), bcrypt.gensalt(rounds=rounds))


async def verify_password(password: str, password_hash: str | None, *, rounds: int) -> bool:
    """Check a password in a worker thread; with no hash, spend the same time and answer False."""
    candidate = password.encode()
    if password_hash is None or len(candidate) > MAX_PASSWORD_BYTES:
        await asyncio.to_thread(bcrypt.checkpw, candidate[:MAX_PASSWORD_BYTES], _dummy_hash(rounds))
        return False
    return await asyncio.to_thread(bcrypt.checkpw, candidate, password_hash.encode())


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
    """Verify an access JWT's signature, expiry and type."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[algorithm],
            options={"require": ["sub", "sid", "exp", "iat", "typ"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpired from exc
    except jwt.InvalidTokenError as exc:
        raise TokenInvalid from exc
    if claims.get("typ") != ACCESS_TOKEN_TYPE:
        raise TokenInvalid
    return AccessClaims(
        user_id=str(claims["sub"]),
        role=str(claims.get("role", "")),
        session_id=str(claims["sid"]),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
    )


def new_refresh_token() -> str:
    """An opaque refresh token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The stored form of an opaque token (it is never kept in clear)."""
    return hashlib.sha256(token.encode()).hexdigest()
