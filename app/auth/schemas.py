"""Auth request bodies and the OAuth2 token response."""

from typing import Literal

from pydantic import BaseModel, Field

from app.core.schemas import ApiInput
from app.users.models import Role
from app.users.schemas import Email, Password, PersonName, UserOut


class RegisterIn(ApiInput):
    name: PersonName
    last_name: PersonName
    email: Email
    password: Password
    role: Literal[Role.OWNER, Role.TECHNICIAN] = Field(
        description="`owner` or `technician`; admins are created by admins."
    )


class LoginIn(ApiInput):
    email: Email
    password: str = Field(min_length=1, max_length=1024)


class RefreshIn(ApiInput):
    refresh_token: str = Field(min_length=1, max_length=512)


class PasswordResetRequestIn(ApiInput):
    email: Email


class PasswordResetConfirmIn(ApiInput):
    token: str = Field(min_length=1, max_length=512)
    new_password: Password


class TokenOut(BaseModel):
    """The token response, spelled as RFC 6749 spells it (snake_case), plus the user."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Access token lifetime in seconds.")
    refresh_token: str
    user: UserOut
