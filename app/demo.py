"""Demo data for `make run`: loaded only when DEMO_DATA is set, never on a plain start."""

import logging

from app.core.config import Settings
from app.core.storage import BlobStorage
from app.users import service as users_service
from app.users.models import Role
from app.users.schemas import UserCreate

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "poolia-demo-2026"
DEMO_USERS = [
    ("Ada", "Admin", "admin@demo.poolia.dev", Role.ADMIN),
    ("Olivia", "Owner", "owner@demo.poolia.dev", Role.OWNER),
    ("Theo", "Technician", "tech@demo.poolia.dev", Role.TECHNICIAN),
]


async def seed(*, settings: Settings, storage: BlobStorage) -> None:
    """Create the demo accounts (skipping any that exist) and print their logins."""
    for name, last_name, email, role in DEMO_USERS:
        if await users_service.get_by_email(email=email) is None:
            data = UserCreate(
                name=name, last_name=last_name, email=email, password=DEMO_PASSWORD, role=role
            )
            await users_service.create(data=data, settings=settings, actor=None)
    lines = [f"  {role.value:<11} {email:<26} {DEMO_PASSWORD}" for *_, email, role in DEMO_USERS]
    print("Demo logins (role, email, password):\n" + "\n".join(lines), flush=True)
