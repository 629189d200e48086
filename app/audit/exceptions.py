"""Errors of the audit domain."""

from app.core.errors import NotFound


class AuditEventNotFound(NotFound):
    code = "not_found"
    detail = "The audit event was not found."
