"""Demo data for `make run`: loaded only when DEMO_DATA is set, never on a plain start."""

import io
import logging
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from fastapi import UploadFile
from PIL import Image

from app.billing import service as billing_service
from app.billing.models import Invoice, PaymentMethod
from app.billing.schemas import InvoiceCreate, PaymentCreate
from app.core.config import Settings
from app.core.storage import BlobStorage
from app.invites import service as invites_service
from app.invites.schemas import InviteCreate, PoolInviteCreate
from app.messaging import service as messaging_service
from app.messaging.models import MessageType, Thread
from app.messaging.schemas import MessageCreate, ThreadCreate
from app.plans import service as plans_service
from app.plans.models import ServicePlan
from app.plans.schedule import local_to_utc
from app.plans.schemas import ServicePlanCreate
from app.pools import service as pools_service
from app.pools.models import Pool, PoolType
from app.pools.schemas import PoolCreate
from app.users import service as users_service
from app.users.models import Role, User, utcnow
from app.users.schemas import UserCreate
from app.visits import workflow
from app.visits.models import Task, Visit, occurrence_key
from app.visits.schemas import VisitComplete, VisitRecord
from app.webhooks import service as webhooks_service
from app.webhooks.models import Webhook

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "poolia-demo-2026"
DEMO_USERS = {
    "admin": ("Ada", "Admin", "admin@demo.poolia.dev", Role.ADMIN),
    "owner": ("Olivia", "Owner", "owner@demo.poolia.dev", Role.OWNER),
    "technician": ("Theo", "Technician", "tech@demo.poolia.dev", Role.TECHNICIAN),
    "invited": ("Tessa", "Technician", "tech2@demo.poolia.dev", Role.TECHNICIAN),
}

# Invited by the demo owner before having an account: registering as a technician attaches it.
NEW_TECHNICIAN_EMAIL = "newtech@demo.poolia.dev"


async def _demo_user(settings: Settings, name: str, last_name: str, email: str, role: Role) -> User:
    existing = await users_service.get_by_email(email=email)
    if existing is not None:
        return existing
    data = UserCreate(
        name=name, last_name=last_name, email=email, password=DEMO_PASSWORD, role=role
    )
    return await users_service.create(data=data, settings=settings, actor=None)


async def _demo_pool(admin: User, owner: User, technician: User, invited: User) -> Pool:
    pool = await Pool.find_one({"owner_id": owner.id, "name": "Villa Azul"})
    if pool is not None:
        return pool
    pool = await pools_service.create(
        data=PoolCreate(
            name="Villa Azul",
            address="12 Harbour Road",
            volume_liters=48_000,
            pool_type=PoolType.SALTWATER,
            notes="Demo pool: the gate code is on the shed.",
            timezone="Europe/Madrid",
        ),
        actor=owner,
    )
    accepted = await invites_service.create(
        data=InviteCreate(pool_id=pool.id, technician_id=technician.id, message="Weekly care?"),
        actor=admin,
    )
    await invites_service.accept(invite=accepted, actor=technician)
    await invites_service.create(
        data=InviteCreate(pool_id=pool.id, technician_id=invited.id, message="Cover for Theo?"),
        actor=admin,
    )
    # An address with no account yet: its email (in the log) carries the registration link.
    await invites_service.create_for_pool(
        pool=pool,
        data=PoolInviteCreate(technician_email=NEW_TECHNICIAN_EMAIL, message="Summer help?"),
        owner_id=None,
        actor=owner,
    )
    return await pools_service.get(pool_id=pool.id)


# Weekly visits over the last weeks, with a full test kit for the water balance (§16). The newest
# one finds the pH too high and the alkalinity low, so the dashboard shows an active alert and a
# dosing plan: bicarbonate first, then acid, for the pool's 48,000 liters.
WATER_TESTS = {"calcium_hardness": 280, "cyanuric_acid": 65, "salt": 3100, "tds": 1800}
DEMO_READINGS = [
    {"ph": 7.4, "chlorine": 1.8, "temperature": 24.5, "alkalinity": 100, **WATER_TESTS},
    {"ph": 7.5, "chlorine": 1.5, "temperature": 25.0, "alkalinity": 95, **WATER_TESTS},
    {"ph": 7.3, "chlorine": 2.1, "temperature": 26.0, "alkalinity": 90, **WATER_TESTS},
    {"ph": 7.6, "chlorine": 1.2, "temperature": 26.5, "alkalinity": 80, **WATER_TESTS},
    {"ph": 8.1, "chlorine": 0.9, "temperature": 27.0, "alkalinity": 65, **WATER_TESTS},
]


async def _demo_visits(pool: Pool, technician: User) -> None:
    if await Visit.find_one({"pool_id": pool.id}) is not None:
        return
    now = utcnow()
    for weeks_ago, readings in zip(
        range(len(DEMO_READINGS) - 1, -1, -1), DEMO_READINGS, strict=True
    ):
        await workflow.record_visit(
            pool=pool,
            data=VisitRecord(
                visited_at=now - timedelta(weeks=weeks_ago, hours=2),
                observations="Skimmed, brushed walls, checked the pump.",
                chemicals_added=[{"name": "chlorine tablets", "amount": 2, "unit": "pcs"}],
                readings=readings,
            ),
            actor=technician,
        )


