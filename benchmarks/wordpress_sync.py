"""A followed WordPress blog through `reviews sync`: the first sync and a no-change sync.

Starts the test WordPress (``tests/wordpress/up.sh``; root, Debian's packages), seeds it
with ``--posts`` posts of ``--comments`` comments each, adds it as a followed source of a
new database (never synced), then times, as a user runs them, ``reviews sync`` (the first:
every page pulled, converted and merged into the file) and ``reviews sync`` again (nothing
changed: the requests it sent are printed too). The baseline, measured in the same run, is
the same pages fetched with bare httpx and nothing parsed or stored.

    python benchmarks/wordpress_sync.py                      # 1,000 posts, 10,000 comments
    python benchmarks/wordpress_sync.py --posts 50 --comments 4
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from wordpress_pull import floor_pull  # noqa: E402

from tui.cli.blog import wordpress_api  # noqa: E402
from tui.sources.wordpress import PER_PAGE  # noqa: E402
from tui.store import Store  # noqa: E402

UP = ROOT / "tests" / "wordpress" / "up.sh"
SEED = ROOT / "tests" / "wordpress" / "seed.php"


def timed_sync(db: Path) -> tuple[float, str]:
    """Run ``reviews sync`` on ``db`` as a user does; seconds and its output."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tui", "sync", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"reviews sync failed: {done.stderr.strip()}")
    return seconds, done.stdout.strip().splitlines()[0]


def main() -> int:
    """Seed, sync twice, print."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--posts", type=int, default=1000)
    p.add_argument("--comments", type=int, default=10, help="comments per post")
    args = p.parse_args()

    up = subprocess.run(["bash", str(UP)], capture_output=True, text=True, check=False)
    if up.returncode != 0:
        print(f"wordpress_sync: cannot start the test WordPress: {up.stderr.strip()}")
        return 1
    site = json.loads(up.stdout.strip().splitlines()[-1])
    subprocess.run(
        ["php", str(SEED), f"posts={args.posts}", f"comments={args.comments}"],
        check=True,
        capture_output=True,
    )
    found = wordpress_api(site["url"])
    assert found is not None
    api, home, name = found

    with httpx.Client(timeout=120) as client:
        started = time.perf_counter()
        pages = floor_pull(
            client, api, -(-args.posts // PER_PAGE), -(-args.posts * args.comments // PER_PAGE)
        )
        floor = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "reviews.json"
        store = Store(db)
        store.add_source("wordpress", site["url"], title=name, site=home, state={"api": api})
        store.close()
        first, first_line = timed_sync(db)
        quiet, quiet_line = timed_sync(db)
        store = Store(db)
        requests = store.sources()[0].state.get("requests")
        reviews = len(store.reviews())
        size = db.stat().st_size
        store.close()

    print(f"{args.posts:,} posts, {args.posts * args.comments:,} comments")
    print(f"baseline: the same {pages} pages, bare httpx, nothing parsed: {floor:.2f} s")
    print(
        f"first reviews sync: {first:.2f} s (ratio {first / floor:.2f}); {first_line}; "
        f"{reviews:,} reviews, file {size / 1e6:.1f} MB"
    )
    print(
        f"no-change reviews sync: {quiet:.2f} s (ratio {quiet / floor:.2f}), "
        f"{requests} requests; {quiet_line}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
