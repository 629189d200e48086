"""Alert configuration and alert endpoints (contract sections 6 and 10).

One class per endpoint, one test per scenario; `TestRecordingRaisesAlerts` covers what recording
readings (POST /pool-values) does to a pool's alerts. The `pool` fixture belongs to `owner` and
has `technician` assigned; `other_technician` is not assigned.
"""

import asyncio

import httpx
import pytest
from beanie import PydanticObjectId

from app.alerts.models import Alert, AlertConfig, AlertStatus
from app.pools.models import Pool
from tests.conftest import Caller, problem_code
from tests.factories import make_pool

UNKNOWN_ID = str(PydanticObjectId())
CONCURRENCY_ROUNDS = 10
CONCURRENT_READINGS = 10
DEFAULT_CONFIG = {
    "enabled": True,
    "ph": {"min": 7.2, "max": 7.8},
    "chlorine": {"min": 1.0, "max": 3.0},
    "temperature": {"min": 10.0, "max": 32.0},
}
ALERT_FIELDS = {
    "id",
    "poolId",
    "metric",
    "value",
    "min",
    "max",
    "severity",
    "status",
    "poolValuesId",
    "createdAt",
    "acknowledgedAt",
    "acknowledgedBy",
    "resolvedAt",
}


def config_body(**overrides: object) -> dict[str, object]:
    """A full PUT body: the defaults with some metrics or `enabled` replaced."""
    return {**DEFAULT_CONFIG, **overrides}


async def record(
    client: httpx.AsyncClient, caller: Caller, pool: Pool, **readings: float
) -> httpx.Response:
    """POST /pool-values on `pool` as `caller`."""
    response = await client.post(
        "/pool-values", json={"poolId": str(pool.id), **readings}, headers=caller.headers
    )
    assert response.status_code == 201, response.text
    return response


async def alerts_of(pool: Pool, **query: object) -> list[Alert]:
    """The pool's stored alerts, oldest first."""
    return await Alert.find({"pool_id": pool.id, **query}).sort("created_at").to_list()


async def open_alerts_of(pool: Pool) -> list[Alert]:
    """The pool's alerts that are active or acknowledged."""
    return await alerts_of(
        pool, status={"$in": [AlertStatus.ACTIVE.value, AlertStatus.ACKNOWLEDGED.value]}
    )


@pytest.fixture
async def alert(client, owner: Caller, pool) -> dict:
    """An active pH alert on `pool`."""
    await record(client, owner, pool, ph=8.5)
    response = await client.get(f"/pools/{pool.id}/alerts", headers=owner.headers)
    return response.json()["items"][0]


