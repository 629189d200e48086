"""The billing events (§17): `invoice.sent` and `payment.received`, told to the invoice's owner.

The only call sites billing has for notifications: each renders the resource as the API shows it
and hands the plain values to its event function in `app/notifications/emit.py`.
"""

from app.billing import money
from app.billing.models import Invoice, Payment
from app.billing.schemas import InvoiceOut, PaymentOut
from app.notifications import emit
from app.users.models import User


async def invoice_sent(*, invoice: Invoice, actor: User | None) -> None:
    """Tell the owner their invoice was sent: its number, total and data."""
    assert invoice.number is not None  # numbers are assigned on send
    await emit.invoice_sent(
        invoice_id=invoice.id,
        owner_id=invoice.owner_id,
        pool_id=invoice.pool_id,
        pool_name=invoice.pool_name,
        actor_id=actor.id if actor else None,
        number=invoice.number,
        total=money.format_amount(invoice.total_cents, invoice.currency),
        data=InvoiceOut.of(invoice).model_dump(mode="json", by_alias=True),
    )


async def payment_received(*, payment: Payment, invoice: Invoice, actor: User | None) -> None:
    """Tell the owner their payment was recorded against the invoice."""
    assert invoice.number is not None  # only sent invoices take payments
    await emit.payment_received(
        payment_id=payment.id,
        invoice_id=invoice.id,
        owner_id=invoice.owner_id,
        pool_id=invoice.pool_id,
        pool_name=invoice.pool_name,
        actor_id=actor.id if actor else None,
        number=invoice.number,
        amount=money.format_amount(payment.amount_cents, invoice.currency),
        data=PaymentOut.model_validate(payment).model_dump(mode="json", by_alias=True),
    )
