"""Domain events: the domain services describe what happened; the channels decide who hears of it.

A service calls one small function per event (`alert_raised(...)`, `invoice_sent(...)`) which builds
an `Event` and hands it to `publish`; `publish` fans it out to the in-app feed and the email outbox
(people) and to the webhook deliveries (integrators). A new domain adds an event without touching
the channels.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from beanie import PydanticObjectId

from app.users.models import utcnow


class EventType(StrEnum):
    ALERT_RAISED = "alert.raised"
    INVITE_CREATED = "invite.created"
    INVITE_ACCEPTED = "invite.accepted"
    INVITE_DECLINED = "invite.declined"
    VISIT_COMPLETED = "visit.completed"
    MESSAGE_POSTED = "message.posted"
    INVOICE_SENT = "invoice.sent"
    PAYMENT_RECEIVED = "payment.received"


@dataclass(frozen=True)
class Event:
    """What happened, to which resource, who caused it and who is to be told."""

    type: EventType
    resource_type: str  # alert, invite, visit, message, invoice, payment
    resource_id: PydanticObjectId
    pool_id: PydanticObjectId | None
    # The person who caused the event: never told (webhooks still receive it).
    actor_id: PydanticObjectId | None
    # The people to tell, before the actor and inactive users are taken out.
    recipient_ids: tuple[PydanticObjectId, ...]
    # The in-app title and body (also the email's subject and text).
    title: str
    body: str
    # The resource as the API shows it (JSON-ready, camelCase): the webhook payload's `data`.
    data: dict[str, Any]
    occurred_at: datetime = field(default_factory=utcnow)
