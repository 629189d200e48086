"""BILLING_CURRENCY and BILLING_TAX_RATE_BPS: bounded at start-up, applied to new invoices."""

import httpx
import pytest
from pydantic import ValidationError

from app.core.config import Settings
from app.pools.models import Pool
from tests.billing.conftest import create_invoice, line


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"billing_currency": "USD", "billing_tax_rate_bps": 2_100})


@pytest.mark.parametrize(
    "values",
    [
        {"billing_currency": "eur"},
        {"billing_currency": "EURO"},
        {"billing_tax_rate_bps": -1},
        {"billing_tax_rate_bps": 10_001},
    ],
)
def test_out_of_bounds_settings_are_refused(values):
    with pytest.raises(ValidationError):
        Settings(**values)


def test_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("BILLING_CURRENCY", "GBP")
    monkeypatch.setenv("BILLING_TAX_RATE_BPS", "2000")
    settings = Settings(_env_file=None)
    assert (settings.billing_currency, settings.billing_tax_rate_bps) == ("GBP", 2_000)


async def test_new_invoices_take_the_configured_currency_and_rate(
    client: httpx.AsyncClient, admin, owner, pool: Pool
):
    invoice = await create_invoice(client, admin, owner, pool, lines=[line(unit=1_050)])
    assert (invoice["currency"], invoice["taxRateBps"]) == ("USD", 2_100)
    # 1,050 · 21% = 220.5 -> 221
    assert (invoice["taxCents"], invoice["totalCents"]) == (221, 1_271)
    explicit = await create_invoice(client, admin, owner, pool, taxRateBps=0)
    assert explicit["taxRateBps"] == 0
