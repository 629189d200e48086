"""The ASGI half: fingerprint the body as it streams in, settle the claim before answering."""

import logging
import re
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.idempotency import service
from app.core.idempotency.fingerprint import BodyFingerprint
from app.core.idempotency.models import IdempotencyRecord

logger = logging.getLogger(__name__)

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 255
KEY_PATTERN = f"^[ -~]{{1,{KEY_MAX_LENGTH}}}$"  # 1..255 printable ASCII characters
KEY_FORMAT = re.compile(KEY_PATTERN)
STATE_KEY = "idempotency"

# Auth requests are not keyed (a token answer must not be kept); POST /webhooks answers a
# secret that must not be kept either.
EXEMPT_PREFIXES = ("/auth/",)
EXEMPT_PATHS = frozenset({"/webhooks"})


def applies_to(method: str, path: str) -> bool:
    """Whether a request with this method and path honours an Idempotency-Key."""
    return method == "POST" and path not in EXEMPT_PATHS and not path.startswith(EXEMPT_PREFIXES)


@dataclass
class KeyedRequest:
    """A request carrying an Idempotency-Key, as the middleware and the dependency share it."""

    key: str
    body: BodyFingerprint
    claim: IdempotencyRecord | None = None  # set once this request holds the key


def keyed_request(scope: Scope) -> KeyedRequest | None:
    """The keyed request the middleware recorded on the scope, if any."""
    return scope.get("state", {}).get(STATE_KEY)


class IdempotencyMiddleware:
    """Fingerprints keyed POST bodies while they stream and keeps or releases the claim.

    The outcome is settled before the response leaves, so a client that retries as soon as it
    has an answer finds the outcome kept (or the key free again), never the request in progress.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not applies_to(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get(KEY_HEADER)
        if key is None:
            await self.app(scope, receive, send)
            return
        keyed = KeyedRequest(key=key, body=BodyFingerprint(headers.get("content-type")))
        scope.setdefault("state", {})[STATE_KEY] = keyed

        async def receive_fingerprinted() -> Message:
            message = await receive()
            if message["type"] == "http.request" and not keyed.body.complete:
                keyed.body.update(
                    message.get("body", b""), more_body=message.get("more_body", False)
                )
            return message

        start: Message | None = None
        chunks: list[bytes] = []

        async def send_settled(message: Message) -> None:
            nonlocal start
            if keyed.claim is None:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            await _settle(keyed, start, body)
            await send(start)
            await send({"type": "http.response.body", "body": body})

        try:
            await self.app(scope, receive_fingerprinted, send_settled)
        finally:
            if keyed.claim is not None:
                # The handler raised before answering: the key is free for a retry.
                await _release(keyed)


async def _settle(keyed: KeyedRequest, start: Message, body: bytes) -> None:
    """Keep a 2xx outcome; release the key after anything else."""
    status = start["status"]
    if not 200 <= status < 300:
        await _release(keyed)
        return
    claim, keyed.claim = keyed.claim, None
    assert claim is not None
    content_type = Headers(raw=start.get("headers", [])).get("content-type")
    try:
        await service.complete(
            record_id=claim.id, status_code=status, content_type=content_type, body=body
        )
    except Exception:
        # The answer was produced and goes out; only its replay is lost. The claim lapses
        # after CLAIM_TTL.
        logger.exception("could not keep an idempotent outcome", extra={"status": status})


async def _release(keyed: KeyedRequest) -> None:
    claim, keyed.claim = keyed.claim, None
    assert claim is not None
    try:
        await service.release(record_id=claim.id)
    except Exception:
        logger.exception("could not release an idempotency key")
