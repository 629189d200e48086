"""The rules of billing: invoices and their status machine, payments, customer statements.

Every state change that could race is one conditional update on one document: a visit joins an
invoice only where its `invoiceId` is null, an invoice changes status only from the status it
was read in, and a payment moves `paidCents` only where the total leaves room for it.
"""

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import anyio
from beanie import PydanticObjectId
from beanie.odm.queries.find import FindMany
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from app.audit import service as audit_service
from app.billing import events, money, pdf
from app.billing.exceptions import (
    DuplicatePaymentReference,
    InvoiceHasPayments,
    InvoiceNotDraft,
    InvoiceNotFound,
    InvoiceNotSent,
    InvoicePaid,
    InvoiceVoid,
    NothingToInvoice,
    OwnerHasInvoices,
    PaymentExceedsBalance,
    PaymentNotFound,
    PoolNotOwned,
)
from app.billing.models import (
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceStatus,
    Payment,
)
from app.billing.schemas import (
    MAX_LINES,
    InvoiceCreate,
    InvoiceLineIn,
    InvoiceUpdate,
    PaymentCreate,
    PaymentOut,
    StatementInvoice,
    StatementOut,
)
from app.core.config import Settings
from app.core.errors import Forbidden, InvalidInput
from app.core.queries import all_of, newest_first, oldest_first
from app.pools import service as pools_service
from app.pools.models import Pool
from app.users import service as users_service
from app.users.exceptions import UserNotFound, UserNotOwner
from app.users.models import Role, User, utcnow
from app.visits.exceptions import VisitAlreadyInvoiced
from app.visits.models import Visit, VisitStatus

logger = logging.getLogger(__name__)

NEWEST_FIRST = newest_first("created_at")
PAYMENT_TERMS = timedelta(days=30)
SENT_STATUSES = [InvoiceStatus.SENT, InvoiceStatus.PAID]


def today() -> date:
    """Today in billing: the UTC date."""
    return datetime.now(UTC).date()


# --- pricing visits ---------------------------------------------------------------------------


def visit_local_date(visit: Visit, zone: ZoneInfo) -> date:
    """The date of the visit where the pool is."""
    assert visit.visited_at is not None
    return visit.visited_at.astimezone(zone).date()


# --- shared checks ----------------------------------------------------------------------------


async def billable_pool(*, pool_id: PydanticObjectId, owner: User) -> Pool:
    """The property: 404 if missing, 400 `pool_not_owned` if it belongs to someone else."""
    pool = await pools_service.get(pool_id=pool_id)
    if pool.owner_id != owner.id:
        raise PoolNotOwned
    return pool


def ensure_admin(*, user: User) -> None:
    """Only the operator manages billing (403 for a caller who may see the resource)."""
    if user.role is not Role.ADMIN:
        raise Forbidden("Only an admin manages billing.")


def ensure_billing_reader(*, user: User) -> None:
    """Lists are for admins and owners; a technician has no billing."""
    if user.role is Role.TECHNICIAN:
        raise Forbidden("Technicians have no access to billing.")


def _check_dates(
    *,
    period_start: str,
    period_end: str,
    issued_date: str | None,
    due_date: str | None,
) -> None:
    if period_start > period_end:
        raise InvalidInput(loc=["body", "periodEnd"], msg="periodEnd is before periodStart.")
    if issued_date is not None and due_date is not None and issued_date > due_date:
        raise InvalidInput(loc=["body", "dueDate"], msg="dueDate is before issuedDate.")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _priced(lines: list[InvoiceLine], tax_rate_bps: int) -> dict[str, Any]:
    totals = money.invoice_totals(
        line_amounts=(line.amount_cents for line in lines), tax_rate_bps=tax_rate_bps
    )
    return {
        "lines": lines,
        "tax_rate_bps": tax_rate_bps,
        "subtotal_cents": totals.subtotal_cents,
        "tax_cents": totals.tax_cents,
        "total_cents": totals.total_cents,
    }


