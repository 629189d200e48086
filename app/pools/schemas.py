"""Pool request and response bodies."""

from typing import Annotated

from beanie import PydanticObjectId
from pydantic import Field, StringConstraints

from app.core.schemas import ApiInput, ApiOutput, PartialUpdate, UtcDatetime
from app.pools.models import PoolType

PoolName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Notes = Annotated[str, StringConstraints(max_length=2000)]
Volume = Annotated[float, Field(gt=0, le=100_000_000, description="Volume in liters.")]


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


class PoolUpdate(PartialUpdate):
    nullable_fields = frozenset({"address", "volume_liters", "notes"})

    name: PoolName | None = None
    owner_id: PydanticObjectId | None = Field(default=None, description="Admin only.")
    address: Address | None = None
    volume_liters: Volume | None = None
    pool_type: PoolType | None = None
    indoor: bool | None = None
    notes: Notes | None = None


class PoolOut(ApiOutput):
    id: PydanticObjectId
    name: str
    owner_id: PydanticObjectId
    technician_ids: list[PydanticObjectId]
    address: str | None
    volume_liters: float | None
    pool_type: PoolType
    indoor: bool
    notes: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime
