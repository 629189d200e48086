"""Load a notification of the caller's own, or 404."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import Depends, Path

from app.auth.dependencies import CurrentUser
from app.notifications import service
from app.notifications.models import Notification


async def own_notification(
    notification_id: Annotated[PydanticObjectId, Path(alias="notificationId")], user: CurrentUser
) -> Notification:
    """The caller's notification; anyone else's is 404."""
    return await service.get_own(notification_id=notification_id, user=user)


OwnNotification = Annotated[Notification, Depends(own_notification)]
