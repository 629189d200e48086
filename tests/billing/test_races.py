"""Billing under concurrency: requests gathered against a store that yields between calls."""

import asyncio

import httpx
from beanie import PydanticObjectId

from app.billing.models import Invoice, Payment
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
from tests.billing.test_invoices import march
from tests.conftest import problem_code


async def test_twenty_concurrent_sends_take_twenty_consecutive_numbers(
    client: httpx.AsyncClient, admin, owner, pool: Pool, store_latency
):
    drafts = [
        await create_invoice(client, admin, owner, pool, issuedDate="2026-05-01") for _ in range(20)
    ]
    store_latency.clear()
    responses = await asyncio.gather(
        *(client.post(f"/invoices/{draft['id']}/send", headers=admin.headers) for draft in drafts)
    )
    assert len({id(task) for task in store_latency}) > 1, "the sends did not interleave"
    assert [response.status_code for response in responses] == [200] * 20
    numbers = sorted(response.json()["number"] for response in responses)
    assert numbers == [f"INV-2026-{sequence:06d}" for sequence in range(1, 21)]


async def test_a_send_racing_itself_burns_no_number(
    client: httpx.AsyncClient, admin, owner, pool: Pool, store_latency
):
    draft = await create_invoice(client, admin, owner, pool, issuedDate="2026-05-01")
    responses = await asyncio.gather(
        *(client.post(f"/invoices/{draft['id']}/send", headers=admin.headers) for _ in range(5))
    )
    assert sorted(response.status_code for response in responses) == [200, 409, 409, 409, 409]
    follower = await sent_invoice(client, admin, owner, pool, issuedDate="2026-05-02")
    assert follower["number"] == "INV-2026-000002"


async def test_two_payments_of_sixty_percent_one_wins(
    client: httpx.AsyncClient, admin, owner, pool: Pool, store_latency
):
    invoice = await sent_invoice(client, admin, owner, pool, lines=[line(unit=10_000)])
    responses = await asyncio.gather(
        pay(client, admin, invoice["id"], 6_000, "first"),
        pay(client, admin, invoice["id"], 6_000, "second"),
    )
    outcomes = sorted((response.status_code, problem_code(response)) for response in responses)
    assert outcomes == [(201, None), (409, "payment_exceeds_balance")]
    stored = await Invoice.get(PydanticObjectId(invoice["id"]))
    assert stored is not None and stored.paid_cents == 6_000
    assert await Payment.find({"invoice_id": stored.id}).count() == 1


async def test_many_payments_never_pass_the_total(
    client: httpx.AsyncClient, admin, owner, pool: Pool, store_latency
):
    invoice = await sent_invoice(client, admin, owner, pool, lines=[line(unit=10_000)])
    responses = await asyncio.gather(
        *(pay(client, admin, invoice["id"], 3_000, f"p{n}") for n in range(6))
    )
    assert sorted(response.status_code for response in responses) == [201] * 3 + [409] * 3
    stored = await Invoice.get(PydanticObjectId(invoice["id"]))
    assert stored is not None and (stored.paid_cents, stored.status) == (9_000, "sent")


async def test_the_same_payment_twice_at_once_is_recorded_once(
    client: httpx.AsyncClient, admin, owner, pool: Pool, store_latency
):
    invoice = await sent_invoice(client, admin, owner, pool, lines=[line(unit=10_000)])
    responses = await asyncio.gather(
        pay(client, admin, invoice["id"], 1_000, "same"),
        pay(client, admin, invoice["id"], 1_000, "same"),
    )
    outcomes = sorted((response.status_code, problem_code(response)) for response in responses)
    assert outcomes == [(201, None), (409, "duplicate_payment_reference")]
    stored = await Invoice.get(PydanticObjectId(invoice["id"]))
    assert stored is not None and stored.paid_cents == 1_000


async def test_concurrent_invoices_from_the_same_visits_bill_each_visit_once(
    client: httpx.AsyncClient, admin, owner, technician, pool: Pool, store_latency
):
    visits = [await completed_visit(pool, technician.user, march(day)) for day in (3, 10, 17)]
    body = invoice_body(owner, pool, lines=None, fromVisits=True, unitPriceCents=5_000)
    responses = await asyncio.gather(
        *(client.post("/invoices", json=body, headers=admin.headers) for _ in range(3))
    )
    created = [response.json() for response in responses if response.status_code == 201]
    refused = [problem_code(response) for response in responses if response.status_code != 201]
    assert set(refused) <= {"nothing_to_invoice"}
    billed = [each["visitId"] for invoice in created for each in invoice["lines"]]
    assert sorted(billed) == sorted(str(visit.id) for visit in visits)
    for invoice in created:
        for each in invoice["lines"]:
            stored = await Visit.get(PydanticObjectId(each["visitId"]))
            assert stored is not None and str(stored.invoice_id) == invoice["id"]


async def test_a_visit_named_by_two_invoices_at_once_lands_on_one(
    client: httpx.AsyncClient, admin, owner, technician, pool: Pool, store_latency
):
    visit = await completed_visit(pool, technician.user, march(3))
    body = invoice_body(owner, pool, lines=[line(visitId=str(visit.id))])
    responses = await asyncio.gather(
        *(client.post("/invoices", json=body, headers=admin.headers) for _ in range(2))
    )
    outcomes = sorted((response.status_code, problem_code(response)) for response in responses)
    assert outcomes == [(201, None), (409, "visit_already_invoiced")]
    assert await Invoice.find({}).count() == 1


async def test_cancelling_a_visit_while_it_is_billed(
    client: httpx.AsyncClient, admin, owner, technician, pool: Pool, store_latency
):
    visit = await completed_visit(pool, technician.user, march(3))
    body = invoice_body(owner, pool, lines=None, fromVisits=True, unitPriceCents=5_000)
    billed, cancelled = await asyncio.gather(
        client.post("/invoices", json=body, headers=admin.headers),
        client.patch(f"/visits/{visit.id}", json={"status": "cancelled"}, headers=owner.headers),
    )
    stored = await Visit.get(visit.id)
    assert stored is not None
    # Exactly one wins: a billed visit stays completed; a cancelled one is billed by nobody.
    if billed.status_code == 201:
        assert problem_code(cancelled) == "visit_already_invoiced"
        assert stored.status == "completed" and stored.invoice_id is not None
    else:
        assert cancelled.status_code == 200
        assert stored.status == "cancelled" and stored.invoice_id is None


async def test_voiding_while_a_payment_arrives(
    client: httpx.AsyncClient, admin, owner, pool: Pool, store_latency
):
    invoice = await sent_invoice(client, admin, owner, pool, lines=[line(unit=10_000)])
    voided, paid = await asyncio.gather(
        client.post(f"/invoices/{invoice['id']}/void", headers=admin.headers),
        pay(client, admin, invoice["id"], 4_000, "late"),
    )
    stored = await Invoice.get(PydanticObjectId(invoice["id"]))
    assert stored is not None
    # Never a void invoice with money on it: one of the two is refused.
    if voided.status_code == 200:
        assert (paid.status_code, problem_code(paid)) == (400, "invoice_void")
        assert (stored.status, stored.paid_cents) == ("void", 0)
    else:
        assert (voided.status_code, problem_code(voided)) == (409, "invoice_has_payments")
        assert paid.status_code == 201
        assert (stored.status, stored.paid_cents) == ("sent", 4_000)
