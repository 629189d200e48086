"""Billing helpers: completed visits inserted directly, invoices and payments through the API."""

from datetime import UTC, datetime
from typing import Any

import httpx

from app.pools.models import Pool
from app.users.models import User
from app.visits.models import Visit, VisitStatus
from tests.conftest import Caller

PERIOD = {"periodStart": "2026-03-01", "periodEnd": "2026-03-31"}


def line(description: str = "Pool service", quantity: int = 1, unit: int = 10_000, **extra: Any):
    """An invoice line as a client sends it."""
    return {"description": description, "quantity": quantity, "unitPriceCents": unit, **extra}


async def completed_visit(pool: Pool, technician: User, visited_at: datetime) -> Visit:
    """A completed visit of `pool`, straight into the store."""
    visit = Visit(
        pool_id=pool.id,
        technician_id=technician.id,
        status=VisitStatus.COMPLETED,
        visited_at=visited_at.astimezone(UTC),
    )
    visit.refresh_occurs_at()
    await visit.insert()
    return visit


def invoice_body(owner: Caller, pool: Pool, **fields: Any) -> dict[str, Any]:
    """A minimal valid `POST /invoices` body with one line, overridable field by field."""
    body: dict[str, Any] = {
        "ownerId": str(owner.user.id),
        "poolId": str(pool.id),
        **PERIOD,
        "lines": [line()],
    }
    body.update(fields)
    return {key: value for key, value in body.items() if value is not None}


async def create_invoice(
    client: httpx.AsyncClient, admin: Caller, owner: Caller, pool: Pool, **fields: Any
) -> dict[str, Any]:
    """A draft invoice created by the admin."""
    response = await client.post(
        "/invoices", json=invoice_body(owner, pool, **fields), headers=admin.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def sent_invoice(
    client: httpx.AsyncClient, admin: Caller, owner: Caller, pool: Pool, **fields: Any
) -> dict[str, Any]:
    """An invoice created and sent by the admin."""
    draft = await create_invoice(client, admin, owner, pool, **fields)
    response = await client.post(f"/invoices/{draft['id']}/send", headers=admin.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def pay(
    client: httpx.AsyncClient, admin: Caller, invoice_id: str, amount: int, reference: str
) -> httpx.Response:
    """Record a bank transfer against the invoice."""
    return await client.post(
        "/payments",
        json={
            "invoiceId": invoice_id,
            "amountCents": amount,
            "method": "bank_transfer",
            "reference": reference,
        },
        headers=admin.headers,
    )