def _line(description: str, quantity: int, unit_price_cents: int, visit_id: Any) -> InvoiceLine:
    return InvoiceLine(
        description=description,
        quantity=quantity,
        unit_price_cents=unit_price_cents,
        amount_cents=money.line_amount(quantity=quantity, unit_price_cents=unit_price_cents),
        visit_id=visit_id,
    )


# --- visits on invoices -----------------------------------------------------------------------


async def _claim_visits(
    *,
    invoice_id: PydanticObjectId,
    visit_ids: Iterable[PydanticObjectId],
    still: Callable[[PydanticObjectId], dict[str, Any]] = lambda _: {},
) -> tuple[list[PydanticObjectId], list[PydanticObjectId]]:
    """Put each visit on the invoice where it is on none (and, per visit, `still` holds).

    Returns the claimed visits and the lost ones. Each claim is one conditional update, so a
    visit edited or billed by a concurrent request is never claimed as it was read.
    """
    claimed: list[PydanticObjectId] = []
    lost: list[PydanticObjectId] = []
    collection = Visit.get_motor_collection()
    for visit_id in visit_ids:
        result = await collection.update_one(
            {"_id": visit_id, "invoice_id": None, **still(visit_id)},
            {"$set": {"invoice_id": invoice_id}},
        )
        (claimed if result.modified_count else lost).append(visit_id)
    return claimed, lost


async def _release_visits(
    *, invoice_id: PydanticObjectId, visit_ids: Iterable[PydanticObjectId] | None = None
) -> None:
    """Take visits off the invoice (all of them, or those named), so they can be billed again."""
    query: dict[str, Any] = {"invoice_id": invoice_id}
    if visit_ids is not None:
        query["_id"] = {"$in": list(visit_ids)}
    await Visit.get_motor_collection().update_many(query, {"$set": {"invoice_id": None}})


async def _claim_line_visits(
    *, invoice_id: PydanticObjectId, pool: Pool, visit_ids: list[PydanticObjectId]
) -> None:
    """Claim the visits named by explicit lines: all of them, or none (409)."""
    if len(set(visit_ids)) != len(visit_ids):
        raise InvalidInput(loc=["body", "lines"], msg="A visit can be on one line only.")
    found = await Visit.find({"_id": {"$in": visit_ids}, "pool_id": pool.id}).to_list()
    known = {visit.id for visit in found}
    for visit_id in visit_ids:
        if visit_id not in known:
            raise InvalidInput(
                loc=["body", "lines"], msg=f"No visit of this pool has the id {visit_id}."
            )
    claimed, lost = await _claim_visits(invoice_id=invoice_id, visit_ids=visit_ids)
    if lost:
        await _release_visits(invoice_id=invoice_id, visit_ids=claimed)
        raise VisitAlreadyInvoiced


async def _lines_from_visits(
    *, invoice_id: PydanticObjectId, pool: Pool, data: InvoiceCreate
) -> list[InvoiceLine]:
    """One line per completed, uninvoiced visit of the period, claimed for this invoice."""
    zone = ZoneInfo(pool.timezone)
    start, end = data.period_start, data.period_end
    # A day's visits can lie up to 14 hours either side of the UTC day: widen, then keep the
    # visits whose local date is in the period.
    window = {
        "$gte": datetime.combine(start - timedelta(days=1), time(), UTC),
        "$lt": datetime.combine(end + timedelta(days=2), time(), UTC),
    }
    candidates = await (
        Visit.find(
            {
                "pool_id": pool.id,
                "status": VisitStatus.COMPLETED,
                "invoice_id": None,
                "visited_at": window,
            }
        )
        .sort(oldest_first("visited_at"))
        .to_list()
    )
    in_period = [v for v in candidates if start <= visit_local_date(v, zone) <= end]
    if len(in_period) > MAX_LINES:
        raise InvalidInput(
            loc=["body", "periodEnd"],
            msg=f"The period holds more than {MAX_LINES} visits; bill a shorter period.",
        )
    prices: dict[PydanticObjectId, int] = {}
    for visit in in_period:
        price = data.unit_price_cents
        if price is None:
            price = visit.price_cents  # from its service plan (§15), if any
        if price is None:
            raise InvalidInput(
                loc=["body", "unitPriceCents"],
                msg=f"Visit {visit.id} has no price of its own; give unitPriceCents.",
            )
        prices[visit.id] = price
    read = {visit.id: visit for visit in in_period}
    claimed, _ = await _claim_visits(
        invoice_id=invoice_id,
        visit_ids=prices,
        # Billed as read: still completed, at the same time (an edit in between loses it).
        still=lambda visit_id: {
            "status": VisitStatus.COMPLETED,
            "visited_at": read[visit_id].visited_at,
        },
    )
    if not claimed:
        # Also when another invoice took every visit a moment ago.
        raise NothingToInvoice
    won = set(claimed)
    return [
        _line(
            f"Service visit {visit_local_date(visit, zone).isoformat()}",
            1,
            prices[visit.id],
            visit.id,
        )
        for visit in in_period
        if visit.id in won
    ]


