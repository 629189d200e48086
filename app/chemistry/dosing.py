"""Targets and doses (§16): what to add, or drain, to bring each metric into its range."""

from dataclasses import dataclass
from enum import StrEnum

from app.chemistry.lsi import Reading


class Metric(StrEnum):
    """The metrics a recommendation is about, in the order recommendations are given."""

    ALKALINITY = "alkalinity"
    PH = "ph"
    CALCIUM_HARDNESS = "calciumHardness"
    CYANURIC_ACID = "cyanuricAcid"
    SALT = "salt"
    CHLORINE = "chlorine"


class Unit(StrEnum):
    MILLILITERS = "mL"
    GRAMS = "g"


class Action(StrEnum):
    RAISE = "raise"
    LOWER = "lower"
    WAIT = "wait"
    DILUTE = "dilute"


@dataclass(frozen=True)
class TargetRange:
    """An acceptable range, bounds included; a dose aims at its middle."""

    low: float
    high: float

    @property
    def midpoint(self) -> float:
        return (self.low + self.high) / 2

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


DEFAULT_ALKALINITY = TargetRange(80, 120)
DEFAULT_CALCIUM_HARDNESS = TargetRange(200, 400)
DEFAULT_CYANURIC_ACID = TargetRange(30, 50)
# A salt cell makes chlorine all day, so the water needs more stabilizer to keep it.
SALTWATER_CYANURIC_ACID = TargetRange(60, 80)
SALTWATER_SALT = TargetRange(2700, 3400)


@dataclass(frozen=True)
class Targets:
    ph: TargetRange
    chlorine: TargetRange
    alkalinity: TargetRange = DEFAULT_ALKALINITY
    calcium_hardness: TargetRange = DEFAULT_CALCIUM_HARDNESS
    cyanuric_acid: TargetRange = DEFAULT_CYANURIC_ACID
    salt: TargetRange | None = None  # only saltwater pools have a salt target


def targets_for(*, ph: TargetRange, chlorine: TargetRange, saltwater: bool) -> Targets:
    """The targets of a pool: pH and chlorine from its alert config, the rest from §16."""
    if saltwater:
        return Targets(
            ph=ph, chlorine=chlorine, cyanuric_acid=SALTWATER_CYANURIC_ACID, salt=SALTWATER_SALT
        )
    return Targets(ph=ph, chlorine=chlorine)


@dataclass(frozen=True)
class Product:
    name: str
    unit: Unit
    # Per ppm of change per 1,000 L for the linear doses; g per mol for soda ash (pH).
    factor: float


LIQUID_CHLORINE = Product("liquid chlorine (sodium hypochlorite 12.5%)", Unit.MILLILITERS, 8.0)
SODIUM_BICARBONATE = Product("sodium bicarbonate", Unit.GRAMS, 1.68)
MURIATIC_ACID = Product("muriatic acid (31.45% HCl)", Unit.MILLILITERS, 2.0)
CALCIUM_CHLORIDE = Product("calcium chloride dihydrate", Unit.GRAMS, 1.47)
STABILIZER = Product("cyanuric acid (stabilizer)", Unit.GRAMS, 1.0)
POOL_SALT = Product("pool salt (sodium chloride)", Unit.GRAMS, 1.0)
SODA_ASH = Product("soda ash (sodium carbonate)", Unit.GRAMS, 105.99)
# mL of 31.45% muriatic acid per mole of HCl.
MURIATIC_ACID_ML_PER_MOL = 99.94

# The carbonate buffer: pKa of carbonic acid, and mg of CaCO₃ per mol of alkalinity.
CARBONIC_PKA = 6.3
CACO3_MG_PER_MOL = 50045


@dataclass(frozen=True)
class Recommendation:
    """What to do about one metric; `amount` unrounded, None without the volume (or the CA)."""

    metric: Metric
    action: Action
    target_value: float
    product: str | None = None
    amount: float | None = None
    unit: Unit | None = None
    drain_percent: float | None = None
    # True when a volume would give this recommendation an amount.
    needs_volume: bool = False


def linear_dose(*, change_ppm: float, volume_liters: float, factor: float) -> float:
    """amount = Δ · V / 1000 · factor."""
    return change_ppm * volume_liters / 1000 * factor


def acid_for_ph(
    *, carbonate_alkalinity: float, ph: float, target: float, volume_liters: float
) -> float:
    """mL of muriatic acid to lower `ph` to `target` in a closed carbonate system."""
    a = carbonate_alkalinity / CACO3_MG_PER_MOL
    r0, rt = 10 ** (ph - CARBONIC_PKA), 10 ** (target - CARBONIC_PKA)
    moles_per_liter = a * (1 - rt / r0) / (1 + rt)
    return moles_per_liter * volume_liters * MURIATIC_ACID_ML_PER_MOL


