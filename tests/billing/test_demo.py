"""The demo data shows billing: one sent invoice with a partial payment, so a balance is open."""

from app.billing.models import Invoice, InvoiceStatus, Payment
from app.core.config import Settings
from app.main import create_app
from app.visits.models import Visit


async def test_demo_has_a_sent_invoice_with_a_partial_payment(settings: Settings):
    demo_settings = settings.model_copy(update={"demo_data": True})
    application = create_app(demo_settings)
    async with application.router.lifespan_context(application):
        invoices = await Invoice.find({}).to_list()
        assert len(invoices) == 1
        invoice = invoices[0]
        assert invoice.status is InvoiceStatus.SENT and invoice.number is not None
        assert 0 < invoice.paid_cents < invoice.total_cents
        billed = await Visit.find({"invoice_id": invoice.id}).count()
        assert billed >= 5 and len(invoice.lines) == billed
        payments = await Payment.find({"invoice_id": invoice.id}).to_list()
        assert sum(payment.amount_cents for payment in payments) == invoice.paid_cents
