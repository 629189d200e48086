"""Alert configuration and alert bodies."""

from typing import Self

from pydantic import model_validator

from app.alerts.models import AlertStatus, Metric, Severity
from app.core.schemas import ApiInput, ApiOutput, ObjectIdOut, UtcDatetime

BOUNDS = {Metric.PH: (0, 14), Metric.CHLORINE: (0, 20), Metric.TEMPERATURE: (-5, 50)}


class RangeIn(ApiInput):
    min: float
    max: float

    @model_validator(mode="after")
    def _min_below_max(self) -> Self:
        if not self.min < self.max:
            raise ValueError("`min` must be less than `max`.")
        return self


class RangeOut(ApiOutput):
    min: float
    max: float


class AlertConfigIn(ApiInput):
    enabled: bool = True
    ph: RangeIn
    chlorine: RangeIn
    temperature: RangeIn

    @model_validator(mode="after")
    def _within_bounds(self) -> Self:
        for metric, (low, high) in BOUNDS.items():
            limits = getattr(self, metric.value)
            if limits.min < low or limits.max > high:
                raise ValueError(f"`{metric.value}` thresholds must lie within {low}..{high}.")
        return self


class AlertConfigOut(ApiOutput):
    pool_id: ObjectIdOut
    enabled: bool
    ph: RangeOut
    chlorine: RangeOut
    temperature: RangeOut
    updated_at: UtcDatetime


class AlertOut(ApiOutput):
    id: ObjectIdOut
    pool_id: ObjectIdOut
    metric: Metric
    value: float
    min: float
    max: float
    severity: Severity
    status: AlertStatus
    pool_values_id: ObjectIdOut | None
    created_at: UtcDatetime
    acknowledged_at: UtcDatetime | None
    acknowledged_by: ObjectIdOut | None
    resolved_at: UtcDatetime | None