async def _demo_invoice(settings: Settings, admin: User, owner: User, pool: Pool) -> None:
    """The month's visits billed and sent, half paid: `make run` shows an open balance."""
    if await Invoice.find_one({"pool_id": pool.id}) is not None:
        return
    today = billing_service.today()
    draft = await billing_service.create_invoice(
        data=InvoiceCreate(
            owner_id=owner.id,
            pool_id=pool.id,
            period_start=today - timedelta(days=40),
            period_end=today,
            from_visits=True,
            unit_price_cents=4_500,
            tax_rate_bps=2_100,
            notes="Weekly pool care. Thank you for your business.",
        ),
        actor=admin,
        settings=settings,
    )
    sent = await billing_service.send_invoice(invoice=draft, actor=admin)
    await billing_service.create_payment(
        data=PaymentCreate(
            invoice_id=sent.id,
            amount_cents=sent.total_cents // 2,
            method=PaymentMethod.BANK_TRANSFER,
            reference="DEMO-TRANSFER-1",
        ),
        actor=admin,
    )


DEMO_CHECKLIST = ["skim", "brush walls", "empty baskets", "test water"]


async def _demo_plan(pool: Pool, owner: User, technician: User, settings: Settings) -> None:
    """A weekly plan on today's weekday: upcoming visits, last week's completed with readings."""
    if await ServicePlan.find_one({"pool_id": pool.id}) is not None:
        return
    today = utcnow().astimezone(ZoneInfo(pool.timezone)).date()
    plan = await plans_service.create(
        pool=pool,
        data=ServicePlanCreate(
            technician_id=technician.id,
            weekday=today.isoweekday(),
            start_time="09:00",
            duration_minutes=60,
            starts_on=today - timedelta(weeks=4),
            checklist=DEMO_CHECKLIST,
            price_cents=4500,
        ),
        actor=owner,
        settings=settings,
    )
    # Past occurrences are never generated; last week's is written as it would have been.
    last_week = today - timedelta(weeks=1)
    start = local_to_utc(last_week, time(9), ZoneInfo(pool.timezone))
    visit = Visit(
        pool_id=pool.id,
        technician_id=technician.id,
        scheduled_start=start,
        scheduled_end=start + timedelta(minutes=plan.duration_minutes),
        service_plan_id=plan.id,
        tasks=[Task(name=name) for name in plan.checklist],
        price_cents=plan.price_cents,
        occurrence_key=occurrence_key(plan.id, last_week),
    )
    visit.refresh_occurs_at()
    await visit.insert()
    await workflow.complete_visit(
        visit=visit,
        pool=pool,
        data=VisitComplete(
            visited_at=start + timedelta(minutes=5),
            observations="pH still a little high; dosed acid.",
            tasks_done=DEMO_CHECKLIST[:3],
            # Out of range like the newest reading, so this backfill leaves the pH alert active.
            readings={"ph": 7.9, "chlorine": 1.1, "temperature": 26.8},
        ),
        actor=technician,
    )


def _demo_photo() -> UploadFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (64, 164, 223)).save(buffer, format="PNG")
    buffer.seek(0)
    return UploadFile(file=buffer, filename="skimmer-basket.png")


async def _demo_thread(
    pool: Pool, owner: User, technician: User, storage: BlobStorage, settings: Settings
) -> None:
    if await Thread.find_one({"pool_id": pool.id}) is not None:
        return
    thread, _ = await messaging_service.create_thread(
        pool=pool,
        data=ThreadCreate(subject="Cloudy water", body="The water looks cloudy since Sunday. Why?"),
        actor=owner,
    )
    answer = await messaging_service.post_message(
        thread=thread,
        data=MessageCreate(
            body="pH was high; I balanced it and cleaned the skimmer basket (photo).",
            type=MessageType.ANSWER,
        ),
        actor=technician,
    )
    await messaging_service.attach_photo(
        thread=thread,
        message=answer,
        upload=_demo_photo(),
        actor=technician,
        storage=storage,
        settings=settings,
    )


DEMO_WEBHOOK_URL = "https://example.com/poolia-webhook"


async def _demo_webhook(owner: User) -> None:
    """The owner's webhook for their pools' events, with a ping queued in its delivery log."""
    if await Webhook.find_one({"owner_id": owner.id}) is not None:
        return
    # Inserted as trusted demo data: creation through the API would resolve the host first,
    # which an offline demo cannot do. Each attempt still passes the SSRF guard.
    webhook = Webhook(
        url=DEMO_WEBHOOK_URL,
        events=["alert.raised", "visit.completed", "message.posted"],
        description="Demo: the owner's ERP",
        owner_id=owner.id,
        secret=webhooks_service.new_secret(),
    )
    await webhook.insert()
    await webhooks_service.queue_ping(webhook=webhook)


async def seed(*, settings: Settings, storage: BlobStorage) -> None:
    """Create the demo accounts and pool (skipping what exists) and print the logins."""
    users = {key: await _demo_user(settings, *fields) for key, fields in DEMO_USERS.items()}
    pool = await _demo_pool(users["admin"], users["owner"], users["technician"], users["invited"])
    await _demo_webhook(users["owner"])
    await _demo_visits(pool, users["technician"])
    await _demo_plan(pool, users["owner"], users["technician"], settings)
    await _demo_thread(pool, users["owner"], users["technician"], storage, settings)
    await _demo_invoice(settings, users["admin"], users["owner"], pool)
    lines = [
        f"  {role.value:<11} {email:<26} {DEMO_PASSWORD}" for *_, email, role in DEMO_USERS.values()
    ]
    print("Demo logins (role, email, password):\n" + "\n".join(lines), flush=True)
