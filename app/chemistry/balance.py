"""A whole water-balance judgement: the LSI and the dosing plan for one reading and pool."""

from dataclasses import dataclass

from app.chemistry.dosing import Recommendation, Targets, recommend
from app.chemistry.lsi import Reading, Saturation, saturation

VOLUME = "volumeLiters"


@dataclass(frozen=True)
class Balance:
    """The saturation, the recommendations, and every input that is missing for either."""

    saturation: Saturation
    recommendations: list[Recommendation]
    missing: list[str]


def assess(reading: Reading, targets: Targets, volume_liters: float | None) -> Balance:
    """Judge a reading for a pool of `volume_liters` (None when unknown) against its targets."""
    computed = saturation(reading)
    recommendations = recommend(reading, targets, volume_liters)
    missing = list(computed.missing)
    if volume_liters is None and any(item.needs_volume for item in recommendations):
        missing.append(VOLUME)
    return Balance(computed, recommendations, missing)
