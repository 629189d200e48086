"""One small function per domain event: the domain services call them after the change is stored.

Each builds the `Event` (who is told, what the notification and the email say, the resource as the
API shows it) and hands it to `publish`. The functions only read the domains' documents and
response schemas, never their services, so any service may call them without an import cycle.
"""

from collections.abc import Iterable
from typing import Any

from beanie import PydanticObjectId

from app.alerts.models import Alert
from app.alerts.schemas import AlertOut
from app.core.schemas import ApiOutput
from app.invites.models import Invite
from app.invites.schemas import InviteOut
from app.messaging.models import Message
from app.messaging.schemas import MessageOut
from app.notifications.events import Event, EventType
from app.notifications.service import publish
from app.pools.models import Pool
from app.readings.models import READING_FIELDS, PoolValues
from app.users.models import Role, User, UserStatus, utcnow
from app.visits.models import Visit, VisitStatus
from app.visits.schemas import VisitOut

READING_LABELS = {"ph": "pH", "chlorine": "Chlorine (ppm)", "temperature": "Temperature (°C)"}
PREVIEW_CHARACTERS = 200


def _data(schema: type[ApiOutput], document: Any) -> dict[str, Any]:
    return schema.model_validate(document).model_dump(mode="json")


async def _invite_data(invite: Invite, pool: Pool, actor: User) -> dict[str, Any]:
    """The invite as the API shows it, with its pool and owner summaries."""
    owner = actor if actor.id == invite.owner_id else await User.get(invite.owner_id)
    shown = InviteOut.at(invite, utcnow(), pool=pool, owner=owner)
    return shown.model_dump(mode="json")


def _full_name(user: User) -> str:
    return f"{user.name} {user.last_name}"


def _pool_people(pool: Pool) -> tuple[PydanticObjectId, ...]:
    return (pool.owner_id, *pool.technician_ids)


async def alert_raised(*, alert: Alert, pool: Pool, actor_id: PydanticObjectId | None) -> None:
    """A new open alert: the pool's owner and assigned technicians are told."""
    metric = READING_LABELS.get(alert.metric.value, alert.metric.value)
    await publish(
        Event(
            type=EventType.ALERT_RAISED,
            resource_type="alert",
            resource_id=alert.id,
            pool_id=pool.id,
            actor_id=actor_id,
            recipient_ids=_pool_people(pool),
            title=f"{alert.severity.value.title()} alert: {metric} out of range",
            body=(
                f"{metric} read {alert.value:g}, outside the pool's range "
                f"{alert.min:g} to {alert.max:g}."
            ),
            data=_data(AlertOut, alert),
            pool_name=pool.name,
            link_path=f"/pools/{pool.id}",
            link_label="Open the pool",
        )
    )


async def invite_created(
    *, invite: Invite, pool: Pool, actor: User, technician: User | None
) -> None:
    """An invite: the invited technician is told, or the invited address gets a sign-up link."""
    note = f"\n\n{actor.name} wrote: {invite.message}" if invite.message else ""
    place = f" at {pool.address}" if pool.address else ""
    await publish(
        Event(
            type=EventType.INVITE_CREATED,
            resource_type="invite",
            resource_id=invite.id,
            pool_id=pool.id,
            actor_id=actor.id,
            recipient_ids=(technician.id,) if technician else (),
            title="You are invited to service a pool",
            body=f"{_full_name(actor)} invites you to service {pool.name}{place}.{note}",
            data=await _invite_data(invite, pool, actor),
            pool_name=pool.name,
            link_path=f"/invites/{invite.id}",
            link_label="Answer the invite",
            guest_emails=() if technician else (invite.technician_email,),
            guest_link_path=f"/register?invite={invite.id}",
        )
    )


async def _invite_answered(
    *, event_type: EventType, verb: str, invite: Invite, pool: Pool, actor: User
) -> None:
    await publish(
        Event(
            type=event_type,
            resource_type="invite",
            resource_id=invite.id,
            pool_id=pool.id,
            actor_id=actor.id,
            recipient_ids=(pool.owner_id,),
            title=f"Invite {verb}",
            body=f"{invite.technician_email} {verb} the invite to service {pool.name}.",
            data=await _invite_data(invite, pool, actor),
            pool_name=pool.name,
            link_path=f"/pools/{pool.id}",
            link_label="Open the pool",
        )
    )


async def invite_accepted(*, invite: Invite, pool: Pool, actor: User) -> None:
    """The technician accepted: the pool's owner is told."""
    await _invite_answered(
        event_type=EventType.INVITE_ACCEPTED, verb="accepted", invite=invite, pool=pool, actor=actor
    )


async def invite_declined(*, invite: Invite, pool: Pool, actor: User) -> None:
    """The technician declined: the pool's owner is told."""
    await _invite_answered(
        event_type=EventType.INVITE_DECLINED, verb="declined", invite=invite, pool=pool, actor=actor
    )


