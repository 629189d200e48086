"""The camelCase base schemas, shared field types and the page envelope."""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar

from beanie import PydanticObjectId
from bson import ObjectId
from bson.tz_util import utc as STORED_UTC
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic.alias_generators import to_camel

EARLIEST_TIME = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(2100, 1, 1, tzinfo=UTC)
# How far ahead a time that records something already done may be (clock skew, time zones).
RECORDED_TIME_LEEWAY = timedelta(hours=24)


def _as_utc(value: datetime) -> datetime:
    """Read naive datetimes as UTC, normalise aware ones to UTC, at millisecond precision.

    Every time must lie in [1970, 2100) once in UTC, so no query or stored value reaches the ends
    of the calendar (where converting an offset overflows and BSON dates lose their meaning).
    """
    # Every time of every response passes here, five per visit of a page. What the store hands
    # back (in its own UTC zone, bson's) was checked on the way in: it is answered as it is.
    if value.tzinfo is STORED_UTC:
        return value
    if value.tzinfo is not UTC:
        try:
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        except OverflowError:
            value = EARLIEST_TIME - timedelta(days=1)  # an offset past year 1 or 9999: out of range
    if not EARLIEST_TIME <= value < LATEST_TIME:
        raise ValueError("Times must lie between 1970-01-01T00:00:00Z and 2100-01-01T00:00:00Z.")
    if value.microsecond % 1000:
        # MongoDB stores milliseconds: cut the rest now so what is answered is what is stored.
        value = value.replace(microsecond=value.microsecond - value.microsecond % 1000)
    return value


def _not_in_future(value: datetime) -> datetime:
    """A time that records what already happened may be at most 24 hours ahead of now."""
    if value > datetime.now(UTC) + RECORDED_TIME_LEEWAY:
        raise ValueError("This time records something already done: at most 24 hours from now.")
    return value


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
"""Every time in a body, a query or a response: in UTC, within 1970..2100."""

RecordedDatetime = Annotated[datetime, AfterValidator(_as_utc), AfterValidator(_not_in_future)]
"""A time of something that already happened (`measuredAt`, `visitedAt`): not beyond tomorrow."""


def _keep_object_id(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """An id the store or a document hands over is an `ObjectId` already: keep it as it is."""
    return value if isinstance(value, ObjectId) else handler(value)


ObjectIdOut = Annotated[PydanticObjectId, WrapValidator(_keep_object_id)]
"""An id in a response. Beanie's validator builds a new id from every one it is given, six per
visit of a page; this one keeps what is an id already. Its OpenAPI schema is Beanie's."""


class ApiSchema(BaseModel):
    """Base of every request and response body: camelCase on the wire, snake_case accepted in."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        from_attributes=True,
    )


class ApiInput(ApiSchema):
    """Request bodies: unknown fields are refused so typos surface."""

    model_config = ConfigDict(extra="forbid")


class ApiOutput(ApiSchema):
    """Response bodies: serialized with their camelCase aliases, built from documents by name."""

    # Responses are built from documents (by attribute) and from snake_case dicts, never from
    # camelCase input. Reading by alias first made every field of every response a failed
    # attribute lookup before the hit: six times the cost of building a page of 50 visits.
    model_config = ConfigDict(serialize_by_alias=True, validate_by_alias=False)


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


class PartialUpdate(ApiInput):
    """A PATCH body: fields may be left out, but only those in `nullable_fields` may be null."""

    nullable_fields: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _refuse_null_for_required_fields(self) -> Self:
        for name in self.model_fields_set - self.nullable_fields:
            if getattr(self, name) is None:
                raise ValueError(f"`{to_camel(name)}` cannot be null; leave it out instead.")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields the client sent, by their Python names."""
        return self.model_dump(exclude_unset=True)
