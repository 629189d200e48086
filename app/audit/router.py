"""Audit log endpoints (admin only)."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import APIRouter, Path, Query

from app.audit import service
from app.audit.schemas import AuditEventOut
from app.auth.dependencies import AdminUser
from app.core.errors import problem_responses
from app.core.pagination import Pagination, paginate
from app.core.schemas import Page, UtcDatetime

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=Page[AuditEventOut], responses=problem_responses(401, 403, 422))
async def list_audit_events(
    _: AdminUser,
    page: Pagination,
    actor_id: Annotated[PydanticObjectId | None, Query(alias="actorId")] = None,
    resource_type: Annotated[str | None, Query(alias="resourceType", max_length=50)] = None,
    resource_id: Annotated[str | None, Query(alias="resourceId", max_length=100)] = None,
    pool_id: Annotated[PydanticObjectId | None, Query(alias="poolId")] = None,
    action: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[UtcDatetime | None, Query(alias="from")] = None,
    until: Annotated[UtcDatetime | None, Query(alias="to")] = None,
) -> Page[AuditEventOut]:
    """List audit events, newest first (admin)."""
    query = service.list_(
        actor_id=actor_id,
        resource_type=resource_type,
        resource_id=resource_id,
        pool_id=pool_id,
        action=action,
        since=since,
        until=until,
    )
    return await paginate(query, page, AuditEventOut)


@router.get(
    "/{auditEventId}", response_model=AuditEventOut, responses=problem_responses(401, 403, 404, 422)
)
async def read_audit_event(
    _: AdminUser, event_id: Annotated[PydanticObjectId, Path(alias="auditEventId")]
) -> AuditEventOut:
    """One audit event (admin)."""
    return AuditEventOut.model_validate(await service.get(event_id=event_id))
