"""Errors of the invites domain."""

from app.core.errors import Conflict, NotFound


class InviteNotFound(NotFound):
    code = "invite_not_found"
    detail = "The invite was not found."


class InviteAlreadyPending(Conflict):
    code = "invite_already_pending"
    detail = "A pending invite already exists for this technician and pool."


class InviteNotPending(Conflict):
    code = "invite_not_pending"
    detail = "The invite is no longer pending."
