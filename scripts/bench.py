"""Benchmark the API: start it seeded on a loopback port, drive each scenario, check targets.

Prints a table (RPS, p50, p95, p99, errors) and writes bench/results/<timestamp>.json.
The server and the load share this machine; figures compare scenarios within one run. The load
comes from aiohttp: on this kind of machine httpx's async client tops out near 200-400 requests per
second, so with it the benchmark measured the client rather than the API.
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from local_server import free_port, stop

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"

READ_P95_TARGET_MS = 150.0
POOL_READ_SHARE_TARGET = 0.35
HEALTH_P99_UNDER_LOGINS_MS = 50.0


@dataclass
class Result:
    name: str
    concurrency: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    errors: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.errors

    def percentile(self, share: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self) -> dict[str, float | int | str]:
        return {
            "scenario": self.name,
            "concurrency": self.concurrency,
            "requests": self.requests,
            "rps": round(self.requests / self.seconds, 1),
            "p50_ms": round(self.percentile(0.50), 2),
            "p95_ms": round(self.percentile(0.95), 2),
            "p99_ms": round(self.percentile(0.99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else 0,
            "errors": self.errors,
        }


Request = Callable[[aiohttp.ClientSession], Awaitable[int]]


async def send(http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> int:
    """Send one request, read the whole body, and return the status."""
    async with http.request(method, url, **kwargs) as response:
        await response.read()
        return response.status


async def drive(
    client: aiohttp.ClientSession, name: str, request: Request, *, concurrency: int, seconds: float
) -> Result:
    """Run `concurrency` workers issuing `request` back to back for `seconds`."""
    result = Result(name=name, concurrency=concurrency, seconds=seconds)
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                failed = await request(client) >= 400
            except aiohttp.ClientError:
                failed = True
            if failed:
                result.errors += 1
            else:
                result.latencies_ms.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return result


def start_server(
    port: int, seed_file: Path, log_file: Path, mongodb_url: str | None
) -> subprocess.Popen:
    env = {**os.environ, "BCRYPT_ROUNDS": os.environ.get("BCRYPT_ROUNDS", "12")}
    env.pop("MONGODB_URL", None)
    if mongodb_url:
        # A database of its own, so seeding never touches real data; the server drops it.
        env.update(MONGODB_URL=mongodb_url, MONGODB_DB=f"poolia_bench_{secrets.token_hex(4)}")
    with log_file.open("wb") as log:
        return subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "scripts" / "bench_server.py"),
                "--port",
                str(port),
                "--seed-file",
                str(seed_file),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
        )


async def wait_ready(base_url: str, seed_file: Path, process: subprocess.Popen) -> dict:
    deadline = time.monotonic() + 300
    async with aiohttp.ClientSession(base_url=base_url) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("the bench server exited")
            if await asyncio.to_thread(seed_file.exists):
                try:
                    if await send(client, "GET", "/health") == 200:
                        return json.loads(await asyncio.to_thread(seed_file.read_text))
                except aiohttp.ClientError:
                    pass
            await asyncio.sleep(0.2)
    raise RuntimeError("the bench server did not become ready in time")


async def login(client: aiohttp.ClientSession, email: str, password: str) -> dict[str, str]:
    credentials = {"email": email, "password": password}
    async with client.post("/auth/login", json=credentials, raise_for_status=True) as response:
        tokens = await response.json()
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def run(base_url: str, seeded: dict, seconds: float, concurrency: int) -> list[Result]:
    connector = aiohttp.TCPConnector(limit=64)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base_url, connector=connector, timeout=timeout) as client:
        owner = await login(client, seeded["ownerEmail"], seeded["password"])
        technician = await login(client, seeded["technicianEmail"], seeded["password"])
        pool, thread = seeded["poolId"], seeded["threadId"]
        rng = random.Random(11)

        def record_visit(http: aiohttp.ClientSession) -> Awaitable[int]:
            readings = {"ph": round(rng.uniform(7.0, 8.0), 2), "chlorine": 1.5, "temperature": 25}
            url = f"/pools/{rng.choice(seeded['poolIds'])}/visits"
            return send(http, "POST", url, json={"readings": readings}, headers=technician)

        scenarios: list[tuple[str, Request]] = [
            ("GET /health", lambda http: send(http, "GET", "/health")),
            ("GET /pools/{id}", lambda http: send(http, "GET", f"/pools/{pool}", headers=owner)),
            (
                "GET /pools/{id}/dashboard",
                lambda http: send(http, "GET", f"/pools/{pool}/dashboard", headers=owner),
            ),
            (
                "GET /pools/{id}/visits?limit=50",
                lambda http: send(http, "GET", f"/pools/{pool}/visits?limit=50", headers=owner),
            ),
            ("POST /pools/{id}/visits", record_visit),
            (
                "GET /threads/{id}/messages",
                lambda http: send(http, "GET", f"/threads/{thread}/messages", headers=owner),
            ),
        ]
        results = []
        for name, request in scenarios:
            await drive(client, name, request, concurrency=4, seconds=1)  # warm-up
            results.append(
                await drive(client, name, request, concurrency=concurrency, seconds=seconds)
            )

        credentials = {"email": seeded["ownerEmail"], "password": seeded["password"]}
        storm, health = await asyncio.gather(
            drive(
                client,
                "login storm (16 concurrent)",
                lambda http: send(http, "POST", "/auth/login", json=credentials),
                concurrency=16,
                seconds=seconds,
            ),
            drive(
                client,
                "GET /health during logins",
                lambda http: send(http, "GET", "/health"),
                concurrency=2,
                seconds=seconds,
            ),
        )
        return [*results, storm, health]


def check_targets(results: list[Result]) -> list[tuple[str, bool, str]]:
    by_name = {result.name: result for result in results}
    health, pool = by_name["GET /health"], by_name["GET /pools/{id}"]
    checks = []
    for result in results:
        if result.name.startswith("GET /") and "during" not in result.name:
            p95 = result.percentile(0.95)
            checks.append(
                (
                    f"{result.name} p95 < {READ_P95_TARGET_MS:.0f} ms",
                    p95 < READ_P95_TARGET_MS,
                    f"{p95:.1f} ms",
                )
            )
    share = (pool.requests / pool.seconds) / (health.requests / health.seconds)
    checks.append(
        (
            f"GET /pools/{{id}} >= {POOL_READ_SHARE_TARGET:.0%} of /health RPS",
            share >= POOL_READ_SHARE_TARGET,
            f"{share:.0%}",
        )
    )
    during = by_name["GET /health during logins"].percentile(0.99)
    checks.append(
        (
            f"/health p99 < {HEALTH_P99_UNDER_LOGINS_MS:.0f} ms under 16 logins",
            during < HEALTH_P99_UNDER_LOGINS_MS,
            f"{during:.1f} ms",
        )
    )
    errors = sum(result.errors for result in results)
    checks.append(("no errors in any scenario", errors == 0, f"{errors} errors"))
    return checks


def print_report(results: list[Result], checks: list[tuple[str, bool, str]]) -> None:
    header = (
        f"{'scenario':<34}{'conc':>5}{'reqs':>8}{'rps':>9}{'p50':>9}{'p95':>9}{'p99':>9}{'err':>6}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        row = result.summary()
        print(
            f"{row['scenario']:<34}{row['concurrency']:>5}{row['requests']:>8}{row['rps']:>9}"
            f"{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}{row['errors']:>6}"
        )
    print()
    for label, passed, measured in checks:
        print(f"[{'PASS' if passed else 'FAIL'}] {label}: {measured}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="duration per scenario")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--mongodb-url",
        default=os.environ.get("BENCH_MONGODB_URL"),
        help="a real MongoDB to run against (default: the embedded store; env BENCH_MONGODB_URL)",
    )
    args = parser.parse_args()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="poolia-bench-") as work:
        seed_file, log_file = Path(work) / "seed.json", Path(work) / "server.log"
        process = start_server(port, seed_file, log_file, args.mongodb_url)
        try:
            seeded = asyncio.run(wait_ready(base_url, seed_file, process))
            results = asyncio.run(run(base_url, seeded, args.seconds, args.concurrency))
        except RuntimeError as error:
            log_tail = log_file.read_text(errors="replace").splitlines()[-20:]
            print(f"{error}\n--- server log (last lines) ---", *log_tail, sep="\n", file=sys.stderr)
            return 2
        finally:
            stop(process)
    checks = check_targets(results)
    store = "mongodb" if args.mongodb_url else "embedded"
    print(f"store: {store}, {args.seconds:g} s per scenario\n")
    print_report(results, checks)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output = RESULTS_DIR / f"{stamp}.json"
    output.write_text(
        json.dumps(
            {
                "at": stamp,
                "store": store,
                "seconds": args.seconds,
                "concurrency": args.concurrency,
                "results": [result.summary() for result in results],
                "targets": [
                    {"target": label, "passed": passed, "measured": measured}
                    for label, passed, measured in checks
                ],
            },
            indent=2,
        )
    )
    print(f"\nwrote {output.relative_to(ROOT)}")
    return 0 if all(passed for _, passed, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
