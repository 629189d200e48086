"""Liveness and readiness."""

import asyncio
import logging
import time
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from app.core import db
from app.core.errors import ServiceUnavailable
from app.core.storage import BlobStorage
from app.health.schemas import Liveness, Readiness, ReadinessChecks

logger = logging.getLogger(__name__)

STARTED_AT = time.monotonic()
CHECK_TIMEOUT_SECONDS = 3.0

try:
    APP_VERSION = version("poolia")
except PackageNotFoundError:  # running from a source tree that was not installed
    APP_VERSION = "0.0.0"


def liveness() -> Liveness:
    """The process answers; no dependency is touched."""
    return Liveness(version=APP_VERSION, uptime_seconds=round(time.monotonic() - STARTED_AT, 3))


async def _check(name: str, probe: Any) -> str:
    try:
        await asyncio.wait_for(probe, timeout=CHECK_TIMEOUT_SECONDS)
    except Exception:
        logger.warning("readiness check failed", extra={"check": name}, exc_info=True)
        return "fail"
    return "ok"


async def readiness(*, client: Any, storage: BlobStorage) -> Readiness:
    """Ping the database and the blob backend; 503 with `checks` when one fails."""
    database, blob_storage = await asyncio.gather(
        _check("database", db.ping(client)), _check("storage", storage.health_check())
    )
    checks = ReadinessChecks(database=database, storage=blob_storage)
    if "fail" in (database, blob_storage):
        raise ServiceUnavailable(
            "A dependency is unavailable; see `checks`.", checks=checks.model_dump()
        )
    return Readiness(checks=checks)
