"""The declared index set: every list filter and hot lookup keeps its supporting index.

A change here must be deliberate: removing an index makes a query scan on real MongoDB.
"""

import pytest
from fastapi import FastAPI

from app.core.db import document_models

EXPECTED = {
    "users": {
        "email_unique": ([("email", 1)], {"unique": True}),
        "role_status_created": ([("role", 1), ("status", 1), ("created_at", -1)], {}),
        "status_created": ([("status", 1), ("created_at", -1)], {}),
    },
    "sessions": {
        "refresh_hash_unique": ([("refresh_token_hash", 1)], {"unique": True}),
        "rotated_hashes": ([("rotated_hashes", 1)], {}),
        "user_revoked": ([("user_id", 1), ("revoked_at", 1)], {}),
        "expires_ttl": ([("expires_at", 1)], {"expireAfterSeconds": 0}),
    },
    "rate_limits": {
        "expires_ttl": ([("expires_at", 1)], {"expireAfterSeconds": 0}),
    },
    "audit_events": {
        "at": ([("at", -1)], {}),
        "actor_at": ([("actor_id", 1), ("at", -1)], {}),
        "resource_at": ([("resource_type", 1), ("resource_id", 1), ("at", -1)], {}),
        "pool_at": ([("pool_id", 1), ("at", -1)], {}),
        "action_at": ([("action", 1), ("at", -1)], {}),
    },
    "pools": {
        "created": ([("created_at", -1), ("_id", -1)], {}),
        "owner_created": ([("owner_id", 1), ("created_at", -1)], {}),
        "technicians_created": ([("technician_ids", 1), ("created_at", -1)], {}),
    },
    "invites": {
        "one_pending_invite": ([("pending_key", 1)], {"unique": True, "sparse": True}),
        "created": ([("created_at", -1), ("_id", -1)], {}),
        "pool_created": ([("pool_id", 1), ("created_at", -1)], {}),
        "owner_created": ([("owner_id", 1), ("created_at", -1)], {}),
        "technician_status_created": (
            [("technician_id", 1), ("status", 1), ("created_at", -1)],
            {},
        ),
        "email_status": ([("technician_email", 1), ("status", 1)], {}),
    },
    "pool_values": {
        "measured": ([("measured_at", -1), ("_id", -1)], {}),
        "pool_measured": ([("pool_id", 1), ("measured_at", -1), ("_id", -1)], {}),
        "visit": ([("visit_id", 1)], {}),
    },
    "visits": {
        "occurs": ([("occurs_at", -1), ("_id", -1)], {}),
        "pool_occurs": ([("pool_id", 1), ("occurs_at", -1), ("_id", -1)], {}),
        "pool_status_occurs": ([("pool_id", 1), ("status", 1), ("occurs_at", -1)], {}),
        "technician_schedule": (
            [("technician_id", 1), ("status", 1), ("scheduled_start", 1)],
            {},
        ),
        "pool_values": ([("pool_values_id", 1)], {}),
        "invoice": ([("invoice_id", 1)], {}),
        "one_visit_per_plan_occurrence": (
            [("occurrence_key", 1)],
            {"unique": True, "sparse": True},
        ),
        "plan_schedule": ([("service_plan_id", 1), ("status", 1), ("scheduled_start", 1)], {}),
        "agenda": ([("scheduled_start", 1), ("_id", 1)], {}),
        "pool_schedule": ([("pool_id", 1), ("status", 1), ("scheduled_start", 1)], {}),
    },
    "service_plans": {
        "pool_created": ([("pool_id", 1), ("created_at", -1), ("_id", -1)], {}),
        "technician_pool_active": ([("technician_id", 1), ("pool_id", 1), ("active", 1)], {}),
        "active_generated": ([("active", 1), ("generated_through", 1), ("_id", 1)], {}),
    },
    "alert_configs": {
        "one_config_per_pool": ([("pool_id", 1)], {"unique": True}),
    },
    "alerts": {
        "one_open_alert": ([("open_key", 1)], {"unique": True, "sparse": True}),
        "open_by_pool": ([("open_pool_id", 1)], {"sparse": True}),
        "pool_status_created": ([("pool_id", 1), ("status", 1), ("created_at", -1)], {}),
        "pool_created": ([("pool_id", 1), ("created_at", -1)], {}),
    },
    "photos": {
        "context_user": ([("context", 1), ("user_id", 1), ("_id", -1)], {}),
        "context_pool": ([("context", 1), ("pool_id", 1), ("_id", -1)], {}),
        "visit": ([("visit_id", 1), ("_id", 1)], {}),
        "message": ([("message_id", 1), ("_id", 1)], {}),
        "pool": ([("pool_id", 1)], {}),
    },
    "threads": {
        "pool_activity": ([("pool_id", 1), ("updated_at", -1), ("_id", -1)], {}),
        "pool_status_activity": ([("pool_id", 1), ("status", 1), ("updated_at", -1)], {}),
    },
    "messages": {
        "thread_created": ([("thread_id", 1), ("created_at", 1), ("_id", 1)], {}),
        "pool": ([("pool_id", 1)], {}),
    },
    "job_leases": {},
    "invoices": {
        "created": ([("created_at", -1), ("_id", -1)], {}),
        "owner_created": ([("owner_id", 1), ("created_at", -1), ("_id", -1)], {}),
        "pool_created": ([("pool_id", 1), ("created_at", -1), ("_id", -1)], {}),
        "owner_status_issued": ([("owner_id", 1), ("status", 1), ("issued_date", 1)], {}),
    },
    "payments": {
        "invoice_reference_unique": ([("invoice_id", 1), ("reference", 1)], {"unique": True}),
        "created": ([("created_at", -1), ("_id", -1)], {}),
        "owner_created": ([("owner_id", 1), ("created_at", -1), ("_id", -1)], {}),
        "owner_paid": ([("owner_id", 1), ("paid_at", 1)], {}),
    },
    "invoice_counters": {
        "year_unique": ([("year", 1)], {"unique": True}),
    },
    "webhooks": {
        "owner_created": ([("owner_id", 1), ("created_at", -1)], {}),
        "created": ([("created_at", -1), ("_id", -1)], {}),
        "events_active": ([("events", 1), ("active", 1)], {}),
    },
    "webhook_deliveries": {
        "webhook_created": ([("webhook_id", 1), ("created_at", -1), ("_id", -1)], {}),
        "due": ([("status", 1), ("next_attempt_at", 1)], {}),
        "created_ttl": ([("created_at", 1)], {"expireAfterSeconds": 30 * 24 * 3600}),
    },
    "idempotency_keys": {
        "user_key_unique": ([("user_id", 1), ("key", 1)], {"unique": True}),
        "expires_ttl": ([("expires_at", 1)], {"expireAfterSeconds": 0}),
    },
    "password_reset_tokens": {
        "token_hash_unique": ([("token_hash", 1)], {"unique": True}),
        "expires_ttl": ([("expires_at", 1)], {"expireAfterSeconds": 24 * 3600}),
    },
    "password_reset_requests": {
        "key_at": ([("key", 1), ("at", 1)], {}),
        "at_ttl": ([("at", 1)], {"expireAfterSeconds": 24 * 3600}),
    },
    "notifications": {
        "user_unread_newest": (
            [("user_id", 1), ("read_at", 1), ("created_at", -1), ("_id", -1)],
            {},
        ),
        "user_newest": ([("user_id", 1), ("created_at", -1), ("_id", -1)], {}),
    },
    "notification_preferences": {},
    "email_outbox": {
        "due": ([("status", 1), ("next_attempt_at", 1)], {}),
        "sent_ttl": ([("sent_at", 1)], {"expireAfterSeconds": 7 * 24 * 3600}),
    },
}
OPTIONS = ("unique", "sparse", "expireAfterSeconds")


def _declared(model) -> dict[str, tuple[list[tuple[str, int]], dict[str, object]]]:
    declared = {}
    for index in model.Settings.indexes:
        spec = index.document
        options = {name: spec[name] for name in OPTIONS if name in spec}
        declared[spec["name"]] = (list(spec["key"].items()), options)
    return declared


def test_every_collection_is_listed():
    assert {model.Settings.name for model in document_models()} == set(EXPECTED)


@pytest.mark.parametrize("model", document_models(), ids=lambda model: model.Settings.name)
def test_declared_indexes(model):
    assert _declared(model) == EXPECTED[model.Settings.name]


@pytest.mark.parametrize("model", document_models(), ids=lambda model: model.Settings.name)
async def test_indexes_exist_in_the_store(app: FastAPI, model):
    """`init_beanie` created every declared index at start-up."""
    created = await model.get_motor_collection().index_information()
    assert set(EXPECTED[model.Settings.name]) <= set(created)
