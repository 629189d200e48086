"""Turning an uploaded file into clean image bytes: a bounded read, the type from the bytes, a
re-encode that drops EXIF, GPS and every other metadata block."""

import asyncio
import logging
import re
import unicodedata
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from io import BytesIO
from typing import TypeVar

from fastapi import UploadFile
from PIL import Image, ImageCms, ImageOps, ImageSequence

from app.core.errors import PayloadTooLarge, UnsupportedMediaType

logger = logging.getLogger(__name__)
T = TypeVar("T")

CHUNK_BYTES = 64 * 1024
# 40 megapixels covers every phone camera's default output; past that (or its sum over the
# frames of an animation) decoding would cost hundreds of MiB, so the upload is refused.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
MAX_FRAMES = 100
# Across all requests of a process, at most this many pixels are being decoded at once: six
# concurrent 40 MP uploads decode three at a time, so memory stays bounded whatever the traffic.
MAX_PIXELS_DECODING = 120_000_000
_SRGB = ImageCms.createProfile("sRGB")
MAX_FILE_NAME_CHARS = 120
JPEG_QUALITY = 90
# The only `Image.info` entries carried into the re-encoded file: colour and animation data.
# ICC profiles are not kept: the pixels are converted to sRGB and the profile dropped.
_KEPT_INFO = frozenset({"transparency", "duration", "loop", "background"})
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


class DecodingBudget:
    """Pixels being decoded at once, bounded: a request waits until its image fits."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.in_use = 0
        self._changed = asyncio.Condition()

    @asynccontextmanager
    async def reserve(self, pixels: int) -> AsyncIterator[None]:
        """Hold `pixels` of the budget while decoding; waits for room first."""
        pixels = min(pixels, self.capacity)
        async with self._changed:
            await self._changed.wait_for(lambda: self.in_use + pixels <= self.capacity)
            self.in_use += pixels
        try:
            yield
        finally:
            async with self._changed:
                self.in_use -= pixels
                self._changed.notify_all()


# One budget per event loop (asyncio primitives belong to one loop): per process in production.
_budgets: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, DecodingBudget]" = (
    weakref.WeakKeyDictionary()
)


def decoding_budget() -> DecodingBudget:
    """The running loop's decoding budget."""
    loop = asyncio.get_running_loop()
    if loop not in _budgets:
        _budgets[loop] = DecodingBudget(MAX_PIXELS_DECODING)
    return _budgets[loop]


async def clean_image(data: bytes) -> CleanImage:
    """Check the bytes are an accepted image and re-encode them without metadata (in a thread).

    The header is read first (no pixel decoded) to refuse oversized images and to reserve the
    image's pixels in the decoding budget before decoding them.
    """
    image_format = detect_format(data)
    pixels = await asyncio.to_thread(_guarded, _measure, data, image_format)
    async with decoding_budget().reserve(pixels):
        return await asyncio.to_thread(_guarded, _reencode, data, image_format)


def _guarded(work: Callable[[bytes, ImageFormat], T], data: bytes, image_format: ImageFormat) -> T:
    try:
        return work(data, image_format)
    except UnsupportedMediaType:
        raise
    except Image.DecompressionBombError as exc:
        raise UnsupportedMediaType("The image has too many pixels.") from exc
    except Exception as exc:
        # Anything the decoder trips over is the client's bytes: an empty, truncated,
        # corrupt or oversized image, never a server fault.
        logger.info("image refused", extra={"reason": repr(exc)[:200]})
        raise UnsupportedMediaType("The image is empty, truncated or corrupt.") from exc


def _measure(data: bytes, image_format: ImageFormat) -> int:
    """Pixels over all frames, from the headers; 415 past 40 MP or 100 frames."""
    formats = [image_format.pillow_name]
    with Image.open(BytesIO(data), formats=formats) as probe:
        probe.verify()
    with Image.open(BytesIO(data), formats=formats) as image:
        frame_count = getattr(image, "n_frames", 1)
        if frame_count > MAX_FRAMES:
            raise UnsupportedMediaType(f"The image has more than {MAX_FRAMES} frames.")
        pixels = image.width * image.height * frame_count
    if pixels > MAX_PIXELS:
        raise UnsupportedMediaType("The image has too many pixels.")
    return pixels


def _reencode(data: bytes, image_format: ImageFormat) -> CleanImage:
    with Image.open(BytesIO(data), formats=[image_format.pillow_name]) as opened:
        if getattr(opened, "n_frames", 1) > 1:
            return _encode_animation(opened, image_format)
        opened.load()
        image = _to_srgb(opened)
        ImageOps.exif_transpose(image, in_place=True)
        return _encode_still(image, image_format)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Pixels converted from an embedded ICC profile to sRGB (the profile is then dropped)."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "L", "LA", "CMYK", "P"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc))
    except (OSError, ImageCms.PyCMSError):
        return image  # not a usable profile: keep the pixels as they are, drop the bytes
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode == "LA":
        image = image.convert("RGBA")
    output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=output_mode)
    except ImageCms.PyCMSError:
        return image
    return converted if converted is not None else image


def _drop_metadata(image: Image.Image) -> Image.Image:
    image.info = {key: value for key, value in image.info.items() if key in _KEPT_INFO}
    return image


def _encode_still(image: Image.Image, image_format: ImageFormat) -> CleanImage:
    clean = _drop_metadata(image)
    options: dict[str, object] = {}
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
