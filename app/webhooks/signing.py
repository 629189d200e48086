"""The `Poolia-Signature` header: HMAC-SHA256 over "<unix seconds>.<raw body>", keyed by the secret.

Pure functions, so that the receiver-side check in the README and the tests use the same rule.
"""

import hashlib
import hmac

SIGNATURE_HEADER = "Poolia-Signature"


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `"<timestamp>.<body>"` keyed by `secret`."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    """The header value: `t=<timestamp>,v1=<signature>`."""
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"
