"""`reviews import` of a WordPress export (WXR) with 10,000 posts, against parsing alone.

The floor is what any importer of the file must pay: reading it with defusedxml
(``fromstring``), in a fresh process like the import. The candidate is the whole
``reviews import`` command into a new database: XML, HTML to Markdown, merging
and the atomic write. Runs alternate (floor, import, floor, ...) and the table
shows the medians and their ratios, in wall-clock and in CPU time (which moves
less on a shared machine); the ratio is what to compare between commits.

When newsboat is installed, ``newsboat -x reload`` of the same file (a WXR is
RSS 2.0 to it) into a fresh cache runs in the same rounds: issue 17's target is
the import in <= 1.0x of it.

    python benchmarks/import_wxr.py [--quick] [--reviews POSTS] [--per-post 2] [--runs 3]
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import time
from pathlib import Path
from xml.sax.saxutils import escape

from _harness import PYTHON, ROOT, Figure, child_env, emit, interleave, parser, runs_of, scratch

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


def _timed(command: list[str], directory: Path) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, env=child_env(directory), cwd=ROOT, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _newsboat(wxr: Path, folder: Path) -> tuple[float, float]:
    """``newsboat -x reload`` of the file into a fresh cache, as the peer benchmark runs it."""
    urls, config, cache = (folder / name for name in ("urls", "config", "cache.db"))
    urls.write_text(f"file://{wxr}\n")
    config.write_text("show-read-feeds yes\n")
    cache.unlink(missing_ok=True)
    return _timed(
        ["newsboat", "-u", str(urls), "-C", str(config), "-c", str(cache), "-x", "reload"], folder
    )


def main() -> None:
    """Generate the file, time floor and import alternately, print the table."""
    p = parser(__doc__.split("\n")[0], runs=3, quick_runs=1)
    p.add_argument("--per-post", type=int, default=2, help="approved comments on each post")
    args = p.parse_args()
    posts = args.reviews if args.reviews is not None else (500 if args.quick else 10_000)
    with scratch() as folder:
        wxr = folder / f"export-{posts}.xml"
        write_wxr(wxr, posts, args.per_post)
        rounds = iter(range(1_000_000))

        def run_import() -> tuple[float, float]:
            db = folder / f"run{next(rounds)}.json"
            return _timed([PYTHON, "-m", "tui", "import", "--db", str(db), str(wxr)], folder)

        def run_floor() -> tuple[float, float]:
            return _timed([PYTHON, "-c", _FLOOR, str(wxr)], folder)

        subjects = {"import": run_import, "floor": run_floor}
        if shutil.which("newsboat") is not None:
            subjects["newsboat"] = lambda: _newsboat(wxr, folder)
        times = interleave(runs_of(args), subjects)
        name = f"reviews import: {posts:,} posts, {posts * args.per_post:,} comments"
        figures = [
            Figure(
                name,
                [wall for wall, _ in times["import"]],
                unit="s",
                floor=[wall for wall, _ in times["floor"]],
                note="wall clock",
            ),
            # CPU time moves less than wall time on a machine shared with other work.
            Figure(
                name,
                [cpu for _, cpu in times["import"]],
                unit="s",
                floor=[cpu for _, cpu in times["floor"]],
                note="CPU time",
            ),
        ]
        if "newsboat" in times:
            figures.append(
                Figure(
                    name,
                    [wall for wall, _ in times["import"]],
                    unit="s",
                    floor=[wall for wall, _ in times["newsboat"]],
                    limit=1.0,
                    ratio_target=True,
                    note="wall clock; floor: newsboat -x reload",
                )
            )
        emit("Import of a WordPress export", figures, args, wxr)


if __name__ == "__main__":
    main()
