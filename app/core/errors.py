"""One error hierarchy and the handlers that render every error as RFC 9457 problem details.

Kept by hand: the problem-details libraries for FastAPI render the RFC's fields but not our
contract's (`code`, `requestId`, `errors` in FastAPI's shape), so adopting one would mean
overriding most of it; the exception classes here also feed the OpenAPI error responses.
"""

import logging
import re
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any, ClassVar

from azure.core import exceptions as azure_errors
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from pymongo import errors as pymongo_errors
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.context import request_id_var
from app.core.headers import add_security_headers

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class AppError(Exception):
    """A domain error: carries its HTTP status, stable code and a sentence a person can act on."""

    status: ClassVar[int] = HTTPStatus.INTERNAL_SERVER_ERROR
    code: ClassVar[str] = "internal_error"
    detail: str = "An unexpected error occurred."

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        self.detail = detail or type(self).detail
        self.headers = headers or {}
        self.extra = extra
        super().__init__(self.detail)


class BadRequest(AppError):
    status = HTTPStatus.BAD_REQUEST
    code = "bad_request"
    detail = "The request breaks a business rule."


class Unauthorized(AppError):
    status = HTTPStatus.UNAUTHORIZED
    code = "not_authenticated"
    detail = "Authentication is required."

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **extra)


class Forbidden(AppError):
    status = HTTPStatus.FORBIDDEN
    code = "forbidden"
    detail = "You are not allowed to perform this action."


class NotFound(AppError):
    status = HTTPStatus.NOT_FOUND
    code = "not_found"
    detail = "The resource was not found."


class Conflict(AppError):
    status = HTTPStatus.CONFLICT
    code = "conflict"
    detail = "The request conflicts with the current state."


