"""Recording and reading audit events."""

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from beanie import PydanticObjectId
from beanie.odm.queries.find import FindMany
from pydantic.alias_generators import to_camel

from app.audit.exceptions import AuditEventNotFound
from app.audit.models import AuditEvent
from app.core.context import client_ip_var, request_id_var
from app.core.queries import newest_first, time_window
from app.users.models import User

_SECRET_FIELD = re.compile(r"password|token|secret|hash", re.IGNORECASE)


async def record(
    *,
    actor: User | None,
    action: str,
    resource_type: str,
    resource_id: object | None = None,
    pool_id: PydanticObjectId | None = None,
    changes: Iterable[str] = (),
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event; `changes` holds camelCase field names, never secret ones;
    `details` what else the event needs to say (a cascade's counts)."""
    event = AuditEvent(
        # An id of our own: Beanie then keeps it, rather than building a pydantic TypeAdapter on
        # every insert to convert the driver's ObjectId (a third of the insert's own CPU).
        id=PydanticObjectId(),
        actor_id=actor.id if actor else None,
        actor_role=actor.role.value if actor else None,
        action=action,
        resource_type=resource_type,
        resource_id=str(resource_id) if resource_id is not None else None,
        pool_id=pool_id,
        request_id=request_id_var.get(),
        ip=client_ip_var.get(),
        changes=sorted({to_camel(name) for name in changes if not _SECRET_FIELD.search(name)}),
        details=details,
    )
    await event.insert()
    return event


async def get(*, event_id: PydanticObjectId) -> AuditEvent:
    """One audit event, or 404."""
    event = await AuditEvent.get(event_id)
    if event is None:
        raise AuditEventNotFound
    return event


def list_(
    *,
    actor_id: PydanticObjectId | None = None,
    resource_type: str | None = None,
    resource_id: str | None = None,
    pool_id: PydanticObjectId | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> FindMany[AuditEvent]:
    """Audit events matching the filters, newest first."""
    query: dict[str, object] = {}
    if actor_id is not None:
        query["actor_id"] = actor_id
    if resource_type is not None:
        query["resource_type"] = resource_type
    if resource_id is not None:
        query["resource_id"] = resource_id
    if pool_id is not None:
        query["pool_id"] = pool_id
    if action is not None:
        query["action"] = action
    query.update(time_window("at", since, until))
    return AuditEvent.find(query).sort(newest_first("at"))
