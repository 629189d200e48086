"""Generate TypeScript types from generated/openapi.json and run the main scenario through them.

`openapi-typescript` writes tools/ts-client/src/poolia.d.ts (any output beyond its banner and its
success line fails the check); `tsc --noEmit` checks tools/ts-client/src/scenario.ts under `strict`;
then the scenario is compiled and run with Node (through `openapi-fetch`) against the API served on
a free loopback port (embedded store), which is stopped by its PID at the end. The tools are pinned
in tools/ts-client/package-lock.json (`make ts-client-check` runs `npm ci` first).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from local_server import HOST, ROOT, free_port, start_api, stop, wait_until_up

TOOLS = ROOT / "tools" / "ts-client"
BIN = TOOLS / "node_modules" / ".bin"
OPENAPI = Path(os.environ.get("OPENAPI_JSON", ROOT / "generated" / "openapi.json"))
TYPES = TOOLS / "src" / "poolia.d.ts"
SERVER_LOG_LINES = 40


class CheckFailed(Exception):
    """A generator warning, a type error, or a scenario step that answered otherwise."""


def run(step: str, command: list[str], **options: object) -> str:
    """Run a tool in tools/ts-client; fail naming the step when it exits non-zero."""
    result = subprocess.run(  # type: ignore[call-overload]
        command, cwd=TOOLS, capture_output=True, text=True, **options
    )
    output = (result.stdout + result.stderr).rstrip()
    if result.returncode:
        raise CheckFailed(f"{step} exited with {result.returncode}:\n{output}")
    return str(output)


def generate_types() -> None:
    """openapi-typescript; its banner and its success line are the only output allowed.

    `--default-non-nullable false`: a request field with a default stays optional, as the API
    treats it (response fields with defaults are already required in the document).
    """
    command = [str(BIN / "openapi-typescript"), str(OPENAPI), "-o", str(TYPES)]
    output = run("openapi-typescript", [*command, "--default-non-nullable", "false"])
    complaints = [
        line
        for line in output.splitlines()
        if line.strip() and "openapi-typescript" not in line and "→" not in line
    ]
    if complaints:
        raise CheckFailed("openapi-typescript warned:\n" + "\n".join(complaints))
    print(f"generated {TYPES.relative_to(ROOT)} from {OPENAPI.name}: no warnings")


def type_check() -> None:
    """tsc --noEmit under the strict tsconfig."""
    run("tsc --noEmit", [str(BIN / "tsc"), "--noEmit", "-p", "tsconfig.json"])
    print("tsc --noEmit (strict): no errors")


def serve_and_run(workdir: Path) -> None:
    """Compile the scenario, start the API on a free loopback port, run it, stop the server."""
    run("tsc", [str(BIN / "tsc"), "-p", "tsconfig.json"])
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    server_log = workdir / "server.log"
    with server_log.open("wb") as log:
        server = start_api(port, workdir, log)
    print(f"started the API at {base_url} (pid {server.pid})")
    try:
        with httpx.Client(base_url=base_url) as http:
            wait_until_up(http, server)
        print(
            run(
                "the scenario",
                ["node", "dist/scenario.js"],
                env={**os.environ, "POOLIA_BASE_URL": base_url},
                timeout=120,
            )
        )
    except BaseException:
        tail = server_log.read_text(errors="replace").splitlines()[-SERVER_LOG_LINES:]
        print("server log (last lines):", *tail, sep="\n", file=sys.stderr)
        raise
    finally:
        stop(server)
        print(f"stopped the API (pid {server.pid})")


def main() -> int:
    """Generate the types, type-check the scenario, run it, and report."""
    with tempfile.TemporaryDirectory(prefix="poolia-ts-client-check-") as scratch:
        try:
            generate_types()
            type_check()
            serve_and_run(Path(scratch))
        except CheckFailed as failure:
            print(f"ts-client-check: failed: {failure}", file=sys.stderr)
            return 1
    print("ts-client-check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
