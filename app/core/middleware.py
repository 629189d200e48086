"""Request id, access log, security headers, body size and CORS problems (pure ASGI middleware).

Kept by hand rather than `asgi-correlation-id`: the request id is one small middleware that also
writes the access log line, the security headers and the client address in the same pass over
the response; the library would add a dependency and a second middleware for a third of that.
"""

import logging
import re
import time
import uuid

from fastapi import HTTPException
from fastapi.middleware.cors import CORSMiddleware
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.context import client_ip_var, request_id_var
from app.core.errors import problem_response
from app.core.headers import add_security_headers

logger = logging.getLogger("app.access")

_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._~:\-]{1,128}$")


def choose_request_id(inbound: str | None) -> str:
    """Echo a sane inbound id (<= 128 token characters), else mint a UUID4."""
    if inbound and _SANE_REQUEST_ID.fullmatch(inbound):
        return inbound
    return str(uuid.uuid4())


class RequestContextMiddleware:
    """Sets the request id and client address, echoes the id, adds the security headers, logs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        inbound = None
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                inbound = value.decode("latin-1")
                break
        request_id = choose_request_id(inbound)
        # Kept on the scope too: the 500 handler runs outside this middleware's context.
        scope.setdefault("state", {})["request_id"] = request_id
        client = scope.get("client")
        request_id_token = request_id_var.set(request_id)
        client_token = client_ip_var.set(client[0] if client else None)
        status_code = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                add_security_headers(headers)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status_code,
                    "durationMs": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(request_id_token)
            client_ip_var.reset(client_token)


class BodySizeLimitMiddleware:
    """Refuses a request body over `max_bytes` with 413 before it is read or spooled to disk."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response = problem_response(
                413, "payload_too_large", "The request body is larger than allowed."
            )
            await response(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI re-raises an HTTPException met while reading the body as is.
                    raise HTTPException(status_code=413)
            return message

        await self.app(scope, receive_within_limit, send)


class ProblemCORSMiddleware(CORSMiddleware):
    """CORS for `CORS_ORIGINS`; a refused preflight is a problem like every other error."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        # Methods and headers are all allowed, so a refusal is about the origin.
        return problem_response(
            400,
            "cors_origin_refused",
            "This origin is not allowed to call the API from a browser.",
            headers={"Vary": "Origin"},
        )
