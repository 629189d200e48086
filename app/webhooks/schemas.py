"""Webhook and delivery bodies, and the payload every delivery carries."""

from typing import Annotated, Any

from pydantic import AfterValidator, Field, HttpUrl, StringConstraints, TypeAdapter

from app.core.schemas import ApiInput, ApiOutput, ObjectIdOut, PartialUpdate, UtcDatetime
from app.notifications.events import EventType
from app.webhooks.models import DeliveryStatus, WebhookDelivery

MAX_URL_LENGTH = 2048
_http_url = TypeAdapter(HttpUrl)


def _http_or_https(value: str) -> str:
    try:
        _http_url.validate_python(value)
    except ValueError:
        raise ValueError("`url` must be an absolute http or https URL.") from None
    return value


def _distinct(events: list[EventType]) -> list[EventType]:
    return list(dict.fromkeys(events))


WebhookUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_URL_LENGTH),
    AfterValidator(_http_or_https),
]
EventTypes = Annotated[
    list[EventType], Field(min_length=1, max_length=50), AfterValidator(_distinct)
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class WebhookCreate(ApiInput):
    url: WebhookUrl
    events: EventTypes
    description: Description | None = None
    active: bool = True


class WebhookUpdate(PartialUpdate):
    nullable_fields = frozenset({"description"})

    url: WebhookUrl | None = None
    events: EventTypes | None = None
    description: Description | None = None
    active: bool | None = None


class WebhookOut(ApiOutput):
    id: ObjectIdOut
    url: str
    events: list[EventType]
    description: str | None
    active: bool
    owner_id: ObjectIdOut
    created_at: UtcDatetime


class WebhookCreated(WebhookOut):
    """The answer to creation: the only response that shows the signing secret."""

    secret: str


class DeliveryOut(ApiOutput):
    id: ObjectIdOut
    event: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: UtcDatetime | None
    created_at: UtcDatetime
    delivered_at: UtcDatetime | None

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> "DeliveryOut":
        """The delivery as the log shows it: a next attempt only while one is still to come."""
        out = cls.model_validate(delivery)
        if delivery.status is not DeliveryStatus.PENDING:
            out.next_attempt_at = None
        return out


class DeliveryPayload(ApiOutput):
    """The JSON body of a delivery: `{"id", "type", "createdAt", "data"}`."""

    id: ObjectIdOut
    type: str
    created_at: UtcDatetime
    data: dict[str, Any]
