"""Idempotency problems: a key reused for another request, a repeat of a running request."""

from http import HTTPStatus

from app.core.errors import AppError, Conflict


class IdempotencyKeyReused(AppError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "idempotency_key_reused"
    detail = (
        "This Idempotency-Key was already used for a different request; "
        "use a new key for a new request."
    )


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"
    detail = (
        "A request with this Idempotency-Key is still being processed; retry once it has finished."
    )
