"""Load-and-check dependency for alert routes."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import Depends, Path

from app.alerts import service
from app.alerts.models import Alert
from app.auth.dependencies import CurrentUser

AlertIdPath = Annotated[PydanticObjectId, Path(alias="alertId")]


async def accessible_alert(alert_id: AlertIdPath, user: CurrentUser) -> Alert:
    """The alert, if the caller has access to its pool (else 404)."""
    return await service.get_accessible(alert_id=alert_id, user=user)


AccessibleAlert = Annotated[Alert, Depends(accessible_alert)]
