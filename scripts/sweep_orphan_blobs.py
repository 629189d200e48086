"""Report photo blobs without metadata and metadata without blobs; `--delete` removes orphan
blobs older than the grace period. Reads the same environment as the app (MONGODB_URL, ...)."""

import argparse
import asyncio
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core import db  # noqa: E402
from app.core.config import Settings  # noqa: E402
from app.core.storage import create_storage  # noqa: E402
from app.photos.sweep import DEFAULT_GRACE, sweep_orphan_blobs  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--delete", action="store_true", help="remove stale orphan blobs")
    parser.add_argument(
        "--grace-minutes",
        type=int,
        default=int(DEFAULT_GRACE.total_seconds() // 60),
        help="leave orphan blobs younger than this alone (uploads in flight); default 60",
    )
    return parser.parse_args(argv)


async def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = Settings()
    if not settings.mongodb_url:
        # The embedded store lives inside the server process: here it would be empty, and
        # every blob would look like an orphan.
        print("MONGODB_URL is not set: the sweep needs the real database.", file=sys.stderr)
        return 2
    client = await db.init_database(settings)
    storage = create_storage(settings)
    await storage.start()
    try:
        report = await sweep_orphan_blobs(
            storage=storage, delete=args.delete, grace=timedelta(minutes=args.grace_minutes)
        )
    finally:
        await storage.close()
        client.close()
    for blob in report.orphan_blobs:
        print(f"orphan blob: {blob.name} ({blob.size} bytes, {blob.last_modified.isoformat()})")
    for name in report.missing_blobs:
        print(f"missing blob: {name} (photo metadata without bytes)")
    for name in report.deleted_blobs:
        print(f"deleted: {name}")
    print(
        f"{len(report.orphan_blobs)} orphan blobs, {len(report.missing_blobs)} missing blobs, "
        f"{len(report.deleted_blobs)} deleted"
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
