"""Errors of the webhooks domain."""

from http import HTTPStatus

from app.core.errors import AppError, NotFound


class WebhookNotFound(NotFound):
    code = "webhook_not_found"
    detail = "The webhook was not found."


class WebhookUrlNotAllowed(AppError):
    """The URL's host is not a public address (or cannot be resolved): the SSRF guard."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "webhook_url_not_allowed"
    detail = "The webhook URL must point to a public address."

    def __init__(self, reason: str) -> None:
        super().__init__(
            errors=[{"loc": ["body", "url"], "msg": reason, "type": "webhook_url_not_allowed"}]
        )
        self.reason = reason
