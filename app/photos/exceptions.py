"""Errors of the photos domain."""

from app.core.errors import Conflict, Forbidden, NotFound


class PhotoNotFound(NotFound):
    code = "photo_not_found"
    detail = "The photo was not found."


class PhotoLinkInvalid(Forbidden):
    detail = "The photo link is invalid or has expired; ask for the photo again."


class PhotoLimitReached(Conflict):
    code = "photo_limit_reached"
    detail = "This message already has the most photos it may have (10)."
