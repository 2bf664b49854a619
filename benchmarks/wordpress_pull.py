"""Pulling a whole WordPress blog, and a pull with nothing new, through the REST client.

Starts the test WordPress (``tests/wordpress/up.sh``; root, Debian's packages), seeds it
with ``--posts`` posts of ``--comments`` comments each (straight into the database), then
times, alternately: the client's full pull (every page, parsed into dataclasses) and its
floor (the same page URLs fetched with bare httpx, nothing parsed), and a no-change pull.
Prints medians, the ratio to the floor, and the request counts.

    python benchmarks/wordpress_pull.py                      # 1,000 posts, 10,000 comments
    python benchmarks/wordpress_pull.py --posts 50 --comments 4 --runs 1
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.sources.wordpress import (  # noqa: E402
    COMMENT_FIELDS,
    PER_PAGE,
    POST_FIELDS,
    WordPressBlog,
    discover,
    route_url,
)

UP = ROOT / "tests" / "wordpress" / "up.sh"
SEED = ROOT / "tests" / "wordpress" / "seed.php"


def floor_pull(client: httpx.Client, root: str, post_pages: int, comment_pages: int) -> int:
    """The same page requests as a full pull, with no parsing: what the server costs."""
    for route, pages in (("/wp/v2/posts", post_pages), ("/wp/v2/comments", comment_pages)):
        extra = [("_fields", COMMENT_FIELDS)]
        if route.endswith("posts"):
            extra = [("_fields", POST_FIELDS)]
        for page in range(1, pages + 1):
            query = [*extra, ("per_page", PER_PAGE), ("page", page)]
            query += [("orderby", "id"), ("order", "asc")]
            client.get(route_url(root, route, query)).raise_for_status()
    return post_pages + comment_pages


def main() -> int:
    """Seed, pull, print."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--posts", type=int, default=1000)
    p.add_argument("--comments", type=int, default=10, help="comments per post")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()

    started = time.perf_counter()
    up = subprocess.run(["bash", str(UP)], capture_output=True, text=True, check=False)
    if up.returncode != 0:
        print(f"wordpress_pull: cannot start the test WordPress: {up.stderr.strip()}")
        return 1
    up_seconds = time.perf_counter() - started
    site = json.loads(up.stdout.strip().splitlines()[-1])

    started = time.perf_counter()
    subprocess.run(
        ["php", str(SEED), f"posts={args.posts}", f"comments={args.comments}"],
        check=True,
        capture_output=True,
    )
    seed_seconds = time.perf_counter() - started
    print(f"up.sh {up_seconds:.2f} s; seeded {args.posts:,} posts with {args.comments} comments")
    print(f"each ({args.posts * args.comments:,} comments) in {seed_seconds:.1f} s")

    with httpx.Client(timeout=120) as client:
        root = discover(client, site["url"])
        assert root is not None
        blog = WordPressBlog(client, root)
        full_times, floor_times, quiet_times = [], [], []
        pull = None
        for _ in range(args.runs):
            started = time.perf_counter()
            pull = blog.pull()
            full_times.append(time.perf_counter() - started)
            post_pages = -(-len(pull.posts) // PER_PAGE)
            comment_pages = -(-len(pull.comments) // PER_PAGE)
            started = time.perf_counter()
            floor_pull(client, root, post_pages, comment_pages)
            floor_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            quiet = blog.pull(pull.next_since)
            quiet_times.append(time.perf_counter() - started)
        assert pull is not None
        full, floor = statistics.median(full_times), statistics.median(floor_times)
        print(
            f"full pull: {len(pull.posts):,} posts + {len(pull.comments):,} comments in "
            f"{pull.requests} requests: {full:.2f} s median of {args.runs} "
            f"(floor, same pages unparsed: {floor:.2f} s; ratio {full / floor:.2f})"
        )
        print(
            f"no-change pull: {quiet.requests} requests, {len(quiet.posts)} posts, "
            f"{len(quiet.comments)} comments: {statistics.median(quiet_times) * 1000:.0f} ms median"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
