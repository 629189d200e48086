"""Swagger UI in a headless browser: log in with Authorize, list pools, read a dashboard.

Serves the API with `DEMO_DATA=true` on a free loopback port (embedded store), then runs
tools/swagger-check/swagger.mjs (playwright-core driving Debian's chromium, no browser download)
with the demo owner's login, and stops the server by its PID. Prints a screenshot-free summary.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from local_server import HOST, ROOT, free_port, start_api, stop, wait_until_up

sys.path.insert(0, str(ROOT))

from app.demo import DEMO_PASSWORD, DEMO_USERS

TOOLS = ROOT / "tools" / "swagger-check"
SERVER_LOG_LINES = 40


def main() -> int:
    """Run the browser scenario against a demo server; 0 when every step behaved."""
    email = DEMO_USERS["owner"][2]
    with tempfile.TemporaryDirectory(prefix="poolia-swagger-check-") as scratch:
        workdir = Path(scratch)
        port = free_port()
        base_url = f"http://{HOST}:{port}"
        server_log = workdir / "server.log"
        with server_log.open("wb") as log:
            server = start_api(port, workdir, log, DEMO_DATA="true")
        print(f"started the API with demo data at {base_url} (pid {server.pid})")
        try:
            with httpx.Client(base_url=base_url) as http:
                wait_until_up(http, server)
            result = subprocess.run(
                ["node", "swagger.mjs", base_url, email, DEMO_PASSWORD],
                cwd=TOOLS,
                env=os.environ.copy(),
                timeout=180,
                check=False,
            )
        finally:
            stop(server)
            print(f"stopped the API (pid {server.pid})")
        if result.returncode:
            tail = server_log.read_text(errors="replace").splitlines()[-SERVER_LOG_LINES:]
            print("server log (last lines):", *tail, sep="\n", file=sys.stderr)
            return 1
    print("swagger-check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
