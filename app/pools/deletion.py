"""Deleting a pool, and everything that hangs off it, in one place.

Each domain that stores data under a pool adds its step to `delete_pool`; routers never
need to change to keep the cascade whole. Invoices and payments are deliberately not a step:
they are financial records and keep the pool's name as a snapshot (§18).
"""

from app.alerts import service as alerts_service
from app.audit import service as audit_service
from app.core.storage import BlobStorage
from app.invites import service as invites_service
from app.messaging import service as messaging_service
from app.photos import service as photos_service
from app.plans import service as plans_service
from app.pools.models import Pool
from app.readings import service as readings_service
from app.users.models import User
from app.visits import service as visits_service


async def delete_pool(*, pool: Pool, actor: User, storage: BlobStorage) -> None:
    """Remove the pool first (so nothing new can attach to it), then its dependents.

    The audit event's `details` count what each step removed.
    """
    await pool.delete()
    removed: dict[str, int] = {}
    removed["invites"] = await invites_service.delete_for_pool(pool_id=pool.id)
    removed["servicePlans"] = await plans_service.delete_for_pool(pool_id=pool.id)
    removed["visits"] = await visits_service.delete_for_pool(pool_id=pool.id)
    removed["poolValues"] = await readings_service.delete_for_pool(pool_id=pool.id)
    removed["alerts"] = await alerts_service.delete_for_pool(pool_id=pool.id)
    threads, messages = await messaging_service.delete_for_pool(pool_id=pool.id)
    removed["threads"], removed["messages"] = threads, messages
    # Every photo of the pool: its own, its visits' and its messages' (all carry `pool_id`).
    removed["photos"] = await photos_service.delete_photos(pool_id=pool.id, storage=storage)
    await audit_service.record(
        actor=actor,
        action="pool.delete",
        resource_type="pool",
        resource_id=pool.id,
        pool_id=pool.id,
        details=removed,
    )
