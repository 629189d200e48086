"""The camelCase base schemas, shared field types and the page envelope."""

from datetime import UTC, datetime
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


def _as_utc(value: datetime) -> datetime:
    """Read naive datetimes as UTC and normalise aware ones to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


class ApiSchema(BaseModel):
    """Base of every request and response body: camelCase on the wire, snake_case accepted in."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        from_attributes=True,
    )


class ApiInput(ApiSchema):
    """Request bodies: unknown fields are refused so typos surface."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ApiOutput(ApiSchema):
    """Response bodies."""


T = TypeVar("T")


class Page(ApiOutput, Generic[T]):
    """A page of a list: the items, how many match in all, and the window asked for."""

    items: list[T]
    total: int
    limit: int
    offset: int


class Detail(ApiOutput):
    """A plain confirmation message."""

    detail: str
