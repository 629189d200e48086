"""Idempotency keys: a POST repeated with the same `Idempotency-Key` is answered once (§1).

The middleware fingerprints the body while it streams and settles the outcome after the
response; the app-wide dependency claims the key for the caller before the handler runs.
"""

from fastapi import FastAPI

from app.core.idempotency.dependencies import IdempotentReplay, replay_response
from app.core.idempotency.middleware import IdempotencyMiddleware


def install_idempotency(app: FastAPI) -> None:
    """Wire the middleware and the replay handler (the claim dependency is app-wide)."""
    app.add_exception_handler(IdempotentReplay, replay_response)
    app.add_middleware(IdempotencyMiddleware)
