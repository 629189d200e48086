"""Units and products are in the OpenAPI schema: a frontend shows them without reading code."""

import pytest

from app.main import create_app

UNITS = {
    "temperature": "°C",
    "alkalinity": "ppm as CaCO₃",
    "calciumHardness": "ppm as CaCO₃",
    "cyanuricAcid": "ppm",
    "chlorine": "ppm",
    "salt": "ppm",
    "tds": "ppm",
}


@pytest.fixture(scope="module")
def schemas() -> dict:
    return create_app().openapi()["components"]["schemas"]


@pytest.mark.parametrize(
    "name", ["WaterBalanceOut", "WaterBalanceInputs", "RecommendationOut", "WaterBalanceRequest"]
)
def test_every_water_balance_field_is_described(schemas, name):
    properties = schemas[name]["properties"]
    assert [field for field, spec in properties.items() if not spec.get("description")] == []


# WaterBalanceInputs holds the LSI's inputs only: no chlorine, no salt.
UNIT_CASES = [
    (name, field, unit)
    for name in ("Readings", "PoolValuesOut", "WaterBalanceInputs")
    for field, unit in UNITS.items()
    if not (name == "WaterBalanceInputs" and field in {"chlorine", "salt"})
]


@pytest.mark.parametrize(("name", "field", "unit"), UNIT_CASES)
def test_reading_units(schemas, name, field, unit):
    assert unit in schemas[name]["properties"][field]["description"]


def test_amount_names_its_units(schemas):
    description = schemas["RecommendationOut"]["properties"]["amount"]["description"]
    assert "mL" in description and " g" in description


def test_lsi_is_documented_on_pool_values(schemas):
    assert "Langelier" in schemas["PoolValuesOut"]["properties"]["lsi"]["description"]
