"""Load-and-check dependencies for billing routes: visibility first (404), then admin (403)."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import Depends, Path

from app.auth.dependencies import CurrentUser
from app.billing import service
from app.billing.models import Invoice, Payment

InvoiceIdPath = Annotated[PydanticObjectId, Path(alias="invoiceId", description="An invoice id.")]
PaymentIdPath = Annotated[PydanticObjectId, Path(alias="paymentId", description="A payment id.")]
OwnerIdPath = Annotated[PydanticObjectId, Path(alias="ownerId", description="An owner's user id.")]


async def visible_invoice(invoice_id: InvoiceIdPath, user: CurrentUser) -> Invoice:
    """The invoice, if the caller is an admin or its owner once sent (else 404)."""
    return await service.get_visible_invoice(invoice_id=invoice_id, viewer=user)


VisibleInvoice = Annotated[Invoice, Depends(visible_invoice)]


async def managed_invoice(invoice: VisibleInvoice, user: CurrentUser) -> Invoice:
    """The invoice, if the caller is an admin (404 unseen, 403 seen by its owner)."""
    service.ensure_admin(user=user)
    return invoice


ManagedInvoice = Annotated[Invoice, Depends(managed_invoice)]


async def visible_payment(payment_id: PaymentIdPath, user: CurrentUser) -> Payment:
    """The payment, if the caller is an admin or its owner (else 404)."""
    return await service.get_visible_payment(payment_id=payment_id, viewer=user)


VisiblePayment = Annotated[Payment, Depends(visible_payment)]
