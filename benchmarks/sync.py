"""`reviews sync` of many followed blogs from a local server: first sync, then no change.

A child process serves ``--feeds`` WordPress-style blogs on 127.0.0.1 (``--items``
posts each, every one with its comment feed and ``<slash:comments>`` count as
WordPress writes them; ``--comment-share`` of them with ``--comments`` comments,
one a threaded "In reply to", the rest with none; a site-wide comments feed per
blog; ETag / Last-Modified and 304s). A fresh database follows every feed, then
``reviews sync`` runs twice as a user runs it (a new process each time): the
first sync (everything new) and a no-change sync (every answer a 304).

When ``newsboat`` is on PATH, ``newsboat -x reload`` of the same feeds (8
reload threads, like our pool) is timed in the same run and the ratios are
printed. newsboat fetches the post feeds only; we also fetch the comment feeds.
Targets: first sync no slower than newsboat; no-change sync <= 1 s and <= newsboat.

The server speaks HTTP/1.1 with keep-alive (Content-Length on every answer but
the body-less 304s), as real blog servers do; newsboat (libcurl) reuses its
connections just as our fetcher does, so the comparison stays fair. Each line
also gives the CPU time (user + system) of the process timed, from
``getrusage(RUSAGE_CHILDREN)`` deltas: the machine may be shared, and CPU time
says what the wall time cannot. Our package is byte-compiled first, as pip does
when it installs it (``PYTHONDONTWRITEBYTECODE`` would otherwise make every run
compile every module again).
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP = formatdate(1_700_000_000, usegmt=True)


def _blog(n: int, items: int, share: float, comments: int, base: str) -> dict[str, bytes]:
    """Every path of blog ``n`` and its body."""
    site = f"{base}/b{n}"
    pages: dict[str, bytes] = {}
    rows, all_comments = [], []
    with_comments = max(1, round(items * share)) if share > 0 else 0
    for p in range(items):
        link = f"{site}/post-{p}/"
        # As WordPress: every post names its comment feed and says how many comments it has.
        count = comments if p < with_comments else 0
        rss = f"<wfw:commentRss>{link}feed/</wfw:commentRss>"
        rss += f"<slash:comments>{count}</slash:comments>"
        rows.append(
            f"<item><title>Blog {n} review {p}</title><link>{link}</link>"
            f'<guid isPermaLink="false">{site}/?p={p}</guid>'
            f"<pubDate>{formatdate(1_600_000_000 + p * 86_400, usegmt=True)}</pubDate>"
            "<dc:creator>Mara</dc:creator>"
            f"<content:encoded><![CDATA[<p>Review {p} of blog {n}. "
            + "A long take. " * 40
            + f"</p>]]></content:encoded>{rss}</item>"
        )
        if p < with_comments:
            items_xml = []
            for c in range(comments):
                body = f"<p>Comment {c} on {p}.</p>"
                if c == 1:
                    body = f'<p>In reply to <a href="{link}#comment-{p}00">A</a>.</p>\n' + body
                item = (
                    f"<item><title>By: R{c}</title><link>{link}#comment-{p}0{c}</link>"
                    f"<dc:creator>R{c}</dc:creator>"
                    f"<pubDate>{formatdate(1_600_100_000 + c * 60, usegmt=True)}</pubDate>"
                    f'<guid isPermaLink="false">{site}/?p={p}#comment-{p}0{c}</guid>'
                    f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
                )
                items_xml.append(item)
                all_comments.append(item)
            pages[f"/b{n}/post-{p}/feed/"] = _rss(f"Comments on {p}", site, items_xml)
        else:
            pages[f"/b{n}/post-{p}/feed/"] = _rss(f"Comments on {p}", site, [])
    pages[f"/b{n}/feed/"] = _rss(f"Blog {n}", site, rows)
    pages[f"/b{n}/comments/feed/"] = _rss(f"Comments for blog {n}", site, all_comments[-10:])
    return pages


def _rss(title: str, site: str, items: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel>'
        f"<title>{escape(title)}</title><link>{site}/</link>"
        "<generator>https://wordpress.org/?v=6.4</generator>" + "".join(items) + "</channel></rss>"
    ).encode()


def serve(args: argparse.Namespace) -> None:
    """The child process: serve the blogs until killed; print the base URL first."""
    pages: dict[str, tuple[bytes, str]] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go in two writes, as servers do

        def log_message(self, format: str, *a: object) -> None:
            pass

        def do_GET(self) -> None:
            found = pages.get(self.path)
            if found is None:
                self.send_error(404)
                return
            body, etag = found
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", STAMP)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

    httpd = Server(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    for n in range(args.feeds):
        for path, body in _blog(n, args.items, args.comment_share, args.comments, base).items():
            pages[path] = (body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')
    print(base, flush=True)
    httpd.serve_forever()


def _cpu() -> float:
    """CPU seconds (user + system) of the children waited for so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of running ``command`` to its end."""
    cpu = _cpu()
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        print(f"  ! {' '.join(command[:4])}... exited {result.returncode}: {result.stderr[-300:]}")
    return elapsed, _cpu() - cpu


def start_blogs(
    feeds: int, items: int, comment_share: float = 0.2, comments: int = 5
) -> tuple[subprocess.Popen[str], str]:
    """Serve ``feeds`` blogs from a child process; the process and its base URL."""
    child = subprocess.Popen(
        [
            *(sys.executable, str(Path(__file__).resolve()), "--serve"),
            *("--feeds", str(feeds), "--items", str(items)),
            *("--comment-share", str(comment_share), "--comments", str(comments)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    return child, child.stdout.readline().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--comment-share", type=float, default=0.2)
    parser.add_argument("--comments", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="20 feeds of 10 items")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.feeds, args.items = 20, 10
    if args.serve:
        serve(args)
        return
    sys.path.insert(0, str(ROOT))
    compileall.compile_dir(ROOT / "tui", quiet=1)
    from tui.store import Store

    child, base = start_blogs(args.feeds, args.items, args.comment_share, args.comments)
    try:
        work = Path(tempfile.mkdtemp(prefix="reviews-sync-bench-"))
        db = work / "reviews.json"
        store = Store(db)
        urls = [f"{base}/b{n}/feed/" for n in range(args.feeds)]
        for n, url in enumerate(urls):
            store.add_source("feed", url, title=f"Blog {n}", comments=f"{base}/b{n}/comments/feed/")
        store.close()
        env = {**os.environ, "REVIEWS_DB": str(db)}
        ours = [sys.executable, "-m", "tui", "sync"]
        (first, first_cpu), (again, again_cpu) = _timed(ours, env), _timed(ours, env)
        store = Store(db)
        reviews = len(store.reviews())
        size = db.stat().st_size / 1e6
        store.close()
        print(
            f"sync of {args.feeds} feeds x {args.items} items "
            f"({args.comment_share:.0%} with {args.comments} comments): "
            f"{reviews:,} reviews, database {size:.1f} MB"
        )
        print(f"  reviews sync, first:           {first:6.2f} s  (CPU {first_cpu:5.2f} s)")
        print(
            f"  reviews sync, no change:       {again:6.2f} s  (CPU {again_cpu:5.2f} s)"
            f"   target <= 1 s: {'met' if again <= 1.0 else 'MISSED'}"
        )
        newsboat = shutil.which("newsboat")
        if newsboat is None:
            print("  newsboat not on PATH: no comparison (apt-get install newsboat)")
            return
        (work / "urls").write_text("\n".join(urls) + "\n")
        (work / "config").write_text("reload-threads 8\n")
        nb = [
            newsboat,
            "-u",
            str(work / "urls"),
            "-c",
            str(work / "cache.db"),
            "-C",
            str(work / "config"),
            "-x",
            "reload",
        ]
        nb_env = {**os.environ, "HOME": str(work)}
        (nb_first, nb_first_cpu), (nb_again, nb_again_cpu) = _timed(nb, nb_env), _timed(nb, nb_env)
        print(f"  newsboat -x reload, first:     {nb_first:6.2f} s  (CPU {nb_first_cpu:5.2f} s)")
        print(f"  newsboat -x reload, no change: {nb_again:6.2f} s  (CPU {nb_again_cpu:5.2f} s)")
        print(f"  ratio first (ours / newsboat):     {first / nb_first:5.2f}x  (target <= 1)")
        print(f"  ratio no change (ours / newsboat): {again / nb_again:5.2f}x  (target <= 1)")
        shutil.rmtree(work, ignore_errors=True)
    finally:
        child.kill()
        child.wait()
    print(f"  load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
