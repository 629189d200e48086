"""Photo response bodies."""

from app.core.schemas import ApiOutput, ObjectIdOut, UtcDatetime
from app.photos.models import PhotoContext


class PhotoOut(ApiOutput):
    """A photo's metadata and a short-lived URL to read its bytes."""

    id: ObjectIdOut
    context: PhotoContext
    pool_id: ObjectIdOut | None
    visit_id: ObjectIdOut | None
    user_id: ObjectIdOut | None
    message_id: ObjectIdOut | None
    uploaded_by: ObjectIdOut
    file_name: str | None
    content_type: str
    size_bytes: int
    width: int
    height: int
    url: str
    url_expires_at: UtcDatetime
    created_at: UtcDatetime
