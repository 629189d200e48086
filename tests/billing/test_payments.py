"""Payment endpoints (contract section 18): the check order, paid and partial, the undo."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from beanie import PydanticObjectId

from app.audit.models import AuditEvent
from app.billing.models import Invoice, Payment
from app.pools.models import Pool
from tests.billing.conftest import create_invoice, line, pay, sent_invoice
from tests.conftest import problem_code
from tests.factories import make_pool

PAYMENT_FIELDS = {
    "id", "invoiceId", "ownerId", "amountCents", "method", "reference", "paidAt", "recordedBy",
    "createdAt",
}  # fmt: skip


async def invoice_of(client: httpx.AsyncClient, admin, invoice_id: str) -> dict:
    return (await client.get(f"/invoices/{invoice_id}", headers=admin.headers)).json()


class TestCreatePayment:
    async def test_partial_then_full(self, client: httpx.AsyncClient, admin, owner, pool: Pool):
        invoice = await sent_invoice(client, admin, owner, pool, lines=[line(unit=10_000)])
        response = await pay(client, admin, invoice["id"], 2_500, "TRX-1")
        assert response.status_code == 201, response.text
        payment = response.json()
        assert set(payment) == PAYMENT_FIELDS
        assert (payment["amountCents"], payment["ownerId"], payment["recordedBy"]) == (
            2_500,
            str(owner.user.id),
            str(admin.user.id),
        )
        partly = await invoice_of(client, admin, invoice["id"])
        assert (partly["status"], partly["paidCents"], partly["balanceCents"]) == (
            "sent",
            2_500,
            7_500,
        )
        assert partly["paidAt"] is None
        paid_at = "2026-03-20T09:30:00Z"
        response = await client.post(
            "/payments",
            json={
                "invoiceId": invoice["id"],
                "amountCents": 7_500,
                "method": "card",
                "reference": "TRX-2",
                "paidAt": paid_at,
            },
            headers=admin.headers,
        )
        assert response.status_code == 201
        paid = await invoice_of(client, admin, invoice["id"])
        assert (paid["status"], paid["paidCents"], paid["balanceCents"]) == ("paid", 10_000, 0)
        assert paid["paidAt"] == paid_at
        assert await AuditEvent.find({"action": "payment.create"}).count() == 2

    async def test_checks_in_contract_order(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool
    ):
        async def code(invoice_id: str, amount: int, reference: str) -> tuple[int, str | None]:
            response = await pay(client, admin, invoice_id, amount, reference)
            return response.status_code, problem_code(response)

        assert await code(str(PydanticObjectId()), 1, "x") == (404, "invoice_not_found")
        paid = await sent_invoice(client, admin, owner, pool)
        assert (await code(paid["id"], 10_000, "once"))[0] == 201
        # A retry of the payment that paid it: told it is a duplicate, not that it is paid.
        assert await code(paid["id"], 10_000, "once") == (409, "duplicate_payment_reference")
        assert await code(paid["id"], 1, "another") == (409, "invoice_paid")
        void = await sent_invoice(client, admin, owner, pool)
        await client.post(f"/invoices/{void['id']}/void", headers=admin.headers)
        assert await code(void["id"], 1, "v") == (400, "invoice_void")
        draft = await create_invoice(client, admin, owner, pool)
        assert await code(draft["id"], 1, "d") == (409, "invoice_not_sent")
        open_invoice = await sent_invoice(client, admin, owner, pool)
        assert await code(open_invoice["id"], 10_001, "big") == (409, "payment_exceeds_balance")
        assert (await code(open_invoice["id"], 6_000, "first"))[0] == 201
        assert await code(open_invoice["id"], 4_001, "second") == (409, "payment_exceeds_balance")
        # The same reference on another invoice is a different payment.
        assert (await code(open_invoice["id"], 4_000, "once"))[0] == 201

    @pytest.mark.parametrize(
        "change",
        [
            {"amountCents": 0},
            {"amountCents": -5},
            {"amountCents": 10.0},
            {"amountCents": "10"},
            {"method": "bitcoin"},
            {"reference": ""},
            {"reference": "r" * 65},
            {"paidAt": (datetime.now(UTC) + timedelta(hours=25)).isoformat()},
            {"paidAt": "2100-01-01T00:00:00Z"},
            {"invoiceId": "nope"},
            {"extra": 1},
        ],
    )
    async def test_invalid_is_422(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool, change
    ):
        invoice = await sent_invoice(client, admin, owner, pool)
        body = {
            "invoiceId": invoice["id"],
            "amountCents": 100,
            "method": "cash",
            "reference": "r1",
            **change,
        }
        response = await client.post("/payments", json=body, headers=admin.headers)
        assert response.status_code == 422, response.text

    async def test_a_failed_payment_write_gives_the_increment_back(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool, monkeypatch
    ):
        invoice = await sent_invoice(client, admin, owner, pool)
        assert (await pay(client, admin, invoice["id"], 1_000, "ok")).status_code == 201

        async def store_down(self, *args, **kwargs):
            raise OSError("the payment could not be written")

        monkeypatch.setattr(Payment, "insert", store_down)
        response = await pay(client, admin, invoice["id"], 9_000, "lost")
        assert (response.status_code, problem_code(response)) == (500, "internal_error")
        monkeypatch.undo()
        stored = await Invoice.get(PydanticObjectId(invoice["id"]))
        assert stored is not None
        assert (stored.paid_cents, stored.status) == (1_000, "sent")
        # The payment can be recorded again with the same reference once the store is back.
        assert (await pay(client, admin, invoice["id"], 9_000, "lost")).status_code == 201
        assert (await invoice_of(client, admin, invoice["id"]))["status"] == "paid"


class TestReadPayments:
    async def test_owner_sees_own_technician_403(
        self, client: httpx.AsyncClient, admin, owner, other_owner, technician, pool: Pool
    ):
        mine = await sent_invoice(client, admin, owner, pool)
        other_pool = await make_pool(other_owner.user)
        theirs = await sent_invoice(client, admin, other_owner, other_pool)
        my_payment = (await pay(client, admin, mine["id"], 100, "a")).json()
        their_payment = (await pay(client, admin, theirs["id"], 100, "b")).json()
        listed = (await client.get("/payments", headers=owner.headers)).json()
        assert [each["id"] for each in listed["items"]] == [my_payment["id"]]
        everything = (await client.get("/payments", headers=admin.headers)).json()
        assert everything["total"] == 2
        filtered = await client.get(
            "/payments", params={"invoiceId": theirs["id"]}, headers=admin.headers
        )
        assert [each["id"] for each in filtered.json()["items"]] == [their_payment["id"]]
        assert (await client.get("/payments", headers=technician.headers)).status_code == 403
        response = await client.get(f"/payments/{their_payment['id']}", headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (404, "payment_not_found")
        response = await client.get(f"/payments/{my_payment['id']}", headers=owner.headers)
        assert response.status_code == 200
        response = await client.get(f"/payments/{my_payment['id']}", headers=technician.headers)
        assert response.status_code == 404
