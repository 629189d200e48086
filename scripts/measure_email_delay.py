"""Measure the delay from an event to its email arriving at a real SMTP server.

Starts an aiosmtpd server and the API (EMAIL_BACKEND=smtp, outbox worker on) on free loopback
ports; an owner invites new addresses one at a time (each an `invite.created` email); the delay is
from the invite's 201 to the message reaching the SMTP server.

    .venv/bin/python scripts/measure_email_delay.py --poll 2 --events 20
"""

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_server import free_port, start_api, stop, wait_until_up


class ArrivalRecorder:
    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.changed = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.changed:
            for recipient in envelope.rcpt_tos:
                self.arrived[recipient] = time.monotonic()
            self.changed.notify_all()
        return "250 OK"

    def wait_for(self, recipient: str, seconds: float) -> float:
        with self.changed:
            self.changed.wait_for(lambda: recipient in self.arrived, timeout=seconds)
            return self.arrived[recipient]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poll", type=float, default=2.0, help="NOTIFICATION_POLL_SECONDS")
    parser.add_argument("--events", type=int, default=20)
    args = parser.parse_args()

    recorder = ArrivalRecorder()
    smtp = Controller(recorder, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        server = start_api(
            port,
            Path(scratch),
            EMAIL_BACKEND="smtp",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp.port),
            SMTP_STARTTLS="false",
            NOTIFICATION_POLL_SECONDS=str(args.poll),
            LOG_LEVEL="WARNING",
        )
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                wait_until_up(http, server)
                registered = http.post(
                    "/auth/register",
                    json={
                        "name": "Mia",
                        "lastName": "Measure",
                        "email": "delay-owner@example.com",
                        "password": "measure-the-delay",
                        "role": "owner",
                    },
                ).json()
                headers = {"Authorization": f"Bearer {registered['access_token']}"}
                pool = http.post("/pools", json={"name": "Delay pool"}, headers=headers).json()
                delays = []
                for number in range(args.events):
                    time.sleep(random.uniform(0, args.poll))  # events land anywhere in a poll
                    address = f"delay-tech{number}@example.com"
                    response = http.post(
                        f"/pools/{pool['id']}/invites",
                        json={"technicianEmail": address},
                        headers=headers,
                    )
                    assert response.status_code == 201, response.text
                    answered = time.monotonic()
                    delays.append(recorder.wait_for(address, args.poll + 30) - answered)
        finally:
            stop(server)
            smtp.stop()
    delays.sort()
    print(
        f"poll {args.poll:g} s, {len(delays)} emails: "
        f"median {statistics.median(delays):.2f} s, "
        f"p90 {delays[int(0.9 * (len(delays) - 1))]:.2f} s, max {delays[-1]:.2f} s"
    )


if __name__ == "__main__":
    main()