def _explicit_lines(lines: list[InvoiceLineIn]) -> list[InvoiceLine]:
    return [
        _line(line.description, line.quantity, line.unit_price_cents, line.visit_id)
        for line in lines
    ]


# --- invoices ---------------------------------------------------------------------------------


async def create_invoice(*, data: InvoiceCreate, actor: User, settings: Settings) -> Invoice:
    """A draft invoice, from explicit lines or from the pool's completed visits of a period."""
    owner = await pools_service.valid_owner(owner_id=data.owner_id)  # the customer
    pool = await billable_pool(pool_id=data.pool_id, owner=owner)
    invoice_id = PydanticObjectId()
    if data.lines is not None:
        lines = _explicit_lines(data.lines)
        visit_ids = [line.visit_id for line in lines if line.visit_id is not None]
        if visit_ids:
            await _claim_line_visits(invoice_id=invoice_id, pool=pool, visit_ids=visit_ids)
    else:
        lines = await _lines_from_visits(invoice_id=invoice_id, pool=pool, data=data)
    tax_rate = data.tax_rate_bps if data.tax_rate_bps is not None else settings.billing_tax_rate_bps
    invoice = Invoice(
        id=invoice_id,
        owner_id=owner.id,
        owner_name=f"{owner.name} {owner.last_name}",
        pool_id=pool.id,
        pool_name=pool.name,
        currency=settings.billing_currency,
        issued_date=_iso(data.issued_date),
        due_date=_iso(data.due_date),
        period_start=data.period_start.isoformat(),
        period_end=data.period_end.isoformat(),
        notes=data.notes,
        **_priced(lines, tax_rate),
    )
    try:
        await invoice.insert()
    except BaseException:
        await _release_visits(invoice_id=invoice_id)
        raise
    await audit_service.record(
        actor=actor,
        action="invoice.create",
        resource_type="invoice",
        resource_id=invoice.id,
        pool_id=pool.id,
        changes=data.model_fields_set,
    )
    return invoice


def visible_invoices_condition(*, viewer: User) -> dict[str, Any]:
    """What of the invoices the viewer may see: all (admin) or their own sent ones (owner)."""
    if viewer.role is Role.ADMIN:
        return {}
    return {"owner_id": viewer.id, "sent_at": {"$ne": None}}


def list_invoices(
    *,
    viewer: User,
    status: InvoiceStatus | None = None,
    owner_id: PydanticObjectId | None = None,
    pool_id: PydanticObjectId | None = None,
    issued_from: date | None = None,
    issued_to: date | None = None,
) -> FindMany[Invoice]:
    """Invoices the viewer may see, newest first; technicians get 403."""
    ensure_billing_reader(user=viewer)
    bounds = {
        op: value.isoformat()
        for op, value in (("$gte", issued_from), ("$lte", issued_to))
        if value is not None
    }
    filters = {"status": status, "owner_id": owner_id, "pool_id": pool_id}
    query = all_of(
        visible_invoices_condition(viewer=viewer),
        *({field: value} for field, value in filters.items() if value is not None),
        {"issued_date": bounds} if bounds else {},
    )
    return Invoice.find(query).sort(NEWEST_FIRST)


