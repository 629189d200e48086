"""`GET /invoices/{invoiceId}/pdf`: the text a reader extracts holds every figure of the invoice."""

from io import BytesIO

import httpx
from pypdf import PdfReader

from app.pools.models import Pool
from tests.billing.conftest import create_invoice, line, pay, sent_invoice


def pdf_text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)


async def test_a_sent_invoice(client: httpx.AsyncClient, admin, owner, pool: Pool):
    invoice = await sent_invoice(
        client,
        admin,
        owner,
        pool,
        issuedDate="2026-03-31",
        lines=[line("Weekly care", 4, 123_456), line("Filter cartridge", 1, 2_999)],
        taxRateBps=2_100,
    )
    assert (await pay(client, admin, invoice["id"], 100_000, "TRX-9")).status_code == 201
    text = pdf_text(await client.get(f"/invoices/{invoice['id']}/pdf", headers=owner.headers))
    # 4 x 1,234.56 = 4,938.24; + 29.99 = 4,968.23; 21% = 1,043.3283 -> 1,043.33; total 6,011.56
    for expected in (
        "Invoice INV-2026-000001",
        f"{owner.user.name} {owner.user.last_name}",
        pool.name,
        "2026-03-01 to 2026-03-31",
        "Weekly care",
        "1,234.56 EUR",
        "4,938.24 EUR",
        "Filter cartridge",
        "29.99 EUR",
        "4,968.23 EUR",
        "Tax (21.00%)",
        "1,043.33 EUR",
        "6,011.56 EUR",
        "1,000.00 EUR",
        "5,011.56 EUR",
    ):
        assert expected in text, f"{expected!r} not in the PDF text:\n{text}"
    assert (invoice["totalCents"], invoice["taxCents"]) == (601_156, 104_333)


async def test_a_draft_says_draft_and_is_hidden_from_the_owner(
    client: httpx.AsyncClient, admin, owner, pool: Pool
):
    draft = await create_invoice(client, admin, owner, pool)
    text = pdf_text(await client.get(f"/invoices/{draft['id']}/pdf", headers=admin.headers))
    assert "DRAFT" in text
    assert "INV-" not in text
    response = await client.get(f"/invoices/{draft['id']}/pdf", headers=owner.headers)
    assert response.status_code == 404


async def test_characters_outside_the_font_do_not_fail(
    client: httpx.AsyncClient, admin, owner, pool: Pool
):
    draft = await create_invoice(
        client,
        admin,
        owner,
        pool,
        lines=[line("Nettoyage \u2713 \u6c34 \u2013 été")],
        notes="Merci \u263a",
    )
    text = pdf_text(await client.get(f"/invoices/{draft['id']}/pdf", headers=admin.headers))
    assert "Nettoyage" in text and "été" in text