def soda_ash_for_ph(
    *, carbonate_alkalinity: float, ph: float, target: float, volume_liters: float
) -> float:
    """g of soda ash to raise `ph` to `target` in a closed carbonate system."""
    a = carbonate_alkalinity / CACO3_MG_PER_MOL
    r0, rt = 10 ** (ph - CARBONIC_PKA), 10 ** (target - CARBONIC_PKA)
    moles_per_liter = a * (rt / r0 - 1) / (2 + rt)
    return moles_per_liter * volume_liters * SODA_ASH.factor


def _linear(
    metric: Metric,
    action: Action,
    product: Product,
    *,
    current: float,
    target: float,
    volume_liters: float | None,
) -> Recommendation:
    amount = (
        None
        if volume_liters is None
        else linear_dose(
            change_ppm=abs(target - current), volume_liters=volume_liters, factor=product.factor
        )
    )
    return Recommendation(
        metric, action, target, product.name, amount, product.unit, needs_volume=True
    )


def _dilute(metric: Metric, *, current: float, target: float) -> Recommendation:
    return Recommendation(metric, Action.DILUTE, target, drain_percent=100 * (1 - target / current))


def _ph(
    *,
    ph: float,
    carbonate_alkalinity: float | None,
    limits: TargetRange,
    volume_liters: float | None,
) -> Recommendation:
    target = limits.midpoint
    lowering = ph > limits.high
    product = MURIATIC_ACID if lowering else SODA_ASH
    # Without a positive carbonate alkalinity there is no buffer to compute against.
    usable = carbonate_alkalinity is not None and carbonate_alkalinity > 0
    amount = None
    if carbonate_alkalinity is not None and usable and volume_liters is not None:
        dose = acid_for_ph if lowering else soda_ash_for_ph
        amount = dose(
            carbonate_alkalinity=carbonate_alkalinity,
            ph=ph,
            target=target,
            volume_liters=volume_liters,
        )
    return Recommendation(
        Metric.PH,
        Action.LOWER if lowering else Action.RAISE,
        target,
        product.name,
        amount,
        product.unit,
        needs_volume=usable,
    )


def recommend(
    reading: Reading, targets: Targets, volume_liters: float | None
) -> list[Recommendation]:
    """The recommendations for a reading, alkalinity first and sanitizer last (§16's order)."""
    found: list[Recommendation] = []
    alkalinity = reading.alkalinity
    if alkalinity is not None and not targets.alkalinity.contains(alkalinity):
        raising = alkalinity < targets.alkalinity.low
        found.append(
            _linear(
                Metric.ALKALINITY,
                Action.RAISE if raising else Action.LOWER,
                SODIUM_BICARBONATE if raising else MURIATIC_ACID,
                current=alkalinity,
                target=targets.alkalinity.midpoint,
                volume_liters=volume_liters,
            )
        )
    if reading.ph is not None and not targets.ph.contains(reading.ph):
        found.append(
            _ph(
                ph=reading.ph,
                carbonate_alkalinity=reading.carbonate_alkalinity,
                limits=targets.ph,
                volume_liters=volume_liters,
            )
        )
    hardness = reading.calcium_hardness
    raised_or_diluted = (
        (Metric.CALCIUM_HARDNESS, hardness, targets.calcium_hardness, CALCIUM_CHLORIDE),
        (Metric.CYANURIC_ACID, reading.cyanuric_acid, targets.cyanuric_acid, STABILIZER),
        (Metric.SALT, reading.salt, targets.salt, POOL_SALT),
    )
    for metric, current, limits, product in raised_or_diluted:
        if current is None or limits is None or limits.contains(current):
            continue
        if current < limits.low:
            found.append(
                _linear(
                    metric,
                    Action.RAISE,
                    product,
                    current=current,
                    target=limits.midpoint,
                    volume_liters=volume_liters,
                )
            )
        else:
            found.append(_dilute(metric, current=current, target=limits.midpoint))
    chlorine = reading.chlorine
    if chlorine is not None and not targets.chlorine.contains(chlorine):
        if chlorine < targets.chlorine.low:
            found.append(
                _linear(
                    Metric.CHLORINE,
                    Action.RAISE,
                    LIQUID_CHLORINE,
                    current=chlorine,
                    target=targets.chlorine.midpoint,
                    volume_liters=volume_liters,
                )
            )
        else:
            # Chlorine above range falls on its own (sunlight, bathers): nothing to add.
            found.append(Recommendation(Metric.CHLORINE, Action.WAIT, targets.chlorine.midpoint))
    return found
