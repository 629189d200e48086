"""Async factories: users, and bearer headers for them, without going through HTTP."""

import itertools
from datetime import timedelta

from app.auth import sessions
from app.core import security
from app.core.config import Settings
from app.users.models import Role, User, UserStatus

DEFAULT_PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


async def make_user(
    settings: Settings,
    *,
    role: Role = Role.OWNER,
    status: UserStatus = UserStatus.ACTIVE,
    email: str | None = None,
    password: str | None = DEFAULT_PASSWORD,
    name: str | None = None,
) -> User:
    """Insert a user straight into the store."""
    number = next(_sequence)
    user = User(
        name=name or f"{role.value.title()}{number}",
        last_name="Tester",
        email=email or f"{role.value}{number}@example.com",
        password_hash=(
            await security.hash_password(password, rounds=settings.bcrypt_rounds)
            if password
            else None
        ),
        role=role,
        status=status,
    )
    await user.insert()
    return user


async def token_for(settings: Settings, user: User) -> str:
    """An access token for a fresh session of the user."""
    session, _ = await sessions.start(user_id=user.id, ttl=timedelta(days=1))
    return security.create_access_token(
        user_id=str(user.id),
        role=user.role.value,
        session_id=str(session.id),
        secret=settings.secret_key,
        algorithm=settings.jwt_algorithm,
        ttl=timedelta(minutes=settings.access_token_ttl_minutes),
    )


async def auth_headers(settings: Settings, user: User) -> dict[str, str]:
    """`Authorization` header for the user."""
    return {"Authorization": f"Bearer {await token_for(settings, user)}"}
