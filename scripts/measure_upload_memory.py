"""Measure how much the server's memory grows over ten sequential ~10 MiB photo uploads.

Starts uvicorn (one worker, embedded store, local blob folder in a temporary directory) on a free
loopback port, registers a user through the API, uploads ten noise PNGs just under
MAX_UPLOAD_BYTES as that user's profile photo, reads VmRSS from /proc/<pid>/status before and
after, prints the growth in MiB, and stops the server by its PID. Linux only.
"""

import argparse
import os
import secrets
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

import httpx
from local_server import free_port, start_api, stop, wait_until_up
from PIL import Image

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MIB = 1024 * 1024


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (resident peak) of a process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def noise_png(max_bytes: int) -> bytes:
    """A PNG of random pixels (incompressible) as close under `max_bytes` as a square allows."""
    side = int((max_bytes / 3) ** 0.5)
    while True:
        output = BytesIO()
        Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(output, "PNG")
        if output.tell() <= max_bytes:
            return output.getvalue()
        side -= 8


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=10)
    args = parser.parse_args()

    image = noise_png(MAX_UPLOAD_BYTES - 1024)
    port = free_port()
    with tempfile.TemporaryDirectory() as workdir:
        server = start_api(
            port, Path(workdir), MAX_UPLOAD_BYTES=str(MAX_UPLOAD_BYTES), LOG_LEVEL="WARNING"
        )
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
                wait_until_up(http, server)
                registered = http.post(
                    "/auth/register",
                    json={
                        "name": "Memory",
                        "lastName": "Probe",
                        "email": "memory-probe@example.com",
                        "password": secrets.token_urlsafe(16),
                        "role": "owner",
                    },
                )
                registered.raise_for_status()
                http.headers["Authorization"] = f"Bearer {registered.json()['access_token']}"
                me = http.get("/users/me").json()["id"]
                before = memory_kib(server.pid)
                started = time.monotonic()
                for number in range(1, args.uploads + 1):
                    response = http.post(
                        f"/photos/users/{me}/profile",
                        files={"file": (f"noise-{number}.png", image, "image/png")},
                    )
                    if response.status_code != 201:
                        raise SystemExit(f"upload {number}: {response.status_code} {response.text}")
                elapsed = time.monotonic() - started
                after = memory_kib(server.pid)
        finally:
            stop(server)

    growth = (after["VmRSS"] - before["VmRSS"]) / 1024
    print(f"upload size:       {len(image) / MIB:.2f} MiB x {args.uploads} (sequential)")
    print(f"upload time:       {elapsed:.1f} s ({elapsed / args.uploads:.2f} s each)")
    print(f"RSS before:        {before['VmRSS'] / 1024:.1f} MiB")
    print(f"RSS after:         {after['VmRSS'] / 1024:.1f} MiB")
    print(f"peak RSS (VmHWM):  {after['VmHWM'] / 1024:.1f} MiB")
    print(f"RSS growth:        {growth:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
