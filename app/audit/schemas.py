"""Audit event responses and list filters."""

from typing import Any

from beanie import PydanticObjectId

from app.core.schemas import ApiOutput, UtcDatetime


class AuditEventOut(ApiOutput):
    id: PydanticObjectId
    at: UtcDatetime
    actor_id: PydanticObjectId | None
    actor_role: str | None
    action: str
    resource_type: str
    resource_id: str | None
    pool_id: PydanticObjectId | None
    request_id: str | None
    ip: str | None
    changes: list[str]
    details: dict[str, Any] | None
