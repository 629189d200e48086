"""Signed, expiring links to `GET /photos/{photoId}/content` (the local backend's read URLs).

Kept by hand rather than `itsdangerous`: a link is an HMAC-SHA256 over the photo id and an expiry
that the contract fixes as query parameters (`expires`, `signature`), compared in constant time;
itsdangerous would pack both into its own token format and change the URLs clients see.
"""

import hashlib
import hmac
import time
from datetime import UTC, datetime, timedelta

from beanie import PydanticObjectId

from app.core.storage import ReadUrl, link_expiry

# Keeps these signatures apart from anything else the same secret may sign.
_PURPOSE = b"poolia.photo-content.v1"


def _signature(*, photo_id: PydanticObjectId, expires: int, secret: str) -> str:
    message = b"\n".join((_PURPOSE, str(photo_id).encode(), str(expires).encode()))
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_content_url(
    *, photo_id: PydanticObjectId, base_url: str, secret: str, ttl: timedelta
) -> ReadUrl:
    """An absolute content URL carrying `exp` (unix seconds) and its HMAC-SHA256 `sig`.

    `exp` is rounded up to a 5-minute boundary, so the URL is the same within one window.
    """
    return content_url_until(
        photo_id=photo_id,
        base_url=base_url,
        secret=secret,
        expires=int(link_expiry(ttl).timestamp()),
    )


def content_url_until(
    *, photo_id: PydanticObjectId, base_url: str, secret: str, expires: int
) -> ReadUrl:
    """The signed content URL valid until `expires` (unix seconds), as given."""
    signature = _signature(photo_id=photo_id, expires=expires, secret=secret)
    url = f"{base_url.rstrip('/')}/photos/{photo_id}/content?exp={expires}&sig={signature}"
    return ReadUrl(url=url, expires_at=datetime.fromtimestamp(expires, UTC))


def is_valid(
    *, photo_id: PydanticObjectId, expires: int | None, signature: str | None, secret: str
) -> bool:
    """Whether the link's signature matches and it has not expired."""
    if expires is None or not signature or expires < time.time():
        return False
    expected = _signature(photo_id=photo_id, expires=expires, secret=secret)
    return hmac.compare_digest(expected, signature)


def seconds_left(expires: int) -> int:
    """How long a valid link still works."""
    return max(0, int(expires - time.time()))
