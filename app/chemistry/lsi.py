"""The Langelier Saturation Index, with the cyanuric-acid correction to alkalinity (§16)."""

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from app.chemistry.rounding import round_half_away

# Assumed when not measured; each use is listed in `assumptions`.
DEFAULT_CYANURIC_ACID_PPM = 0.0
DEFAULT_TDS_PPM = 1000.0
# Cyanurate carries about a third of its ppm as alkalinity that does not buffer carbonate.
CYANURATE_ALKALINITY_SHARE = 1 / 3
KELVIN_OFFSET = 273.15
# Status bands on the LSI rounded to two decimals: below -0.3 corrosive, above 0.3 scale-forming.
BALANCED_LIMIT = 0.3
LSI_DIGITS = 2


Assumption = Literal["cyanuricAcid", "tds"]


class Status(StrEnum):
    BALANCED = "balanced"
    CORROSIVE = "corrosive"
    SCALE_FORMING = "scale_forming"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Reading:
    """One set of water readings; None where not measured. ppm alkalinity and CH as CaCO₃."""

    ph: float | None = None
    chlorine: float | None = None
    temperature: float | None = None
    alkalinity: float | None = None
    cyanuric_acid: float | None = None
    calcium_hardness: float | None = None
    salt: float | None = None
    tds: float | None = None

    @property
    def carbonate_alkalinity(self) -> float | None:
        """TA - CYA/3 (ppm as CaCO₃), with CYA 0 when not measured; None without TA."""
        if self.alkalinity is None:
            return None
        cyanuric_acid = (
            DEFAULT_CYANURIC_ACID_PPM if self.cyanuric_acid is None else self.cyanuric_acid
        )
        return self.alkalinity - cyanuric_acid * CYANURATE_ALKALINITY_SHARE


@dataclass(frozen=True)
class Saturation:
    """The LSI (unrounded; None when it cannot be computed) and what it was computed from."""

    lsi: float | None
    status: Status
    inputs: dict[str, float | None]
    assumptions: list[Assumption] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def status_of(lsi: float | None) -> Status:
    """The band of an LSI, decided on its value rounded to two decimals."""
    if lsi is None:
        return Status.UNKNOWN
    rounded = round_half_away(lsi, LSI_DIGITS)
    if rounded < -BALANCED_LIMIT:
        return Status.CORROSIVE
    if rounded > BALANCED_LIMIT:
        return Status.SCALE_FORMING
    return Status.BALANCED


def saturation_ph(
    *, temperature: float, calcium_hardness: float, carbonate_alkalinity: float, tds: float
) -> float:
    """pHs = 9.3 + A + B - (C + D); every argument must be positive (T in °C above -273.15)."""
    a = (math.log10(tds) - 1) / 10
    b = -13.12 * math.log10(temperature + KELVIN_OFFSET) + 34.55
    c = math.log10(calcium_hardness) - 0.4
    d = math.log10(carbonate_alkalinity)
    return 9.3 + a + b - (c + d)


def saturation(reading: Reading) -> Saturation:
    """The LSI of a reading, its status, the inputs used, the defaults assumed, what is missing."""
    assumptions: list[Assumption] = []
    if reading.cyanuric_acid is None:
        assumptions.append("cyanuricAcid")
    if reading.tds is None:
        assumptions.append("tds")
    tds = DEFAULT_TDS_PPM if reading.tds is None else reading.tds
    carbonate_alkalinity = reading.carbonate_alkalinity
    inputs = {
        "ph": reading.ph,
        "temperature": reading.temperature,
        "calciumHardness": reading.calcium_hardness,
        "alkalinity": reading.alkalinity,
        "cyanuricAcid": (
            DEFAULT_CYANURIC_ACID_PPM if reading.cyanuric_acid is None else reading.cyanuric_acid
        ),
        "tds": tds,
        "carbonateAlkalinity": carbonate_alkalinity,
    }
    missing = [
        name
        for name, value in (
            ("ph", reading.ph),
            ("temperature", reading.temperature),
            ("calciumHardness", reading.calcium_hardness),
            ("alkalinity", reading.alkalinity),
        )
        if value is None
    ]
    # A logarithm of zero (or less) has no value: name the input that made it so.
    if reading.temperature is not None and reading.temperature + KELVIN_OFFSET <= 0:
        missing.append("temperature")
    if reading.calcium_hardness is not None and reading.calcium_hardness <= 0:
        missing.append("calciumHardness")
    if carbonate_alkalinity is not None and carbonate_alkalinity <= 0:
        missing.append("carbonateAlkalinity")
    if tds <= 0:
        missing.append("tds")
    ph, temperature, hardness = reading.ph, reading.temperature, reading.calcium_hardness
    if (
        missing
        or ph is None
        or temperature is None
        or hardness is None
        or carbonate_alkalinity is None
    ):
        return Saturation(None, Status.UNKNOWN, inputs, assumptions, missing)
    lsi = ph - saturation_ph(
        temperature=temperature,
        calcium_hardness=hardness,
        carbonate_alkalinity=carbonate_alkalinity,
        tds=tds,
    )
    return Saturation(lsi, status_of(lsi), inputs, assumptions, missing)
