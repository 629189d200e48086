"""The billing events (§17): `invoice.sent` and `payment.received`, told to the invoice's owner.

These two functions are the only call sites billing has for notifications. Each builds the
`Event` and hands it to `publish_event`, the one line to wire to the notifications fan-out.
"""

import logging

from app.billing import money
from app.billing.models import Invoice, Payment
from app.billing.schemas import InvoiceOut, PaymentOut
from app.notifications.events import Event, EventType
from app.users.models import User

logger = logging.getLogger(__name__)


def invoice_sent_event(*, invoice: Invoice, actor: User | None) -> Event:
    """`invoice.sent`: the owner is told the number, the total and when it is due."""
    total = money.format_amount(invoice.total_cents, invoice.currency)
    return Event(
        type=EventType.INVOICE_SENT,
        resource_type="invoice",
        resource_id=invoice.id,
        pool_id=invoice.pool_id,
        actor_id=actor.id if actor else None,
        recipient_ids=(invoice.owner_id,),
        title=f"Invoice {invoice.number} for {invoice.pool_name}",
        body=f"Invoice {invoice.number} of {total} is due on {invoice.due_date}.",
        data=InvoiceOut.of(invoice).model_dump(mode="json", by_alias=True),
    )


def payment_received_event(*, payment: Payment, invoice: Invoice, actor: User | None) -> Event:
    """`payment.received`: the owner is told the amount and the invoice it went to."""
    amount = money.format_amount(payment.amount_cents, invoice.currency)
    return Event(
        type=EventType.PAYMENT_RECEIVED,
        resource_type="payment",
        resource_id=payment.id,
        pool_id=invoice.pool_id,
        actor_id=actor.id if actor else None,
        recipient_ids=(invoice.owner_id,),
        title=f"Payment received for {invoice.pool_name}",
        body=f"We received {amount} for invoice {invoice.number} (reference {payment.reference}).",
        data=PaymentOut.model_validate(payment).model_dump(mode="json", by_alias=True),
    )


async def publish_event(event: Event) -> None:
    """Hand an event to the notifications fan-out (§17). MERGE: call its `publish(event)` here."""
    logger.info(
        "billing event",
        extra={"event": event.type.value, "resource_id": str(event.resource_id)},
    )


async def invoice_sent(*, invoice: Invoice, actor: User | None) -> None:
    """Tell the owner their invoice was sent."""
    await publish_event(invoice_sent_event(invoice=invoice, actor=actor))


async def payment_received(*, payment: Payment, invoice: Invoice, actor: User | None) -> None:
    """Tell the owner their payment was recorded."""
    await publish_event(payment_received_event(payment=payment, invoice=invoice, actor=actor))
