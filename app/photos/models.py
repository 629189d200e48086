"""The photo document: metadata in MongoDB; the bytes live in blob storage under `blob_name`."""

from datetime import datetime
from enum import StrEnum

from beanie import PydanticObjectId
from pydantic import Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.documents import Document
from app.users.models import utcnow


class PhotoContext(StrEnum):
    USER_PROFILE = "user_profile"
    POOL = "pool"
    VISIT = "visit"
    MESSAGE = "message"


# Which id field names the thing a photo belongs to, per context.
CONTEXT_ID_FIELD = {
    PhotoContext.USER_PROFILE: "user_id",
    PhotoContext.POOL: "pool_id",
    PhotoContext.VISIT: "visit_id",
    PhotoContext.MESSAGE: "message_id",
}


class Photo(Document):
    context: PhotoContext
    pool_id: PydanticObjectId | None = None
    visit_id: PydanticObjectId | None = None
    user_id: PydanticObjectId | None = None
    message_id: PydanticObjectId | None = None
    uploaded_by: PydanticObjectId
    file_name: str | None = None
    content_type: str
    size_bytes: int
    width: int
    height: int
    blob_name: str
    created_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "photos"
        indexes = [
            IndexModel(
                [("context", ASCENDING), ("user_id", ASCENDING), ("_id", DESCENDING)],
                name="context_user",
            ),
            IndexModel(
                [("context", ASCENDING), ("pool_id", ASCENDING), ("_id", DESCENDING)],
                name="context_pool",
            ),
            IndexModel([("visit_id", ASCENDING), ("_id", ASCENDING)], name="visit"),
            IndexModel([("message_id", ASCENDING), ("_id", ASCENDING)], name="message"),
            IndexModel([("pool_id", ASCENDING)], name="pool"),
        ]

    @property
    def context_id(self) -> PydanticObjectId:
        """The id of the user, pool, visit or message the photo belongs to."""
        value = getattr(self, CONTEXT_ID_FIELD[self.context])
        assert value is not None
        return value
