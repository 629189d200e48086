"""A real SMTP server (aiosmtpd) on a free loopback port, and settings that send to it."""

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from app.core.config import Settings


@dataclass
class RecordingHandler:
    """Keeps every message it accepts; refuses the first `refuse` DATA commands with a 451."""

    refuse: int = 0
    refused: int = 0
    received: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 Try again later"
        self.received.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_handler() -> RecordingHandler:
    return RecordingHandler()


@pytest.fixture
def smtp_server(smtp_handler: RecordingHandler) -> Iterator[Controller]:
    """An aiosmtpd server in its own thread, stopped after the test."""
    controller = Controller(smtp_handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def smtp_settings(settings: Settings, port: int) -> Settings:
    """The test settings, sending to 127.0.0.1:`port` without TLS, retrying fast."""
    return settings.model_copy(
        update={
            "email_backend": "smtp",
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_starttls": False,
            "smtp_timeout_seconds": 5,
            "email_retry_base_seconds": 0.01,
            "frontend_url": "https://app.poolia.test",
        }
    )


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No background worker here: the tests drive the outbox themselves."""
    return settings.model_copy(update={"background_jobs_enabled": False})
