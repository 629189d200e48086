"""Generate a Python client from generated/openapi.json and run the main scenario through it.

`openapi-python-client` writes the client into a temporary folder; any warning or error it prints
fails the check. The scenario then runs through that client against the API served on a free
loopback port (embedded store), which is stopped by its PID at the end.
"""

import json
import os
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

import httpx
from local_server import HOST, ROOT, free_port, start_api, stop, wait_until_up

OPENAPI = ROOT / "generated" / "openapi.json"
PACKAGE = "poolia_client"
# Photo bytes and invoice PDFs are documented with their own types; the generator reads raw bytes
# only as application/octet-stream, so it is told to read these types the same way.
BINARY_TYPES = ("image/gif", "image/jpeg", "image/png", "image/webp", "application/pdf")
GENERATOR_CONFIG = {
    "content_type_overrides": dict.fromkeys(BINARY_TYPES, "application/octet-stream")
}
PASSWORD = "client-check-password"
SERVER_LOG_LINES = 40


class CheckFailed(Exception):
    """The generator complained, or the API answered other than the scenario expects."""


def generate_client(workdir: Path) -> None:
    """Write the client package into `workdir`; fail on any generator output beyond its banner."""
    config = workdir / "generator.json"
    config.write_text(json.dumps(GENERATOR_CONFIG))
    output = workdir / PACKAGE
    tools = sysconfig.get_path("scripts")  # the generator's ruff post-hooks are looked up on PATH
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--fail-on-warning"]
    command += ["--path", str(OPENAPI), "--output-path", str(output)]
    command += ["--meta", "none", "--config", str(config)]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": os.pathsep.join((tools, os.environ.get("PATH", "")))},
    )
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and line.strip() != f"Generating {output}"
    ]
    if result.returncode or complaints:
        report = "\n".join(complaints)
        raise CheckFailed(f"the generator exited with {result.returncode} and said:\n{report}")
    print(f"generated {PACKAGE} from {OPENAPI.relative_to(ROOT)}: no warnings")


def expect(step: str, response: Any, status: int) -> Any:
    """The parsed body of `response` when it has `status`; otherwise fail naming the step."""
    if response.status_code != status:
        body = response.content[:500].decode(errors="replace")
        raise CheckFailed(f"{step}: expected {status}, got {int(response.status_code)}: {body}")
    print(f"  {step}: {status}")
    return response.parsed


def require(condition: bool, what: str) -> None:
    """Fail the check with `what` unless `condition` holds."""
    if not condition:
        raise CheckFailed(f"expected {what}")


def register(base_url: str, role: str, email: str) -> Any:
    """Self-register an owner or a technician; the token response."""
    from poolia_client import Client
    from poolia_client.api.auth import auth_register
    from poolia_client.models import RegisterIn, RegisterInRole

    body = RegisterIn(
        name=role.title(),
        last_name="Check",
        email=email,
        password=PASSWORD,
        role=RegisterInRole(role),
    )
    with Client(base_url=base_url, raise_on_unexpected_status=True) as client:
        token = expect(
            f"register {role}", auth_register.sync_detailed(client=client, body=body), 201
        )
    require(token.user.role == role and token.user.email == email, f"a registered {role}")
    return token


def authenticated(base_url: str, token: Any) -> Any:
    """A generated client that sends `token`'s access token."""
    from poolia_client import AuthenticatedClient

    return AuthenticatedClient(
        base_url=base_url,
        token=token.access_token,
        raise_on_unexpected_status=True,
        timeout=httpx.Timeout(30),
    )


def create_pool_with_technician(owner: Any, technician: Any, technician_email: str) -> Any:
    """The owner creates a pool and invites the technician, who accepts; the pool."""
    from poolia_client.api.invites import invites_accept_invite, invites_create_pool_invite
    from poolia_client.api.pools import pools_create_pool, pools_read_pool
    from poolia_client.models import PoolCreate, PoolInviteCreate, PoolType

    body = PoolCreate(name="Client check pool", pool_type=PoolType.CHLORINE, volume_liters=42000)
    pool = expect("create pool", pools_create_pool.sync_detailed(client=owner, body=body), 201)
    invite = expect(
        "invite technician",
        invites_create_pool_invite.sync_detailed(
            pool.id, client=owner, body=PoolInviteCreate(technician_email=technician_email)
        ),
        201,
    )
    require(invite.status == "pending", "a pending invite")
    accepted = expect(
        "accept invite", invites_accept_invite.sync_detailed(invite.id, client=technician), 200
    )
    require(accepted.status == "accepted", "an accepted invite")
    pool = expect("read pool", pools_read_pool.sync_detailed(pool.id, client=owner), 200)
    require(pool.technician_ids == [accepted.technician_id], "the technician in the pool")
    return pool