def can_see_invoice(*, viewer: User, invoice: Invoice) -> bool:
    """Admins see every invoice; an owner sees their own once sent; nobody else any."""
    if viewer.role is Role.ADMIN:
        return True
    return viewer.id == invoice.owner_id and invoice.sent_at is not None


async def get_visible_invoice(*, invoice_id: PydanticObjectId, viewer: User) -> Invoice:
    """An invoice the viewer may see, else 404 `invoice_not_found`."""
    invoice = await Invoice.get(invoice_id)
    if invoice is None or not can_see_invoice(viewer=viewer, invoice=invoice):
        raise InvoiceNotFound
    return invoice


def _ensure_draft(invoice: Invoice) -> None:
    if invoice.status is InvoiceStatus.VOID:
        raise InvoiceVoid
    if invoice.status is not InvoiceStatus.DRAFT:
        raise InvoiceNotDraft


async def _reload(invoice_id: PydanticObjectId) -> Invoice:
    invoice = await Invoice.get(invoice_id)
    if invoice is None:
        raise InvoiceNotFound
    return invoice


async def _set_if(
    invoice: Invoice, condition: dict[str, Any], changes: dict[str, Any]
) -> Invoice | None:
    """Apply `changes` only if the invoice still matches `condition`; the updated invoice."""
    stored = {
        name: [line.model_dump() for line in value] if name == "lines" else value
        for name, value in changes.items()
    }
    document = await Invoice.get_motor_collection().find_one_and_update(
        {"_id": invoice.id, **condition},
        {"$set": {**stored, "updated_at": utcnow()}},
        return_document=ReturnDocument.AFTER,
    )
    return None if document is None else Invoice.model_validate(document)


async def update_invoice(*, invoice: Invoice, data: InvoiceUpdate, actor: User) -> Invoice:
    """Change a draft: its lines, period, dates, tax rate or notes; totals are recomputed."""
    _ensure_draft(invoice)
    changes = data.changes()
    if not changes:
        return invoice
    merged = {
        "period_start": invoice.period_start,
        "period_end": invoice.period_end,
        "issued_date": invoice.issued_date,
        "due_date": invoice.due_date,
    }
    for name in merged:
        if name in data.model_fields_set:
            merged[name] = _iso(getattr(data, name))
    period_start, period_end = merged["period_start"], merged["period_end"]
    # The PATCH schema refuses null for the period (only the `nullable_fields` may be cleared).
    assert period_start is not None and period_end is not None
    _check_dates(
        period_start=period_start,
        period_end=period_end,
        issued_date=merged["issued_date"],
        due_date=merged["due_date"],
    )
    update: dict[str, Any] = {name: merged[name] for name in merged if name in changes}
    if "notes" in changes:
        update["notes"] = data.notes
    lines = _explicit_lines(data.lines) if data.lines is not None else invoice.lines
    tax_rate = data.tax_rate_bps if data.tax_rate_bps is not None else invoice.tax_rate_bps
    if data.lines is not None or data.tax_rate_bps is not None:
        update.update(_priced(lines, tax_rate))
    before = {line.visit_id for line in invoice.lines if line.visit_id is not None}
    after = [line.visit_id for line in lines if line.visit_id is not None]
    if len(set(after)) != len(after):
        raise InvalidInput(loc=["body", "lines"], msg="A visit can be on one line only.")
    added = [visit_id for visit_id in after if visit_id not in before]
    removed = before - set(after)
    if added:
        pool = await pools_service.get(pool_id=invoice.pool_id)
        await _claim_line_visits(invoice_id=invoice.id, pool=pool, visit_ids=added)
    updated = await _set_if(invoice, {"status": InvoiceStatus.DRAFT}, update)
    if updated is None:
        await _release_visits(invoice_id=invoice.id, visit_ids=added)
        _ensure_draft(await _reload(invoice.id))
        raise InvoiceNotDraft
    if removed:
        await _release_visits(invoice_id=invoice.id, visit_ids=removed)
    await audit_service.record(
        actor=actor,
        action="invoice.update",
        resource_type="invoice",
        resource_id=invoice.id,
        pool_id=invoice.pool_id,
        changes=changes,
    )
    return updated


