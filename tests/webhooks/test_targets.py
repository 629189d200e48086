"""The SSRF guard's address rule: only globally routable unicast addresses are public."""

import ipaddress

import pytest

from app.core.config import Settings
from app.webhooks import delivery, targets
from app.webhooks.exceptions import WebhookUrlNotAllowed
from app.webhooks.targets import ensure_public, is_public_address

REFUSED = [
    "127.0.0.1",  # loopback
    "127.8.9.10",
    "::1",
    "10.0.0.1",  # private
    "172.16.5.4",
    "192.168.0.1",
    "fc00::1",  # unique local
    "169.254.169.254",  # link-local (cloud metadata)
    "fe80::1",
    "224.0.0.251",  # multicast
    "ff02::1",
    "240.0.0.1",  # reserved
    "0.0.0.0",  # unspecified
    "::",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "192.0.2.10",  # documentation
    "2001:db8::1",
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::ffff:10.0.0.1",
    "255.255.255.255",  # broadcast
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", REFUSED)
def test_refused(address: str):
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_allowed(address: str):
    assert is_public_address(ipaddress.ip_address(address))


async def test_every_resolved_address_must_be_public():
    target = await ensure_public("https://8.8.8.8:8443/hook")
    assert (target.host, target.port) == ("8.8.8.8", 8443)
    with pytest.raises(WebhookUrlNotAllowed):
        await ensure_public("http://localhost:8000/hook")


async def test_default_ports():
    assert (await ensure_public("https://1.1.1.1/")).port == 443
    assert (await ensure_public("http://1.1.1.1/")).port == 80


async def test_attempt_connects_to_the_checked_address(monkeypatch: pytest.MonkeyPatch):
    """DNS rebinding: the request goes to the address the guard approved, not to a new lookup."""

    async def resolve(url: str) -> targets.Target:
        return targets.Target("hooks.example.test", 8443, (ipaddress.ip_address("8.8.8.8"),))

    monkeypatch.setattr(targets, "resolve", resolve)
    url, host_header, extensions = await delivery._pinned_request(
        "https://hooks.example.test:8443/in?x=1", Settings(webhook_allow_private_targets=False)
    )
    assert str(url) == "https://8.8.8.8:8443/in?x=1"
    assert host_header == {"Host": "hooks.example.test:8443"}
    assert extensions == {"sni_hostname": "hooks.example.test"}  # TLS still checks the name
