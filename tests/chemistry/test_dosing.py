"""Targets and doses (contract §16): the worked pH doses, linear doses, dilution, order."""

import math

import pytest

from app.chemistry import (
    SALTWATER_CYANURIC_ACID,
    SALTWATER_SALT,
    Action,
    Metric,
    Reading,
    TargetRange,
    assess,
    recommend,
    round_half_away,
    targets_for,
)

DEFAULT_PH = TargetRange(7.2, 7.8)
DEFAULT_CHLORINE = TargetRange(1.0, 3.0)
CHLORINE_POOL = targets_for(ph=DEFAULT_PH, chlorine=DEFAULT_CHLORINE, saltwater=False)
SALT_POOL = targets_for(ph=DEFAULT_PH, chlorine=DEFAULT_CHLORINE, saltwater=True)
# The worked example's pool: 10,000 US gallons.
GALLONS_10K = 37_854


def only(reading: Reading, targets=CHLORINE_POOL, volume: float | None = 50_000):
    (recommendation,) = recommend(reading, targets, volume)
    return recommendation


class TestWorkedPhDoses:
    """V 37,854 L, TA 100, no CYA, aiming at 7.5: 224 mL of acid from 7.8, 447 g of ash from 7.2."""

    # A narrow range puts 7.8 and 7.2 outside it while keeping its middle at 7.5.
    NARROW = targets_for(ph=TargetRange(7.4, 7.6), chlorine=DEFAULT_CHLORINE, saltwater=False)

    def test_acid_from_7_8(self):
        dose = only(Reading(ph=7.8, alkalinity=100), self.NARROW, GALLONS_10K)
        assert (dose.metric, dose.action, dose.target_value) == (Metric.PH, Action.LOWER, 7.5)
        assert (dose.product, dose.unit) == ("muriatic acid (31.45% HCl)", "mL")
        assert round_half_away(dose.amount) == 224

    def test_soda_ash_from_7_2(self):
        dose = only(Reading(ph=7.2, alkalinity=100), self.NARROW, GALLONS_10K)
        assert (dose.metric, dose.action, dose.target_value) == (Metric.PH, Action.RAISE, 7.5)
        assert (dose.product, dose.unit) == ("soda ash (sodium carbonate)", "g")
        assert round_half_away(dose.amount) == 447

    @pytest.mark.parametrize("ph", [7.2, 7.8])
    def test_inside_default_range_no_dose(self, ph):
        assert recommend(Reading(ph=ph, alkalinity=100), CHLORINE_POOL, GALLONS_10K) == []

    def test_without_carbonate_alkalinity_amount_is_null(self):
        dose = only(Reading(ph=8.2))
        assert (dose.action, dose.product, dose.amount) == (
            Action.LOWER,
            "muriatic acid (31.45% HCl)",
            None,
        )

    def test_cyanurate_leaves_no_buffer(self):
        found = recommend(Reading(ph=6.8, alkalinity=20, cyanuric_acid=60), CHLORINE_POOL, 50_000)
        (dose,) = [r for r in found if r.metric is Metric.PH]
        assert (dose.action, dose.amount) == (Action.RAISE, None)


# (reading, metric, action, product, unit, amount in 50,000 L), worked by hand:
# amount = |midpoint - current| ppm x 50 (thousands of liters) x factor per ppm per 1,000 L.
BICARBONATE = "sodium bicarbonate"
ACID = "muriatic acid (31.45% HCl)"
CALCIUM = "calcium chloride dihydrate"
STABILIZER = "cyanuric acid (stabilizer)"
BLEACH = "liquid chlorine (sodium hypochlorite 12.5%)"
LINEAR = [
    (Reading(alkalinity=60), Metric.ALKALINITY, Action.RAISE, BICARBONATE, "g", 40 * 50 * 1.68),
    (Reading(alkalinity=150), Metric.ALKALINITY, Action.LOWER, ACID, "mL", 50 * 50 * 2.0),
    (Reading(calcium_hardness=150), Metric.CALCIUM_HARDNESS, Action.RAISE, CALCIUM, "g", 11_025),
    (Reading(cyanuric_acid=10), Metric.CYANURIC_ACID, Action.RAISE, STABILIZER, "g", 30 * 50),
    (Reading(chlorine=0.5), Metric.CHLORINE, Action.RAISE, BLEACH, "mL", 1.5 * 50 * 8.0),
]


@pytest.mark.parametrize(("reading", "metric", "action", "product", "unit", "amount"), LINEAR)
def test_linear_doses(reading, metric, action, product, unit, amount):
    dose = only(reading)
    assert (dose.metric, dose.action, dose.product, dose.unit) == (metric, action, product, unit)
    assert dose.amount == pytest.approx(amount)
    assert dose.drain_percent is None


