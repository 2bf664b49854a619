"""`reviews import` of a WordPress export (WXR) with 10,000 posts, against parsing alone.

The floor is what any importer of the file must pay: reading it with defusedxml
(``fromstring``), in a fresh process like the import. The candidate is the whole
``reviews import`` command into a new database: XML, HTML to Markdown, merging
and the atomic write. Runs alternate (floor, import, floor, ...) and the table
shows the medians and their ratio; the ratio is what to compare between commits.

    python benchmarks/import_wxr.py [--posts 10000] [--comments 2] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Bench blog</title>
<link>https://bench.example.org</link>
<wp:base_site_url>https://bench.example.org</wp:base_site_url>
<wp:author><wp:author_login>ann</wp:author_login>
<wp:author_display_name>Ann Lee</wp:author_display_name></wp:author>
"""

_FLOOR = (
    "import sys; from defusedxml.ElementTree import fromstring; "
    "fromstring(open(sys.argv[1], 'rb').read(), forbid_dtd=True)"
)


def write_wxr(path: Path, posts: int, comments: int) -> None:
    """A WXR file of ``posts`` published posts, each with ``comments`` approved comments."""
    with path.open("w", encoding="utf-8") as out:
        out.write(_HEAD)
        for n in range(1, posts + 1):
            body = escape(
                f"<p>Review {n}: the <em>film</em> is long and [caption]A still[/caption] "
                "worth it.</p>\n\n<p>Second paragraph with a <a href='https://x.org'>link</a>.</p>"
            )
            out.write(
                f"<item><title>Film {n} &amp; more</title>"
                f"<link>https://bench.example.org/?p={n}</link>"
                f'<guid isPermaLink="false">https://bench.example.org/?p={n}</guid>'
                "<dc:creator>ann</dc:creator>"
                f"<wp:post_id>{n}</wp:post_id>"
                f"<wp:post_date_gmt>2020-01-{n % 28 + 1:02d} 10:00:00</wp:post_date_gmt>"
                "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                '<category domain="category" nicename="drama">Drama</category>'
                f"<content:encoded>{body}</content:encoded>"
            )
            for c in range(1, comments + 1):
                out.write(
                    f"<wp:comment><wp:comment_id>{c}</wp:comment_id>"
                    f"<wp:comment_author>Reader {c}</wp:comment_author>"
                    f"<wp:comment_date_gmt>2020-02-01 10:0{c % 10}:00</wp:comment_date_gmt>"
                    f"<wp:comment_content>Comment {c} on {n}.</wp:comment_content>"
                    "<wp:comment_approved>1</wp:comment_approved>"
                    f"<wp:comment_parent>{c - 1 if c > 1 else 0}</wp:comment_parent>"
                    "</wp:comment>"
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    """Generate the file, time floor and import alternately, print the medians and ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="import-wxr-") as scratch:
        folder = Path(scratch)
        wxr = folder / "export.xml"
        write_wxr(wxr, args.posts, args.comments)
        floors, imports = [], []
        for run in range(args.runs):
            floors.append(_timed([sys.executable, "-c", _FLOOR, str(wxr)], env))
            db = folder / f"run{run}.json"
            imports.append(
                _timed([sys.executable, "-m", "tui", "import", "--db", str(db), str(wxr)], env)
            )
        size = wxr.stat().st_size / 1e6
    floor, candidate = statistics.median(floors), statistics.median(imports)
    print(f"import_wxr: {args.posts:,} posts, {args.comments} comments each, {size:.1f} MB")
    print(f"{'figure':<28}{'median s':>10}{'floor s':>10}{'ratio':>8}")
    print(f"{'reviews import (WXR)':<28}{candidate:>10.2f}{floor:>10.2f}{candidate / floor:>8.1f}x")


if __name__ == "__main__":
    main()