def _visit_report(visit: Visit, pool_values: PoolValues | None) -> tuple[tuple[str, str], ...]:
    lines: list[tuple[str, str]] = []
    if pool_values is not None:
        for name in READING_FIELDS:
            value = getattr(pool_values, name, None)
            if value is not None:
                lines.append((READING_LABELS.get(name, name), f"{value:g}"))
    if visit.pool_health is not None:
        lines.append(("Pool health", visit.pool_health.value.replace("_", " ")))
    for chemical in visit.chemicals_added:
        lines.append(("Chemical added", f"{chemical.name}: {chemical.amount:g} {chemical.unit}"))
    if visit.observations:
        lines.append(("Observations", visit.observations))
    return tuple(lines)


async def visit_completed(
    *,
    visit: Visit,
    pool: Pool,
    actor_id: PydanticObjectId | None,
    pool_values: PoolValues | None = None,
) -> None:
    """A visit became completed (by any route): the pool's owner gets the service report."""
    if visit.status is not VisitStatus.COMPLETED:
        return
    if pool_values is None and visit.pool_values_id is not None:
        pool_values = await PoolValues.get(visit.pool_values_id)
    when = (visit.visited_at or utcnow()).strftime("%Y-%m-%d %H:%M UTC")
    await publish(
        Event(
            type=EventType.VISIT_COMPLETED,
            resource_type="visit",
            resource_id=visit.id,
            pool_id=pool.id,
            actor_id=actor_id,
            recipient_ids=(pool.owner_id,),
            title="Service report",
            body=f"The visit to {pool.name} on {when} is completed.",
            data=_data(VisitOut, visit),
            pool_name=pool.name,
            details=_visit_report(visit, pool_values),
            link_path=f"/visits/{visit.id}",
            link_label="See the visit",
        )
    )


async def _still_have_access(
    pool: Pool, user_ids: Iterable[PydanticObjectId]
) -> list[PydanticObjectId]:
    """Of `user_ids`, those with pool access now: admins and technicians assigned to the pool."""
    candidates = [user_id for user_id in set(user_ids) if user_id not in _pool_people(pool)]
    if not candidates:
        return []
    admins = await User.find(
        {"_id": {"$in": candidates}, "role": Role.ADMIN, "status": UserStatus.ACTIVE}
    ).to_list()
    return [admin.id for admin in admins]


async def message_posted(*, message: Message, pool: Pool, actor_id: PydanticObjectId) -> None:
    """A message: the pool's owner, its technicians and the thread's earlier authors with access."""
    earlier_authors = await Message.get_motor_collection().distinct(
        "author_id", {"thread_id": message.thread_id}
    )
    recipients = (*_pool_people(pool), *await _still_have_access(pool, earlier_authors))
    preview = message.body[:PREVIEW_CHARACTERS]
    await publish(
        Event(
            type=EventType.MESSAGE_POSTED,
            resource_type="message",
            resource_id=message.id,
            pool_id=pool.id,
            actor_id=actor_id,
            recipient_ids=recipients,
            title="New message",
            body=preview,
            data=_data(MessageOut, message),
            pool_name=pool.name,
            link_path=f"/threads/{message.thread_id}",
            link_label="Open the conversation",
        )
    )


async def invoice_sent(
    *,
    invoice_id: PydanticObjectId,
    owner_id: PydanticObjectId,
    pool_id: PydanticObjectId | None,
    pool_name: str | None,
    actor_id: PydanticObjectId | None,
    number: str,
    total: str,
    data: dict[str, Any],
) -> None:
    """An invoice was sent: its owner is told (billing renders `data`, the Invoice)."""
    await publish(
        Event(
            type=EventType.INVOICE_SENT,
            resource_type="invoice",
            resource_id=invoice_id,
            pool_id=pool_id,
            actor_id=actor_id,
            recipient_ids=(owner_id,),
            title=f"Invoice {number}",
            body=f"Invoice {number} for {total} is ready.",
            data=data,
            pool_name=pool_name,
            link_path=f"/invoices/{invoice_id}",
            link_label="See the invoice",
        )
    )


async def payment_received(
    *,
    payment_id: PydanticObjectId,
    invoice_id: PydanticObjectId,
    owner_id: PydanticObjectId,
    pool_id: PydanticObjectId | None,
    pool_name: str | None,
    actor_id: PydanticObjectId | None,
    number: str,
    amount: str,
    data: dict[str, Any],
) -> None:
    """A payment was recorded: the invoice's owner is told (billing renders `data`, the Payment)."""
    await publish(
        Event(
            type=EventType.PAYMENT_RECEIVED,
            resource_type="payment",
            resource_id=payment_id,
            pool_id=pool_id,
            actor_id=actor_id,
            recipient_ids=(owner_id,),
            title=f"Payment received for invoice {number}",
            body=f"A payment of {amount} was recorded against invoice {number}.",
            data=data,
            pool_name=pool_name,
            link_path=f"/invoices/{invoice_id}",
            link_label="See the invoice",
        )
    )