class TestAboveRange:
    def test_chlorine_waits(self):
        dose = only(Reading(chlorine=5))
        assert (dose.action, dose.product, dose.amount, dose.unit, dose.target_value) == (
            Action.WAIT,
            None,
            None,
            None,
            2.0,
        )

    @pytest.mark.parametrize(
        ("reading", "targets", "target", "drain"),
        [
            (Reading(calcium_hardness=500), CHLORINE_POOL, 300, 40),  # 100 x (1 - 300/500)
            (Reading(cyanuric_acid=100), CHLORINE_POOL, 40, 60),  # 100 x (1 - 40/100)
            (Reading(cyanuric_acid=112), SALT_POOL, 70, 37.5),  # 100 x (1 - 70/112)
            (Reading(salt=4000), SALT_POOL, 3050, 23.75),  # 100 x (1 - 3050/4000)
        ],
    )
    def test_dilute(self, reading, targets, target, drain):
        dose = only(reading, targets)
        assert (dose.action, dose.product, dose.amount, dose.unit) == (
            Action.DILUTE,
            None,
            None,
            None,
        )
        assert (dose.target_value, dose.drain_percent) == (target, pytest.approx(drain))

    def test_drain_rounds_half_away(self):
        dose = only(Reading(cyanuric_acid=112), SALT_POOL)
        assert round_half_away(dose.drain_percent) == 38


class TestTargets:
    def test_saltwater_gets_salt_and_higher_cyanuric_acid(self):
        assert SALT_POOL.salt == SALTWATER_SALT
        assert SALT_POOL.cyanuric_acid == SALTWATER_CYANURIC_ACID
        assert (SALT_POOL.salt.low, SALT_POOL.salt.high) == (2700, 3400)
        assert (SALT_POOL.cyanuric_acid.low, SALT_POOL.cyanuric_acid.high) == (60, 80)

    def test_salt_ignored_for_chlorine_pools(self):
        assert recommend(Reading(salt=500), CHLORINE_POOL, 50_000) == []

    def test_cyanuric_acid_in_chlorine_range_is_low_for_saltwater(self):
        assert recommend(Reading(cyanuric_acid=40), CHLORINE_POOL, 50_000) == []
        assert only(Reading(cyanuric_acid=40), SALT_POOL).amount == pytest.approx(30 * 50)

    def test_ph_and_chlorine_from_the_given_ranges(self):
        targets = targets_for(
            ph=TargetRange(7.0, 7.4), chlorine=TargetRange(2.0, 4.0), saltwater=False
        )
        found = recommend(Reading(ph=7.6, chlorine=1.8, alkalinity=100), targets, 10_000)
        assert [(r.metric, r.target_value) for r in found] == [
            (Metric.PH, 7.2),
            (Metric.CHLORINE, 3.0),
        ]

    @pytest.mark.parametrize("value", [80, 120])
    def test_bounds_are_inside(self, value):
        assert recommend(Reading(alkalinity=value), CHLORINE_POOL, 50_000) == []


def test_order_alkalinity_first_sanitizer_last():
    reading = Reading(
        ph=8.0, chlorine=0.2, alkalinity=50, calcium_hardness=100, cyanuric_acid=0, salt=1000
    )
    metrics = [r.metric for r in recommend(reading, SALT_POOL, 50_000)]
    assert metrics == [
        Metric.ALKALINITY,
        Metric.PH,
        Metric.CALCIUM_HARDNESS,
        Metric.CYANURIC_ACID,
        Metric.SALT,
        Metric.CHLORINE,
    ]


class TestVolume:
    def test_missing_volume_nulls_amounts_and_is_named(self):
        balance = assess(Reading(alkalinity=60, chlorine=0.5), CHLORINE_POOL, None)
        assert [r.amount for r in balance.recommendations] == [None, None]
        assert [r.product for r in balance.recommendations] == [
            "sodium bicarbonate",
            "liquid chlorine (sodium hypochlorite 12.5%)",
        ]
        assert balance.missing == ["ph", "temperature", "calciumHardness", "volumeLiters"]

    def test_no_amount_to_carry_no_volume_missing(self):
        # Waiting and diluting need no volume.
        balance = assess(Reading(chlorine=5, calcium_hardness=900), CHLORINE_POOL, None)
        assert "volumeLiters" not in balance.missing

    def test_nothing_to_recommend_no_volume_missing(self):
        full = Reading(ph=7.5, temperature=25, calcium_hardness=300, alkalinity=100)
        balance = assess(full, CHLORINE_POOL, None)
        assert (balance.recommendations, balance.missing) == ([], [])

    def test_dose_scales_with_volume(self):
        small = only(Reading(alkalinity=60), volume=10_000).amount
        large = only(Reading(alkalinity=60), volume=30_000).amount
        assert math.isclose(large, 3 * small)
