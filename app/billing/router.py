"""Billing endpoints: invoices, payments and owner statements (§18)."""

from datetime import date
from typing import Annotated

from beanie import PydanticObjectId
from fastapi import APIRouter, Query, Response

from app.auth.dependencies import AdminUser, CurrentUser
from app.billing import service
from app.billing.dependencies import ManagedInvoice, OwnerIdPath, VisibleInvoice, VisiblePayment
from app.billing.models import InvoiceStatus
from app.billing.schemas import (
    InvoiceCreate,
    InvoiceOut,
    InvoiceUpdate,
    PaymentCreate,
    PaymentOut,
    StatementOut,
)
from app.core.dependencies import SettingsDep
from app.core.errors import problem_responses
from app.core.pagination import Pagination, paginate, paginate_documents
from app.core.schemas import Page

router = APIRouter(tags=["billing"])


@router.post(
    "/invoices",
    status_code=201,
    response_model=InvoiceOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def create_invoice(
    data: InvoiceCreate, actor: AdminUser, settings: SettingsDep
) -> InvoiceOut:
    """Draft an invoice from explicit lines or from a period's completed visits (admin)."""
    return InvoiceOut.of(await service.create_invoice(data=data, actor=actor, settings=settings))


@router.get(
    "/invoices", response_model=Page[InvoiceOut], responses=problem_responses(401, 403, 422)
)
async def list_invoices(
    viewer: CurrentUser,
    page: Pagination,
    status: InvoiceStatus | None = None,
    owner_id: Annotated[PydanticObjectId | None, Query(alias="ownerId")] = None,
    pool_id: Annotated[PydanticObjectId | None, Query(alias="poolId")] = None,
    issued_from: Annotated[date | None, Query(alias="from")] = None,
    issued_to: Annotated[date | None, Query(alias="to")] = None,
) -> Page[InvoiceOut]:
    """Invoices, newest first (admin: all; an owner: their own sent ones; technicians 403)."""
    query = service.list_invoices(
        viewer=viewer,
        status=status,
        owner_id=owner_id,
        pool_id=pool_id,
        issued_from=issued_from,
        issued_to=issued_to,
    )
    return await paginate_documents(query, page, InvoiceOut.of)


@router.get(
    "/invoices/{invoiceId}", response_model=InvoiceOut, responses=problem_responses(401, 404, 422)
)
async def read_invoice(invoice: VisibleInvoice) -> InvoiceOut:
    """One invoice (admin, its owner once sent)."""
    return InvoiceOut.of(invoice)


@router.patch(
    "/invoices/{invoiceId}",
    response_model=InvoiceOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def update_invoice(
    invoice: ManagedInvoice, data: InvoiceUpdate, actor: CurrentUser
) -> InvoiceOut:
    """Change a draft invoice; totals are recomputed (admin)."""
    return InvoiceOut.of(await service.update_invoice(invoice=invoice, data=data, actor=actor))


@router.delete(
    "/invoices/{invoiceId}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def delete_invoice(invoice: ManagedInvoice, actor: CurrentUser) -> Response:
    """Delete a draft invoice and free its visits (admin)."""
    await service.delete_invoice(invoice=invoice, actor=actor)
    return Response(status_code=204)


@router.post(
    "/invoices/{invoiceId}/send",
    response_model=InvoiceOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def send_invoice(invoice: ManagedInvoice, actor: CurrentUser) -> InvoiceOut:
    """Send a draft: number it, date it and tell the owner (admin)."""
    return InvoiceOut.of(await service.send_invoice(invoice=invoice, actor=actor))


@router.post(
    "/invoices/{invoiceId}/void",
    response_model=InvoiceOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def void_invoice(invoice: ManagedInvoice, actor: CurrentUser) -> InvoiceOut:
    """Void a draft or a sent invoice without payments, freeing its visits (admin)."""
    return InvoiceOut.of(await service.void_invoice(invoice=invoice, actor=actor))


@router.get(
    "/invoices/{invoiceId}/pdf",
    response_class=Response,
    responses={
        200: {
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The invoice as a PDF.",
        },
        **problem_responses(401, 404, 422),
    },
)
async def invoice_pdf(invoice: VisibleInvoice) -> Response:
    """The invoice as a PDF (admin, its owner once sent)."""
    content = await service.invoice_pdf(invoice=invoice)
    name = invoice.number or f"draft-{invoice.id}"
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
    )


@router.post(
    "/payments",
    status_code=201,
    response_model=PaymentOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def create_payment(data: PaymentCreate, actor: AdminUser) -> PaymentOut:
    """Record a payment against a sent invoice (admin); never past its total."""
    return PaymentOut.model_validate(await service.create_payment(data=data, actor=actor))


@router.get(
    "/payments", response_model=Page[PaymentOut], responses=problem_responses(401, 403, 422)
)
async def list_payments(
    viewer: CurrentUser,
    page: Pagination,
    invoice_id: Annotated[PydanticObjectId | None, Query(alias="invoiceId")] = None,
) -> Page[PaymentOut]:
    """Payments, newest first (admin: all; an owner: their own; technicians 403)."""
    query = service.list_payments(viewer=viewer, invoice_id=invoice_id)
    return await paginate(query, page, PaymentOut)


@router.get(
    "/payments/{paymentId}", response_model=PaymentOut, responses=problem_responses(401, 404, 422)
)
async def read_payment(payment: VisiblePayment) -> PaymentOut:
    """One payment (admin, its owner)."""
    return PaymentOut.model_validate(payment)


@router.get(
    "/owners/{ownerId}/statement",
    response_model=StatementOut,
    responses=problem_responses(400, 401, 404, 422),
)
async def owner_statement(
    owner_id: OwnerIdPath,
    viewer: CurrentUser,
    settings: SettingsDep,
    since: Annotated[date, Query(alias="from")],
    until: Annotated[date, Query(alias="to")],
) -> StatementOut:
    """An owner's statement: opening balance, invoices and payments in range, closing balance
    (admin, that owner)."""
    return await service.statement(
        owner_id=owner_id, viewer=viewer, since=since, until=until, settings=settings
    )
