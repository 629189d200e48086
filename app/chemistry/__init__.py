"""Water chemistry as pure functions: the Langelier Saturation Index and dosing plans (§16).

No I/O and no framework imports: plain values in, plain values out, unrounded. Callers round
at the edge with `round_half_away`; the one rounding inside is the one §16 prescribes, the
status decided on the LSI rounded to two decimals.
"""

from app.chemistry.balance import Balance, assess
from app.chemistry.dosing import (
    DEFAULT_ALKALINITY,
    DEFAULT_CALCIUM_HARDNESS,
    DEFAULT_CYANURIC_ACID,
    SALTWATER_CYANURIC_ACID,
    SALTWATER_SALT,
    Action,
    Metric,
    Recommendation,
    TargetRange,
    Targets,
    Unit,
    recommend,
    targets_for,
)
from app.chemistry.lsi import LSI_DIGITS, Assumption, Reading, Saturation, Status, saturation
from app.chemistry.rounding import round_half_away

__all__ = [
    "DEFAULT_ALKALINITY",
    "DEFAULT_CALCIUM_HARDNESS",
    "DEFAULT_CYANURIC_ACID",
    "LSI_DIGITS",
    "SALTWATER_CYANURIC_ACID",
    "SALTWATER_SALT",
    "Action",
    "Assumption",
    "Balance",
    "Metric",
    "Reading",
    "Recommendation",
    "Saturation",
    "Status",
    "TargetRange",
    "Targets",
    "Unit",
    "assess",
    "recommend",
    "round_half_away",
    "saturation",
    "targets_for",
]
