"""Measure login latency alone and during a burst of concurrent registrations.

Registrations hash a password with bcrypt, logins check one. Both cost the same CPU, so a burst of
registrations must not queue in front of the logins (they use separate bcrypt pools). The server
runs with a realistic bcrypt cost (12 by default) on the embedded store, in a child process on a
loopback port, and is stopped by its PID.

    .venv/bin/python scripts/measure_login_under_registrations.py [--registrations 20] [--rounds 12]
"""

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from local_server import free_port, start_api, stop, wait_until_up

PASSWORD = "measure-password-1"


def account(email: str) -> dict[str, str]:
    return {"name": "M", "lastName": "L", "email": email, "password": PASSWORD, "role": "owner"}


async def timed_login(http: httpx.AsyncClient, email: str) -> float:
    started = time.perf_counter()
    response = await http.post("/auth/login", json={"email": email, "password": PASSWORD})
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


async def logins_while(http: httpx.AsyncClient, email: str, burst: asyncio.Future) -> list[float]:
    """Log in one after the other until the burst is over."""
    latencies = [await timed_login(http, email)]
    while not burst.done():
        latencies.append(await timed_login(http, email))
    return latencies


async def measure(base_url: str, registrations: int) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:
        email = f"login-{uuid.uuid4().hex[:8]}@example.com"
        (await http.post("/auth/register", json=account(email))).raise_for_status()
        alone = [await timed_login(http, email) for _ in range(5)]
        emails = [f"burst-{uuid.uuid4().hex[:8]}@example.com" for _ in range(registrations)]
        bodies = [account(address) for address in emails]
        started = time.perf_counter()
        burst = asyncio.ensure_future(
            asyncio.gather(*(http.post("/auth/register", json=body) for body in bodies))
        )
        during = await logins_while(http, email, burst)
        statuses = [response.status_code for response in await burst]
        burst_ms = (time.perf_counter() - started) * 1000
    print(
        f"login alone:        median {statistics.median(alone):7.1f} ms, max {max(alone):7.1f} ms"
    )
    print(
        f"login during burst: median {statistics.median(during):7.1f} ms, "
        f"max {max(during):7.1f} ms over {len(during)} logins"
    )
    print(
        f"burst: {registrations} registrations in {burst_ms:.0f} ms, "
        f"{statuses.count(201)} created, statuses {sorted(set(statuses))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as workdir:
        server = start_api(
            port,
            Path(workdir),
            BCRYPT_ROUNDS=str(args.rounds),
            # One address sends the whole burst: let every registration reach its hash.
            REGISTER_MAX_PER_IP=str(args.registrations + 1),
            LOG_LEVEL="WARNING",
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base_url) as http:
                wait_until_up(http, server)
            asyncio.run(measure(base_url, args.registrations))
        finally:
            stop(server)


if __name__ == "__main__":
    main()
