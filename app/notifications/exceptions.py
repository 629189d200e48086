"""Errors of the notifications domain."""

from app.core.errors import NotFound


class NotificationNotFound(NotFound):
    code = "notification_not_found"
    detail = "The notification was not found."
