"""Errors of the alerts domain."""

from app.core.errors import NotFound


class AlertNotFound(NotFound):
    code = "alert_not_found"
    detail = "The alert was not found."
