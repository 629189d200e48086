"""The invoice as a PDF, drawn with fpdf2.

fpdf2 is pure Python (no system libraries to install in the image), maintained, and writes text
that PDF readers and `pypdf` extract as written. Amounts are formatted by `money.format_amount`
from integers: no float reaches the page.
"""

from fpdf import FPDF

from app.billing import money
from app.billing.models import Invoice, InvoiceStatus

# fpdf2's core fonts cover Latin-1; other characters are shown as "?" rather than failing (a
# Unicode font would need a font file shipped with the app).
FONT_ENCODING = "latin-1"
COLUMNS = ((95, "Description", "L"), (20, "Qty", "R"), (35, "Unit price", "R"), (40, "Amount", "R"))


def _text(value: object) -> str:
    return str(value).encode(FONT_ENCODING, "replace").decode(FONT_ENCODING)


def invoice_title(invoice: Invoice) -> str:
    """`Invoice INV-2026-000001`, or `DRAFT` before the invoice is sent."""
    if invoice.number is None:
        return "DRAFT" if invoice.status is not InvoiceStatus.VOID else "DRAFT (VOID)"
    suffix = " (VOID)" if invoice.status is InvoiceStatus.VOID else ""
    return f"Invoice {invoice.number}{suffix}"


def render_invoice(invoice: Invoice) -> bytes:
    """Number (or DRAFT), owner, pool, period, lines, tax and totals with the currency."""
    pdf = FPDF(format="A4")
    pdf.set_title(_text(invoice_title(invoice)))
    pdf.set_creator("Poolia")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _text(invoice_title(invoice)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    facts = [
        ("Billed to", invoice.owner_name),
        ("Pool", invoice.pool_name),
        ("Period", f"{invoice.period_start} to {invoice.period_end}"),
        ("Issued", invoice.issued_date or "-"),
        ("Due", invoice.due_date or "-"),
        ("Status", invoice.status.value),
    ]
    for label, value in facts:
        pdf.cell(30, 6, _text(f"{label}:"))
        pdf.cell(0, 6, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    for width, heading, align in COLUMNS:
        pdf.cell(width, 7, heading, border="B", align=align)
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)

    def amount(cents: int) -> str:
        return money.format_amount(cents, invoice.currency)

    for line in invoice.lines:
        cells = (line.description, str(line.quantity), amount(line.unit_price_cents))
        values = (*cells, amount(line.amount_cents))
        for (width, _, align), value in zip(COLUMNS, values, strict=True):
            pdf.cell(width, 6, _text(value)[:60], align=align)
        pdf.ln()
    pdf.ln(2)
    rate = invoice.tax_rate_bps
    totals = [
        ("Subtotal", amount(invoice.subtotal_cents)),
        (f"Tax ({rate // 100}.{rate % 100:02d}%)", amount(invoice.tax_cents)),
        ("Total", amount(invoice.total_cents)),
        ("Paid", amount(invoice.paid_cents)),
        (
            "Balance due",
            amount(
                money.balance(
                    total_cents=invoice.total_cents,
                    paid_cents=invoice.paid_cents,
                    void=invoice.status is InvoiceStatus.VOID,
                )
            ),
        ),
    ]
    for label, value in totals:
        pdf.cell(150, 6, _text(label), align="R")
        pdf.cell(40, 6, _text(value), align="R", new_x="LMARGIN", new_y="NEXT")
    if invoice.notes:
        pdf.ln(4)
        pdf.multi_cell(0, 5, _text(invoice.notes))
    return bytes(pdf.output())
