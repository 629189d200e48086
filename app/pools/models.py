"""The pool document."""

from datetime import datetime
from enum import StrEnum

from beanie import PydanticObjectId
from pydantic import Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.documents import Document
from app.users.models import utcnow


class PoolType(StrEnum):
    CHLORINE = "chlorine"
    SALTWATER = "saltwater"
    MINERAL = "mineral"
    OTHER = "other"


class Pool(Document):
    name: str
    owner_id: PydanticObjectId
    technician_ids: list[PydanticObjectId] = Field(default_factory=list)
    address: str | None = None
    volume_liters: float | None = None
    pool_type: PoolType = PoolType.CHLORINE
    indoor: bool = False
    notes: str | None = None
    # IANA zone name; service plans place their visits in it.
    timezone: str = "UTC"
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Internal pointer to the newest reading, kept by the readings domain so the dashboard
    # reaches it without scanning the pool's history. Never part of a response.
    latest_values_id: PydanticObjectId | None = None
    latest_values_at: datetime | None = None

    class Settings:
        name = "pools"
        indexes = [
            IndexModel([("created_at", DESCENDING), ("_id", DESCENDING)], name="created"),
            IndexModel([("owner_id", ASCENDING), ("created_at", DESCENDING)], name="owner_created"),
            IndexModel(
                [("technician_ids", ASCENDING), ("created_at", DESCENDING)],
                name="technicians_created",
            ),
        ]
