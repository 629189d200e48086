"""Errors of the auth domain."""

from app.core.errors import BadRequest, Forbidden, Unauthorized


class InvalidToken(Unauthorized):
    code = "invalid_token"
    detail = "The access token is not valid."


class TokenExpired(Unauthorized):
    code = "token_expired"
    detail = "The access token has expired; refresh it or log in again."


class TokenRevoked(Unauthorized):
    code = "token_revoked"
    detail = "The session of this token has ended; log in again."


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"
    detail = "The email or password is incorrect."


class InvalidRefreshToken(Unauthorized):
    code = "invalid_refresh_token"
    detail = "The refresh token is not valid; log in again."


class AccountInactive(Forbidden):
    code = "account_inactive"
    detail = "This account is inactive; contact an administrator."


class AccountDeleted(Forbidden):
    code = "account_deleted"
    detail = "This account has been deleted."


class InvalidResetToken(BadRequest):
    code = "invalid_reset_token"
    detail = "The password-reset link is unknown, already used or expired; ask for a new one."
