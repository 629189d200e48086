"""Invoices are financial records: no cascade removes them, and they keep their snapshots."""

import httpx

from app.billing.models import Invoice
from app.pools.models import Pool
from app.users.models import Role
from tests.billing.conftest import create_invoice, sent_invoice
from tests.conftest import problem_code
from tests.factories import make_user


async def test_deleting_the_pool_and_the_owner_keeps_the_invoices(
    client: httpx.AsyncClient, admin, owner, pool: Pool
):
    sent = await sent_invoice(client, admin, owner, pool)
    draft = await create_invoice(client, admin, owner, pool)
    await client.patch(f"/pools/{pool.id}", json={"name": "Renamed"}, headers=owner.headers)
    response = await client.delete(f"/pools/{pool.id}", headers=owner.headers)
    assert response.status_code == 204
    response = await client.delete(f"/users/{owner.user.id}", headers=admin.headers)
    assert response.status_code == 200, response.text
    assert await Invoice.find({"owner_id": owner.user.id}).count() == 2
    for invoice in (sent, draft):
        kept = (await client.get(f"/invoices/{invoice['id']}", headers=admin.headers)).json()
        assert kept["ownerName"] == f"{owner.user.name} {owner.user.last_name}"
        assert kept["poolName"] == pool.name
    statement = await client.get(
        f"/owners/{owner.user.id}/statement?from=2000-01-01&to=2099-12-31", headers=admin.headers
    )
    assert statement.json()["closingBalanceCents"] == sent["totalCents"]


async def test_an_owner_with_sent_invoices_keeps_the_role(
    client: httpx.AsyncClient, admin, owner, pool: Pool, settings
):
    await sent_invoice(client, admin, owner, pool)
    response = await client.patch(
        f"/users/{owner.user.id}", json={"role": "technician"}, headers=admin.headers
    )
    assert (response.status_code, problem_code(response)) == (409, "owner_has_invoices")
    # An owner with neither pools nor invoices may change role.
    newcomer = await make_user(settings, role=Role.OWNER)
    response = await client.patch(
        f"/users/{newcomer.id}", json={"role": "technician"}, headers=admin.headers
    )
    assert response.status_code == 200