class PayloadTooLarge(AppError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    code = "payload_too_large"
    detail = "The upload is larger than allowed."


class UnsupportedMediaType(AppError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    code = "unsupported_media_type"
    detail = "The upload is not an accepted image (JPEG, PNG, GIF or WebP)."


class InvalidInput(AppError):
    """A 422 raised by a service for a rule a schema cannot express alone."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "validation_error"
    detail = "The request is not valid; see `errors` for each problem."

    def __init__(self, *, loc: list[str | int], msg: str, type_: str = "value_error") -> None:
        super().__init__(errors=[{"loc": loc, "msg": msg, "type": type_}])


class RateLimited(AppError):
    status = HTTPStatus.TOO_MANY_REQUESTS
    code = "rate_limited"
    detail = "Too many attempts; try again later."

    def __init__(self, retry_after_seconds: int, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after_seconds))})


DEPENDENCY_RETRY_AFTER_SECONDS = 5


class ServiceUnavailable(AppError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    code = "service_unavailable"
    detail = "A dependency of the service is unavailable; try again shortly."

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        headers = {"Retry-After": str(DEPENDENCY_RETRY_AFTER_SECONDS)}
        super().__init__(detail, headers=headers, **extra)


# What a database or blob backend raises when it cannot be reached or does not answer in time.
DEPENDENCY_DOWN_ERRORS: tuple[type[Exception], ...] = (
    pymongo_errors.ConnectionFailure,  # includes server selection and network timeouts
    pymongo_errors.ExecutionTimeout,
    pymongo_errors.WTimeoutError,
    azure_errors.ServiceRequestError,
    azure_errors.ServiceResponseError,
    ConnectionError,
    TimeoutError,
)


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details, as every error response carries them."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "example": {
                "type": "about:blank",
                "title": "Not Found",
                "status": 404,
                "detail": "The pool was not found.",
                "code": "pool_not_found",
                "requestId": "6f0c2a4e9b1d4c7e8a3f5b2d1c0e9f8a",
                "errors": None,
            }
        },
    )

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
    request_id: str | None = Field(default=None, alias="requestId")
    errors: list[ValidationIssue] | None = None


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    request_id: str | None = None,
    **extra: Any,
) -> JSONResponse:
    """Build an `application/problem+json` response with the current request id."""
    request_id = request_id or request_id_var.get()
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "requestId": request_id,
        "errors": errors,
        **extra,
    }
    all_headers = dict(headers or {})
    if request_id:
        all_headers["X-Request-ID"] = request_id
    return JSONResponse(
        body, status_code=status, headers=all_headers, media_type=PROBLEM_MEDIA_TYPE
    )


_HTTP_CODES = {
    404: ("not_found", "No resource exists at this path."),
    405: ("method_not_allowed", "This method is not allowed on this path."),
    413: ("payload_too_large", "The request body is larger than allowed."),
    415: ("unsupported_media_type", "The request body has an unsupported media type."),
}


# pydantic spells a `Literal` of enum members by their repr (`<Role.OWNER: 'owner'>`).
_ENUM_MEMBER_REPR = re.compile(r"<\w+(?:\.\w+)+: ('[^']*'|\"[^\"]*\"|[^>]*)>")


def plain_message(message: str) -> str:
    """A validation message with enum members named by their plain values (`'owner'`)."""
    return _ENUM_MEMBER_REPR.sub(r"\1", message)


def _validation_issues(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(part) if not isinstance(part, int) else part for part in err["loc"]],
            "msg": plain_message(err["msg"]),
            "type": err["type"],
        }
        for err in exc.errors()
    ]


async def _app_error_handler(request: Request, exc: AppError) -> JSONResponse:
    return problem_response(int(exc.status), exc.code, exc.detail, headers=exc.headers, **exc.extra)


def _validation_problem(errors: list[dict[str, Any]]) -> JSONResponse:
    return problem_response(
        422,
        "validation_error",
        "The request is not valid; see `errors` for each problem.",
        errors=errors,
    )


async def _validation_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    return _validation_problem(_validation_issues(exc))


async def _http_exception_handler(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    # Routes raise domain errors, never HTTPException: a 400 here is the framework failing to
    # decode the body at all (a JSON body that is not UTF-8, for instance). For the client that
    # is the same mistake as malformed JSON, so it gets the same 422.
    if exc.status_code == 400:
        issue = {"loc": ["body"], "msg": "The body could not be parsed.", "type": "body_unparsable"}
        return _validation_problem([issue])
    code, detail = _HTTP_CODES.get(exc.status_code, ("http_error", str(exc.detail)))
    return problem_response(
        exc.status_code, code, detail, headers=dict(exc.headers) if exc.headers else None
    )


async def _dependency_down_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.warning(
        "dependency unavailable",
        extra={"path": request.url.path, "error": type(exc).__name__},
        exc_info=True,
    )
    error = ServiceUnavailable()
    return problem_response(int(error.status), error.code, error.detail, headers=error.headers)


async def _unhandled_handler(request: Request, exc: Exception) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None)
    # This handler runs outside the request middleware, which has already reset the context.
    token = request_id_var.set(request_id)
    try:
        logger.exception("unhandled error", extra={"path": request.url.path})
    finally:
        request_id_var.reset(token)
    response = problem_response(
        500, "internal_error", "An unexpected error occurred.", request_id=request_id
    )
    # Starlette answers a 500 outside every middleware, so the headers are set here too.
    add_security_headers(response.headers)
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Map every error path (domain, validation, routing, unhandled) to problem details."""
    handlers: dict[type[Exception], Callable[[Request, Any], Awaitable[JSONResponse]]] = {
        AppError: _app_error_handler,
        RequestValidationError: _validation_handler,
        StarletteHTTPException: _http_exception_handler,
        **dict.fromkeys(DEPENDENCY_DOWN_ERRORS, _dependency_down_handler),
        Exception: _unhandled_handler,
    }
    for exception_type, handler in handlers.items():
        app.add_exception_handler(exception_type, handler)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the problem statuses a route can answer."""
    return {
        status: {"model": Problem, "description": HTTPStatus(status).phrase}
        for status in sorted(set(statuses))
    }
