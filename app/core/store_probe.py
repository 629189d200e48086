"""Round trips to the document store, and the time spent inside it, counted per request.

Kept by hand: no library counts operations for both Motor and the embedded store (pymongo's
command monitoring sees only a real server). The probe wraps, in one place, the driver boundary
of both: every coroutine operation of a collection (`find_one`, `insert_one`, `update_one`, ...)
and the first fetch of every cursor (`find(...).to_list()`, an aggregation's first batch). Each is
one round trip, as it would be on a network driver. Nested calls (a cursor's `to_list` that calls
its own `next`) count once.

It is installed only by the round-trip budget tests and the benchmark server, never by
`create_app`: `install()` patches the driver classes, `StoreProbeMiddleware` opens one
`StoreUsage` per request and reports it in the `x-store-round-trips` and `x-store-time-ms`
response headers, with `x-server-time-ms`: the time from the request entering the app to its
response being ready to send, so a benchmark can tell the server's time from the client's and the
connection's.
"""

import functools
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COLLECTION_OPERATIONS = (
    "bulk_write",
    "count_documents",
    "delete_many",
    "delete_one",
    "distinct",
    "estimated_document_count",
    "find_one",
    "find_one_and_delete",
    "find_one_and_replace",
    "find_one_and_update",
    "insert_many",
    "insert_one",
    "replace_one",
    "update_many",
    "update_one",
)
CURSOR_FETCHES = ("to_list", "next", "__anext__")
# The embedded store runs a whole aggregation when it is called, not when its cursor is fetched:
# its time is store time too (the round trip is still counted once, at the cursor's first fetch).
EAGER_CALLS = ("aggregate",)

ROUND_TRIPS_HEADER = "x-store-round-trips"
STORE_TIME_HEADER = "x-store-time-ms"
SERVER_TIME_HEADER = "x-server-time-ms"


@dataclass
class StoreUsage:
    """What one unit of work (a request) asked of the store."""

    round_trips: int = 0
    seconds: float = 0.0
    operations: list[str] = field(default_factory=list)
    # By id, holding each cursor so that no later cursor can be given a freed one's id.
    _fetched_cursors: dict[int, Any] = field(default_factory=dict, repr=False)


_usage: ContextVar[StoreUsage | None] = ContextVar("store_usage", default=None)
_inside: ContextVar[bool] = ContextVar("inside_store_call", default=False)
# (class, name) -> the class's own attribute before install, or None when it was inherited.
_originals: dict[tuple[type, str], Any] = {}


@contextmanager
def measure() -> Iterator[StoreUsage]:
    """Count the store calls made inside the block (and the tasks it awaits) into a new usage."""
    usage = StoreUsage()
    token = _usage.set(usage)
    try:
        yield usage
    finally:
        _usage.reset(token)


def _probed(
    call: Callable[..., Coroutine[Any, Any, Any]], name: str, *, per_cursor: bool
) -> Callable[..., Coroutine[Any, Any, Any]]:
    @functools.wraps(call)
    async def probed(self: Any, *args: Any, **kwargs: Any) -> Any:
        usage = _usage.get()
        if usage is None or _inside.get():
            return await call(self, *args, **kwargs)
        # A cursor's later fetches (`async for`) are store time but not new round trips here:
        # the embedded store keeps scanning the collection as the cursor is iterated.
        first = not per_cursor or id(self) not in usage._fetched_cursors
        if first:
            if per_cursor:
                usage._fetched_cursors[id(self)] = self
            # A collection has a name, a find cursor its collection's, an aggregation neither.
            collection = getattr(self, "name", None) or getattr(
                getattr(self, "collection", None), "name", "(aggregation)"
            )
            usage.round_trips += 1
            usage.operations.append(f"{collection}.{name}")
        token = _inside.set(True)
        started = time.perf_counter()
        try:
            return await call(self, *args, **kwargs)
        finally:
            usage.seconds += time.perf_counter() - started
            _inside.reset(token)

    return probed


def _timed(call: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(call)
    def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
        usage = _usage.get()
        if usage is None or _inside.get():
            return call(self, *args, **kwargs)
        started = time.perf_counter()
        try:
            return call(self, *args, **kwargs)
        finally:
            usage.seconds += time.perf_counter() - started

    return timed


def _driver_classes() -> tuple[list[type], list[type]]:
    """The collection and cursor classes of Motor and of the embedded store."""
    import mongomock_motor
    from motor import motor_asyncio

    collections: list[type] = [
        motor_asyncio.AsyncIOMotorCollection,
        mongomock_motor.AsyncMongoMockCollection,
    ]
    cursors = [
        motor_asyncio.AsyncIOMotorCursor,
        motor_asyncio.AsyncIOMotorCommandCursor,
        motor_asyncio.AsyncIOMotorLatentCommandCursor,
        mongomock_motor.AsyncCursor,
        mongomock_motor.AsyncLatentCommandCursor,
    ]
    return collections, cursors


def install() -> None:
    """Wrap the driver boundary (idempotent). Outside `measure()` the wrappers only pass through."""
    if _originals:
        return
    collections, cursors = _driver_classes()
    for classes, names, per_cursor in (
        (collections, COLLECTION_OPERATIONS, False),
        (cursors, CURSOR_FETCHES, True),
    ):
        for cls in classes:
            for name in names:
                original = getattr(cls, name, None)
                if original is None:
                    continue
                _originals[(cls, name)] = cls.__dict__.get(name)
                setattr(cls, name, _probed(original, name, per_cursor=per_cursor))
    import mongomock_motor

    for cls in (mongomock_motor.AsyncMongoMockCollection, mongomock_motor.AsyncMongoMockDatabase):
        for name in EAGER_CALLS:
            _originals[(cls, name)] = cls.__dict__.get(name)
            setattr(cls, name, _timed(getattr(cls, name)))


def uninstall() -> None:
    """Restore the driver classes."""
    for (cls, name), original in _originals.items():
        if original is None:
            delattr(cls, name)
        else:
            setattr(cls, name, original)
    _originals.clear()


class StoreProbeMiddleware:
    """Measure each HTTP request's store usage and report it in two response headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        entered = time.perf_counter()
        with measure() as usage:

            async def send_with_usage(message: Message) -> None:
                if message["type"] == "http.response.start":
                    server_ms = (time.perf_counter() - entered) * 1000
                    headers = list(message.get("headers", []))
                    headers.append((ROUND_TRIPS_HEADER.encode(), str(usage.round_trips).encode()))
                    milliseconds = f"{usage.seconds * 1000:.3f}".encode()
                    headers.append((STORE_TIME_HEADER.encode(), milliseconds))
                    headers.append((SERVER_TIME_HEADER.encode(), f"{server_ms:.3f}".encode()))
                    message = {**message, "headers": headers}
                await send(message)

            await self.app(scope, receive, send_with_usage)
