"""Errors of the billing domain."""

from app.core.errors import BadRequest, Conflict, NotFound


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"
    detail = "The invoice was not found."


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    detail = "The payment was not found."


class PoolNotOwned(BadRequest):
    code = "pool_not_owned"
    detail = "The pool belongs to another owner."


class NothingToInvoice(BadRequest):
    code = "nothing_to_invoice"
    detail = "No completed, uninvoiced visit of the pool falls in the period."


class InvoiceVoid(BadRequest):
    code = "invoice_void"
    detail = "The invoice is void; nothing more can be done with it."


class InvoiceNotDraft(Conflict):
    code = "invoice_not_draft"
    detail = "Only a draft invoice can be changed, sent or deleted."


class InvoiceNotSent(Conflict):
    code = "invoice_not_sent"
    detail = "The invoice is still a draft; send it before recording payments."


class InvoicePaid(Conflict):
    code = "invoice_paid"
    detail = "The invoice is already paid in full."


class InvoiceHasPayments(Conflict):
    code = "invoice_has_payments"
    detail = "The invoice has payments and cannot be voided."


class PaymentExceedsBalance(Conflict):
    code = "payment_exceeds_balance"
    detail = "The payment is larger than the invoice's open balance."


class DuplicatePaymentReference(Conflict):
    code = "duplicate_payment_reference"
    detail = "A payment with this reference is already recorded on the invoice."


class OwnerHasInvoices(Conflict):
    code = "owner_has_invoices"
    detail = "The owner has sent invoices; their role cannot change."
