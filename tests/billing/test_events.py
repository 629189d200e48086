"""The billing events the notifications fan-out receives: who is told and what the data is."""

import httpx

from app.billing import events
from app.billing.models import Invoice, Payment
from app.notifications.events import EventType
from app.pools.models import Pool
from tests.billing.conftest import pay, sent_invoice


async def test_invoice_sent_and_payment_received(
    client: httpx.AsyncClient, admin, owner, pool: Pool
):
    sent = await sent_invoice(client, admin, owner, pool, issuedDate="2026-03-31")
    payment = (await pay(client, admin, sent["id"], 2_500, "TRX-1")).json()
    invoice = await Invoice.get(sent["id"])
    stored_payment = await Payment.get(payment["id"])
    assert invoice is not None and stored_payment is not None

    event = events.invoice_sent_event(invoice=invoice, actor=admin.user)
    assert (event.type, event.resource_type, str(event.resource_id)) == (
        EventType.INVOICE_SENT,
        "invoice",
        sent["id"],
    )
    assert (event.pool_id, event.actor_id, event.recipient_ids) == (
        pool.id,
        admin.user.id,
        (owner.user.id,),
    )
    assert "INV-2026-000001" in event.title and "100.00 EUR" in event.body
    assert event.data["number"] == "INV-2026-000001"
    assert event.data["balanceCents"] == 7_500

    event = events.payment_received_event(payment=stored_payment, invoice=invoice, actor=admin.user)
    assert (event.type, event.resource_type, str(event.resource_id)) == (
        EventType.PAYMENT_RECEIVED,
        "payment",
        payment["id"],
    )
    assert event.recipient_ids == (owner.user.id,)
    assert "25.00 EUR" in event.body
    assert event.data == payment
