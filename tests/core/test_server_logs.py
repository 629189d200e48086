"""uvicorn's own start-up and shutdown lines are JSON on stdout, with no ANSI colour codes."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def test_start_and_stop_lines_are_json(tmp_path) -> None:
    port = free_port()
    environment = {
        key: value for key, value in os.environ.items() if key not in {"MONGODB_URL", "NO_COLOR"}
    }
    # A terminal-like setting under which uvicorn would colour its lines.
    environment.update(FORCE_COLOR="1", LOCAL_STORAGE_DIR=str(tmp_path / "blobs"))
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:app",
        "--app-dir",
        str(ROOT),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--use-colors",
    ]
    server = subprocess.Popen(
        command, cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_until_up(port, server)
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=30)
    lines = stdout.decode().splitlines()
    messages = [json.loads(line)["message"] for line in lines]
    assert any(message.startswith("Started server process") for message in messages)
    assert any(message.startswith("Uvicorn running on") for message in messages)
    assert any(message.startswith("Finished server process") for message in messages)
    assert b"\x1b[" not in stdout
    assert stderr.decode().strip() == ""
