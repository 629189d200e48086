"""The alert rules as pure functions: `classify` (the 25% rule) and `assess_health`.

Default ranges: pH 7.2-7.8 (width 0.6, 25% = 0.15), chlorine 1.0-3.0 (width 2, 25% = 0.5),
temperature 10-32 (width 22, 25% = 5.5). Nothing here touches the store.
"""

import pytest
from beanie import PydanticObjectId

from app.alerts.models import AlertConfig, PoolHealth, Range, Severity
from app.alerts.service import assess_health, classify

PH = Range(min=7.2, max=7.8)
CHLORINE = Range(min=1.0, max=3.0)
TEMPERATURE = Range(min=10, max=32)


def config(**ranges: Range) -> AlertConfig:
    """An alert config with the default ranges unless overridden (never stored)."""
    return AlertConfig.model_construct(pool_id=PydanticObjectId(), **ranges)


class TestClassify:
    @pytest.mark.parametrize("value", [7.2, 7.5, 7.8])
    def test_ph_in_range(self, value):
        assert classify(value, PH) is None

    @pytest.mark.parametrize("value", [7.19, 7.81])
    def test_ph_just_out_of_range(self, value):
        assert classify(value, PH) is Severity.WARNING

    def test_ph_exactly_a_quarter_above(self):
        assert classify(7.95, PH) is Severity.WARNING

    def test_ph_beyond_a_quarter_above(self):
        assert classify(7.96, PH) is Severity.CRITICAL

    def test_ph_exactly_a_quarter_below(self):
        assert classify(7.05, PH) is Severity.WARNING

    def test_ph_beyond_a_quarter_below(self):
        assert classify(7.04, PH) is Severity.CRITICAL

    @pytest.mark.parametrize(
        "value, severity",
        [
            (1.0, None),
            (3.0, None),
            (3.5, Severity.WARNING),
            (3.51, Severity.CRITICAL),
            (0.5, Severity.WARNING),
            (0.49, Severity.CRITICAL),
        ],
    )
    def test_chlorine_edges(self, value, severity):
        assert classify(value, CHLORINE) is severity

    @pytest.mark.parametrize(
        "value, severity",
        [
            (10, None),
            (32, None),
            (37.5, Severity.WARNING),
            (37.6, Severity.CRITICAL),
            (4.5, Severity.WARNING),
            (4.4, Severity.CRITICAL),
        ],
    )
    def test_temperature_edges(self, value, severity):
        assert classify(value, TEMPERATURE) is severity

    def test_far_out_is_critical(self):
        assert classify(0, PH) is Severity.CRITICAL

    def test_rule_scales_with_the_range(self):
        wide = Range(min=6.0, max=8.0)  # 25% = 0.5
        assert (classify(8.5, wide), classify(8.51, wide)) == (Severity.WARNING, Severity.CRITICAL)


class TestAssessHealth:
    def test_all_in_range(self):
        readings = {"ph": 7.5, "chlorine": 2.0, "temperature": 26}
        assert assess_health(readings, config()) is PoolHealth.GOOD

    def test_range_bounds_are_good(self):
        readings = {"ph": 7.2, "chlorine": 3.0, "temperature": 10}
        assert assess_health(readings, config()) is PoolHealth.GOOD

    def test_one_out_of_range(self):
        readings = {"ph": 7.19, "chlorine": 2.0, "temperature": 26}
        assert assess_health(readings, config()) is PoolHealth.NEEDS_ATTENTION

    def test_one_a_quarter_out(self):
        assert assess_health({"ph": 7.95}, config()) is PoolHealth.NEEDS_ATTENTION

    def test_one_beyond_a_quarter(self):
        readings = {"ph": 7.96, "chlorine": 2.0, "temperature": 26}
        assert assess_health(readings, config()) is PoolHealth.CRITICAL

    def test_critical_wins_over_warning(self):
        readings = {"ph": 7.9, "chlorine": 0.1, "temperature": 26}
        assert assess_health(readings, config()) is PoolHealth.CRITICAL

    def test_missing_readings_are_ignored(self):
        readings = {"ph": None, "chlorine": 2.0, "temperature": None}
        assert assess_health(readings, config()) is PoolHealth.GOOD

    def test_no_alert_metric(self):
        assert assess_health({"alkalinity": 120, "salt": 3200}, config()) is None

    def test_other_readings_do_not_count(self):
        readings = {"ph": 7.5, "alkalinity": 100_000}
        assert assess_health(readings, config()) is PoolHealth.GOOD

    def test_uses_the_pools_thresholds(self):
        custom = config(ph=Range(min=6.8, max=7.2))
        assert assess_health({"ph": 7.5}, custom) is PoolHealth.CRITICAL
