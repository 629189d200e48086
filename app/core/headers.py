"""The security headers every response carries, errors included."""

from starlette.datastructures import MutableHeaders

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def add_security_headers(headers: MutableHeaders) -> None:
    """Set the security headers; JSON (tokens, authenticated data) is never stored by caches."""
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
    content_type = headers.get("content-type", "")
    if content_type.startswith("application/") and "json" in content_type:
        headers.setdefault("Cache-Control", "no-store")
