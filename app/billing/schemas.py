"""Invoice, payment and statement bodies. Amounts are strict integers: a float is a 422."""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Self

from beanie import PydanticObjectId
from pydantic import AfterValidator, Field, StringConstraints, model_validator

from app.billing import money
from app.billing.models import Invoice, InvoiceStatus, PaymentMethod
from app.core.schemas import ApiInput, ApiOutput, ObjectIdOut, PartialUpdate, UtcDatetime

MAX_LINES = 100
MAX_QUANTITY = 10_000
MAX_UNIT_PRICE_CENTS = 100_000_000
# The largest invoice: every line at its maximum, taxed at 100%.
MAX_AMOUNT_CENTS = 2 * MAX_LINES * MAX_QUANTITY * MAX_UNIT_PRICE_CENTS
FIRST_DATE = date(1970, 1, 1)
LAST_DATE = date(2099, 12, 31)
RECORDED_FUTURE_LIMIT = timedelta(hours=24)


def _in_calendar(value: date) -> date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError("Dates must lie between 1970-01-01 and 2099-12-31.")
    return value


def _not_far_future(value: datetime) -> datetime:
    if value > datetime.now(UTC) + RECORDED_FUTURE_LIMIT:
        raise ValueError("A time that already happened may be at most 24 hours in the future.")
    return value


BillingDate = Annotated[date, AfterValidator(_in_calendar)]
RecordedAt = Annotated[UtcDatetime, AfterValidator(_not_far_future)]
Quantity = Annotated[int, Field(strict=True, ge=1, le=MAX_QUANTITY)]
UnitPriceCents = Annotated[int, Field(strict=True, ge=0, le=MAX_UNIT_PRICE_CENTS)]
TaxRateBps = Annotated[int, Field(strict=True, ge=0, le=money.BASIS_POINTS)]
Notes = Annotated[str, StringConstraints(max_length=2000)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class InvoiceLineIn(ApiInput):
    """A line as the client sends it; the server computes `amountCents`."""

    description: Description
    quantity: Quantity
    unit_price_cents: UnitPriceCents
    visit_id: PydanticObjectId | None = None


Lines = Annotated[list[InvoiceLineIn], Field(min_length=1, max_length=MAX_LINES)]


def _check_order(earlier: date | None, later: date | None, *, message: str) -> None:
    if earlier is not None and later is not None and earlier > later:
        raise ValueError(message)


class InvoiceCreate(ApiInput):
    owner_id: PydanticObjectId
    pool_id: PydanticObjectId
    period_start: BillingDate
    period_end: BillingDate
    issued_date: BillingDate | None = None
    due_date: BillingDate | None = None
    tax_rate_bps: TaxRateBps | None = Field(
        default=None, description="Defaults to BILLING_TAX_RATE_BPS."
    )
    notes: Notes | None = None
    lines: Lines | None = None
    from_visits: bool | None = Field(
        default=None,
        description="Bill the pool's completed, uninvoiced visits of the period, one line each.",
    )
    unit_price_cents: UnitPriceCents | None = Field(
        default=None,
        description="With `fromVisits`: the price of each visit (else the visit's own price).",
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.lines is not None) == bool(self.from_visits):
            raise ValueError("Give exactly one of `lines` and `fromVisits: true`.")
        if self.unit_price_cents is not None and not self.from_visits:
            raise ValueError("`unitPriceCents` prices visits; it goes with `fromVisits: true`.")
        _check_order(self.period_start, self.period_end, message="periodStart is after periodEnd.")
        _check_order(self.issued_date, self.due_date, message="issuedDate is after dueDate.")
        return self


class InvoiceUpdate(PartialUpdate):
    nullable_fields = frozenset({"issued_date", "due_date", "notes"})

    lines: Lines | None = None
    period_start: BillingDate | None = None
    period_end: BillingDate | None = None
    issued_date: BillingDate | None = None
    due_date: BillingDate | None = None
    tax_rate_bps: TaxRateBps | None = None
    notes: Notes | None = None


class InvoiceLineOut(ApiOutput):
    description: str
    quantity: int
    unit_price_cents: int
    amount_cents: int
    visit_id: ObjectIdOut | None


class InvoiceOut(ApiOutput):
    id: ObjectIdOut
    number: str | None
    owner_id: ObjectIdOut
    owner_name: str
    pool_id: ObjectIdOut
    pool_name: str
    status: InvoiceStatus
    currency: str
    issued_date: date | None
    due_date: date | None
    period_start: date
    period_end: date
    lines: list[InvoiceLineOut]
    subtotal_cents: int
    tax_rate_bps: int
    tax_cents: int
    total_cents: int
    paid_cents: int
    balance_cents: int
    notes: str | None
    sent_at: UtcDatetime | None
    paid_at: UtcDatetime | None
    voided_at: UtcDatetime | None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, invoice: Invoice) -> "InvoiceOut":
        """The invoice as the API shows it, with its balance."""
        balance = money.balance(
            total_cents=invoice.total_cents,
            paid_cents=invoice.paid_cents,
            void=invoice.status is InvoiceStatus.VOID,
        )
        return cls.model_validate({**invoice.model_dump(), "balance_cents": balance})


class PaymentCreate(ApiInput):
    invoice_id: PydanticObjectId
    amount_cents: Annotated[int, Field(strict=True, gt=0, le=MAX_AMOUNT_CENTS)]
    method: PaymentMethod
    reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    paid_at: RecordedAt | None = Field(default=None, description="Defaults to now.")


class PaymentOut(ApiOutput):
    id: ObjectIdOut
    invoice_id: ObjectIdOut
    owner_id: ObjectIdOut
    amount_cents: int
    method: PaymentMethod
    reference: str
    paid_at: UtcDatetime
    recorded_by: ObjectIdOut
    created_at: UtcDatetime


class StatementInvoice(ApiOutput):
    id: ObjectIdOut
    number: str | None
    pool_id: ObjectIdOut
    pool_name: str
    issued_date: date | None
    due_date: date | None
    total_cents: int
    paid_cents: int
    status: InvoiceStatus


class StatementOut(ApiOutput):
    owner_id: ObjectIdOut
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    currency: str
    opening_balance_cents: int
    invoices: list[StatementInvoice]
    payments: list[PaymentOut]
    invoiced_cents: int
    paid_cents: int
    closing_balance_cents: int
