"""Alert configuration (per pool) and alert documents."""

from datetime import datetime
from enum import StrEnum

from beanie import PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.documents import Document
from app.users.models import utcnow


class Metric(StrEnum):
    PH = "ph"
    CHLORINE = "chlorine"
    TEMPERATURE = "temperature"


class Severity(StrEnum):
    WARNING = "warning"
    CRITICAL = "critical"


class AlertStatus(StrEnum):
    ACTIVE = "active"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class PoolHealth(StrEnum):
    GOOD = "good"
    NEEDS_ATTENTION = "needs_attention"
    CRITICAL = "critical"


class Range(BaseModel):
    min: float
    max: float


DEFAULT_RANGES = {
    Metric.PH: Range(min=7.2, max=7.8),
    Metric.CHLORINE: Range(min=1.0, max=3.0),
    Metric.TEMPERATURE: Range(min=10, max=32),
}


class AlertConfig(Document):
    pool_id: PydanticObjectId
    enabled: bool = True
    ph: Range = Field(default_factory=lambda: DEFAULT_RANGES[Metric.PH].model_copy())
    chlorine: Range = Field(default_factory=lambda: DEFAULT_RANGES[Metric.CHLORINE].model_copy())
    temperature: Range = Field(
        default_factory=lambda: DEFAULT_RANGES[Metric.TEMPERATURE].model_copy()
    )
    updated_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "alert_configs"
        indexes = [IndexModel([("pool_id", ASCENDING)], unique=True, name="one_config_per_pool")]

    def range_for(self, metric: Metric) -> Range:
        return getattr(self, metric.value)


class Alert(Document):
    pool_id: PydanticObjectId
    metric: Metric
    value: float
    min: float
    max: float
    severity: Severity
    status: AlertStatus = AlertStatus.ACTIVE
    pool_values_id: PydanticObjectId | None = None
    created_at: datetime = Field(default_factory=utcnow)
    acknowledged_at: datetime | None = None
    acknowledged_by: PydanticObjectId | None = None
    resolved_at: datetime | None = None
    # Both set only while the alert is open (active or acknowledged) and $unset on resolve:
    # `open_key` ("<poolId>:<metric>") makes one open alert per pool and metric a unique index;
    # `open_pool_id` lets the dashboard join only the open alerts of a pool.
    open_key: str | None = None
    open_pool_id: PydanticObjectId | None = None

    class Settings:
        name = "alerts"
        keep_nulls = False
        indexes = [
            IndexModel([("open_key", ASCENDING)], unique=True, sparse=True, name="one_open_alert"),
            IndexModel([("open_pool_id", ASCENDING)], sparse=True, name="open_by_pool"),
            IndexModel(
                [("pool_id", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)],
                name="pool_status_created",
            ),
            IndexModel([("pool_id", ASCENDING), ("created_at", DESCENDING)], name="pool_created"),
        ]
