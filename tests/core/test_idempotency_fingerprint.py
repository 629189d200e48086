"""Body fingerprints: multipart by its parts, not its boundary; the same however it is chunked."""

from hypothesis import given
from hypothesis import strategies as st

from app.core.idempotency.fingerprint import BodyFingerprint, request_fingerprint

Part = tuple[str, str | None, str | None, bytes]


def multipart(parts: list[Part], boundary: str) -> tuple[str, bytes]:
    """A multipart/form-data content type and body."""
    body = bytearray()
    for name, file_name, content_type, data in parts:
        body += f"--{boundary}\r\n".encode()
        disposition = f'form-data; name="{name}"'
        if file_name is not None:
            disposition += f'; filename="{file_name}"'
        body += f"Content-Disposition: {disposition}\r\n".encode()
        if content_type is not None:
            body += f"Content-Type: {content_type}\r\n".encode()
        body += b"\r\n" + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", bytes(body)


def digest(content_type: str | None, body: bytes, chunk_size: int | None = None) -> str:
    fingerprint = BodyFingerprint(content_type)
    size = chunk_size or max(len(body), 1)
    chunks = [body[start : start + size] for start in range(0, len(body), size)] or [b""]
    for index, chunk in enumerate(chunks):
        fingerprint.update(chunk, more_body=index < len(chunks) - 1)
    assert fingerprint.complete
    return fingerprint.hexdigest()


PHOTO: Part = ("file", "deck.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
NOTE: Part = ("note", None, None, b"by the steps")


class TestMultipart:
    def test_boundary_does_not_count(self):
        assert digest(*multipart([PHOTO, NOTE], "a1b2")) == digest(
            *multipart([PHOTO, NOTE], "zzzzzzzz-other-boundary")
        )

    def test_each_part_attribute_counts(self):
        base = digest(*multipart([PHOTO], "b"))
        changed = [
            ("picture", *PHOTO[1:]),
            (PHOTO[0], "other.png", *PHOTO[2:]),
            (*PHOTO[:2], "image/jpeg", PHOTO[3]),
            (*PHOTO[:3], PHOTO[3] + b"!"),
        ]
        digests = {digest(*multipart([part], "b")) for part in changed}
        assert base not in digests
        assert len(digests) == len(changed)

    def test_part_order_and_count_count(self):
        assert digest(*multipart([PHOTO, NOTE], "b")) != digest(*multipart([NOTE, PHOTO], "b"))
        assert digest(*multipart([PHOTO], "b")) != digest(*multipart([PHOTO, PHOTO], "b"))

    @given(chunk_size=st.integers(min_value=1, max_value=300))
    def test_chunking_does_not_count(self, chunk_size: int):
        content_type, body = multipart([PHOTO, NOTE], "edge-boundary")
        assert digest(content_type, body, chunk_size) == digest(content_type, body)

    def test_malformed_body_is_deterministic(self):
        content_type = "multipart/form-data; boundary=b"
        garbage = b"--b\r\nno headers end here" + b"\xff" * 5000
        assert digest(content_type, garbage, 7) == digest(content_type, garbage)


class TestRawBody:
    def test_json_is_compared_as_sent(self):
        assert digest("application/json", b'{"a": 1}') != digest("application/json", b'{"a":1}')
        assert digest("application/json", b'{"a":1}', 3) == digest("application/json", b'{"a":1}')

    def test_media_type_counts(self):
        assert digest("application/json", b"a=1") != digest(
            "application/x-www-form-urlencoded", b"a=1"
        )


class TestRequestFingerprint:
    def test_each_component_counts(self):
        base = {"method": "POST", "path": "/pools", "query": b"", "body_digest": "00"}
        variants = [
            {**base, "path": "/invites"},
            {**base, "query": b"ownerId=1"},
            {**base, "body_digest": "01"},
            {**base, "method": "PUT"},
        ]
        fingerprints = {request_fingerprint(**variant) for variant in variants}
        assert request_fingerprint(**base) not in fingerprints
        assert len(fingerprints) == len(variants)
