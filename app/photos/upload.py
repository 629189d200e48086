"""Turning an uploaded file into clean image bytes: a bounded read, the type from the bytes, a
re-encode that drops EXIF, GPS and every other metadata block."""

import asyncio
import logging
import re
import unicodedata
from dataclasses import dataclass
from io import BytesIO

from fastapi import UploadFile
from PIL import Image, ImageOps, ImageSequence

from app.core.errors import PayloadTooLarge, UnsupportedMediaType

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
# 40 megapixels covers every phone camera's default output; past that (or its sum over the
# frames of an animation) decoding would cost hundreds of MiB, so the upload is refused.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
MAX_FILE_NAME_CHARS = 120
JPEG_QUALITY = 90
# The only `Image.info` entries carried into the re-encoded file: colour and animation data.
_KEPT_INFO = frozenset({"icc_profile", "transparency", "duration", "loop", "background"})
_UNSAFE_FILE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._ ()+-]+")


@dataclass(frozen=True)
class ImageFormat:
    pillow_name: str
    content_type: str
    extension: str


JPEG = ImageFormat("JPEG", "image/jpeg", "jpg")
PNG = ImageFormat("PNG", "image/png", "png")
GIF = ImageFormat("GIF", "image/gif", "gif")
WEBP = ImageFormat("WEBP", "image/webp", "webp")


@dataclass(frozen=True)
class CleanImage:
    """Re-encoded image bytes with what the metadata records about them."""

    data: bytes
    image_format: ImageFormat
    width: int
    height: int


async def read_upload(upload: UploadFile, *, max_bytes: int) -> bytes:
    """The upload's bytes, read in chunks; 413 as soon as they pass `max_bytes`."""
    buffer = bytearray()
    # Never ask for more than one byte past the limit, so memory stays bounded by it.
    while chunk := await upload.read(min(CHUNK_BYTES, max_bytes + 1 - len(buffer))):
        buffer += chunk
        if len(buffer) > max_bytes:
            raise PayloadTooLarge(f"The upload is larger than {max_bytes} bytes.")
    return bytes(buffer)


def detect_format(data: bytes) -> ImageFormat:
    """The image type from its magic bytes (never the file name or declared type), else 415."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    raise UnsupportedMediaType


async def clean_image(data: bytes) -> CleanImage:
    """Check the bytes are an accepted image and re-encode them without metadata (in a thread)."""
    image_format = detect_format(data)
    return await asyncio.to_thread(_reencode, data, image_format)


def _reencode(data: bytes, image_format: ImageFormat) -> CleanImage:
    formats = [image_format.pillow_name]
    try:
        with Image.open(BytesIO(data), formats=formats) as probe:
            probe.verify()
        with Image.open(BytesIO(data), formats=formats) as image:
            # Checked from the header, before any pixel is decoded.
            frame_count = getattr(image, "n_frames", 1)
            if image.width * image.height * frame_count > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels over all frames")
            if frame_count > 1:
                return _encode_animation(image, image_format)
            image.load()
            # exif_transpose returns a new image (rotated, or a copy), safe to strip.
            return _encode_still(ImageOps.exif_transpose(image), image_format)
    except Image.DecompressionBombError as exc:
        raise UnsupportedMediaType("The image has too many pixels.") from exc
    except Exception as exc:
        # Anything the decoder trips over is the client's bytes: an empty, truncated,
        # corrupt or oversized image, never a server fault.
        logger.info("image refused", extra={"reason": repr(exc)[:200]})
        raise UnsupportedMediaType("The image is empty, truncated or corrupt.") from exc


def _drop_metadata(image: Image.Image) -> Image.Image:
    image.info = {key: value for key, value in image.info.items() if key in _KEPT_INFO}
    return image


def _encode_still(image: Image.Image, image_format: ImageFormat) -> CleanImage:
    clean = _drop_metadata(image)
    options: dict[str, object] = {}
    if "icc_profile" in clean.info:
        options["icc_profile"] = clean.info["icc_profile"]
    if image_format is JPEG:
        if clean.mode not in ("L", "RGB", "CMYK"):
            clean = clean.convert("RGB")
        options["quality"] = JPEG_QUALITY
    elif image_format is WEBP:
        options["quality"] = JPEG_QUALITY
    output = BytesIO()
    clean.save(output, image_format.pillow_name, **options)
    return CleanImage(output.getvalue(), image_format, clean.width, clean.height)


def _encode_animation(image: Image.Image, image_format: ImageFormat) -> CleanImage:
    frames = [_drop_metadata(frame.copy()) for frame in ImageSequence.Iterator(image)]
    output = BytesIO()
    frames[0].save(
        output,
        image_format.pillow_name,
        save_all=True,
        append_images=frames[1:],
        duration=[frame.info.get("duration", 100) for frame in frames],
        loop=image.info.get("loop", 0),
    )
    return CleanImage(output.getvalue(), image_format, image.width, image.height)


def sanitize_file_name(name: str | None) -> str | None:
    """The client's file name as display metadata only: basename, safe characters, bounded."""
    if not name:
        return None
    base = re.split(r"[\\/]", name)[-1]
    base = unicodedata.normalize("NFKC", base)
    base = _UNSAFE_FILE_NAME_CHARS.sub("_", base).strip(" ._")
    if not base:
        return None
    if len(base) > MAX_FILE_NAME_CHARS:
        stem, dot, extension = base.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            base = f"{stem[: MAX_FILE_NAME_CHARS - len(extension) - 1]}.{extension}"
        else:
            base = base[:MAX_FILE_NAME_CHARS]
    return base
