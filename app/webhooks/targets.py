"""The SSRF guard: a webhook may only reach hosts that resolve to public addresses.

The check runs when a URL is stored and again before every attempt; the attempt then connects to the
address that was checked (not to a second lookup of the name), so a DNS answer that changes between
the check and the connection (rebinding) cannot lead the request inside the network.
"""

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.webhooks.exceptions import WebhookUrlNotAllowed

RESOLVE_TIMEOUT_SECONDS = 5

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public_address(address: IPAddress) -> bool:
    """True for a globally routable unicast address; False for loopback, private, link-local, ..."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


@dataclass(frozen=True)
class Target:
    """Where a URL's host resolved to: every address was checked; requests go to the first."""

    host: str
    port: int
    addresses: tuple[IPAddress, ...]


async def resolve(url: str) -> Target:
    """Resolve the URL's host to its addresses (422 `webhook_url_not_allowed` when it cannot be)."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise WebhookUrlNotAllowed("The URL has no host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise WebhookUrlNotAllowed("The URL's port is not valid.") from error
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError, UnicodeError) as error:
        raise WebhookUrlNotAllowed(f"The host `{host}` could not be resolved.") from error
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise WebhookUrlNotAllowed(f"The host `{host}` could not be resolved.")
    return Target(host=host, port=port, addresses=tuple(addresses))


async def ensure_public(url: str) -> Target:
    """Resolve the URL's host and refuse it unless every address it resolves to is public."""
    target = await resolve(url)
    for address in target.addresses:
        if not is_public_address(address):
            raise WebhookUrlNotAllowed(
                f"The host `{target.host}` resolves to {address}, which is not a public address."
            )
    return target
