"""`reviews import` of a big feed or WordPress export reads it in two processes.

The same files give the same database from one process and from two (every field
of every review and comment, as the export shows them): generated files with
threads, duplicates and skipped items spread over many blocks, and the real-world
corpus. A child killed (``SIGKILL``) or stopped mid-import loses and duplicates
nothing: the command, run as a user runs it, finds its real child in /proc. A
process with another thread, or on one core, never forks.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cpu_audit import over_budget
from process_tree import children, clean_output, running, state
from shared_corpus import CORPUS, needs_corpus

from tests.test_feed_stream import big_feed
from tui.importers import feed_stream, load_path, second_process
from tui.store import Store

HERE = Path(__file__).parent


def write_wxr(path: Path, posts: int) -> Path:
    """A WordPress export: ``posts`` posts with a thread of three comments (a reply to a
    reply, an unapproved one, a pingback), one post twice, a draft and a page among them."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Films</title>'
        "<link>https://films.example</link><wp:base_site_url>https://films.example"
        "</wp:base_site_url><wp:author><wp:author_login>ann</wp:author_login>"
        "<wp:author_display_name>Ann Lee</wp:author_display_name></wp:author>\n"
    )

    def comment(number: int, parent: int, approved: str = "1", kind: str = "") -> str:
        return (
            f"<wp:comment><wp:comment_id>{number}</wp:comment_id>"
            f"<wp:comment_author>Reader {number}</wp:comment_author>"
            f"<wp:comment_date_gmt>2021-02-0{number} 10:00:00</wp:comment_date_gmt>"
            f"<wp:comment_content>&lt;p&gt;Comment {number}, &lt;em&gt;yes&lt;/em&gt;.&lt;/p&gt;"
            f"</wp:comment_content><wp:comment_approved>{approved}</wp:comment_approved>"
            f"<wp:comment_type>{kind}</wp:comment_type>"
            f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
        )

    def item(n: int, status: str = "publish", kind: str = "post", text: str = "") -> str:
        return (
            f"<item><title>Film {n} &amp; more</title><link>https://films.example/?p={n}</link>"
            f"<dc:creator>ann</dc:creator><wp:post_id>{n}</wp:post_id>"
            f"<wp:post_date_gmt>2020-01-{n % 28 + 1:02d} 10:00:00</wp:post_date_gmt>"
            f"<wp:status>{status}</wp:status><wp:post_type>{kind}</wp:post_type>"
            '<category domain="post_tag" nicename="d">Drama</category>'
            f"<content:encoded>&lt;p&gt;Review {n}{text}: the &lt;em&gt;film&lt;/em&gt;."
            "&lt;/p&gt;\n\n[caption]A still[/caption]</content:encoded>"
            + comment(1, 0)
            + comment(2, 1)
            + comment(3, 0, approved="0")
            + comment(4, 0, kind="pingback")
            + "</item>\n"
        )

    items = [item(n) for n in range(1, posts + 1)]
    items[5:5] = [item(posts + 1, status="draft"), item(posts + 2, kind="page")]
    items.append(item(3, text=" (again)"))
    path.write_text(head + "".join(items) + "</channel></rss>\n", encoding="utf-8")
    return path


