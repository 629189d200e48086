"""The application factory: settings, lifespan (database, storage, bootstrap), routers."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import Depends, FastAPI

from app import demo
from app.alerts.router import router as alerts_router
from app.audit.router import router as audit_router
from app.auth.router import router as auth_router
from app.billing.router import router as billing_router
from app.core import db
from app.core.config import Settings, load_settings
from app.core.errors import install_error_handlers
from app.core.idempotency import install_idempotency
from app.core.idempotency.dependencies import idempotency_claim
from app.core.idempotency.middleware import REPLAYED_HEADER
from app.core.jobs import JobRunner, PeriodicJob
from app.core.logging import configure_logging
from app.core.middleware import (
    BodySizeLimitMiddleware,
    ProblemCORSMiddleware,
    RequestContextMiddleware,
)
from app.core.openapi import install_docs, install_openapi, operation_id
from app.core.routing import add_routes
from app.core.storage import create_storage
from app.dashboard.router import router as dashboard_router
from app.health.router import router as health_router
from app.health.service import APP_VERSION
from app.invites.router import router as invites_router
from app.messaging.router import router as messaging_router
from app.notifications.outbox import outbox_job
from app.notifications.router import router as notifications_router
from app.photos.router import router as photos_router
from app.plans import service as plans_service
from app.plans.router import router as plans_router
from app.pools.router import router as pools_router
from app.readings.router import router as readings_router
from app.users import service as users_service
from app.users.router import router as users_router
from app.visits.router import router as visits_router
from app.water_balance.router import router as water_balance_router
from app.webhooks import delivery as webhook_delivery
from app.webhooks.router import router as webhooks_router

logger = logging.getLogger(__name__)

ROUTERS = [
    health_router,
    auth_router,
    users_router,
    pools_router,
    invites_router,
    dashboard_router,
    alerts_router,
    readings_router,
    water_balance_router,
    visits_router,
    plans_router,
    photos_router,
    messaging_router,
    billing_router,
    audit_router,
    webhooks_router,
    notifications_router,
]

# Room for the multipart envelope around an upload of MAX_UPLOAD_BYTES; a larger request body is
# refused with 413 before it is read, instead of being spooled to a temporary file first.
MULTIPART_OVERHEAD_BYTES = 64 * 1024

DESCRIPTION = """\
The API behind Poolia, a swimming-pool maintenance platform. Errors are RFC 9457 problem details
(`application/problem+json`) with a stable `code`; each operation lists the codes it can return and
the full catalog is in `generated/openapi.md`. Lists are paginated with `limit` and `offset` and
answer `{items, total, limit, offset}`. Times are ISO 8601 in UTC. The guide is `docs/guide.md`.

# Access

Roles are `admin`, `owner` and `technician`. Every operation says who may call it, using two terms:

- **pool access**: an admin, the pool's owner, or a technician assigned to the pool (listed in its
  `technicianIds`). A caller without pool access gets 404, as if the pool did not exist.
- **pool manage**: an admin or the pool's owner. A caller with pool access but not pool manage
  gets 403.

Lists only hold what the caller may see (the visibility rule). To try the API here, log in with
**Authorize** (the `username` is the email).
"""


TAGS = [
    {"name": "health", "description": "Liveness and readiness probes for load balancers."},
    {
        "name": "auth",
        "description": "Register, log in, refresh (rotating refresh tokens) and log out.",
    },
    {"name": "users", "description": "Accounts: the caller, and admin management of users."},
    {"name": "pools", "description": "Pools, their owner and their assigned technicians."},
    {"name": "invites", "description": "Inviting technicians to pools, and their answers."},
    {"name": "dashboard", "description": "One pool at a glance: latest readings, visits, alerts."},
    {"name": "alerts", "description": "Alert thresholds per pool and the alerts readings raise."},
    {
        "name": "pool-values",
        "description": "Water readings (pH, chlorine, alkalinity, ...) recorded on a pool.",
    },
    {"name": "visits", "description": "Planned and logged maintenance visits to a pool."},
    {"name": "photos", "description": "Profile, pool and visit photos, served by signed links."},
    {"name": "messaging", "description": "Threads and messages about a pool, with photos."},
    {"name": "billing", "description": "Invoices, payments and owner statements (admin)."},
    {"name": "audit", "description": "The audit log of who changed what (admin)."},
    {
        "name": "water-balance",
        "description": "Langelier Saturation Index (LSI) and a dosing plan for a reading.",
    },
    {"name": "webhooks", "description": "Signed event deliveries to an integrator's URL."},
    {
        "name": "service-plans",
        "description": "Recurring service in the pool's time zone, completing visits, the agenda.",
    },
    {
        "name": "notifications",
        "description": "In-app notifications, read state and email preferences.",
    },
]


def background_jobs(settings: Settings) -> list[PeriodicJob]:
    """The periodic jobs every API instance runs (each coordinates through MongoDB leases)."""
    deliver_webhooks = partial(webhook_delivery.deliver_due, settings=settings)
    extend_horizon = partial(plans_service.run_horizon_job, settings=settings)
    return [
        outbox_job(settings),
        PeriodicJob("webhook-deliveries", settings.notification_poll_seconds, deliver_webhooks),
        PeriodicJob(plans_service.HORIZON_JOB, settings.scheduler_interval_seconds, extend_horizon),
    ]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; nothing connects until the lifespan starts."""
    settings = settings or load_settings()
    # Before uvicorn's own start-up lines, so they are JSON too.
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.mongo_client = await db.init_database(settings)
        app.state.storage = create_storage(settings)
        await app.state.storage.start()
        await users_service.ensure_bootstrap_admin(settings=settings)
        if settings.demo_data:
            await demo.seed(settings=settings, storage=app.state.storage)
        app.state.jobs = JobRunner(background_jobs(settings))
        if settings.background_jobs_enabled:
            app.state.jobs.start()
        try:
            yield
        finally:
            await app.state.jobs.stop()
            await app.state.storage.close()
            app.state.mongo_client.close()

    app = FastAPI(
        title="Poolia API",
        version=APP_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.docs_on else None,
        generate_unique_id_function=operation_id,
        swagger_ui_init_oauth={"clientId": "poolia-docs"},
        openapi_tags=TAGS,
        # Claims an Idempotency-Key before any route dependency runs; a no-op without a key.
        dependencies=[Depends(idempotency_claim)],
    )
    app.state.settings = settings
    install_error_handlers(app)
    install_idempotency(app)
    app.add_middleware(
        BodySizeLimitMiddleware, max_bytes=settings.max_upload_bytes + MULTIPART_OVERHEAD_BYTES
    )
    if settings.cors_origin_list:
        app.add_middleware(
            ProblemCORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID", "Retry-After", REPLAYED_HEADER],
        )
    app.add_middleware(RequestContextMiddleware)
    for router in ROUTERS:
        add_routes(app, router)
    install_openapi(app)
    if settings.docs_on:
        install_docs(app)
    return app


app = create_app()
