"""Errors of the users domain."""

from app.core.errors import BadRequest, Conflict, NotFound


class UserNotFound(NotFound):
    code = "user_not_found"
    detail = "The user was not found."


class EmailTaken(Conflict):
    code = "email_taken"
    detail = "An account with this email address already exists."


class CurrentPasswordIncorrect(BadRequest):
    code = "current_password_incorrect"
    detail = "The current password is incorrect."


class PasswordUnchanged(BadRequest):
    code = "password_unchanged"
    detail = "The new password must differ from the current one."


class UserNotOwner(BadRequest):
    code = "user_not_owner"
    detail = "The user is not an owner."


class UserNotTechnician(BadRequest):
    code = "user_not_technician"
    detail = "The user is not a technician."
