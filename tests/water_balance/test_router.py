"""Water balance over HTTP (contract §16, with §6, §7 and §8's `lsi` and `waterBalance`).

The `pool` fixture belongs to `owner` (a chlorine pool of 50,000 L) and has `technician` assigned;
`other_technician` is not assigned.
"""

from typing import Any

import httpx
import pytest
from beanie import PydanticObjectId

from app.alerts.models import AlertConfig
from app.pools.models import Pool, PoolType
from app.readings.models import PoolValues
from tests.conftest import Caller, problem_code
from tests.factories import make_pool

UNKNOWN_ID = str(PydanticObjectId())
# §16's worked example: LSI -0.01, balanced.
WORKED = {"ph": 7.5, "temperature": 25, "calciumHardness": 300, "alkalinity": 100}
WORKED_INPUTS = {
    "ph": 7.5,
    "temperature": 25.0,
    "calciumHardness": 300.0,
    "alkalinity": 100.0,
    "cyanuricAcid": 0.0,
    "tds": 1000.0,
    "carbonateAlkalinity": 100.0,
}
BALANCE_FIELDS = {"lsi", "status", "inputs", "assumptions", "missing", "recommendations"}
STEP_FIELDS = {"metric", "action", "product", "amount", "unit", "targetValue", "drainPercent"}


