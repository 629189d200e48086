"""Domain events: the domain services describe what happened; the channels decide who hears of it.

A service calls one small function per event (`emit.alert_raised(...)`, `emit.invoice_sent(...)`
in `app/notifications/emit.py`) which builds an `Event` and hands it to `publish`; `publish` fans
it out to the in-app feed and the email outbox
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
    # The pool's name, for the email's subject (`[Poolia] <pool>: <title>`).
    pool_name: str | None = None
    # Labelled lines of the email (the readings of a visit report).
    details: tuple[tuple[str, str], ...] = ()
    # A page of the SPA about the event (a path joined to FRONTEND_URL), and its button label.
    link_path: str | None = None
    link_label: str | None = None
    # Addresses without an account (an invite to a new technician): email only, with their link.
    guest_emails: tuple[str, ...] = ()
    guest_link_path: str | None = None


# Which email preference (`NotificationPreferences.email`) lets an event through by email.
EMAIL_PREFERENCE: dict[EventType, str] = {
    EventType.ALERT_RAISED: "alerts",
    EventType.INVITE_CREATED: "invites",
    EventType.INVITE_ACCEPTED: "invites",
    EventType.INVITE_DECLINED: "invites",
    EventType.VISIT_COMPLETED: "visit_reports",
    EventType.MESSAGE_POSTED: "messages",
    EventType.INVOICE_SENT: "billing",
    EventType.PAYMENT_RECEIVED: "billing",
}
