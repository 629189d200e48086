"""Pool request and response bodies."""

from functools import cache
from typing import Annotated
from zoneinfo import available_timezones

from beanie import PydanticObjectId
from pydantic import AfterValidator, Field, StringConstraints

from app.core.schemas import ApiInput, ApiOutput, ObjectIdOut, PartialUpdate, UtcDatetime
from app.pools.models import PoolType

PoolName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Notes = Annotated[str, StringConstraints(max_length=2000)]
Volume = Annotated[float, Field(gt=0, le=100_000_000, description="Volume in liters.")]


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def _known_zone(name: str) -> str:
    # A set lookup rather than ZoneInfo(name): a name like "../etc/x" must never reach a file path.
    if name not in _zone_names():
        raise ValueError("Use an IANA time zone name such as 'Europe/Madrid' or 'UTC'.")
    return name


TimeZoneName = Annotated[
    str,
    StringConstraints(max_length=64),
    AfterValidator(_known_zone),
    Field(description="IANA time zone name, e.g. `Europe/Madrid`.", examples=["Europe/Madrid"]),
]


class PoolCreate(ApiInput):
    name: PoolName
    owner_id: PydanticObjectId | None = Field(
        default=None, description="Required for admins; owners may omit it or give their own id."
    )
    address: Address | None = None
    volume_liters: Volume | None = None
    pool_type: PoolType = PoolType.CHLORINE
    indoor: bool = False
    notes: Notes | None = None
    timezone: TimeZoneName = "UTC"


class PoolUpdate(PartialUpdate):
    nullable_fields = frozenset({"address", "volume_liters", "notes"})

    name: PoolName | None = None
    owner_id: PydanticObjectId | None = Field(default=None, description="Admin only.")
    address: Address | None = None
    volume_liters: Volume | None = None
    pool_type: PoolType | None = None
    indoor: bool | None = None
    notes: Notes | None = None
    timezone: TimeZoneName | None = None


class PoolOut(ApiOutput):
    id: ObjectIdOut
    name: str
    owner_id: ObjectIdOut
    technician_ids: list[ObjectIdOut]
    address: str | None
    volume_liters: float | None
    pool_type: PoolType
    indoor: bool
    notes: str | None
    timezone: str
    created_at: UtcDatetime
    updated_at: UtcDatetime
