"""docs/guide.md: its webhook verification snippet accepts what the API signs, and nothing else."""

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.webhooks.signing import signature_header

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide.md"


@pytest.fixture(scope="module")
def verify() -> Callable[..., bool]:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    [snippet] = [block for block in blocks if "def verify" in block]
    namespace: dict[str, object] = {}
    exec(snippet, namespace)  # the guide's own code, as a reader would paste it
    return namespace["verify"]  # type: ignore[return-value]


def test_accepts_a_delivery_the_api_signed(verify: Callable[..., bool]) -> None:
    body = b'{"id": "6650f1c2a4b5c6d7e8f90a1b", "type": "ping", "data": {}}'
    header = signature_header(secret="whsec-test", timestamp=int(time.time()), body=body)
    assert verify("whsec-test", header, body)


def test_refuses_another_body_secret_or_an_old_timestamp(verify: Callable[..., bool]) -> None:
    body = b'{"type": "ping"}'
    now = int(time.time())
    header = signature_header(secret="whsec-test", timestamp=now, body=body)
    assert not verify("whsec-test", header, body + b" ")
    assert not verify("another-secret", header, body)
    old = signature_header(secret="whsec-test", timestamp=now - 3600, body=body)
    assert not verify("whsec-test", old, body)