def imported_twice(tmp_path: Path, *files: Path) -> list[dict[str, Any]]:
    """``tests/import_twice.py``'s lines: each file imported in one process and in two."""
    done = subprocess.run(
        [sys.executable, str(HERE / "import_twice.py"), str(tmp_path), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@over_budget
def test_generated_files_give_the_same_database_from_one_and_two_processes(
    tmp_path: Path,
) -> None:
    files = [write_wxr(tmp_path / "export.xml", 40), big_feed(tmp_path / "feed.xml", 40)]
    lines = imported_twice(tmp_path, *files)
    for line in lines:
        assert line["one"]["failures"] == []
        assert line["two"] == line["one"], line["file"]
        assert line["from_child"] >= 3, line["file"]  # the child's blocks were used
    wxr, feed = (line["one"]["export"] for line in lines)
    assert len(wxr["reviews"]) == 40
    assert len(feed["reviews"]) == 42  # three entries repeat earlier ones


@over_budget
def test_a_feed_only_feedparser_reads_gives_the_same_database_from_both(tmp_path: Path) -> None:
    """Found in a block of the child's, or cut short: read whole, as in one process."""
    feed = big_feed(tmp_path / "feed.xml", 40).read_text(encoding="utf-8")
    odd = tmp_path / "odd.xml"  # the 5th entry (the child's second block of 3) has a stranger
    odd.write_text(feed.replace("<title>Review 4:", "<odd>x</odd><title>Review 4:"), "utf-8")
    cut = tmp_path / "cut.xml"
    cut.write_text(feed[: len(feed) * 2 // 3], encoding="utf-8")
    lines = imported_twice(tmp_path, odd, cut)
    for line in lines:
        assert line["two"] == line["one"], line["file"]
    assert len(lines[0]["one"]["export"]["reviews"]) == 42  # the odd one, read whole


@pytest.mark.slow  # the whole real-world corpus, twice
@needs_corpus
def test_the_corpus_gives_the_same_database_from_one_and_two_processes(tmp_path: Path) -> None:
    files = sorted((CORPUS / "wordpress").iterdir()) + sorted((CORPUS / "feed").iterdir())
    lines = imported_twice(tmp_path, *files)
    assert len(lines) == len(files)
    for line in lines:
        assert line["two"] == line["one"], line["file"]
    assert sum(line["from_child"] for line in lines) > 0


def _import_and_hit_child(db: Path, source: Path, *signals: signal.Signals) -> str:
    """Run ``reviews import``, stop its child as soon as it is there (mid-import), send it
    ``signals``, and return what the command printed; it must exit 0."""
    argv = [sys.executable, str(HERE / "import_child.py"), "--db", str(db), "import", str(source)]
    with running(argv) as command:
        child = None
        give_up = time.monotonic() + 60
        while child is None and command.poll() is None and time.monotonic() < give_up:
            kids = children(command.pid)
            child = kids[0] if kids else None
        assert child is not None, "the import made no child"
        os.kill(child, signal.SIGSTOP)
        while state(child) == "R":  # the signal is on its way
            time.sleep(0.001)
        assert state(child) in {"T", "t"}, "the child was not working any more"
        for sig in signals:
            os.kill(child, sig)
        return clean_output(command)


def _exported(db: Path) -> dict[str, Any]:
    store = Store(db)
    try:
        return store.export()
    finally:
        store.close()


POSTS = 400
"""Posts or entries of the kill and hang tests: 50 blocks of ``import_child.BLOCK``."""


@pytest.fixture(params=["wordpress", "feed"])
def big_source(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """A file that ``import_child.py`` reads in two processes: ``POSTS`` posts or entries."""
    if request.param == "wordpress":
        yield write_wxr(tmp_path / "export.xml", POSTS)
    else:
        yield big_feed(tmp_path / "feed.xml", POSTS)


def _added(source: Path) -> int:
    """The reviews ``big_source`` adds: every post once (a WordPress draft, page and
    repeat add none; the generated feed has two entries more than ``POSTS``)."""
    return POSTS if source.name == "export.xml" else POSTS + 2


@pytest.mark.slow  # kills the child of a real `reviews import`
def test_a_child_killed_mid_import_loses_and_duplicates_nothing(
    tmp_path: Path, big_source: Path
) -> None:
    out = _import_and_hit_child(tmp_path / "killed.json", big_source, signal.SIGKILL)
    assert f"reviews: {_added(big_source)} added" in out
    whole = tmp_path / "whole.json"
    store = Store(whole)
    try:
        store.import_reviews(load_path(big_source))  # one process: pytest's threads
    finally:
        store.close()
    assert _exported(tmp_path / "killed.json") == _exported(whole)


@pytest.mark.slow  # stops the child of a real `reviews import`, which kills it
def test_a_child_that_hangs_is_killed_and_its_work_done_here(
    tmp_path: Path, big_source: Path
) -> None:
    out = _import_and_hit_child(tmp_path / "hung.json", big_source)  # stopped: never sends
    assert f"reviews: {_added(big_source)} added" in out
    reviews = _exported(tmp_path / "hung.json")["reviews"]
    assert len({r["source_id"] for r in reviews}) == len(reviews) == _added(big_source)


@over_budget
def test_a_process_with_threads_never_forks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader imports with the app's threads running: one process."""
    forks: list[object] = []
    monkeypatch.setattr(second_process, "_start", lambda *args: forks.append(args))
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait)
    waiting.start()
    try:
        reviews = load_path(write_wxr(tmp_path / "export.xml", 600))
        feed = big_feed(tmp_path / "feed.xml", 600)
        monkeypatch.setattr(feed_stream, "SHARED_BYTES", 0)
        streamed = list(feed_stream.stream(feed, 10**9))
    finally:
        stop.set()
        waiting.join()
    assert (len(reviews), len(streamed), forks) == (601, 605, [])  # with the repeats


def test_one_core_never_forks() -> None:
    script = (
        "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
        "from tui.importers.second_process import can_fork; print(can_fork())"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
