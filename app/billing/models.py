"""Invoices, payments and the per-year invoice number counter.

Amounts are integer minor units. Calendar dates are stored as `YYYY-MM-DD` strings: BSON has no
date type, and the ISO form sorts and compares as the dates do.
"""

from datetime import datetime
from enum import StrEnum

from beanie import PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.documents import Document
from app.users.models import utcnow


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    PAID = "paid"
    VOID = "void"


class PaymentMethod(StrEnum):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    CHECK = "check"
    OTHER = "other"


class InvoiceLine(BaseModel):
    description: str
    quantity: int
    unit_price_cents: int
    amount_cents: int
    visit_id: PydanticObjectId | None = None


class Invoice(Document):
    number: str | None = None
    owner_id: PydanticObjectId
    # Snapshots taken at creation: an invoice is a financial record and outlives renames and
    # the deletion of its pool or owner.
    owner_name: str
    pool_id: PydanticObjectId
    pool_name: str
    status: InvoiceStatus = InvoiceStatus.DRAFT
    currency: str
    issued_date: str | None = None
    due_date: str | None = None
    period_start: str
    period_end: str
    lines: list[InvoiceLine]
    subtotal_cents: int
    tax_rate_bps: int
    tax_cents: int
    total_cents: int
    paid_cents: int = 0
    notes: str | None = None
    sent_at: datetime | None = None
    paid_at: datetime | None = None
    voided_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "invoices"
        indexes = [
            IndexModel([("created_at", DESCENDING), ("_id", DESCENDING)], name="created"),
            IndexModel(
                [("owner_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)],
                name="owner_created",
            ),
            IndexModel(
                [("pool_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)],
                name="pool_created",
            ),
            # Statements: an owner's sent invoices by issue date.
            IndexModel(
                [("owner_id", ASCENDING), ("status", ASCENDING), ("issued_date", ASCENDING)],
                name="owner_status_issued",
            ),
        ]


class Payment(Document):
    invoice_id: PydanticObjectId
    owner_id: PydanticObjectId
    amount_cents: int
    method: PaymentMethod
    reference: str
    paid_at: datetime
    recorded_by: PydanticObjectId
    created_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "payments"
        indexes = [
            # A retried payment is caught here, whatever races ahead of it.
            IndexModel(
                [("invoice_id", ASCENDING), ("reference", ASCENDING)],
                unique=True,
                name="invoice_reference_unique",
            ),
            IndexModel([("created_at", DESCENDING), ("_id", DESCENDING)], name="created"),
            IndexModel(
                [("owner_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)],
                name="owner_created",
            ),
            IndexModel([("owner_id", ASCENDING), ("paid_at", ASCENDING)], name="owner_paid"),
        ]


class InvoiceCounter(Document):
    """The last invoice number taken in a year; moved only by an atomic `$inc`."""

    year: int
    sequence: int = 0

    class Settings:
        name = "invoice_counters"
        indexes = [IndexModel([("year", ASCENDING)], unique=True, name="year_unique")]
