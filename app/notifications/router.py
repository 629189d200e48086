"""Notification endpoints: the caller's in-app feed and their email preferences."""

from fastapi import APIRouter

from app.auth.dependencies import CurrentUser
from app.core.errors import problem_responses
from app.core.pagination import Pagination, paginate
from app.notifications import service
from app.notifications.dependencies import OwnNotification
from app.notifications.schemas import (
    NotificationOut,
    NotificationPage,
    NotificationPreferencesIn,
    NotificationPreferencesOut,
    ReadAllOut,
)

router = APIRouter(tags=["notifications"])


@router.get(
    "/notifications", response_model=NotificationPage, responses=problem_responses(401, 422)
)
async def list_notifications(
    user: CurrentUser, page: Pagination, unread: bool | None = None
) -> NotificationPage:
    """The caller's notifications, newest first (`unread=true` for the unread ones only)."""
    found = await paginate(service.list_(user=user, unread=unread), page, NotificationOut)
    return NotificationPage(
        items=found.items,
        total=found.total,
        limit=found.limit,
        offset=found.offset,
        unread_count=await service.count_unread(user=user),
    )


@router.post("/notifications/read-all", response_model=ReadAllOut, responses=problem_responses(401))
async def read_all_notifications(user: CurrentUser) -> ReadAllOut:
    """Mark every notification of the caller read."""
    return ReadAllOut(updated=await service.mark_all_read(user=user))


@router.post(
    "/notifications/{notificationId}/read",
    response_model=NotificationOut,
    responses=problem_responses(401, 404, 422),
)
async def read_notification(notification: OwnNotification) -> NotificationOut:
    """Mark one of the caller's notifications read."""
    return NotificationOut.model_validate(await service.mark_read(notification=notification))


@router.get(
    "/users/me/notification-preferences",
    response_model=NotificationPreferencesOut,
    responses=problem_responses(401),
)
async def read_notification_preferences(user: CurrentUser) -> NotificationPreferencesOut:
    """Which notifications the caller also gets by email."""
    stored = await service.get_preferences(user=user)
    return NotificationPreferencesOut.model_validate({"email": stored.model_dump()})


@router.put(
    "/users/me/notification-preferences",
    response_model=NotificationPreferencesOut,
    responses=problem_responses(401, 422),
)
async def put_notification_preferences(
    data: NotificationPreferencesIn, user: CurrentUser
) -> NotificationPreferencesOut:
    """Replace which notifications the caller also gets by email."""
    stored = await service.put_preferences(user=user, email=data.email.to_stored())
    return NotificationPreferencesOut.model_validate({"email": stored.model_dump()})
