"""Invoice endpoints (contract section 18): creation, reading, the status machine, visits.

`admin` bills `owner` for `pool`; `other_owner` owns nothing here; `technician` is assigned to
`pool`. Amounts are integers of cents throughout.
"""

from datetime import UTC, datetime

import httpx
import pytest
from beanie import PydanticObjectId

from app.audit.models import AuditEvent
from app.pools.models import Pool
from app.visits.models import Visit
from tests.billing.conftest import (
    completed_visit,
    create_invoice,
    invoice_body,
    line,
    pay,
    sent_invoice,
)
from tests.conftest import problem_code
from tests.factories import make_pool

INVOICE_FIELDS = {
    "id", "number", "ownerId", "ownerName", "poolId", "poolName", "status", "currency",
    "issuedDate", "dueDate", "periodStart", "periodEnd", "lines", "subtotalCents", "taxRateBps",
    "taxCents", "totalCents", "paidCents", "balanceCents", "notes", "sentAt", "paidAt",
    "voidedAt", "createdAt", "updatedAt",
}  # fmt: skip
UNKNOWN_ID = str(PydanticObjectId())


def march(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


async def visit_invoice_id(visit: Visit) -> PydanticObjectId | None:
    stored = await Visit.get(visit.id)
    assert stored is not None
    return stored.invoice_id


class TestCreateInvoice:
    async def test_explicit_lines(self, client: httpx.AsyncClient, admin, owner, pool: Pool):
        body = invoice_body(
            owner,
            pool,
            lines=[line("Weekly care", 2, 1_234), line("Filter cartridge", 1, 999)],
            taxRateBps=2_100,
            notes="Thank you.",
        )
        response = await client.post("/invoices", json=body, headers=admin.headers)
        assert response.status_code == 201, response.text
        invoice = response.json()
        assert set(invoice) == INVOICE_FIELDS
        # 3,467 · 21% = 728.07 -> 728
        assert (invoice["subtotalCents"], invoice["taxCents"], invoice["totalCents"]) == (
            3_467,
            728,
            4_195,
        )
        assert [each["amountCents"] for each in invoice["lines"]] == [2_468, 999]
        assert invoice["lines"][0] == {
            "description": "Weekly care",
            "quantity": 2,
            "unitPriceCents": 1_234,
            "amountCents": 2_468,
            "visitId": None,
        }
        assert invoice["status"] == "draft"
        assert invoice["number"] is None
        assert invoice["currency"] == "EUR"
        assert invoice["ownerName"] == f"{owner.user.name} {owner.user.last_name}"
        assert invoice["poolName"] == pool.name
        assert (invoice["paidCents"], invoice["balanceCents"]) == (0, 4_195)
        assert (invoice["periodStart"], invoice["periodEnd"]) == ("2026-03-01", "2026-03-31")
        assert invoice["sentAt"] is None
        event = await AuditEvent.find_one({"action": "invoice.create"})
        assert event is not None and event.resource_id == invoice["id"]

    async def test_tax_rounds_half_up(self, client: httpx.AsyncClient, admin, owner, pool: Pool):
        # 50 · 10% = 5.0; 5 · 10% = 0.5 -> 1; 4 · 10% = 0.4 -> 0
        for unit, tax in ((50, 5), (5, 1), (4, 0)):
            invoice = await create_invoice(
                client, admin, owner, pool, lines=[line(unit=unit)], taxRateBps=1_000
            )
            assert invoice["taxCents"] == tax

    async def test_default_tax_rate_is_the_setting(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool, settings
    ):
        invoice = await create_invoice(client, admin, owner, pool)
        assert invoice["taxRateBps"] == settings.billing_tax_rate_bps == 0

    @pytest.mark.parametrize(
        "change",
        [
            {"lines": [line(amountCents=10_000)]},
            {"subtotalCents": 10_000},
            {"totalCents": 10_000},
            {"taxCents": 0},
            {"lines": [line(quantity=1.0)]},
            {"lines": [line(unit=10.5)]},
            {"lines": [line(unit="1000")]},
            {"lines": [line(quantity=0)]},
            {"lines": [line(quantity=10_001)]},
            {"lines": [line(unit=-1)]},
            {"lines": [line(unit=100_000_001)]},
            {"lines": [line() for _ in range(101)]},
            {"lines": []},
            {"taxRateBps": 10_001},
            {"taxRateBps": 21.5},
            {"lines": None},
            {"fromVisits": True},
            {"fromVisits": False, "lines": None},
            {"unitPriceCents": 100},
            {"periodStart": "2026-04-01"},
            {"issuedDate": "2026-04-02", "dueDate": "2026-04-01"},
            {"periodEnd": "2026-02-30"},
            {"periodEnd": "2100-01-01"},
            {"ownerId": "not-an-id"},
        ],
    )
    async def test_invalid_body_is_422(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool, change
    ):
        body = {**invoice_body(owner, pool), **change}
        body = {key: value for key, value in body.items() if value is not None}
        response = await client.post("/invoices", json=body, headers=admin.headers)
        assert response.status_code == 422, response.text
        assert problem_code(response) == "validation_error"

    async def test_exactly_100_lines(self, client: httpx.AsyncClient, admin, owner, pool: Pool):
        invoice = await create_invoice(
            client, admin, owner, pool, lines=[line(quantity=10_000, unit=100_000_000)] * 100
        )
        assert invoice["totalCents"] == 100 * 10_000 * 100_000_000

    async def test_owner_then_pool_checks(
        self, client: httpx.AsyncClient, admin, owner, other_owner, technician, pool: Pool
    ):
        async def code(**fields) -> tuple[int, str | None]:
            body = invoice_body(owner, pool, **fields)
            response = await client.post("/invoices", json=body, headers=admin.headers)
            return response.status_code, problem_code(response)

        assert await code(ownerId=UNKNOWN_ID, poolId=UNKNOWN_ID) == (404, "user_not_found")
        assert await code(ownerId=str(technician.user.id), poolId=UNKNOWN_ID) == (
            400,
            "user_not_owner",
        )
        assert await code(poolId=UNKNOWN_ID) == (404, "pool_not_found")
        assert await code(ownerId=str(other_owner.user.id)) == (400, "pool_not_owned")

    async def test_from_visits(
        self, client: httpx.AsyncClient, admin, owner, technician, pool: Pool
    ):
        first = await completed_visit(pool, technician.user, march(5))
        second = await completed_visit(pool, technician.user, march(31, 23))
        outside = await completed_visit(
            pool, technician.user, datetime(2026, 4, 1, 0, 30, tzinfo=UTC)
        )
        invoice = await create_invoice(
            client, admin, owner, pool, lines=None, fromVisits=True, unitPriceCents=4_500
        )
        assert [(each["description"], each["visitId"]) for each in invoice["lines"]] == [
            ("Service visit 2026-03-05", str(first.id)),
            ("Service visit 2026-03-31", str(second.id)),
        ]
        assert {each["amountCents"] for each in invoice["lines"]} == {4_500}
        assert invoice["subtotalCents"] == 9_000
        assert await visit_invoice_id(first) == PydanticObjectId(invoice["id"])
        assert await visit_invoice_id(outside) is None
        response = await client.get(f"/visits/{first.id}", headers=admin.headers)
        assert response.json()["invoiceId"] == invoice["id"]

    async def test_from_visits_needs_a_price(
        self, client: httpx.AsyncClient, admin, owner, technician, pool: Pool
    ):
        visit = await completed_visit(pool, technician.user, march(5))
        body = invoice_body(owner, pool, lines=None, fromVisits=True)
        response = await client.post("/invoices", json=body, headers=admin.headers)
        assert response.status_code == 422
        assert await visit_invoice_id(visit) is None

    async def test_nothing_to_invoice(
        self, client: httpx.AsyncClient, admin, owner, technician, pool: Pool
    ):
        await completed_visit(pool, technician.user, datetime(2026, 2, 27, tzinfo=UTC))
        body = invoice_body(owner, pool, lines=None, fromVisits=True, unitPriceCents=100)
        response = await client.post("/invoices", json=body, headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (400, "nothing_to_invoice")

    async def test_from_visits_skips_invoiced_visits(
        self, client: httpx.AsyncClient, admin, owner, technician, pool: Pool
    ):
        await completed_visit(pool, technician.user, march(5))
        await create_invoice(
            client, admin, owner, pool, lines=None, fromVisits=True, unitPriceCents=1
        )
        body = invoice_body(owner, pool, lines=None, fromVisits=True, unitPriceCents=1)
        response = await client.post("/invoices", json=body, headers=admin.headers)
        assert problem_code(response) == "nothing_to_invoice"

    async def test_line_with_an_invoiced_visit_is_409_and_claims_nothing(
        self, client: httpx.AsyncClient, admin, owner, technician, pool: Pool
    ):
        taken = await completed_visit(pool, technician.user, march(5))
        free = await completed_visit(pool, technician.user, march(6))
        await create_invoice(client, admin, owner, pool, lines=[line(visitId=str(taken.id))])
        body = invoice_body(
            owner, pool, lines=[line(visitId=str(free.id)), line(visitId=str(taken.id))]
        )
        response = await client.post("/invoices", json=body, headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (409, "visit_already_invoiced")
        assert await visit_invoice_id(free) is None

    async def test_line_with_a_visit_of_another_pool_is_422(
        self, client: httpx.AsyncClient, admin, owner, technician, pool: Pool
    ):
        elsewhere = await make_pool(owner.user, technicians=[technician.user])
        visit = await completed_visit(elsewhere, technician.user, march(5))
        body = invoice_body(owner, pool, lines=[line(visitId=str(visit.id))])
        response = await client.post("/invoices", json=body, headers=admin.headers)
        assert response.status_code == 422


class TestReadInvoices:
    async def test_owner_never_sees_drafts(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool
    ):
        draft = await create_invoice(client, admin, owner, pool)
        voided = await create_invoice(client, admin, owner, pool)
        await client.post(f"/invoices/{voided['id']}/void", headers=admin.headers)
        sent = await sent_invoice(client, admin, owner, pool)
        for hidden in (draft, voided):
            response = await client.get(f"/invoices/{hidden['id']}", headers=owner.headers)
            assert (response.status_code, problem_code(response)) == (404, "invoice_not_found")
        listed = (await client.get("/invoices", headers=owner.headers)).json()
        assert [each["id"] for each in listed["items"]] == [sent["id"]]
        assert listed["total"] == 1
        everything = (await client.get("/invoices", headers=admin.headers)).json()
        assert everything["total"] == 3

    async def test_owner_sees_an_invoice_voided_after_sending(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool
    ):
        sent = await sent_invoice(client, admin, owner, pool)
        await client.post(f"/invoices/{sent['id']}/void", headers=admin.headers)
        response = await client.get(f"/invoices/{sent['id']}", headers=owner.headers)
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["balanceCents"]) == ("void", 0)

    async def test_others_get_404_and_technicians_403_on_lists(
        self, client: httpx.AsyncClient, admin, owner, other_owner, technician, pool: Pool
    ):
        sent = await sent_invoice(client, admin, owner, pool)
        for caller in (other_owner, technician):
            response = await client.get(f"/invoices/{sent['id']}", headers=caller.headers)
            assert response.status_code == 404
        assert (await client.get("/invoices", headers=other_owner.headers)).json()["total"] == 0
        response = await client.get("/invoices", headers=technician.headers)
        assert response.status_code == 403

    async def test_filters(self, client: httpx.AsyncClient, admin, owner, pool: Pool):
        march_invoice = await sent_invoice(client, admin, owner, pool, issuedDate="2026-03-10")
        april_invoice = await sent_invoice(client, admin, owner, pool, issuedDate="2026-04-10")
        await create_invoice(client, admin, owner, pool)

        async def ids(**params) -> list[str]:
            response = await client.get("/invoices", params=params, headers=admin.headers)
            assert response.status_code == 200, response.text
            return [each["id"] for each in response.json()["items"]]

        assert await ids(status="sent") == [april_invoice["id"], march_invoice["id"]]
        assert await ids(**{"from": "2026-03-10", "to": "2026-03-10"}) == [march_invoice["id"]]
        assert await ids(**{"from": "2026-03-11"}) == [april_invoice["id"]]
        assert len(await ids(ownerId=str(owner.user.id), poolId=str(pool.id))) == 3
        response = await client.get(
            "/invoices", params={"from": "2026-13-01"}, headers=admin.headers
        )
        assert response.status_code == 422


class TestSendInvoice:
    async def test_numbers_dates_and_audit(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool
    ):
        first = await sent_invoice(client, admin, owner, pool, issuedDate="2026-03-31")
        second = await sent_invoice(client, admin, owner, pool, issuedDate="2026-04-01")
        last_year = await sent_invoice(client, admin, owner, pool, issuedDate="2025-12-31")
        assert (first["number"], second["number"]) == ("INV-2026-000001", "INV-2026-000002")
        assert last_year["number"] == "INV-2025-000001"
        assert (first["status"], first["issuedDate"], first["dueDate"]) == (
            "sent",
            "2026-03-31",
            "2026-04-30",
        )
        assert first["sentAt"] is not None
        assert await AuditEvent.find({"action": "invoice.send"}).count() == 3

    async def test_issued_today_by_default(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool
    ):
        invoice = await sent_invoice(client, admin, owner, pool)
        today = datetime.now(UTC).date()
        assert invoice["issuedDate"] == today.isoformat()
        assert invoice["number"] == f"INV-{today.year}-000001"

    async def test_due_date_before_today_is_422(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool
    ):
        draft = await create_invoice(client, admin, owner, pool, dueDate="2020-01-01")
        response = await client.post(f"/invoices/{draft['id']}/send", headers=admin.headers)
        assert response.status_code == 422
        stored = (await client.get(f"/invoices/{draft['id']}", headers=admin.headers)).json()
        assert stored["status"] == "draft"

    async def test_illegal_sends(self, client: httpx.AsyncClient, admin, owner, pool: Pool):
        sent = await sent_invoice(client, admin, owner, pool)
        response = await client.post(f"/invoices/{sent['id']}/send", headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (409, "invoice_not_draft")
        await client.post(f"/invoices/{sent['id']}/void", headers=admin.headers)
        response = await client.post(f"/invoices/{sent['id']}/send", headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (400, "invoice_void")
        response = await client.post(f"/invoices/{UNKNOWN_ID}/send", headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (404, "invoice_not_found")

    async def test_owner_of_a_sent_invoice_gets_403(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool
    ):
        sent = await sent_invoice(client, admin, owner, pool)
        response = await client.post(f"/invoices/{sent['id']}/void", headers=owner.headers)
        assert response.status_code == 403


class TestVoidInvoice:
    async def test_void_frees_visits_and_keeps_the_number(
        self, client: httpx.AsyncClient, admin, owner, technician, pool: Pool
    ):
        visit = await completed_visit(pool, technician.user, march(5))
        sent = await sent_invoice(client, admin, owner, pool, lines=[line(visitId=str(visit.id))])
        response = await client.post(f"/invoices/{sent['id']}/void", headers=admin.headers)
        assert response.status_code == 200
        voided = response.json()
        assert (voided["status"], voided["number"]) == ("void", sent["number"])
        assert voided["voidedAt"] is not None
        assert await visit_invoice_id(visit) is None
        assert await AuditEvent.find_one({"action": "invoice.void"}) is not None
        # The freed visit can be billed again.
        again = await create_invoice(
            client, admin, owner, pool, lines=[line(visitId=str(visit.id))]
        )
        assert await visit_invoice_id(visit) == PydanticObjectId(again["id"])

    async def test_illegal_voids_in_order(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool
    ):
        partly = await sent_invoice(client, admin, owner, pool)
        assert (await pay(client, admin, partly["id"], 1_000, "part")).status_code == 201
        response = await client.post(f"/invoices/{partly['id']}/void", headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (409, "invoice_has_payments")
        assert (await pay(client, admin, partly["id"], 9_000, "rest")).status_code == 201
        response = await client.post(f"/invoices/{partly['id']}/void", headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (409, "invoice_paid")
        draft = await create_invoice(client, admin, owner, pool)
        assert (
            await client.post(f"/invoices/{draft['id']}/void", headers=admin.headers)
        ).is_success
        response = await client.post(f"/invoices/{draft['id']}/void", headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (400, "invoice_void")


class TestUpdateInvoice:
    async def test_lines_recompute_and_visits_move(
        self, client: httpx.AsyncClient, admin, owner, technician, pool: Pool
    ):
        kept = await completed_visit(pool, technician.user, march(5))
        dropped = await completed_visit(pool, technician.user, march(6))
        added = await completed_visit(pool, technician.user, march(7))
        draft = await create_invoice(
            client,
            admin,
            owner,
            pool,
            lines=[line(visitId=str(kept.id)), line(visitId=str(dropped.id))],
        )
        response = await client.patch(
            f"/invoices/{draft['id']}",
            json={
                "lines": [
                    line(unit=333, visitId=str(kept.id)),
                    line(unit=667, visitId=str(added.id)),
                ],
                "taxRateBps": 5_000,
                "notes": "Corrected prices.",
            },
            headers=admin.headers,
        )
        assert response.status_code == 200, response.text
        updated = response.json()
        assert (updated["subtotalCents"], updated["taxCents"], updated["totalCents"]) == (
            1_000,
            500,
            1_500,
        )
        assert updated["notes"] == "Corrected prices."
        owner_id = PydanticObjectId(draft["id"])
        assert await visit_invoice_id(kept) == owner_id
        assert await visit_invoice_id(added) == owner_id
        assert await visit_invoice_id(dropped) is None
        assert await AuditEvent.find_one({"action": "invoice.update"}) is not None

    async def test_tax_rate_alone_recomputes(
        self, client: httpx.AsyncClient, admin, owner, pool: Pool
    ):
        draft = await create_invoice(client, admin, owner, pool)
        response = await client.patch(
            f"/invoices/{draft['id']}", json={"taxRateBps": 2_000}, headers=admin.headers
        )
        assert (response.json()["taxCents"], response.json()["totalCents"]) == (2_000, 12_000)

    @pytest.mark.parametrize(
        "body",
        [
            {"periodEnd": "2026-02-01"},
            {"dueDate": "2026-01-01", "issuedDate": "2026-02-01"},
            {"lines": [line(amountCents=1)]},
            {"totalCents": 1},
            {"periodStart": None},
        ],
    )
    async def test_invalid_is_422(self, client: httpx.AsyncClient, admin, owner, pool: Pool, body):
        draft = await create_invoice(client, admin, owner, pool)
        response = await client.patch(f"/invoices/{draft['id']}", json=body, headers=admin.headers)
        assert response.status_code == 422, response.text

    async def test_only_drafts(self, client: httpx.AsyncClient, admin, owner, pool: Pool):
        sent = await sent_invoice(client, admin, owner, pool)
        response = await client.patch(
            f"/invoices/{sent['id']}", json={"notes": "x"}, headers=admin.headers
        )
        assert (response.status_code, problem_code(response)) == (409, "invoice_not_draft")
        await client.post(f"/invoices/{sent['id']}/void", headers=admin.headers)
        response = await client.patch(
            f"/invoices/{sent['id']}", json={"notes": "x"}, headers=admin.headers
        )
        assert (response.status_code, problem_code(response)) == (400, "invoice_void")


class TestDeleteInvoice:
    async def test_deleting_a_draft_frees_its_visits(
        self, client: httpx.AsyncClient, admin, owner, technician, pool: Pool
    ):
        visit = await completed_visit(pool, technician.user, march(5))
        draft = await create_invoice(
            client, admin, owner, pool, lines=[line(visitId=str(visit.id))]
        )
        response = await client.delete(f"/invoices/{draft['id']}", headers=admin.headers)
        assert response.status_code == 204
        assert await visit_invoice_id(visit) is None
        response = await client.get(f"/invoices/{draft['id']}", headers=admin.headers)
        assert response.status_code == 404
        assert await AuditEvent.find_one({"action": "invoice.delete"}) is not None

    async def test_only_drafts(self, client: httpx.AsyncClient, admin, owner, pool: Pool):
        sent = await sent_invoice(client, admin, owner, pool)
        response = await client.delete(f"/invoices/{sent['id']}", headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (409, "invoice_not_draft")
        await client.post(f"/invoices/{sent['id']}/void", headers=admin.headers)
        response = await client.delete(f"/invoices/{sent['id']}", headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (400, "invoice_void")


class TestInvoicedVisits:
    async def test_an_invoiced_visit_keeps_its_status_time_and_existence(
        self, client: httpx.AsyncClient, admin, owner, technician, pool: Pool
    ):
        visit = await completed_visit(pool, technician.user, march(5))
        await create_invoice(client, admin, owner, pool, lines=[line(visitId=str(visit.id))])
        for body in ({"status": "cancelled"}, {"visitedAt": "2026-03-06T10:00:00Z"}):
            response = await client.patch(f"/visits/{visit.id}", json=body, headers=owner.headers)
            assert (response.status_code, problem_code(response)) == (409, "visit_already_invoiced")
        response = await client.delete(f"/visits/{visit.id}", headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (409, "visit_already_invoiced")
        response = await client.patch(
            f"/visits/{visit.id}", json={"observations": "Noted."}, headers=owner.headers
        )
        assert response.status_code == 200
        stored = await Visit.get(visit.id)
        assert stored is not None and stored.status == "completed"


class TestVisitDates:
    async def test_a_visit_counts_on_its_date_where_the_pool_is(
        self, client: httpx.AsyncClient, admin, owner, technician, pool: Pool
    ):
        await pool.set({"timezone": "Pacific/Auckland"})
        # 2026-02-28 12:00Z is 2026-03-01 01:00 in Auckland; 2026-03-31 11:30Z is 2026-04-01 00:30.
        early = await completed_visit(pool, technician.user, datetime(2026, 2, 28, 12, tzinfo=UTC))
        late = await completed_visit(
            pool, technician.user, datetime(2026, 3, 31, 11, 30, tzinfo=UTC)
        )
        invoice = await create_invoice(
            client, admin, owner, pool, lines=None, fromVisits=True, unitPriceCents=100
        )
        assert [(each["description"], each["visitId"]) for each in invoice["lines"]] == [
            ("Service visit 2026-03-01", str(early.id))
        ]
        assert await visit_invoice_id(late) is None
