"""Decoding uploads (contract section 11): bounded across requests, frames capped, ICC to sRGB.

Pure functions of `app.photos.upload`; nothing here touches the store or a backend.
"""

import asyncio
import threading
from io import BytesIO

import pytest
from PIL import Image, ImageCms

from app.core.errors import UnsupportedMediaType
from app.photos import upload
from app.photos.upload import DecodingBudget, clean_image
from tests.factories import make_image


def gif(frames: int, size: tuple[int, int] = (8, 8)) -> bytes:
    colors = [(index % 256, 255 - index % 256, 0) for index in range(frames)]
    images = [Image.new("RGB", size, color) for color in colors]
    output = BytesIO()
    images[0].save(output, "GIF", save_all=True, append_images=images[1:], duration=50)
    return output.getvalue()


def reopened(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


class TestFrames:
    async def test_hundred_frames_accepted(self):
        cleaned = await clean_image(gif(100))
        assert reopened(cleaned.data).n_frames == 100

    async def test_more_than_hundred_frames_refused(self):
        with pytest.raises(UnsupportedMediaType):
            await clean_image(gif(101))

    async def test_pixels_over_all_frames_count(self, monkeypatch):
        monkeypatch.setattr(upload, "MAX_PIXELS", 8 * 8 * 10)
        await clean_image(gif(10))
        with pytest.raises(UnsupportedMediaType):
            await clean_image(gif(11))


class TestIccProfiles:
    @pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP"])
    async def test_arbitrary_profile_bytes_do_not_survive(self, image_format):
        secret = b"exfiltrated-bytes-" * 20
        data = make_image(image_format, icc_profile=secret)
        assert reopened(data).info.get("icc_profile") == secret
        cleaned = await clean_image(data)
        assert "icc_profile" not in reopened(cleaned.data).info
        assert secret not in cleaned.data

    @pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
    async def test_real_profile_is_converted_and_dropped(self, image_format):
        profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        data = make_image(image_format, color=(200, 40, 40), icc_profile=profile)
        cleaned = await clean_image(data)
        image = reopened(cleaned.data)
        assert "icc_profile" not in image.info
        red, green, blue = image.convert("RGB").getpixel((10, 10))
        assert abs(red - 200) <= 4 and abs(green - 40) <= 4 and abs(blue - 40) <= 4


class TestDecodingBudget:
    async def test_waits_until_there_is_room(self):
        budget = DecodingBudget(120)
        order: list[str] = []

        async def decode(name: str, pixels: int, hold: float) -> None:
            async with budget.reserve(pixels):
                order.append(f"start {name}")
                assert budget.in_use <= budget.capacity
                await asyncio.sleep(hold)
                order.append(f"end {name}")

        await asyncio.gather(
            decode("a", 40, 0.02),
            decode("b", 40, 0.02),
            decode("c", 40, 0.02),
            decode("d", 40, 0.0),
        )
        assert order.index("start d") > order.index("end a")
        assert budget.in_use == 0

    async def test_an_image_larger_than_the_budget_still_runs_alone(self):
        budget = DecodingBudget(10)
        async with budget.reserve(50):
            assert budget.in_use == 10
        assert budget.in_use == 0

    async def test_released_when_decoding_fails(self):
        budget = DecodingBudget(10)
        with pytest.raises(RuntimeError):
            async with budget.reserve(5):
                raise RuntimeError
        assert budget.in_use == 0

    async def test_concurrent_uploads_stay_within_the_budget(self, monkeypatch):
        width, height = 64, 48
        monkeypatch.setattr(upload, "MAX_PIXELS_DECODING", 3 * width * height)
        monkeypatch.setattr(upload, "_budgets", type(upload._budgets)())
        lock = threading.Lock()
        decoding = {"now": 0, "most": 0}
        reencode = upload._reencode

        def counted(data, image_format):
            with lock:
                decoding["now"] += 1
                decoding["most"] = max(decoding["most"], decoding["now"])
            try:
                threading.Event().wait(0.02)
                return reencode(data, image_format)
            finally:
                with lock:
                    decoding["now"] -= 1

        monkeypatch.setattr(upload, "_reencode", counted)
        data = make_image("PNG", size=(width, height))
        cleaned = await asyncio.gather(*(clean_image(data) for _ in range(8)))
        assert len(cleaned) == 8
        assert decoding["most"] == 3
