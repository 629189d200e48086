"""Request fingerprints, computed while the body streams by, so no body is held twice.

A multipart body is fingerprinted by its parts (field names, file names, content types, bytes),
not by its bytes as sent: clients choose a new boundary on every send. Any other body is
compared as sent.
"""

import hashlib
from typing import Any

from python_multipart.multipart import MultipartParser, parse_options_header

MULTIPART = b"multipart/form-data"


def _framed(*fields: bytes | None) -> bytes:
    """Fields with their lengths, so no two different tuples frame to the same bytes."""
    framed = bytearray()
    for field in fields:
        if field is None:
            framed += b"\x00"
            continue
        framed += b"\x01" + len(field).to_bytes(8, "big") + field
    return bytes(framed)


class _PartsDigest:
    """Hashes each part of a multipart body as the streaming parser meets it."""

    def __init__(self, boundary: bytes) -> None:
        self._digest = hashlib.sha256(b"multipart")
        self._headers: dict[bytes, bytes] = {}
        self._field = bytearray()
        self._value = bytearray()
        self._data = hashlib.sha256()
        self._failed = False
        callbacks: Any = {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }
        self._parser = MultipartParser(boundary, callbacks)

    def _part_begin(self) -> None:
        self._headers = {}
        self._data = hashlib.sha256()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[bytes(self._field).strip().lower()] = bytes(self._value).strip()
        self._field.clear()
        self._value.clear()

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        self._data.update(memoryview(data)[start:end])

    def _part_end(self) -> None:
        _, disposition = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._digest.update(
            _framed(
                disposition.get(b"name"),
                disposition.get(b"filename"),
                self._headers.get(b"content-type"),
                self._data.digest(),
            )
        )

    def update(self, chunk: bytes) -> None:
        if self._failed:
            return
        try:
            self._parser.write(chunk)
        except Exception:
            # The form parser will refuse this body as well (4xx), so nothing will be kept for
            # it; the digest only has to stay deterministic.
            self._failed = True
            self._digest.update(b"malformed")

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


class BodyFingerprint:
    """A SHA-256 digest of a request body, fed chunk by chunk as the body is received."""

    def __init__(self, content_type: str | None) -> None:
        media_type, options = parse_options_header(content_type or "")
        boundary = options.get(b"boundary")
        self._parts = _PartsDigest(boundary) if media_type == MULTIPART and boundary else None
        self._raw = hashlib.sha256(_framed(media_type)) if self._parts is None else None
        self.complete = False

    def update(self, chunk: bytes, *, more_body: bool) -> None:
        """Feed the next chunk; `more_body=False` marks the end of the body."""
        if self._parts is not None:
            self._parts.update(chunk)
        elif self._raw is not None:
            self._raw.update(chunk)
        if not more_body:
            self.complete = True

    def hexdigest(self) -> str:
        """The body's digest (only meaningful once `complete`)."""
        if self._parts is not None:
            return self._parts.hexdigest()
        assert self._raw is not None
        return self._raw.hexdigest()


def request_fingerprint(*, method: str, path: str, query: bytes, body_digest: str) -> str:
    """The digest kept for a request: method, path, query string and body digest."""
    return hashlib.sha256(
        _framed(method.encode(), path.encode(), query, body_digest.encode())
    ).hexdigest()
