"""Attempt limits in MongoDB (logins per email and per address, registrations per address).

An attempt reserves its place in a key's window *before* the costly work (bcrypt) runs, in one
conditional update: however many attempts arrive at once, on however many API instances, at most
`limit` of them hold a place in a window and the others are refused without being checked.
"""

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from app.auth.models import RateLimit
from app.core.config import Settings
from app.core.errors import RateLimited
from app.users.models import utcnow

REGISTRATION_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Reservation:
    """A place held in one key's window by one attempt."""

    key: str
    attempt_id: str
    at: datetime


def email_key(email: str) -> str:
    return f"email:{email}"


def _address_key(ip: str) -> str:
    return f"ip:{ip}"


def _room_left(limit: int, cutoff: datetime) -> dict:
    # `hits` is newest first and at most `limit` long: there is room when its last possible
    # element is missing or has left the window.
    last = f"hits.{limit - 1}"
    return {"$or": [{last: {"$exists": False}}, {f"{last}.at": {"$lte": cutoff}}]}


async def _refusal(*, key: str, limit: int, window: timedelta, now: datetime) -> RateLimited:
    """429 with the seconds until the oldest counted attempt leaves the window."""
    raw = await RateLimit.get_motor_collection().find_one({"_id": key})
    hits = (raw or {}).get("hits", [])
    if len(hits) >= limit:
        oldest_counted = min(hit["at"] for hit in hits[:limit])
        return RateLimited(math.ceil((oldest_counted + window - now).total_seconds()))
    return RateLimited(math.ceil(window.total_seconds()))


async def reserve(*, key: str, limit: int, window: timedelta) -> Reservation:
    """Take a place in `key`'s window in one conditional update, or raise 429 when it is full."""
    now = utcnow()
    reservation = Reservation(key=key, attempt_id=uuid.uuid4().hex, at=now)
    update = {
        "$push": {
            "hits": {
                "$each": [{"attempt_id": reservation.attempt_id, "at": now}],
                "$sort": {"at": -1},
                "$slice": limit,
            }
        },
        "$max": {"expires_at": now + window},
    }
    query = {"_id": key, **_room_left(limit, now - window)}
    collection = RateLimit.get_motor_collection()
    try:
        # A full key does not match; the upsert then collides with its _id and is refused.
        await collection.find_one_and_update(
            query, update, upsert=True, return_document=ReturnDocument.AFTER
        )
        return reservation
    except DuplicateKeyError:
        pass
    # Two first attempts on a new key race to insert it: the loser retries once without upsert.
    if await collection.find_one_and_update(query, update) is not None:
        return reservation
    raise await _refusal(key=key, limit=limit, window=window, now=now)


async def release(reservation: Reservation) -> None:
    """Give a place back (the attempt succeeded, or never got to the costly step)."""
    await RateLimit.get_motor_collection().update_one(
        {"_id": reservation.key}, {"$pull": {"hits": {"attempt_id": reservation.attempt_id}}}
    )


async def clear(reservation: Reservation) -> None:
    """Forget the key's attempts up to and including this one (attempts made later stay)."""
    await RateLimit.get_motor_collection().update_one(
        {"_id": reservation.key}, {"$pull": {"hits": {"at": {"$lte": reservation.at}}}}
    )


async def reserve_login(*, email: str, ip: str | None, settings: Settings) -> list[Reservation]:
    """Reserve a login attempt's place per email and per client address (429 when full)."""
    window = timedelta(minutes=settings.login_failure_window_minutes)
    by_email = await reserve(
        key=email_key(email), limit=settings.login_max_failures_per_email, window=window
    )
    if ip is None:
        return [by_email]
    try:
        by_address = await reserve(
            key=_address_key(ip), limit=settings.login_max_failures_per_ip, window=window
        )
    except RateLimited:
        await release(by_email)
        raise
    return [by_email, by_address]


async def login_succeeded(reservations: list[Reservation]) -> None:
    """A success releases its places and clears the email's failures."""
    for reservation in reservations:
        if reservation.key.startswith("email:"):
            await clear(reservation)
        else:
            await release(reservation)


async def reserve_password_check(*, email: str, settings: Settings) -> Reservation:
    """Reserve a place for a password check outside login (a change of password) per email."""
    return await reserve(
        key=email_key(email),
        limit=settings.login_max_failures_per_email,
        window=timedelta(minutes=settings.login_failure_window_minutes),
    )


async def reserve_registration(*, ip: str | None, settings: Settings) -> Reservation | None:
    """Reserve a registration's place per client address (429 when the hour's quota is used)."""
    if ip is None:
        return None
    return await reserve(
        key=f"register:{ip}", limit=settings.register_max_per_ip, window=REGISTRATION_WINDOW
    )
