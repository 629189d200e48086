"""Money arithmetic over integer minor units: no I/O, no framework, no floating point.

Every amount is an `int` of the currency's minor unit (cents for EUR). The services call these
functions; nothing else recomputes a line amount, a tax or a total.
"""

from collections.abc import Iterable
from dataclasses import dataclass

BASIS_POINTS = 10_000

# ISO 4217 minor-unit exponents that differ from the usual two decimals.
_MINOR_UNIT_DIGITS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip


@dataclass(frozen=True)
class Totals:
    subtotal_cents: int
    tax_cents: int
    total_cents: int


def line_amount(*, quantity: int, unit_price_cents: int) -> int:
    """A line's amount: quantity times unit price."""
    return quantity * unit_price_cents


def tax_amount(*, subtotal_cents: int, tax_rate_bps: int) -> int:
    """`subtotal · rate / 10,000`, rounded half up (both are never negative)."""
    if subtotal_cents < 0 or tax_rate_bps < 0:
        raise ValueError("subtotal and tax rate are never negative")
    # Integer half-up: add half the divisor before flooring, so x.5 goes up and x.4999 down.
    return (subtotal_cents * tax_rate_bps * 2 + BASIS_POINTS) // (2 * BASIS_POINTS)


def invoice_totals(*, line_amounts: Iterable[int], tax_rate_bps: int) -> Totals:
    """Subtotal, tax and total of an invoice from its line amounts."""
    subtotal = sum(line_amounts)
    tax = tax_amount(subtotal_cents=subtotal, tax_rate_bps=tax_rate_bps)
    return Totals(subtotal_cents=subtotal, tax_cents=tax, total_cents=subtotal + tax)


def balance(*, total_cents: int, paid_cents: int, void: bool) -> int:
    """What is still owed: nothing on a void invoice."""
    return 0 if void else total_cents - paid_cents


def minor_unit_digits(currency: str) -> int:
    """How many decimals the currency's minor unit has (2 unless ISO 4217 says otherwise)."""
    return _MINOR_UNIT_DIGITS.get(currency.upper(), 2)


def format_amount(cents: int, currency: str) -> str:
    """`1,234.56 EUR`: grouped major units and the exact minor units, from integers only."""
    digits = minor_unit_digits(currency)
    sign = "-" if cents < 0 else ""
    major, minor = divmod(abs(cents), 10**digits)
    text = f"{major:,}"
    if digits:
        text += f".{minor:0{digits}d}"
    return f"{sign}{text} {currency}"
