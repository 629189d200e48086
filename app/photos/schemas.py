"""Photo response bodies."""

from beanie import PydanticObjectId

from app.core.schemas import ApiOutput, UtcDatetime
from app.photos.models import PhotoContext


class PhotoOut(ApiOutput):
    """A photo's metadata and a short-lived URL to read its bytes."""

    id: PydanticObjectId
    context: PhotoContext
    pool_id: PydanticObjectId | None
    visit_id: PydanticObjectId | None
    user_id: PydanticObjectId | None
    message_id: PydanticObjectId | None
    uploaded_by: PydanticObjectId
    file_name: str | None
    content_type: str
    size_bytes: int
    width: int
    height: int
    url: str
    url_expires_at: UtcDatetime
    created_at: UtcDatetime
