"""Demo data for `make run`: loaded only when DEMO_DATA is set, never on a plain start."""

import io
import logging
from datetime import timedelta

from fastapi import UploadFile
from PIL import Image

from app.core.config import Settings
from app.core.storage import BlobStorage
from app.invites import service as invites_service
from app.invites.schemas import InviteCreate, PoolInviteCreate
from app.messaging import service as messaging_service
from app.messaging.models import MessageType, Thread
from app.messaging.schemas import MessageCreate, ThreadCreate
from app.pools import service as pools_service
from app.pools.models import Pool, PoolType
from app.pools.schemas import PoolCreate
from app.users import service as users_service
from app.users.models import Role, User, utcnow
from app.users.schemas import UserCreate
from app.visits import workflow
from app.visits.models import Visit
from app.visits.schemas import VisitRecord

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


# Weekly visits over the last weeks; the newest one finds the pH too high, so the
# dashboard shows an active alert.
DEMO_READINGS = [
    {"ph": 7.4, "chlorine": 1.8, "temperature": 24.5},
    {"ph": 7.5, "chlorine": 1.5, "temperature": 25.0},
    {"ph": 7.3, "chlorine": 2.1, "temperature": 26.0},
    {"ph": 7.6, "chlorine": 1.2, "temperature": 26.5},
    {"ph": 8.1, "chlorine": 0.9, "temperature": 27.0},
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


async def seed(*, settings: Settings, storage: BlobStorage) -> None:
    """Create the demo accounts and pool (skipping what exists) and print the logins."""
    users = {key: await _demo_user(settings, *fields) for key, fields in DEMO_USERS.items()}
    pool = await _demo_pool(users["admin"], users["owner"], users["technician"], users["invited"])
    await _demo_visits(pool, users["technician"])
    await _demo_thread(pool, users["owner"], users["technician"], storage, settings)
    lines = [
        f"  {role.value:<11} {email:<26} {DEMO_PASSWORD}" for *_, email, role in DEMO_USERS.values()
    ]
    print("Demo logins (role, email, password):\n" + "\n".join(lines), flush=True)
