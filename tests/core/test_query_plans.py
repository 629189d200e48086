"""On a real MongoDB (TEST_MONGODB_URL), every hot query in the README's index table uses an index.

The embedded store has no query planner, so these run only against a server; hosted CI runs them.
"""

from dataclasses import dataclass, field
from typing import Any

import pytest
from beanie import PydanticObjectId
from fastapi import FastAPI

from tests.conftest import TEST_MONGODB_URL

pytestmark = pytest.mark.skipif(
    not TEST_MONGODB_URL, reason="explain() needs a real MongoDB: set TEST_MONGODB_URL"
)

SOME_ID = PydanticObjectId()


@dataclass(frozen=True)
class HotQuery:
    """One row of the README's index table: a find on a collection, with its sort."""

    name: str
    collection: str
    filter: dict[str, Any]
    sort: list[tuple[str, int]] = field(default_factory=list)
    limit: int = 0


HOT_QUERIES = [
    HotQuery("a pool by id", "pools", {"_id": SOME_ID}, limit=1),
    HotQuery("a user by id", "users", {"_id": SOME_ID}, limit=1),
    HotQuery("login: the user by email", "users", {"email": "a@example.com"}, limit=1),
    HotQuery(
        "a pool's visit page",
        "visits",
        {"pool_id": SOME_ID},
        [("occurs_at", -1), ("_id", -1)],
        limit=50,
    ),
    HotQuery(
        "dashboard: the last completed visit",
        "visits",
        {"pool_id": SOME_ID, "status": "completed"},
        [("occurs_at", -1)],
        limit=1,
    ),
    HotQuery("dashboard: alert config", "alert_configs", {"pool_id": SOME_ID}, limit=1),
    HotQuery("dashboard: open alerts", "alerts", {"open_pool_id": SOME_ID}),
    HotQuery(
        "a pool's readings, newest first",
        "pool_values",
        {"pool_id": SOME_ID},
        [("measured_at", -1), ("_id", -1)],
        limit=50,
    ),
    HotQuery(
        "a thread's messages",
        "messages",
        {"thread_id": SOME_ID},
        [("created_at", 1), ("_id", 1)],
        limit=50,
    ),
    HotQuery(
        "photos of a message page", "photos", {"message_id": {"$in": [SOME_ID]}}, [("_id", 1)]
    ),
    HotQuery("one open alert per pool and metric", "alerts", {"open_key": "x"}, limit=1),
    HotQuery(
        "an owner's pools",
        "pools",
        {"owner_id": SOME_ID},
        [("created_at", -1), ("_id", -1)],
        limit=50,
    ),
]


def plan_stages(plan: Any) -> list[str]:
    """Every stage name in a query plan tree."""
    if isinstance(plan, dict):
        own = [plan["stage"]] if "stage" in plan else []
        return own + [stage for value in plan.values() for stage in plan_stages(value)]
    if isinstance(plan, list):
        return [stage for item in plan for stage in plan_stages(item)]
    return []


@pytest.mark.parametrize("query", HOT_QUERIES, ids=lambda query: query.name)
async def test_hot_query_uses_an_index(app: FastAPI, query: HotQuery) -> None:
    database = app.state.mongo_client[app.state.settings.mongodb_db]
    cursor = database[query.collection].find(query.filter)
    if query.sort:
        cursor = cursor.sort(query.sort)
    if query.limit:
        cursor = cursor.limit(query.limit)
    explained = await cursor.explain()
    stages = plan_stages(explained["queryPlanner"]["winningPlan"])
    assert "COLLSCAN" not in stages, f"{query.name}: {stages}"
