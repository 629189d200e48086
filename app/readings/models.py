"""The pool values (water readings) document."""

from datetime import datetime

from beanie import PydanticObjectId
from pydantic import Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.documents import Document
from app.users.models import utcnow

READING_FIELDS = (
    "ph",
    "chlorine",
    "temperature",
    "alkalinity",
    "cyanuric_acid",
    "calcium_hardness",
    "salt",
    "tds",
)


class PoolValues(Document):
    pool_id: PydanticObjectId
    ph: float | None = None
    chlorine: float | None = None
    temperature: float | None = None
    alkalinity: float | None = None
    cyanuric_acid: float | None = None
    calcium_hardness: float | None = None
    salt: float | None = None
    tds: float | None = None
    measured_at: datetime = Field(default_factory=utcnow)
    recorded_by: PydanticObjectId
    visit_id: PydanticObjectId | None = None
    created_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "pool_values"
        indexes = [
            IndexModel([("measured_at", DESCENDING), ("_id", DESCENDING)], name="measured"),
            IndexModel(
                [("pool_id", ASCENDING), ("measured_at", DESCENDING), ("_id", DESCENDING)],
                name="pool_measured",
            ),
            IndexModel([("visit_id", ASCENDING)], name="visit"),
        ]
