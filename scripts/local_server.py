"""Run the API in a child process on a free loopback port, for the scripts that drive it over HTTP.

The server uses the embedded store and a local blob folder, runs in a scratch folder (so no `.env`
is read) and is stopped by its PID.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port that is free on the loopback interface right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_api(
    port: int, workdir: Path, log: IO[bytes] | int = subprocess.DEVNULL, **settings: str
) -> subprocess.Popen[bytes]:
    """`uvicorn app.main:app` (one worker) in `workdir`, with `settings` over the dev defaults."""
    environment = {key: value for key, value in os.environ.items() if key != "MONGODB_URL"}
    environment.update(
        ENVIRONMENT="development",
        JWT_SECRET=secrets.token_urlsafe(48),
        BCRYPT_ROUNDS="4",
        STORAGE_BACKEND="local",
        LOCAL_STORAGE_DIR=str(workdir / "blobs"),
    )
    environment.update(settings)
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:app",
        "--app-dir",
        str(ROOT),
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-access-log",
    ]
    return subprocess.Popen(
        command, cwd=workdir, env=environment, stdout=log, stderr=subprocess.STDOUT
    )


def wait_until_up(http: httpx.Client, server: subprocess.Popen[bytes], seconds: float = 30) -> None:
    """Poll `GET /health` until it answers 200; fail if the server exits or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if http.get("/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server did not answer within {seconds:.0f} s")


def stop(server: subprocess.Popen[bytes], seconds: float = 15) -> None:
    """Terminate the server by its PID; kill it if it does not exit in time."""
    server.terminate()
    try:
        server.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
