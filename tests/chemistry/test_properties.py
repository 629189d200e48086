"""Properties of the dosing plan (contract §16), over generated readings and pools."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from app.chemistry import Action, Metric, Reading, TargetRange, recommend, targets_for

EXAMPLES = settings(max_examples=150, deadline=None)
PKA = 6.3


@st.composite
def ranges(draw, low: float, high: float, *, min_width: float) -> TargetRange:
    """A range inside [low, high] at least `min_width` wide."""
    start = draw(st.floats(low, high - min_width))
    end = draw(st.floats(start + min_width, high))
    return TargetRange(start, end)


@st.composite
def pools(draw):
    """Targets as a pool's alert config and type make them."""
    return targets_for(
        ph=draw(ranges(6.5, 8.5, min_width=0.2)),
        chlorine=draw(ranges(0.5, 10, min_width=0.5)),
        saltwater=draw(st.booleans()),
    )


def ppm(high: float = 5000) -> st.SearchStrategy[float | None]:
    return st.none() | st.floats(0, high)


@st.composite
def readings(draw) -> Reading:
    return Reading(
        ph=draw(st.none() | st.floats(6.0, 9.0)),
        chlorine=draw(st.none() | st.floats(0, 20)),
        temperature=draw(st.none() | st.floats(-5, 50)),
        alkalinity=draw(ppm(400)),
        cyanuric_acid=draw(ppm(200)),
        calcium_hardness=draw(ppm(1000)),
        salt=draw(ppm(6000)),
        tds=draw(ppm()),
    )


def inside(draw, limits: TargetRange | None) -> float | None:
    if limits is None:
        return draw(st.none() | st.floats(0, 10_000))
    return draw(st.none() | st.floats(limits.low, limits.high))


@given(reading=readings(), targets=pools(), volume=st.floats(100, 1e7), scale=st.floats(0.01, 100))
@EXAMPLES
def test_doses_are_linear_in_volume(reading, targets, volume, scale):
    base = recommend(reading, targets, volume)
    scaled = recommend(reading, targets, volume * scale)
    assert [(r.metric, r.action, r.product) for r in scaled] == [
        (r.metric, r.action, r.product) for r in base
    ]
    for small, large in zip(base, scaled, strict=True):
        if small.amount is None:
            assert large.amount is None
        else:
            assert math.isclose(large.amount, small.amount * scale, rel_tol=1e-9, abs_tol=1e-9)
        assert large.drain_percent == small.drain_percent


@given(data=st.data(), targets=pools(), volume=st.none() | st.floats(100, 1e7))
@EXAMPLES
def test_a_reading_inside_every_range_gets_no_recommendation(data, targets, volume):
    draw = data.draw
    reading = Reading(
        ph=draw(st.none() | st.floats(targets.ph.low, targets.ph.high)),
        chlorine=draw(st.none() | st.floats(targets.chlorine.low, targets.chlorine.high)),
        temperature=draw(st.none() | st.floats(-5, 50)),
        alkalinity=draw(st.none() | st.floats(targets.alkalinity.low, targets.alkalinity.high)),
        cyanuric_acid=draw(
            st.none() | st.floats(targets.cyanuric_acid.low, targets.cyanuric_acid.high)
        ),
        calcium_hardness=draw(
            st.none() | st.floats(targets.calcium_hardness.low, targets.calcium_hardness.high)
        ),
        # A chlorine pool has no salt target: any salt reading is left alone.
        salt=inside(draw, targets.salt),
        tds=draw(ppm()),
    )
    assert recommend(reading, targets, volume) == []


def ph_after(*, carbonate_alkalinity: float, ph: float, acid: float = 0, ash: float = 0) -> float:
    """pH of a closed carbonate system after adding HCl and Na2CO3 (mol/L), by mass balance.

    Bicarbonate is the alkalinity; carbonic acid follows from the pKa. HCl turns bicarbonate into
    carbonic acid; carbonate takes a proton from carbonic acid and leaves two bicarbonates.
    """
    bicarbonate = carbonate_alkalinity / 50045
    carbonic = bicarbonate / 10 ** (ph - PKA)
    bicarbonate, carbonic = bicarbonate - acid + 2 * ash, carbonic + acid - ash
    return PKA + math.log10(bicarbonate / carbonic)


@given(
    targets=pools(),
    ph=st.floats(6.0, 9.0),
    alkalinity=st.floats(20, 300),
    cyanuric_acid=st.none() | st.floats(0, 40),
    volume=st.floats(1_000, 1e6),
)
@EXAMPLES
def test_ph_dose_moves_ph_to_the_target(targets, ph, alkalinity, cyanuric_acid, volume):
    reading = Reading(ph=ph, alkalinity=alkalinity, cyanuric_acid=cyanuric_acid)
    doses = [r for r in recommend(reading, targets, volume) if r.metric is Metric.PH]
    if targets.ph.contains(ph):
        assert doses == []
        return
    (dose,) = doses
    target = targets.ph.midpoint
    assert dose.target_value == target
    assert dose.amount is not None and dose.amount > 0
    carbonate = reading.carbonate_alkalinity
    if ph > targets.ph.high:
        assert (dose.action, dose.unit) == (Action.LOWER, "mL")
        reached = ph_after(carbonate_alkalinity=carbonate, ph=ph, acid=dose.amount / 99.94 / volume)
    else:
        assert (dose.action, dose.unit) == (Action.RAISE, "g")
        reached = ph_after(carbonate_alkalinity=carbonate, ph=ph, ash=dose.amount / 105.99 / volume)
    assert min(ph, target) - 1e-9 <= reached <= max(ph, target) + 1e-9
    assert math.isclose(reached, target, abs_tol=1e-6)