async def record(client: httpx.AsyncClient, caller: Caller, pool: Pool, **readings) -> dict:
    response = await client.post(
        "/pool-values", json={"poolId": str(pool.id), **readings}, headers=caller.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def balance_of(client: httpx.AsyncClient, caller: Caller, values_id: str) -> dict[str, Any]:
    response = await client.get(f"/pool-values/{values_id}/water-balance", headers=caller.headers)
    assert response.status_code == 200, response.text
    return response.json()


def steps(body: dict[str, Any]) -> list[tuple]:
    return [
        (step["metric"], step["action"], step["amount"], step["unit"])
        for step in body["recommendations"]
    ]


class TestReadWaterBalance:
    @pytest.mark.parametrize(
        "caller, status, code",
        [
            ("admin", 200, None),
            ("owner", 200, None),
            ("technician", 200, None),
            ("other_owner", 404, "pool_values_not_found"),
            ("other_technician", 404, "pool_values_not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    async def test_access(self, client, owner, pool, caller, caller_headers, status, code):
        values = await record(client, owner, pool, **WORKED)
        response = await client.get(
            f"/pool-values/{values['id']}/water-balance", headers=caller_headers
        )
        assert (response.status_code, problem_code(response)) == (status, code)

    async def test_unknown_reading(self, client, admin: Caller):
        response = await client.get(
            f"/pool-values/{UNKNOWN_ID}/water-balance", headers=admin.headers
        )
        assert (response.status_code, problem_code(response)) == (404, "pool_values_not_found")

    async def test_malformed_id(self, client, admin: Caller):
        response = await client.get("/pool-values/nope/water-balance", headers=admin.headers)
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_worked_example(self, client, owner, pool):
        values = await record(client, owner, pool, **WORKED)
        body = await balance_of(client, owner, values["id"])
        assert set(body) == BALANCE_FIELDS
        assert body == {
            "lsi": -0.01,
            "status": "balanced",
            "inputs": WORKED_INPUTS,
            "assumptions": ["cyanuricAcid", "tds"],
            "missing": [],
            "recommendations": [],
        }

    async def test_low_alkalinity_dose_for_the_pool_volume(self, client, owner, pool):
        # 50,000 L from TA 60 to 100: 40 ppm x 50 x 1.68 g = 3360 g of bicarbonate.
        values = await record(client, owner, pool, **WORKED | {"alkalinity": 60})
        body = await balance_of(client, owner, values["id"])
        (step,) = body["recommendations"]
        assert set(step) == STEP_FIELDS
        assert step == {
            "metric": "alkalinity",
            "action": "raise",
            "product": "sodium bicarbonate",
            "amount": 3360,
            "unit": "g",
            "targetValue": 100.0,
            "drainPercent": None,
        }

    async def test_targets_follow_the_pools_alert_config(self, client, owner, pool):
        config = {
            "enabled": False,  # disabled alerts still set the targets
            "ph": {"min": 7.0, "max": 7.4},
            "chlorine": {"min": 2.0, "max": 4.0},
            "temperature": {"min": 10, "max": 32},
        }
        put = await client.put(f"/pools/{pool.id}/alert-config", json=config, headers=owner.headers)
        assert put.status_code == 200, put.text
        values = await record(client, owner, pool, **WORKED | {"ph": 7.6, "chlorine": 1.5})
        body = await balance_of(client, owner, values["id"])
        targets = [(s["metric"], s["action"], s["targetValue"]) for s in body["recommendations"]]
        assert targets == [("ph", "lower", 7.2), ("chlorine", "raise", 3.0)]

    async def test_read_does_not_store_a_config(self, client, owner, pool):
        values = await record(client, owner, pool, ph=7.5)
        await AlertConfig.find({"pool_id": pool.id}).delete()
        await balance_of(client, owner, values["id"])
        assert await AlertConfig.find_one({"pool_id": pool.id}) is None

    async def test_saltwater_pool_targets(self, client, owner: Caller):
        pool = await make_pool(owner.user, pool_type=PoolType.SALTWATER, volume_liters=40_000)
        values = await record(client, owner, pool, salt=2000, cyanuricAcid=40)
        body = await balance_of(client, owner, values["id"])
        # CYA 40 is low for saltwater (60-80): +30 ppm x 40 g; salt +1050 ppm x 40 g.
        assert steps(body) == [("cyanuricAcid", "raise", 1200, "g"), ("salt", "raise", 42_000, "g")]

    async def test_chlorine_pool_ignores_salt(self, client, owner, pool):
        values = await record(client, owner, pool, salt=500, cyanuricAcid=40)
        assert (await balance_of(client, owner, values["id"]))["recommendations"] == []

    async def test_pool_without_volume(self, client, owner: Caller):
        pool = await make_pool(owner.user, volume_liters=None)
        values = await record(client, owner, pool, **WORKED | {"alkalinity": 60, "chlorine": 0.5})
        body = await balance_of(client, owner, values["id"])
        assert steps(body) == [
            ("alkalinity", "raise", None, "g"),
            ("chlorine", "raise", None, "mL"),
        ]
        assert body["missing"] == ["volumeLiters"]
        assert body["status"] != "unknown"

    async def test_above_range(self, client, owner, pool):
        values = await record(client, owner, pool, chlorine=6, calciumHardness=500)
        body = await balance_of(client, owner, values["id"])
        assert [
            (
                s["metric"],
                s["action"],
                s["product"],
                s["amount"],
                s["targetValue"],
                s["drainPercent"],
            )
            for s in body["recommendations"]
        ] == [
            ("calciumHardness", "dilute", None, None, 300.0, 40),
            ("chlorine", "wait", None, None, 2.0, None),
        ]

    async def test_unknown_names_missing_inputs(self, client, owner, pool):
        values = await record(client, owner, pool, chlorine=2.0)
        body = await balance_of(client, owner, values["id"])
        assert (body["lsi"], body["status"]) == (None, "unknown")
        assert body["missing"] == ["ph", "temperature", "calciumHardness", "alkalinity"]


class TestCalculator:
    URL = "/water-balance"

    @pytest.mark.parametrize(
        "caller, status",
        [("admin", 200), ("owner", 200), ("technician", 200), ("anonymous", 401)],
    )
    async def test_access(self, client, caller, caller_headers, status):
        response = await client.post(self.URL, json={"readings": WORKED}, headers=caller_headers)
        assert response.status_code == status

    async def test_worked_example(self, client, owner: Caller):
        response = await client.post(self.URL, json={"readings": WORKED}, headers=owner.headers)
        assert response.status_code == 200
        body = response.json()
        assert (body["lsi"], body["status"], body["inputs"]) == (-0.01, "balanced", WORKED_INPUTS)

    async def test_stores_nothing(self, client, owner: Caller):
        body = {"readings": WORKED | {"alkalinity": 60}, "volumeLiters": 50_000}
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert steps(response.json()) == [("alkalinity", "raise", 3360, "g")]
        assert await PoolValues.count() == 0

    async def test_default_targets(self, client, owner: Caller):
        body = {"readings": {"ph": 7.9, "chlorine": 0.5, "alkalinity": 100}, "volumeLiters": 10_000}
        response = await client.post(self.URL, json=body, headers=owner.headers)
        targets = [(s["metric"], s["targetValue"]) for s in response.json()["recommendations"]]
        assert targets == [("ph", 7.5), ("chlorine", 2.0)]

    async def test_saltwater(self, client, owner: Caller):
        body = {"readings": {"salt": 3600, "cyanuricAcid": 55}, "poolType": "saltwater"}
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert [(s["metric"], s["action"]) for s in response.json()["recommendations"]] == [
            ("cyanuricAcid", "raise"),
            ("salt", "dilute"),
        ]
        assert response.json()["missing"][-1] == "volumeLiters"

    async def test_camel_and_snake_case_accepted(self, client, owner: Caller):
        body = {"readings": {"calcium_hardness": 300, "ph": 7.5}, "volume_liters": 1000}
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert response.json()["inputs"]["calciumHardness"] == 300

    @pytest.mark.parametrize(
        "body",
        [
            {"readings": {}},
            {"readings": {"ph": 15}},
            {"readings": {"tds": -1}},
            {"readings": {"salt": 100_001}},
            {"readings": {"ph": 7.5}, "volumeLiters": 0},
            {"readings": {"ph": 7.5}, "poolType": "lake"},
            {"readings": {"ph": 7.5}, "extra": 1},
            {"readings": {"ph": 7.5, "copper": 1}},
            {},
        ],
    )
    async def test_bad_input(self, client, owner: Caller, body):
        response = await client.post(self.URL, json=body, headers=owner.headers)
        assert (response.status_code, problem_code(response)) == (422, "validation_error")

    async def test_zero_hardness_and_tds_are_named(self, client, owner: Caller):
        readings = WORKED | {"calciumHardness": 0, "tds": 0}
        body = {"readings": readings, "volumeLiters": 10_000}
        response = await client.post(self.URL, json=body, headers=owner.headers)
        body = response.json()
        assert (body["lsi"], body["status"]) == (None, "unknown")
        assert body["missing"] == ["calciumHardness", "tds"]


class TestLsiOnPoolValues:
    async def test_computed_on_create_and_read(self, client, owner, pool):
        created = await record(client, owner, pool, **WORKED)
        read = await client.get(f"/pool-values/{created['id']}", headers=owner.headers)
        assert (created["lsi"], read.json()["lsi"]) == (-0.01, -0.01)

    async def test_null_when_an_input_is_missing(self, client, owner, pool):
        assert (await record(client, owner, pool, ph=7.5))["lsi"] is None

    async def test_tds_and_cyanuric_acid_change_it(self, client, owner, pool):
        # TDS 3000 adds log10(3) / 10 to pHs; CYA 30 takes 10 ppm off the carbonate alkalinity.
        values = await record(client, owner, pool, **WORKED | {"tds": 3000, "cyanuricAcid": 30})
        assert values["tds"] == 3000
        assert values["lsi"] == -0.1

    async def test_recomputed_after_a_correction(self, client, owner, pool):
        created = await record(client, owner, pool, **WORKED)
        patched = await client.patch(
            f"/pool-values/{created['id']}", json={"ph": 8.0}, headers=owner.headers
        )
        assert patched.json()["lsi"] == 0.49
        listed = await client.get(f"/pool-values?poolId={pool.id}", headers=owner.headers)
        assert [item["lsi"] for item in listed.json()["items"]] == [0.49]

    async def test_not_stored(self, client, owner, pool):
        created = await record(client, owner, pool, **WORKED)
        raw = await PoolValues.get_motor_collection().find_one(
            {"_id": PydanticObjectId(created["id"])}
        )
        assert "lsi" not in raw


class TestDashboardWaterBalance:
    async def test_latest_readings_balance(self, client, owner, pool):
        await record(client, owner, pool, **WORKED, measuredAt="2026-01-01T10:00:00Z")
        latest = await record(client, owner, pool, **WORKED | {"alkalinity": 60})
        response = await client.get(f"/pools/{pool.id}/dashboard", headers=owner.headers)
        assert response.json()["waterBalance"] == await balance_of(client, owner, latest["id"])
        assert steps(response.json()["waterBalance"]) == [("alkalinity", "raise", 3360, "g")]

    async def test_null_without_readings(self, client, owner, pool):
        response = await client.get(f"/pools/{pool.id}/dashboard", headers=owner.headers)
        assert response.json()["waterBalance"] is None


class TestVisitWorkflowWaterBalance:
    async def test_balance_of_the_visit_readings(self, client, technician, pool):
        response = await client.post(
            f"/pools/{pool.id}/visits",
            json={"readings": WORKED | {"alkalinity": 60}},
            headers=technician.headers,
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["poolValues"]["lsi"] == body["waterBalance"]["lsi"]
        assert steps(body["waterBalance"]) == [("alkalinity", "raise", 3360, "g")]
