"""The LSI (contract §16): the worked example, independent vectors, status bands, missing inputs."""

import math

import pytest

from app.chemistry import Reading, Status, round_half_away, saturation

LN10 = math.log(10)


def lsi_from_first_principles(
    *, ph: float, celsius: float, hardness: float, alkalinity: float, cya: float, tds: float
) -> float:
    """The Langelier index written out independently of the module, in natural logarithms.

    Carbonate alkalinity leaves out the third of the cyanuric acid that titrates as alkalinity;
    the saturation pH is 9.3 + A + B - (C + D) with the usual A (TDS), B (kelvin), C (calcium)
    and D (carbonate) terms.
    """
    kelvin = celsius + 273.15
    carbonate = alkalinity - cya / 3
    tds_term = (math.log(tds) / LN10 - 1) / 10
    temperature_term = 34.55 - 13.12 * math.log(kelvin) / LN10
    calcium_term = math.log(hardness) / LN10 - 0.4
    carbonate_term = math.log(carbonate) / LN10
    return ph - (9.3 + tds_term + temperature_term - calcium_term - carbonate_term)


class TestWorkedExample:
    """pH 7.5, 25 °C, CH 300, TA 100, no CYA, TDS default: LSI -0.01, balanced."""

    def test_lsi_and_status(self):
        result = saturation(Reading(ph=7.5, temperature=25, calcium_hardness=300, alkalinity=100))
        assert (round_half_away(result.lsi, 2), result.status) == (-0.01, Status.BALANCED)

    def test_saturation_ph_terms(self):
        result = saturation(Reading(ph=7.5, temperature=25, calcium_hardness=300, alkalinity=100))
        # pHs 7.5083 in the contract: LSI = pH - pHs.
        assert round(7.5 - result.lsi, 4) == 7.5083

    def test_assumptions_and_inputs(self):
        result = saturation(Reading(ph=7.5, temperature=25, calcium_hardness=300, alkalinity=100))
        assert result.assumptions == ["cyanuricAcid", "tds"]
        assert result.missing == []
        assert result.inputs == {
            "ph": 7.5,
            "temperature": 25,
            "calciumHardness": 300,
            "alkalinity": 100,
            "cyanuricAcid": 0,
            "tds": 1000,
            "carbonateAlkalinity": 100,
        }


# (label, inputs, expected status): the status is judged by hand from the computed value.
VECTORS = [
    (
        "cold soft water",
        {"ph": 7.0, "celsius": 15, "hardness": 150, "alkalinity": 70, "cya": 30, "tds": 500},
        Status.CORROSIVE,
    ),
    (
        "low calcium, low pH",
        {"ph": 7.2, "celsius": 28, "hardness": 100, "alkalinity": 80, "cya": 0, "tds": 1000},
        Status.CORROSIVE,
    ),
    (
        "stabilized warm pool",
        {"ph": 7.6, "celsius": 28, "hardness": 250, "alkalinity": 90, "cya": 40, "tds": 1500},
        Status.BALANCED,
    ),
    (
        "hard water, mid pH",
        {"ph": 7.4, "celsius": 30, "hardness": 350, "alkalinity": 110, "cya": 50, "tds": 2500},
        Status.BALANCED,
    ),
    (
        "hard water, high pH",
        {"ph": 8.2, "celsius": 32, "hardness": 600, "alkalinity": 180, "cya": 0, "tds": 3000},
        Status.SCALE_FORMING,
    ),
    (
        "hot saltwater spa",
        {"ph": 7.9, "celsius": 38, "hardness": 450, "alkalinity": 150, "cya": 70, "tds": 5000},
        Status.SCALE_FORMING,
    ),
]


@pytest.mark.parametrize(
    ("inputs", "status"), [pytest.param(i, s, id=label) for label, i, s in VECTORS]
)
def test_independent_vectors(inputs, status):
    expected = lsi_from_first_principles(**inputs)
    result = saturation(
        Reading(
            ph=inputs["ph"],
            temperature=inputs["celsius"],
            calcium_hardness=inputs["hardness"],
            alkalinity=inputs["alkalinity"],
            cyanuric_acid=inputs["cya"],
            tds=inputs["tds"],
        )
    )
    assert result.lsi == pytest.approx(expected, abs=1e-9)
    assert result.status == status
    assert result.assumptions == []
    assert result.inputs["carbonateAlkalinity"] == pytest.approx(
        inputs["alkalinity"] - inputs["cya"] / 3
    )


class TestStatusBands:
    """Decided on the LSI rounded to two decimals: -0.3 and 0.3 are still balanced."""

    @staticmethod
    def reading_with_lsi(target: float) -> Reading:
        # Move pH so that the LSI is exactly `target` for the worked example's water.
        base = saturation(Reading(ph=7.5, temperature=25, calcium_hardness=300, alkalinity=100))
        return Reading(
            ph=7.5 - base.lsi + target, temperature=25, calcium_hardness=300, alkalinity=100
        )

    @pytest.mark.parametrize(
        ("lsi", "status"),
        [
            (-0.31, Status.CORROSIVE),
            (-0.304, Status.BALANCED),  # rounds to -0.30
            (-0.3, Status.BALANCED),
            (0.0, Status.BALANCED),
            (0.3, Status.BALANCED),
            (0.304, Status.BALANCED),
            (0.306, Status.SCALE_FORMING),  # rounds to 0.31
            (0.5, Status.SCALE_FORMING),
        ],
    )
    def test_band(self, lsi, status):
        assert saturation(self.reading_with_lsi(lsi)).status == status


class TestMissing:
    FULL = {"ph": 7.5, "temperature": 25, "calcium_hardness": 300, "alkalinity": 100}

    @pytest.mark.parametrize(
        ("absent", "name"),
        [
            ("ph", "ph"),
            ("temperature", "temperature"),
            ("calcium_hardness", "calciumHardness"),
            ("alkalinity", "alkalinity"),
        ],
    )
    def test_absent_input(self, absent, name):
        result = saturation(Reading(**{**self.FULL, absent: None}))
        assert (result.lsi, result.status, result.missing) == (None, Status.UNKNOWN, [name])

    def test_all_absent_named_in_order(self):
        result = saturation(Reading(chlorine=2))
        assert result.missing == ["ph", "temperature", "calciumHardness", "alkalinity"]

    def test_carbonate_alkalinity_not_positive(self):
        # TA 20 with CYA 60: all of the alkalinity is cyanurate.
        result = saturation(Reading(**self.FULL | {"alkalinity": 20, "cyanuric_acid": 60}))
        assert (result.lsi, result.missing) == (None, ["carbonateAlkalinity"])
        assert result.inputs["carbonateAlkalinity"] == 0

    def test_zero_hardness(self):
        result = saturation(Reading(**self.FULL | {"calcium_hardness": 0}))
        assert (result.lsi, result.status, result.missing) == (
            None,
            Status.UNKNOWN,
            ["calciumHardness"],
        )

    def test_zero_tds(self):
        result = saturation(Reading(**self.FULL | {"tds": 0}))
        assert (result.lsi, result.missing, result.assumptions) == (None, ["tds"], ["cyanuricAcid"])


@pytest.mark.parametrize(
    ("value", "digits", "rounded"),
    [(62.5, 0, 63), (-62.5, 0, -63), (0.125, 2, 0.13), (-0.005, 2, -0.01), (2.675, 2, 2.68)],
)
def test_rounding_half_away_from_zero(value, digits, rounded):
    assert round_half_away(value, digits) == rounded
