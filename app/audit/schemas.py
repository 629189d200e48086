"""Audit event responses and list filters."""

from typing import Any

from app.core.schemas import ApiOutput, ObjectIdOut, UtcDatetime


class AuditEventOut(ApiOutput):
    id: ObjectIdOut
    at: UtcDatetime
    actor_id: ObjectIdOut | None
    actor_role: str | None
    action: str
    resource_type: str
    resource_id: str | None
    pool_id: ObjectIdOut | None
    request_id: str | None
    ip: str | None
    changes: list[str]
    details: dict[str, Any] | None
