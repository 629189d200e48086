"""Measure how much six concurrent 40-megapixel PNG uploads raise the server's peak memory.

Starts uvicorn (one worker, embedded store, local blob folder in a temporary directory) on a free
loopback port, registers one owner per upload, sends every upload at once (one thread each) as
that owner's profile photo, and reads VmHWM (peak resident set) from /proc/<pid>/status before
and after. The contract (section 11) wants the rise under 700 MB: the server decodes at most
120 megapixels at once, so the six uploads decode three at a time. Linux only.
"""

import argparse
import secrets
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import httpx
from local_server import free_port, start_api, stop, wait_until_up
from measure_upload_memory import memory_kib
from PIL import Image

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MIB = 1024 * 1024
WIDTH, HEIGHT = 8000, 5000  # 40 megapixels, the most an upload may have


def gradient_png() -> bytes:
    """A 40 MP RGB PNG that compresses well under the upload limit (a gradient)."""
    row = Image.linear_gradient("L").resize((WIDTH, 1))
    red = row.resize((WIDTH, HEIGHT))
    image = Image.merge("RGB", (red, red.transpose(Image.Transpose.FLIP_LEFT_RIGHT), red))
    output = BytesIO()
    image.save(output, "PNG", compress_level=9)
    return output.getvalue()


def register(http: httpx.Client, number: int) -> dict[str, str]:
    response = http.post(
        "/auth/register",
        json={
            "name": "Memory",
            "lastName": f"Probe{number}",
            "email": f"memory-probe-{number}@example.com",
            "password": secrets.token_urlsafe(16),
            "role": "owner",
        },
    )
    response.raise_for_status()
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    me = http.get("/users/me", headers=headers).json()["id"]
    return {"id": me, **headers}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=6)
    args = parser.parse_args()

    image = gradient_png()
    if len(image) > MAX_UPLOAD_BYTES:
        raise SystemExit(f"the test image is {len(image)} bytes, over the upload limit")
    port = free_port()
    with tempfile.TemporaryDirectory() as workdir:
        server = start_api(
            port, Path(workdir), MAX_UPLOAD_BYTES=str(MAX_UPLOAD_BYTES), LOG_LEVEL="WARNING"
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base_url, timeout=600) as http:
                wait_until_up(http, server)
                callers = [register(http, number) for number in range(args.uploads)]
                before = memory_kib(server.pid)

                def send(caller: dict[str, str]) -> int:
                    user_id = caller.pop("id")
                    with httpx.Client(base_url=base_url, timeout=600) as own:
                        response = own.post(
                            f"/photos/users/{user_id}/profile",
                            files={"file": ("big.png", image, "image/png")},
                            headers=caller,
                        )
                    return response.status_code

                started = time.monotonic()
                with ThreadPoolExecutor(max_workers=args.uploads) as pool:
                    statuses = list(pool.map(send, callers))
                elapsed = time.monotonic() - started
                after = memory_kib(server.pid)
        finally:
            stop(server)

    rise = (after["VmHWM"] - before["VmRSS"]) / 1024
    print(f"upload:            {WIDTH}x{HEIGHT} PNG, {len(image) / MIB:.2f} MiB x {args.uploads}")
    print(f"statuses:          {statuses}")
    print(f"wall time:         {elapsed:.1f} s (all at once)")
    print(f"RSS before:        {before['VmRSS'] / 1024:.1f} MiB")
    print(f"peak RSS (VmHWM):  {after['VmHWM'] / 1024:.1f} MiB")
    print(f"RSS after:         {after['VmRSS'] / 1024:.1f} MiB")
    print(f"peak rise:         {rise:.1f} MiB (contract: < 700 MB = {700e6 / MIB:.0f} MiB)")
    return 0 if all(status == 201 for status in statuses) and rise * MIB < 700e6 else 1


if __name__ == "__main__":
    sys.exit(main())