class TestReadAlertConfig:
    @staticmethod
    def url(pool: Pool) -> str:
        return f"/pools/{pool.id}/alert-config"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("technician", 200, None),
            ("other_owner", 404, "pool_not_found"),
            ("other_technician", 404, "pool_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, pool, caller, caller_headers, status, code):
        response = await client.get(self.url(pool), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_defaults(self, client, owner: Caller, pool):
        body = (await client.get(self.url(pool), headers=owner.headers)).json()
        assert set(body) == {"poolId", "enabled", "ph", "chlorine", "temperature", "updatedAt"}
        assert {key: body[key] for key in DEFAULT_CONFIG} == DEFAULT_CONFIG
        assert body["poolId"] == str(pool.id)
        assert body["updatedAt"].endswith("Z")

    async def test_stores_the_default_on_first_read(self, client, owner: Caller, pool):
        assert await AlertConfig.find({"pool_id": pool.id}).count() == 0
        await client.get(self.url(pool), headers=owner.headers)
        assert await AlertConfig.find({"pool_id": pool.id}).count() == 1

    async def test_later_reads_keep_one_document(self, client, owner: Caller, pool):
        first = await client.get(self.url(pool), headers=owner.headers)
        second = await client.get(self.url(pool), headers=owner.headers)
        assert await AlertConfig.find({"pool_id": pool.id}).count() == 1
        assert first.json()["updatedAt"] == second.json()["updatedAt"]

    @pytest.mark.parametrize("round_", range(CONCURRENCY_ROUNDS))
    async def test_concurrent_first_reads_store_one_document(
        self, client, store_latency, owner: Caller, technician: Caller, round_
    ):
        pool = await make_pool(owner.user, technicians=[technician.user])
        responses = await asyncio.gather(
            *(
                client.get(self.url(pool), headers=caller.headers)
                for caller in (owner, technician, owner, technician, owner)
            )
        )
        assert [response.status_code for response in responses] == [200] * 5
        assert await AlertConfig.find({"pool_id": pool.id}).count() == 1

    async def test_shows_the_stored_config(self, client, owner: Caller, pool):
        custom = config_body(ph={"min": 7.0, "max": 7.6})
        await client.put(self.url(pool), json=custom, headers=owner.headers)
        body = (await client.get(self.url(pool), headers=owner.headers)).json()
        assert body["ph"] == {"min": 7.0, "max": 7.6}

    async def test_unknown_pool(self, client, admin: Caller):
        response = await client.get(f"/pools/{UNKNOWN_ID}/alert-config", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"

    async def test_malformed_pool_id(self, client, admin: Caller):
        response = await client.get("/pools/not-an-id/alert-config", headers=admin.headers)
        assert response.status_code == 422

    async def test_invisible_pool_stores_nothing(self, client, other_owner: Caller, pool):
        await client.get(self.url(pool), headers=other_owner.headers)
        assert await AlertConfig.find({"pool_id": pool.id}).count() == 0


class TestReplaceAlertConfig:
    @staticmethod
    def url(pool: Pool) -> str:
        return f"/pools/{pool.id}/alert-config"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("technician", 403, "forbidden"),
            ("other_owner", 404, "pool_not_found"),
            ("other_technician", 404, "pool_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, pool, caller, caller_headers, status, code):
        response = await client.put(self.url(pool), json=config_body(), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_replaces_the_thresholds(self, client, owner: Caller, pool):
        body = config_body(
            enabled=False,
            ph={"min": 7.0, "max": 7.6},
            chlorine={"min": 0.5, "max": 2.5},
            temperature={"min": 12, "max": 30},
        )
        response = await client.put(self.url(pool), json=body, headers=owner.headers)
        assert {key: response.json()[key] for key in body} == body
        stored = await AlertConfig.find_one({"pool_id": pool.id})
        assert (stored.enabled, stored.ph.min, stored.temperature.max) == (False, 7.0, 30)

    async def test_upsert_keeps_one_document(self, client, owner: Caller, pool):
        await client.put(self.url(pool), json=config_body(), headers=owner.headers)
        await client.get(self.url(pool), headers=owner.headers)
        await client.put(self.url(pool), json=config_body(enabled=False), headers=owner.headers)
        assert await AlertConfig.find({"pool_id": pool.id}).count() == 1

    async def test_refused_change_is_not_stored(self, client, technician: Caller, pool):
        await client.put(
            self.url(pool), json=config_body(enabled=False), headers=technician.headers
        )
        assert await AlertConfig.find({"pool_id": pool.id}).count() == 0

    @pytest.mark.parametrize("limits", [{"min": 7.5, "max": 7.5}, {"min": 7.8, "max": 7.2}])
    async def test_min_not_below_max(self, client, owner: Caller, pool, limits):
        response = await client.put(
            self.url(pool), json=config_body(ph=limits), headers=owner.headers
        )
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"

    async def test_ph_max_above_14(self, client, owner: Caller, pool):
        body = config_body(ph={"min": 7.0, "max": 14.5})
        response = await client.put(self.url(pool), json=body, headers=owner.headers)
        assert response.status_code == 422

    async def test_ph_min_below_0(self, client, owner: Caller, pool):
        body = config_body(ph={"min": -0.5, "max": 7.8})
        response = await client.put(self.url(pool), json=body, headers=owner.headers)
        assert response.status_code == 422

    async def test_chlorine_max_above_20(self, client, owner: Caller, pool):
        body = config_body(chlorine={"min": 1.0, "max": 20.5})
        response = await client.put(self.url(pool), json=body, headers=owner.headers)
        assert response.status_code == 422

    async def test_temperature_min_below_minus_5(self, client, owner: Caller, pool):
        body = config_body(temperature={"min": -6, "max": 30})
        response = await client.put(self.url(pool), json=body, headers=owner.headers)
        assert response.status_code == 422

    async def test_temperature_max_above_50(self, client, owner: Caller, pool):
        body = config_body(temperature={"min": 10, "max": 51})
        response = await client.put(self.url(pool), json=body, headers=owner.headers)
        assert response.status_code == 422

    async def test_bounds_accepted(self, client, owner: Caller, pool):
        body = config_body(
            ph={"min": 0, "max": 14},
            chlorine={"min": 0, "max": 20},
            temperature={"min": -5, "max": 50},
        )
        response = await client.put(self.url(pool), json=body, headers=owner.headers)
        assert response.status_code == 200

    async def test_missing_metric(self, client, owner: Caller, pool):
        body = config_body()
        del body["chlorine"]
        response = await client.put(self.url(pool), json=body, headers=owner.headers)
        assert response.status_code == 422

    async def test_unknown_field(self, client, owner: Caller, pool):
        body = config_body(bromine={"min": 1, "max": 2})
        response = await client.put(self.url(pool), json=body, headers=owner.headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "bromine"]

    async def test_unknown_field_in_a_range(self, client, owner: Caller, pool):
        body = config_body(ph={"min": 7.2, "max": 7.8, "target": 7.5})
        response = await client.put(self.url(pool), json=body, headers=owner.headers)
        assert response.status_code == 422

    async def test_unknown_pool(self, client, admin: Caller):
        response = await client.put(
            f"/pools/{UNKNOWN_ID}/alert-config", json=config_body(), headers=admin.headers
        )
        assert response.status_code == 404

    async def test_new_thresholds_apply_to_readings(self, client, owner: Caller, pool):
        body = config_body(ph={"min": 6.8, "max": 7.2})
        await client.put(self.url(pool), json=body, headers=owner.headers)
        await record(client, owner, pool, ph=7.5)
        [raised] = await alerts_of(pool)
        assert (raised.metric, raised.min, raised.max) == ("ph", 6.8, 7.2)


class TestListPoolAlerts:
    @staticmethod
    def url(pool: Pool) -> str:
        return f"/pools/{pool.id}/alerts"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("technician", 200, None),
            ("other_owner", 404, "pool_not_found"),
            ("other_technician", 404, "pool_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, pool, alert, caller, caller_headers, status, code):
        response = await client.get(self.url(pool), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_alert_shape(self, client, owner: Caller, pool, alert):
        assert set(alert) == ALERT_FIELDS
        assert alert["createdAt"].endswith("Z")

    async def test_only_this_pools_alerts(self, client, owner: Caller, pool, alert):
        second = await make_pool(owner.user)
        await record(client, owner, second, chlorine=0.1)
        response = await client.get(self.url(pool), headers=owner.headers)
        assert [item["id"] for item in response.json()["items"]] == [alert["id"]]

    async def test_newest_first(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=8.5)
        await record(client, owner, pool, chlorine=0.1)
        response = await client.get(self.url(pool), headers=owner.headers)
        assert [item["metric"] for item in response.json()["items"]] == ["chlorine", "ph"]

    @pytest.mark.parametrize("status", ["active", "acknowledged", "resolved"])
    async def test_filter_status(self, client, owner: Caller, pool, status):
        await record(client, owner, pool, ph=8.5, chlorine=0.1, temperature=40)
        _, chlorine, _ = await alerts_of(pool)
        await client.post(f"/alerts/{chlorine.id}/acknowledge", headers=owner.headers)
        await record(client, owner, pool, ph=7.5)
        response = await client.get(
            self.url(pool), params={"status": status}, headers=owner.headers
        )
        expected = {"active": "temperature", "acknowledged": "chlorine", "resolved": "ph"}[status]
        assert [item["metric"] for item in response.json()["items"]] == [expected]

    async def test_unknown_status(self, client, owner: Caller, pool):
        response = await client.get(
            self.url(pool), params={"status": "open"}, headers=owner.headers
        )
        assert response.status_code == 422

    async def test_unknown_pool(self, client, admin: Caller):
        response = await client.get(f"/pools/{UNKNOWN_ID}/alerts", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "pool_not_found"


class TestAcknowledgeAlert:
    @staticmethod
    def url(alert: dict) -> str:
        return f"/alerts/{alert['id']}/acknowledge"

    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("technician", 200, None),
            ("other_owner", 404, "alert_not_found"),
            ("other_technician", 404, "alert_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, alert, caller, caller_headers, status, code):
        response = await client.post(self.url(alert), headers=caller_headers)
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_acknowledges(self, client, technician: Caller, alert):
        response = await client.post(self.url(alert), headers=technician.headers)
        body = response.json()
        assert body["status"] == "acknowledged"
        assert body["acknowledgedBy"] == str(technician.user.id)
        assert body["acknowledgedAt"].endswith("Z")
        stored = await Alert.get(PydanticObjectId(alert["id"]))
        assert (stored.status, stored.acknowledged_by) == ("acknowledged", technician.user.id)

    async def test_twice_is_a_no_op(self, client, owner: Caller, technician: Caller, alert):
        first = await client.post(self.url(alert), headers=technician.headers)
        second = await client.post(self.url(alert), headers=owner.headers)
        assert second.status_code == 200
        assert second.json()["acknowledgedAt"] == first.json()["acknowledgedAt"]
        assert second.json()["acknowledgedBy"] == str(technician.user.id)

    async def test_resolved_alert_stays_resolved(self, client, owner: Caller, pool, alert):
        await record(client, owner, pool, ph=7.5)
        response = await client.post(self.url(alert), headers=owner.headers)
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["acknowledgedAt"]) == ("resolved", None)

    async def test_invisible_pool_changes_nothing(self, client, other_owner: Caller, alert):
        await client.post(self.url(alert), headers=other_owner.headers)
        assert (await Alert.get(PydanticObjectId(alert["id"]))).status == "active"

    async def test_unknown_alert(self, client, admin: Caller):
        response = await client.post(f"/alerts/{UNKNOWN_ID}/acknowledge", headers=admin.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "alert_not_found"

    async def test_malformed_alert_id(self, client, admin: Caller):
        response = await client.post("/alerts/not-an-id/acknowledge", headers=admin.headers)
        assert response.status_code == 422


class TestRecordingRaisesAlerts:
    """POST /pool-values evaluates the pool's alerts (section 10)."""

    async def test_in_range_raises_none(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=7.2, chlorine=3.0, temperature=26)
        assert await alerts_of(pool) == []

    async def test_one_alert_per_out_of_range_metric(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=8.5, chlorine=0.2, temperature=26)
        assert sorted(alert.metric for alert in await alerts_of(pool)) == ["chlorine", "ph"]

    async def test_alert_records_the_reading(self, client, owner: Caller, pool):
        recorded = await record(client, owner, pool, ph=7.19)
        [raised] = await alerts_of(pool)
        assert (raised.value, raised.min, raised.max) == (7.19, 7.2, 7.8)
        assert (raised.severity, raised.status) == ("warning", "active")
        assert str(raised.pool_values_id) == recorded.json()["id"]

    async def test_exactly_a_quarter_out_is_a_warning(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=7.95)
        [raised] = await alerts_of(pool)
        assert raised.severity == "warning"

    async def test_beyond_a_quarter_is_critical(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=7.04)
        [raised] = await alerts_of(pool)
        assert raised.severity == "critical"

    async def test_second_out_of_range_reading_updates_the_open_alert(
        self, client, owner: Caller, pool
    ):
        await record(client, owner, pool, ph=7.9)
        second = await record(client, owner, pool, ph=8.5)
        [raised] = await alerts_of(pool)
        assert (raised.value, raised.severity, raised.status) == (8.5, "critical", "active")
        assert str(raised.pool_values_id) == second.json()["id"]

    async def test_acknowledged_alert_is_updated_not_duplicated(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=7.9)
        [raised] = await alerts_of(pool)
        await client.post(f"/alerts/{raised.id}/acknowledge", headers=owner.headers)
        await record(client, owner, pool, ph=8.5)
        [updated] = await alerts_of(pool)
        assert (updated.id, updated.value, updated.status) == (raised.id, 8.5, "acknowledged")

    async def test_in_range_reading_resolves(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=8.5)
        await record(client, owner, pool, ph=7.5)
        [resolved] = await alerts_of(pool)
        assert resolved.status == "resolved"
        assert resolved.resolved_at is not None

    async def test_resolved_is_shown_with_resolved_at(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=8.5)
        await record(client, owner, pool, ph=7.5)
        response = await client.get(f"/pools/{pool.id}/alerts", headers=owner.headers)
        [item] = response.json()["items"]
        assert item["status"] == "resolved"
        assert item["resolvedAt"].endswith("Z")

    async def test_acknowledged_alert_resolves(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=8.5)
        [raised] = await alerts_of(pool)
        await client.post(f"/alerts/{raised.id}/acknowledge", headers=owner.headers)
        await record(client, owner, pool, ph=7.5)
        assert (await Alert.get(raised.id)).status == "resolved"

    async def test_later_out_of_range_reading_opens_a_new_alert(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=8.5)
        await record(client, owner, pool, ph=7.5)
        await record(client, owner, pool, ph=6.5)
        first, second = await alerts_of(pool)
        assert first.id != second.id
        assert (first.status, second.status, second.value) == ("resolved", "active", 6.5)

    async def test_reading_without_the_metric_leaves_its_alert_open(
        self, client, owner: Caller, pool
    ):
        await record(client, owner, pool, ph=8.5)
        await record(client, owner, pool, chlorine=2.0)
        [raised] = await alerts_of(pool)
        assert raised.status == "active"

    async def test_other_metrics_are_independent(self, client, owner: Caller, pool):
        await record(client, owner, pool, ph=8.5, chlorine=0.2)
        await record(client, owner, pool, ph=7.5, chlorine=0.1)
        statuses = {alert.metric: alert.status for alert in await alerts_of(pool)}
        assert statuses == {"ph": "resolved", "chlorine": "active"}

    async def test_pools_are_independent(self, client, owner: Caller, pool):
        second = await make_pool(owner.user)
        await record(client, owner, pool, ph=8.5)
        await record(client, owner, second, ph=8.5)
        await record(client, owner, second, ph=7.5)
        [raised] = await alerts_of(pool)
        assert raised.status == "active"

    async def test_disabled_config_raises_no_alert(self, client, owner: Caller, pool):
        await client.put(
            f"/pools/{pool.id}/alert-config", json=config_body(enabled=False), headers=owner.headers
        )
        await record(client, owner, pool, ph=8.5, chlorine=0.2, temperature=40)
        assert await alerts_of(pool) == []

    @pytest.mark.parametrize("round_", range(CONCURRENCY_ROUNDS))
    async def test_concurrent_readings_keep_one_open_alert_per_metric(
        self, client, store_latency, owner: Caller, technician: Caller, round_
    ):
        pool = await make_pool(owner.user, technicians=[technician.user])
        responses = await asyncio.gather(
            *(
                client.post(
                    "/pool-values",
                    json={"poolId": str(pool.id), "ph": 8.0 + index / 10, "chlorine": 0.2},
                    headers=(owner if index % 2 else technician).headers,
                )
                for index in range(CONCURRENT_READINGS)
            )
        )
        assert [response.status_code for response in responses] == [201] * CONCURRENT_READINGS
        open_alerts = await open_alerts_of(pool)
        assert sorted(alert.metric for alert in open_alerts) == ["chlorine", "ph"]
        assert len(await alerts_of(pool)) == 2
