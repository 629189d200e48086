"""Failed-login counting in MongoDB, so the limit holds across API instances."""

import math
from datetime import timedelta

from beanie.odm.enums import SortDirection

from app.auth.models import LoginFailure
from app.core.config import Settings
from app.core.errors import RateLimited
from app.users.models import utcnow


def _keys(email: str, ip: str | None) -> list[tuple[str, int]]:
    return [(f"email:{email}", 0), *([(f"ip:{ip}", 1)] if ip else [])]


async def ensure_allowed(*, email: str, ip: str | None, settings: Settings) -> None:
    """Refuse with 429 while the email or the client address has too many recent failures."""
    window = timedelta(minutes=settings.login_failure_window_minutes)
    now = utcnow()
    limits = (settings.login_max_failures_per_email, settings.login_max_failures_per_ip)
    for key, limit_index in _keys(email, ip):
        limit = limits[limit_index]
        recent = (
            await LoginFailure.find({"key": key, "at": {"$gt": now - window}})
            .sort([("at", SortDirection.DESCENDING)])
            .limit(limit)
            .to_list()
        )
        if len(recent) >= limit:
            # The window reopens when the oldest of the last `limit` failures leaves it.
            reopens_at = recent[-1].at + window
            raise RateLimited(math.ceil((reopens_at - now).total_seconds()))


async def record_failure(*, email: str, ip: str | None) -> None:
    """Count one failed attempt against the email and the client address."""
    await LoginFailure.insert_many([LoginFailure(key=key) for key, _ in _keys(email, ip)])


async def clear(*, email: str) -> None:
    """Forget an email's failures after a successful login."""
    await LoginFailure.find({"key": f"email:{email}"}).delete()