def record_visit(technician: Any, pool_id: str) -> Any:
    """The technician records a visit whose pH is out of range; the recorded visit."""
    from poolia_client.api.visits import visits_record_pool_visit
    from poolia_client.models import Readings, VisitRecord

    body = VisitRecord(
        readings=Readings(ph=8.0, chlorine=1.5, temperature=26), observations="Water slightly hazy"
    )
    recorded = expect(
        "record visit with readings",
        visits_record_pool_visit.sync_detailed(pool_id, client=technician, body=body),
        201,
    )
    require(recorded.visit.status == "completed", "a completed visit")
    require(recorded.pool_values.ph == 8.0, "the recorded pH")
    require([alert.metric for alert in recorded.alerts] == ["ph"], "one pH alert")
    return recorded


def check_dashboard(owner: Any, pool_id: str, recorded: Any) -> None:
    """The owner's dashboard shows the visit, its readings, its technician and the pH alert."""
    from poolia_client.api.dashboard import dashboard_read_dashboard

    dashboard = expect(
        "read dashboard", dashboard_read_dashboard.sync_detailed(pool_id, client=owner), 200
    )
    last_visit, readings, technician = (
        dashboard.last_visit,
        dashboard.latest_readings,
        dashboard.technician,
    )
    require(last_visit is not None and last_visit.id == recorded.visit.id, "the last visit")
    require(readings is not None and readings.ph == 8.0, "the visit's readings as the latest")
    require(
        technician is not None and technician.id == recorded.visit.technician_id, "its technician"
    )
    require([alert.metric for alert in dashboard.active_alerts] == ["ph"], "the active pH alert")


def ask_and_answer(owner: Any, technician: Any, pool_id: str) -> None:
    """The owner opens a thread with a question and the technician answers it."""
    from poolia_client.api.messaging import (
        messaging_create_thread,
        messaging_post_message,
        messaging_read_thread,
    )
    from poolia_client.models import MessageCreate, MessageType, ThreadCreate

    question = ThreadCreate(subject="Hazy water", body="Is the water safe to swim in?")
    opened = expect(
        "open thread",
        messaging_create_thread.sync_detailed(pool_id, client=owner, body=question),
        201,
    )
    require(opened.thread.status == "open", "an open thread")
    answer = MessageCreate(
        body="Yes, after the shock treatment tonight.",
        type_=MessageType.ANSWER,
        reply_to_message_id=opened.message.id,
    )
    expect(
        "answer thread",
        messaging_post_message.sync_detailed(opened.thread.id, client=technician, body=answer),
        201,
    )
    thread = expect(
        "read thread", messaging_read_thread.sync_detailed(opened.thread.id, client=owner), 200
    )
    require(thread.status == "answered" and thread.message_count == 2, "an answered thread")


def run_scenario(base_url: str) -> None:
    """The main scenario, step by step, through the generated client."""
    owner_token = register(base_url, "owner", "owner@client-check.poolia.dev")
    technician_email = "technician@client-check.poolia.dev"
    technician_token = register(base_url, "technician", technician_email)
    with (
        authenticated(base_url, owner_token) as owner,
        authenticated(base_url, technician_token) as technician,
    ):
        pool = create_pool_with_technician(owner, technician, technician_email)
        recorded = record_visit(technician, pool.id)
        check_dashboard(owner, pool.id, recorded)
        ask_and_answer(owner, technician, pool.id)


def serve_and_run(workdir: Path) -> None:
    """Start the API on a free loopback port, run the scenario, and stop the server by its PID."""
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    server_log = workdir / "server.log"
    with server_log.open("wb") as log:
        server = start_api(port, workdir, log)
    print(f"started the API at {base_url} (pid {server.pid})")
    try:
        with httpx.Client(base_url=base_url) as http:
            wait_until_up(http, server)
        run_scenario(base_url)
    except BaseException:
        tail = server_log.read_text(errors="replace").splitlines()[-SERVER_LOG_LINES:]
        print("server log (last lines):", *tail, sep="\n", file=sys.stderr)
        raise
    finally:
        stop(server)
        print(f"stopped the API (pid {server.pid})")


def main() -> int:
    """Generate the client, run the scenario through it, and report."""
    with tempfile.TemporaryDirectory(prefix="poolia-client-check-") as scratch:
        workdir = Path(scratch)
        try:
            generate_client(workdir)
            sys.path.insert(0, str(workdir))
            serve_and_run(workdir)
        except CheckFailed as failure:
            print(f"client-check: failed: {failure}", file=sys.stderr)
            return 1
    print("client-check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
