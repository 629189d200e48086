"""Water readings: the shared readings block, and pool values bodies."""

from typing import Annotated, Self

from beanie import PydanticObjectId
from pydantic import Field, computed_field, model_validator

from app import chemistry
from app.core.schemas import (
    ApiInput,
    ApiOutput,
    ObjectIdOut,
    PartialUpdate,
    RecordedDatetime,
    UtcDatetime,
)
from app.readings.models import READING_FIELDS

PH_TEXT = "pH (0-14)."
CHLORINE_TEXT = "Free chlorine, ppm."
TEMPERATURE_TEXT = "Water temperature, °C."
ALKALINITY_TEXT = "Total alkalinity (TA), ppm as CaCO₃."
CYANURIC_ACID_TEXT = "Cyanuric acid (CYA, stabilizer), ppm."
CALCIUM_HARDNESS_TEXT = "Calcium hardness (CH), ppm as CaCO₃."
SALT_TEXT = "Salt (sodium chloride), ppm."
TDS_TEXT = "Total dissolved solids (TDS), ppm."

# Optional readings; the description sits on the field so the OpenAPI property shows the unit.
Ph = Annotated[Annotated[float, Field(ge=0, le=14)] | None, Field(description=PH_TEXT)]
Chlorine = Annotated[Annotated[float, Field(ge=0, le=20)] | None, Field(description=CHLORINE_TEXT)]
Temperature = Annotated[
    Annotated[float, Field(ge=-5, le=50)] | None, Field(description=TEMPERATURE_TEXT)
]
Ppm = Annotated[float, Field(ge=0, le=100_000)]
Alkalinity = Annotated[Ppm | None, Field(description=ALKALINITY_TEXT)]
CyanuricAcid = Annotated[Ppm | None, Field(description=CYANURIC_ACID_TEXT)]
CalciumHardness = Annotated[Ppm | None, Field(description=CALCIUM_HARDNESS_TEXT)]
Salt = Annotated[Ppm | None, Field(description=SALT_TEXT)]
Tds = Annotated[Ppm | None, Field(description=TDS_TEXT)]


class Readings(ApiInput):
    """Each reading is optional, but at least one must be present."""

    ph: Ph = None
    chlorine: Chlorine = None
    temperature: Temperature = None
    alkalinity: Alkalinity = None
    cyanuric_acid: CyanuricAcid = None
    calcium_hardness: CalciumHardness = None
    salt: Salt = None
    tds: Tds = None

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

    ph: Ph = None
    chlorine: Chlorine = None
    temperature: Temperature = None
    alkalinity: Alkalinity = None
    cyanuric_acid: CyanuricAcid = None
    calcium_hardness: CalciumHardness = None
    salt: Salt = None
    tds: Tds = None
    measured_at: RecordedDatetime | None = None


def chemistry_reading(values: object) -> chemistry.Reading:
    """The readings of a PoolValues (document or body) as the chemistry core takes them."""
    return chemistry.Reading(**{name: getattr(values, name) for name in READING_FIELDS})


class PoolValuesOut(ApiOutput):
    id: ObjectIdOut
    pool_id: ObjectIdOut
    ph: float | None = Field(description=PH_TEXT)
    chlorine: float | None = Field(description=CHLORINE_TEXT)
    temperature: float | None = Field(description=TEMPERATURE_TEXT)
    alkalinity: float | None = Field(description=ALKALINITY_TEXT)
    cyanuric_acid: float | None = Field(description=CYANURIC_ACID_TEXT)
    calcium_hardness: float | None = Field(description=CALCIUM_HARDNESS_TEXT)
    salt: float | None = Field(description=SALT_TEXT)
    tds: float | None = Field(description=TDS_TEXT)
    measured_at: UtcDatetime
    recorded_by: ObjectIdOut
    visit_id: ObjectIdOut | None
    created_at: UtcDatetime

    @computed_field(  # type: ignore[prop-decorator]
        description=(
            "Langelier Saturation Index of these readings (§16), dimensionless, rounded to 2 "
            "decimals; computed when read. Null when pH, temperature, calcium hardness or "
            "alkalinity is missing, or the carbonate alkalinity, calcium hardness or TDS is not "
            "positive."
        )
    )
    @property
    def lsi(self) -> float | None:
        lsi = chemistry.saturation(chemistry_reading(self)).lsi
        return None if lsi is None else chemistry.round_half_away(lsi, chemistry.LSI_DIGITS)