async def delete_invoice(*, invoice: Invoice, actor: User) -> None:
    """Delete a draft and free its visits."""
    _ensure_draft(invoice)
    result = await Invoice.get_motor_collection().delete_one(
        {"_id": invoice.id, "status": InvoiceStatus.DRAFT}
    )
    if result.deleted_count == 0:
        _ensure_draft(await _reload(invoice.id))
    await _release_visits(invoice_id=invoice.id)
    await audit_service.record(
        actor=actor,
        action="invoice.delete",
        resource_type="invoice",
        resource_id=invoice.id,
        pool_id=invoice.pool_id,
    )


async def next_invoice_number(*, year: int) -> str:
    """The year's next number, from one atomic `$inc` on the year's counter document."""
    collection = InvoiceCounter.get_motor_collection()
    for _ in range(3):
        try:
            counter = await collection.find_one_and_update(
                {"year": year},
                {"$inc": {"sequence": 1}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
            break
        except DuplicateKeyError:
            # Two first numbers of a year upserted at once: one insert won, retry the $inc on it.
            continue
    else:  # pragma: no cover - a third duplicate upsert in a row cannot happen
        raise RuntimeError("the invoice counter could not be moved")
    return f"INV-{year}-{counter['sequence']:06d}"


async def send_invoice(*, invoice: Invoice, actor: User) -> Invoice:
    """Send a draft: fix its dates, stamp `sentAt`, then take the next number of the year."""
    _ensure_draft(invoice)
    issued = date.fromisoformat(invoice.issued_date) if invoice.issued_date else today()
    due = date.fromisoformat(invoice.due_date) if invoice.due_date else issued + PAYMENT_TERMS
    if due < issued:
        raise InvalidInput(
            loc=["body", "dueDate"], msg="The invoice's dueDate is before its issue date (today)."
        )
    sent = await _set_if(
        invoice,
        {"status": InvoiceStatus.DRAFT},
        {
            "status": InvoiceStatus.SENT,
            "issued_date": issued.isoformat(),
            "due_date": due.isoformat(),
            "sent_at": utcnow(),
        },
    )
    if sent is None:
        _ensure_draft(await _reload(invoice.id))
        raise InvoiceNotDraft
    # Numbered only once the send has won, so a lost race burns no number.
    number = await next_invoice_number(year=issued.year)
    await Invoice.get_motor_collection().update_one({"_id": sent.id}, {"$set": {"number": number}})
    sent.number = number
    await audit_service.record(
        actor=actor,
        action="invoice.send",
        resource_type="invoice",
        resource_id=sent.id,
        pool_id=sent.pool_id,
        changes=["status", "number", "issued_date", "due_date", "sent_at"],
    )
    await events.invoice_sent(invoice=sent, actor=actor)
    return sent


def _ensure_voidable(invoice: Invoice) -> None:
    if invoice.status is InvoiceStatus.VOID:
        raise InvoiceVoid
    if invoice.status is InvoiceStatus.PAID:
        raise InvoicePaid
    if invoice.paid_cents > 0:
        raise InvoiceHasPayments


async def void_invoice(*, invoice: Invoice, actor: User) -> Invoice:
    """Void a draft or a sent invoice without payments, and free its visits."""
    _ensure_voidable(invoice)
    voided = await _set_if(
        invoice,
        {"status": {"$in": [InvoiceStatus.DRAFT, InvoiceStatus.SENT]}, "paid_cents": 0},
        {"status": InvoiceStatus.VOID, "voided_at": utcnow()},
    )
    if voided is None:
        _ensure_voidable(await _reload(invoice.id))
        raise InvoiceHasPayments
    await _release_visits(invoice_id=invoice.id)
    await audit_service.record(
        actor=actor,
        action="invoice.void",
        resource_type="invoice",
        resource_id=invoice.id,
        pool_id=invoice.pool_id,
        changes=["status", "voided_at"],
    )
    return voided


async def invoice_pdf(*, invoice: Invoice) -> bytes:
    """The invoice as a PDF, rendered off the event loop."""
    return await anyio.to_thread.run_sync(pdf.render_invoice, invoice)


async def owner_has_sent_invoices(*, owner_id: PydanticObjectId) -> bool:
    """Whether the owner was ever sent an invoice (their role is then fixed, §2)."""
    return await Invoice.find_one({"owner_id": owner_id, "sent_at": {"$ne": None}}) is not None


async def ensure_role_changeable(*, user: User, new_role: Role) -> None:
    """An owner who has been sent invoices stays an owner: 409 `owner_has_invoices`."""
    leaving = user.role is Role.OWNER and new_role is not Role.OWNER
    if leaving and await owner_has_sent_invoices(owner_id=user.id):
        raise OwnerHasInvoices


# --- payments ---------------------------------------------------------------------------------


def _ensure_payable(invoice: Invoice, amount_cents: int) -> None:
    if invoice.status is InvoiceStatus.VOID:
        raise InvoiceVoid
    if invoice.status is InvoiceStatus.DRAFT:
        raise InvoiceNotSent
    if invoice.status is InvoiceStatus.PAID:
        raise InvoicePaid
    if invoice.paid_cents + amount_cents > invoice.total_cents:
        raise PaymentExceedsBalance


async def _undo_payment(*, invoice_id: PydanticObjectId, amount_cents: int) -> None:
    """Give back an increment whose payment was never written."""
    collection = Invoice.get_motor_collection()
    await collection.update_one({"_id": invoice_id}, {"$inc": {"paid_cents": -amount_cents}})
    # Another payment may have completed the invoice in between, counting this one.
    await collection.update_one(
        {
            "_id": invoice_id,
            "status": InvoiceStatus.PAID,
            "$expr": {"$lt": ["$paid_cents", "$total_cents"]},
        },
        {"$set": {"status": InvoiceStatus.SENT, "paid_at": None}},
    )


async def create_payment(*, data: PaymentCreate, actor: User) -> Payment:
    """Record a payment; the invoice's balance is never overshot, even by concurrent payments."""
    invoice = await Invoice.get(data.invoice_id)
    if invoice is None:
        raise InvoiceNotFound
    if await Payment.find_one({"invoice_id": invoice.id, "reference": data.reference}):
        raise DuplicatePaymentReference
    _ensure_payable(invoice, data.amount_cents)
    amount = data.amount_cents
    collection = Invoice.get_motor_collection()
    moved = await collection.find_one_and_update(
        {
            "_id": invoice.id,
            "status": InvoiceStatus.SENT,
            "$expr": {"$lte": [{"$add": ["$paid_cents", amount]}, "$total_cents"]},
        },
        {"$inc": {"paid_cents": amount}, "$set": {"updated_at": utcnow()}},
        return_document=ReturnDocument.AFTER,
    )
    if moved is None:
        _ensure_payable(await _reload(invoice.id), amount)
        raise PaymentExceedsBalance
    payment = Payment(
        invoice_id=invoice.id,
        owner_id=invoice.owner_id,
        amount_cents=amount,
        method=data.method,
        reference=data.reference,
        paid_at=data.paid_at or utcnow(),
        recorded_by=actor.id,
    )
    try:
        await payment.insert()
    except DuplicateKeyError as exc:
        await _undo_payment(invoice_id=invoice.id, amount_cents=amount)
        raise DuplicatePaymentReference from exc
    except BaseException:
        await _undo_payment(invoice_id=invoice.id, amount_cents=amount)
        raise
    if moved["paid_cents"] == moved["total_cents"]:
        await collection.update_one(
            {
                "_id": invoice.id,
                "status": InvoiceStatus.SENT,
                "$expr": {"$eq": ["$paid_cents", "$total_cents"]},
            },
            {"$set": {"status": InvoiceStatus.PAID, "paid_at": payment.paid_at}},
        )
    await audit_service.record(
        actor=actor,
        action="payment.create",
        resource_type="payment",
        resource_id=payment.id,
        pool_id=invoice.pool_id,
        changes=data.model_fields_set,
    )
    await events.payment_received(payment=payment, invoice=invoice, actor=actor)
    return payment


def list_payments(*, viewer: User, invoice_id: PydanticObjectId | None = None) -> FindMany[Payment]:
    """Payments the viewer may see (admin: all; owner: their own), newest first."""
    ensure_billing_reader(user=viewer)
    query: dict[str, Any] = {}
    if viewer.role is not Role.ADMIN:
        query["owner_id"] = viewer.id
    if invoice_id is not None:
        query["invoice_id"] = invoice_id
    return Payment.find(query).sort(NEWEST_FIRST)


async def get_visible_payment(*, payment_id: PydanticObjectId, viewer: User) -> Payment:
    """A payment of the viewer's (or any, for an admin), else 404 `payment_not_found`."""
    payment = await Payment.get(payment_id)
    if payment is None or (viewer.role is not Role.ADMIN and payment.owner_id != viewer.id):
        raise PaymentNotFound
    return payment


# --- statements -------------------------------------------------------------------------------


async def statement(
    *, owner_id: PydanticObjectId, viewer: User, since: date, until: date, settings: Settings
) -> StatementOut:
    """An owner's account for a date range: opening balance, invoices, payments, closing."""
    if viewer.role is not Role.ADMIN and viewer.id != owner_id:
        raise UserNotFound
    if since > until:
        raise InvalidInput(loc=["query", "to"], msg="`to` is before `from`.")
    owner = await users_service.get(user_id=owner_id)
    if owner.role is not Role.OWNER:
        raise UserNotOwner
    # Two queries for the whole history up to `until`; the split at `from` is arithmetic.
    invoices = await (
        Invoice.find(
            {
                "owner_id": owner.id,
                "status": {"$in": SENT_STATUSES},
                "issued_date": {"$lte": until.isoformat()},
            }
        )
        .sort(oldest_first("issued_date"))
        .to_list()
    )
    payments = await (
        Payment.find(
            {
                "owner_id": owner.id,
                "paid_at": {"$lt": datetime.combine(until + timedelta(days=1), time(), UTC)},
            }
        )
        .sort(oldest_first("paid_at"))
        .to_list()
    )
    start = since.isoformat()
    start_moment = datetime.combine(since, time(), UTC)
    in_range = [invoice for invoice in invoices if (invoice.issued_date or "") >= start]
    payments_in_range = [payment for payment in payments if payment.paid_at >= start_moment]
    invoiced_before = sum(i.total_cents for i in invoices if (i.issued_date or "") < start)
    paid_before = sum(p.amount_cents for p in payments if p.paid_at < start_moment)
    opening = invoiced_before - paid_before
    invoiced = sum(invoice.total_cents for invoice in in_range)
    paid = sum(payment.amount_cents for payment in payments_in_range)
    return StatementOut(
        owner_id=owner.id,
        from_=since,
        to=until,
        currency=settings.billing_currency,
        opening_balance_cents=opening,
        invoices=[StatementInvoice.model_validate(invoice) for invoice in in_range],
        payments=[PaymentOut.model_validate(payment) for payment in payments_in_range],
        invoiced_cents=invoiced,
        paid_cents=paid,
        closing_balance_cents=opening + invoiced - paid,
    )
