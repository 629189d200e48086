"""The app-wide dependency that claims a request's Idempotency-Key, and replays kept outcomes."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import Response

from app.auth import service as auth_service
from app.auth.dependencies import oauth2_scheme
from app.core.errors import AppError, InvalidInput, Unauthorized, problem_response
from app.core.idempotency import service
from app.core.idempotency.fingerprint import request_fingerprint
from app.core.idempotency.middleware import KEY_FORMAT, KEY_HEADER, REPLAYED_HEADER, keyed_request
from app.core.idempotency.models import IdempotencyRecord, RecordState
from app.users.models import User

# (request, kept body, caller) -> the body to answer now
ReplayRefresher = Callable[[Request, bytes, User], Awaitable[bytes]]
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
_REFRESHER_ATTRIBUTE = "idempotent_replay_refresher"


class IdempotentReplay(Exception):
    """The request repeats one whose outcome is kept: answer that outcome, run nothing."""

    def __init__(self, record: IdempotencyRecord, caller: User) -> None:
        self.record = record
        self.caller = caller
        super().__init__("idempotent replay")


async def idempotency_claim(request: Request) -> None:
    """Claim the request's Idempotency-Key for its caller before the handler runs (§1).

    A no-op for requests without a key and for methods and paths that ignore keys.
    """
    keyed = keyed_request(request.scope)
    if keyed is None:
        return
    # Keys are kept per user, so the caller is needed before the route's own dependencies run.
    token = await oauth2_scheme(request)
    if not token:
        raise Unauthorized
    principal = await auth_service.authenticate(token=token, settings=request.app.state.settings)
    if not KEY_FORMAT.fullmatch(keyed.key):
        raise InvalidInput(
            loc=["header", KEY_HEADER],
            msg="The Idempotency-Key must be 1 to 255 printable ASCII characters.",
            type_="string_pattern_mismatch",
        )
    if not keyed.body.complete:
        await request.body()  # a route without a body parameter has not read it
    fingerprint = request_fingerprint(
        method=request.method,
        path=request.url.path,
        query=request.scope.get("query_string", b""),
        body_digest=keyed.body.hexdigest(),
    )
    record = await service.claim(user_id=principal.user.id, key=keyed.key, fingerprint=fingerprint)
    if record.state is RecordState.COMPLETED:
        raise IdempotentReplay(record, principal.user)
    keyed.claim = record


def refresh_replay_with(refresher: ReplayRefresher) -> Callable[[Endpoint], Endpoint]:
    """Mark a POST endpoint whose kept body must be brought up to date when it is replayed.

    For answers that age, such as a photo's short-lived read URL. The refresher sees the
    resource as it is now, for the caller as they are now (an AppError it raises is answered).
    """

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, _REFRESHER_ATTRIBUTE, refresher)
        return endpoint

    return mark


async def replay_response(request: Request, exc: Exception) -> Response:
    """The kept status and body, marked `Idempotent-Replayed: true`."""
    assert isinstance(exc, IdempotentReplay)
    record = exc.record
    body = record.body or b""
    route = request.scope.get("route")
    refresher = getattr(getattr(route, "endpoint", None), _REFRESHER_ATTRIBUTE, None)
    if refresher is not None:
        try:
            body = await refresher(request, body, exc.caller)
        except AppError as error:
            return problem_response(
                int(error.status), error.code, error.detail, headers=error.headers, **error.extra
            )
    return Response(
        content=body,
        status_code=record.status_code or 200,
        media_type=record.content_type,
        headers={REPLAYED_HEADER: "true"},
    )
