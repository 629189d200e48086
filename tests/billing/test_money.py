"""The money core: table-driven, integers only, rounding exactly at the .5 boundary."""

import pytest

from app.billing import money


@pytest.mark.parametrize(
    ("subtotal", "rate_bps", "expected"),
    [
        (0, 2_000, 0),
        (100, 0, 0),
        (10_000, 2_100, 2_100),
        # 25 · 2,000 / 10,000 = 5.0 exactly
        (25, 2_000, 5),
        # 5 · 1,000 / 10,000 = 0.5: half goes up
        (5, 1_000, 1),
        (4, 1_250, 1),  # 4 · 1,250 / 10,000 = 0.5 exactly
        (3, 1_666, 0),  # 0.4998
        (3, 1_667, 1),  # 0.5001
        # 1,250 · 700 / 10,000 = 87.5 → 88; 1,249 · 700 / 10,000 = 87.43 → 87
        (1_250, 700, 88),
        (1_249, 700, 87),
        # 15 · 2,100 / 10,000 = 3.15 → 3; 50 · 2,100 / 10,000 = 10.5 → 11
        (15, 2_100, 3),
        (50, 2_100, 11),
        (1, 5_000, 1),  # 0.5 → 1
        (1, 4_999, 0),  # 0.4999 → 0
        (1, 10_000, 1),
        # the largest invoice: 100 lines of 10,000 x 100,000,000 at 100% stays exact
        (100 * 10_000 * 100_000_000, 10_000, 100 * 10_000 * 100_000_000),
        (100 * 10_000 * 100_000_000 + 1, 5_000, 50_000_000_000_001),
    ],
)
def test_tax_is_rounded_half_up(subtotal: int, rate_bps: int, expected: int):
    tax = money.tax_amount(subtotal_cents=subtotal, tax_rate_bps=rate_bps)
    assert tax == expected
    assert type(tax) is int


def test_negative_inputs_are_refused():
    with pytest.raises(ValueError):
        money.tax_amount(subtotal_cents=-1, tax_rate_bps=100)


def test_invoice_totals_add_lines_then_tax_once():
    # Tax on the subtotal, not per line: three lines of 0.5 cent tax each would give 3, not 2.
    totals = money.invoice_totals(line_amounts=[5, 5, 5], tax_rate_bps=1_000)
    assert totals == money.Totals(subtotal_cents=15, tax_cents=2, total_cents=17)


def test_line_amount_is_quantity_times_unit_price():
    assert money.line_amount(quantity=3, unit_price_cents=4_599) == 13_797


@pytest.mark.parametrize(
    ("total", "paid", "void", "expected"),
    [(10_000, 2_500, False, 7_500), (10_000, 10_000, False, 0), (10_000, 0, True, 0)],
)
def test_balance(total: int, paid: int, void: bool, expected: int):
    assert money.balance(total_cents=total, paid_cents=paid, void=void) == expected


@pytest.mark.parametrize(
    ("cents", "currency", "text"),
    [
        (0, "EUR", "0.00 EUR"),
        (5, "EUR", "0.05 EUR"),
        (123_456_789, "EUR", "1,234,567.89 EUR"),
        (-1_050, "USD", "-10.50 USD"),
        (1_500, "JPY", "1,500 JPY"),
        (1_234, "KWD", "1.234 KWD"),
    ],
)
def test_format_amount(cents: int, currency: str, text: str):
    assert money.format_amount(cents, currency) == text
