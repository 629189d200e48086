"""Rounding as §16 prescribes it: half away from zero (62.5 -> 63, -0.005 -> -0.01)."""

from decimal import ROUND_HALF_UP, Decimal


def round_half_away(value: float, digits: int = 0) -> float:
    """`value` rounded to `digits` decimals, ties away from zero.

    Python's `round` rounds ties to even and sees the binary value (2.675 -> 2.67); going through
    the shortest decimal representation rounds the number as a person reads it.
    """
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))
