"""Health responses."""

from typing import Literal

from app.core.schemas import ApiOutput

CheckStatus = Literal["ok", "fail"]


class Liveness(ApiOutput):
    status: Literal["ok"] = "ok"
    version: str
    uptime_seconds: float


class ReadinessChecks(ApiOutput):
    database: CheckStatus
    storage: CheckStatus


class Readiness(ApiOutput):
    status: Literal["ok"] = "ok"
    checks: ReadinessChecks
