"""Water readings: the shared readings block, and pool values bodies."""

from typing import Annotated, Self

from beanie import PydanticObjectId
from pydantic import Field, model_validator

from app.core.schemas import ApiInput, ApiOutput, PartialUpdate, RecordedDatetime, UtcDatetime
from app.readings.models import READING_FIELDS

Ph = Annotated[float, Field(ge=0, le=14)]
Chlorine = Annotated[float, Field(ge=0, le=20, description="Free chlorine, ppm.")]
Temperature = Annotated[float, Field(ge=-5, le=50, description="Degrees Celsius.")]
NonNegative = Annotated[float, Field(ge=0, le=100_000)]


class Readings(ApiInput):
    """Each reading is optional, but at least one must be present."""

    ph: Ph | None = None
    chlorine: Chlorine | None = None
    temperature: Temperature | None = None
    alkalinity: NonNegative | None = None
    cyanuric_acid: NonNegative | None = None
    calcium_hardness: NonNegative | None = None
    salt: NonNegative | None = None

    @model_validator(mode="after")
    def _at_least_one_reading(self) -> Self:
        if all(getattr(self, name) is None for name in READING_FIELDS):
            raise ValueError("At least one reading (ph, chlorine, temperature, ...) is required.")
        return self

    def values(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in READING_FIELDS}


class PoolValuesCreate(Readings):
    pool_id: PydanticObjectId
    measured_at: RecordedDatetime | None = None


class PoolValuesUpdate(PartialUpdate):
    nullable_fields = frozenset(READING_FIELDS)

    ph: Ph | None = None
    chlorine: Chlorine | None = None
    temperature: Temperature | None = None
    alkalinity: NonNegative | None = None
    cyanuric_acid: NonNegative | None = None
    calcium_hardness: NonNegative | None = None
    salt: NonNegative | None = None
    measured_at: RecordedDatetime | None = None


class PoolValuesOut(ApiOutput):
    id: PydanticObjectId
    pool_id: PydanticObjectId
    ph: float | None
    chlorine: float | None
    temperature: float | None
    alkalinity: float | None
    cyanuric_acid: float | None
    calcium_hardness: float | None
    salt: float | None
    measured_at: UtcDatetime
    recorded_by: PydanticObjectId
    visit_id: PydanticObjectId | None
    created_at: UtcDatetime
