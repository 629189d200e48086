"""Request and response bodies of the users domain, and the field types auth shares."""

from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, EmailStr, Field, StringConstraints

from app.core.schemas import ApiInput, ApiOutput, ObjectIdOut, PartialUpdate, UtcDatetime
from app.users.models import Role, User, UserStatus

MAX_PASSWORD_BYTES = 72


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _lower(value: str) -> str:
    return value.lower()


def _check_password_bytes(value: str) -> str:
    if len(value.encode()) > MAX_PASSWORD_BYTES:
        raise ValueError("Password must be at most 72 bytes in UTF-8 (bcrypt's limit).")
    return value


Email = Annotated[EmailStr, BeforeValidator(_strip), AfterValidator(_lower)]
Password = Annotated[
    str,
    Field(min_length=8, description="8 characters to 72 UTF-8 bytes."),
    AfterValidator(_check_password_bytes),
]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
# `deleted` is reached only through DELETE, which applies the deletion rules.
SettableStatus = Literal[UserStatus.ACTIVE, UserStatus.INACTIVE]


class UserOut(ApiOutput):
    id: ObjectIdOut
    name: str
    last_name: str
    email: str
    role: Role
    status: UserStatus
    phone: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    last_login_at: UtcDatetime | None
    deleted_at: UtcDatetime | None


class UserSummary(ApiOutput):
    """A user embedded in another response; a deleted one shows only `id` and `deleted`."""

    id: ObjectIdOut
    name: str | None
    last_name: str | None
    email: str | None
    deleted: bool

    @classmethod
    def of(cls, user: User) -> "UserSummary":
        """The one presenter of embedded users: a deleted user's name and email stay hidden."""
        if user.status is UserStatus.DELETED:
            return cls(id=user.id, name=None, last_name=None, email=None, deleted=True)
        return cls(
            id=user.id, name=user.name, last_name=user.last_name, email=user.email, deleted=False
        )


class UserCreate(ApiInput):
    name: PersonName
    last_name: PersonName
    email: Email
    password: Password
    role: Role
    status: SettableStatus = UserStatus.ACTIVE
    phone: Phone | None = None


class UserUpdate(PartialUpdate):
    nullable_fields = frozenset({"phone"})

    name: PersonName | None = None
    last_name: PersonName | None = None
    email: Email | None = None
    phone: Phone | None = None
    role: Role | None = None
    status: SettableStatus | None = None


class PasswordChange(ApiInput):
    current_password: str = Field(min_length=1)
    new_password: Password


class UserDeleted(ApiOutput):
    id: ObjectIdOut
    deleted: bool
    deleted_at: UtcDatetime
