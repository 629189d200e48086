"""Water balance bodies (§16): the calculator's request and the WaterBalance response.

Values reach these schemas unrounded from the chemistry core; `WaterBalanceOut.of` is the edge
where §16's roundings happen (LSI to 2 decimals, amounts and drain percentages to whole units).
"""

from pydantic import Field

from app import chemistry
from app.core.schemas import ApiInput, ApiOutput
from app.pools.models import PoolType
from app.pools.schemas import Volume
from app.readings.schemas import (
    ALKALINITY_TEXT,
    CALCIUM_HARDNESS_TEXT,
    PH_TEXT,
    TDS_TEXT,
    TEMPERATURE_TEXT,
    Readings,
)


class WaterBalanceInputs(ApiOutput):
    """The values the LSI was computed from, defaults included."""

    ph: float | None = Field(description=PH_TEXT)
    temperature: float | None = Field(description=TEMPERATURE_TEXT)
    calcium_hardness: float | None = Field(description=CALCIUM_HARDNESS_TEXT)
    alkalinity: float | None = Field(description=ALKALINITY_TEXT)
    cyanuric_acid: float = Field(
        description="Cyanuric acid (CYA), ppm; 0 when not measured (then in `assumptions`)."
    )
    tds: float = Field(
        description=f"{TDS_TEXT[:-1]}; 1000 when not measured (then in `assumptions`)."
    )
    carbonate_alkalinity: float | None = Field(
        description="Carbonate alkalinity TA - CYA/3, ppm as CaCO₃; null without alkalinity."
    )


class RecommendationOut(ApiOutput):
    """One step of the dosing plan."""

    metric: chemistry.Metric = Field(description="The reading this step corrects.")
    action: chemistry.Action = Field(
        description=(
            "`raise` or `lower` with a product; `wait` (chlorine above range falls on its own); "
            "`dilute` (drain `drainPercent` of the water and refill)."
        )
    )
    product: str | None = Field(
        description=(
            "The product the amount is for, e.g. `sodium bicarbonate`, `muriatic acid (31.45% "
            "HCl)`, `soda ash (sodium carbonate)`, `liquid chlorine (sodium hypochlorite "
            "12.5%)`; null for `wait` and `dilute`."
        )
    )
    amount: int | None = Field(
        description=(
            "How much of the product for the pool's volume, in `unit` (mL or g), rounded to a "
            "whole unit; an estimate for the named product. Null for `wait` and `dilute`, "
            "without the pool's `volumeLiters`, or for pH without a usable carbonate alkalinity."
        )
    )
    unit: chemistry.Unit | None = Field(
        description="`mL` (liquids) or `g` (solids); null for `wait` and `dilute`."
    )
    target_value: float = Field(
        description=(
            "The middle of the target range the step aims at, in the metric's unit: pH; ppm "
            "(chlorine, cyanuric acid, salt); ppm as CaCO₃ (alkalinity, calcium hardness)."
        )
    )
    drain_percent: int | None = Field(
        description="For `dilute`: percent of the water to replace, whole percent; else null."
    )


class WaterBalanceOut(ApiOutput):
    """The LSI of a reading and the dosing plan for its pool (§16)."""

    lsi: float | None = Field(
        description="Langelier Saturation Index, dimensionless, 2 decimals; null when unknown."
    )
    status: chemistry.Status = Field(
        description=(
            "`corrosive` below -0.3, `scale_forming` above 0.3, else `balanced`; `unknown` when "
            "the LSI cannot be computed."
        )
    )
    inputs: WaterBalanceInputs = Field(
        description="The values the LSI was computed from, defaults included (units per field)."
    )
    assumptions: list[chemistry.Assumption] = Field(
        description="Inputs not measured, for which the default was used (CYA 0, TDS 1000 ppm)."
    )
    missing: list[str] = Field(
        description=(
            "Inputs that are missing or unusable, by field name (`ph`, `temperature`, "
            "`calciumHardness`, `alkalinity`, `carbonateAlkalinity`, `tds`, `volumeLiters`)."
        )
    )
    recommendations: list[RecommendationOut] = Field(
        description="In the order alkalinity, ph, calciumHardness, cyanuricAcid, salt, chlorine."
    )

    @classmethod
    def of(cls, balance: chemistry.Balance) -> "WaterBalanceOut":
        """The response for a judgement of the core, rounded as §16 prescribes."""
        found = balance.saturation
        return cls(
            lsi=_rounded(found.lsi, chemistry.LSI_DIGITS),
            status=found.status,
            inputs=WaterBalanceInputs.model_validate(
                {
                    "ph": found.inputs["ph"],
                    "temperature": found.inputs["temperature"],
                    "calcium_hardness": found.inputs["calciumHardness"],
                    "alkalinity": found.inputs["alkalinity"],
                    "cyanuric_acid": found.inputs["cyanuricAcid"],
                    "tds": found.inputs["tds"],
                    "carbonate_alkalinity": found.inputs["carbonateAlkalinity"],
                }
            ),
            assumptions=found.assumptions,
            missing=balance.missing,
            recommendations=[
                RecommendationOut(
                    metric=step.metric,
                    action=step.action,
                    product=step.product,
                    amount=_whole(step.amount),
                    unit=step.unit,
                    target_value=step.target_value,
                    drain_percent=_whole(step.drain_percent),
                )
                for step in balance.recommendations
            ],
        )


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else chemistry.round_half_away(value, digits)


def _whole(value: float | None) -> int | None:
    return None if value is None else int(chemistry.round_half_away(value))


class WaterBalanceRequest(ApiInput):
    """The calculator: readings and, optionally, the pool's volume and type."""

    readings: Readings = Field(
        description="Readings as in §7 (pH; °C; ppm; alkalinity and hardness in ppm as CaCO₃)."
    )
    volume_liters: Volume | None = Field(
        default=None, description="Pool volume in liters; without it amounts are null."
    )
    pool_type: PoolType | None = Field(
        default=None,
        description="`saltwater` adds salt targets and raises the cyanuric acid target.",
    )
