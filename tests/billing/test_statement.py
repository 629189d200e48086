"""Owner statements (contract section 18): balances carried across the range."""

import httpx
import pytest

from app.pools.models import Pool
from tests.billing.conftest import create_invoice, line, sent_invoice
from tests.conftest import problem_code
from tests.factories import make_pool


async def record(
    client: httpx.AsyncClient, admin, invoice: dict, cents: int, paid_at: str, ref: str
):
    response = await client.post(
        "/payments",
        json={
            "invoiceId": invoice["id"],
            "amountCents": cents,
            "method": "bank_transfer",
            "reference": ref,
            "paidAt": paid_at,
        },
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text


def statement_url(owner, since: str = "2026-02-01", until: str = "2026-02-28") -> str:
    return f"/owners/{owner.user.id}/statement?from={since}&to={until}"


@pytest.fixture
async def history(client: httpx.AsyncClient, admin, owner, other_owner, pool: Pool) -> dict:
    """January: 100.00 invoiced, 30.00 paid. February: 50.00 invoiced, 20.00 paid.

    Never counted: a draft, an invoice voided after sending, March's invoice, another owner's.
    """
    january = await sent_invoice(client, admin, owner, pool, issuedDate="2026-01-10")
    await record(client, admin, january, 3_000, "2026-01-20T12:00:00Z", "jan")
    february = await sent_invoice(
        client, admin, owner, pool, issuedDate="2026-02-05", lines=[line(unit=5_000)]
    )
    await record(client, admin, february, 2_000, "2026-02-28T23:59:59Z", "feb")
    await record(client, admin, january, 1_000, "2026-03-01T00:00:00Z", "mar")
    await create_invoice(client, admin, owner, pool, issuedDate="2026-02-06")
    voided = await sent_invoice(client, admin, owner, pool, issuedDate="2026-02-07")
    await client.post(f"/invoices/{voided['id']}/void", headers=admin.headers)
    await sent_invoice(client, admin, owner, pool, issuedDate="2026-03-02")
    other_pool = await make_pool(other_owner.user)
    await sent_invoice(client, admin, other_owner, other_pool, issuedDate="2026-02-05")
    return {"january": january, "february": february}


class TestStatement:
    async def test_balances(self, client: httpx.AsyncClient, admin, owner, history: dict):
        response = await client.get(statement_url(owner), headers=owner.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["ownerId"], body["from"], body["to"], body["currency"]) == (
            str(owner.user.id),
            "2026-02-01",
            "2026-02-28",
            "EUR",
        )
        assert body["openingBalanceCents"] == 10_000 - 3_000
        assert [each["id"] for each in body["invoices"]] == [history["february"]["id"]]
        assert body["invoices"][0]["paidCents"] == 2_000
        assert set(body["invoices"][0]) == {
            "id", "number", "poolId", "poolName", "issuedDate", "dueDate", "totalCents",
            "paidCents", "status",
        }  # fmt: skip
        assert [each["reference"] for each in body["payments"]] == ["feb"]
        assert (body["invoicedCents"], body["paidCents"]) == (5_000, 2_000)
        assert body["closingBalanceCents"] == 7_000 + 5_000 - 2_000
        admin_view = await client.get(statement_url(owner), headers=admin.headers)
        assert admin_view.json() == body

    async def test_range_before_any_invoice(self, client: httpx.AsyncClient, owner, history: dict):
        response = await client.get(
            statement_url(owner, "2025-01-01", "2025-12-31"), headers=owner.headers
        )
        body = response.json()
        assert (body["openingBalanceCents"], body["closingBalanceCents"]) == (0, 0)
        assert (body["invoices"], body["payments"]) == ([], [])

    async def test_access_and_checks(
        self, client: httpx.AsyncClient, admin, owner, other_owner, technician
    ):
        for caller in (other_owner, technician):
            response = await client.get(statement_url(owner), headers=caller.headers)
            assert response.status_code == 404
        response = await client.get(statement_url(technician), headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (400, "user_not_owner")
        response = await client.get(
            statement_url(owner, "2026-03-01", "2026-02-01"), headers=admin.headers
        )
        assert response.status_code == 422
        response = await client.get(f"/owners/{owner.user.id}/statement", headers=admin.headers)
        assert response.status_code == 422

    async def test_two_queries_whatever_the_number_of_invoices(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool, store_latency
    ):
        async def store_calls() -> int:
            store_latency.clear()
            response = await client.get(
                statement_url(owner, "2026-01-01", "2026-12-31"), headers=admin.headers
            )
            assert response.status_code == 200
            return len(store_latency)

        await sent_invoice(client, admin, owner, pool, issuedDate="2026-01-10")
        with_one = await store_calls()
        for day in range(11, 16):
            invoice = await sent_invoice(client, admin, owner, pool, issuedDate=f"2026-01-{day}")
            await record(client, admin, invoice, 100, f"2026-01-{day}T10:00:00Z", f"r{day}")
        assert await store_calls() == with_one
