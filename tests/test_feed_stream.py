"""A local feed is streamed into the database, and ends exactly as the whole-file import did.

`reviews import FEED` reads a plain RSS 2.0 or Atom 1.0 file an entry at a
time, merges each entry as it is read and, past a few thousand new documents,
keeps them encoded in a temp file until they are copied into the new database.
Each test imports the same generated file both ways, the streamed way (the
real command) and the whole-file way (``load_path`` then
``Store.import_reviews``, what the import did before), and compares the files
written: same documents under the same ids, so the same reviews, comments and
identities. Feeds the stream cannot take (comments, broken XML, DTDs) must
still end exactly as before.

Most imports here run in-process (``run_in_process``) with the temp file used past
``SPOOL_AFTER`` documents and the file read in ``CHUNK_BYTES`` chunks (the
``small_spool`` fixture), so a feed of a few hundred entries takes the paths a feed of
thousands takes with the defaults (about a second of CPU each instead of 3-11). The
defaults themselves, and what needs a process of its own (progress at a terminal, a
file-size limit, SIGKILL), keep real children; the ones at full scale are ``slow``.
"""

from __future__ import annotations

import json
import os
import pty
import resource
import select
import signal
import subprocess
import sys
from functools import partial
from pathlib import Path

import orjson
import pytest
from cpu_audit import over_budget
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from tests import stream_kill_child
from tests.cli_runner import run_in_process, run_reviews
from tui.importers import feed_stream, load_path
from tui.importers.feed_stream import NotStreamable, stream
from tui.store import Store, database
from tui.store.spool import IN_MEMORY_DOCS, NewDocs

SPOOL_AFTER = 200
"""New documents held in memory by the in-process imports here (``small_spool``)."""

CHUNK_BYTES = 16_384
"""The stream's read size in the in-process imports here: a feed spans several."""

ENTRIES = SPOOL_AFTER + 100
"""More new reviews than ``small_spool`` holds in memory: the temp file is used."""

REAL_ENTRIES = IN_MEMORY_DOCS + 1_000
"""More new reviews than a real ``reviews import`` holds in memory (child processes)."""


@pytest.fixture(autouse=True)
def small_spool(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """In this process, the temp file is used past ``SPOOL_AFTER`` new documents and the
    feed is read ``CHUNK_BYTES`` at a time (children keep the defaults). Yields the
    number of documents held when each temp file was started, in this process."""
    spills: list[int] = []
    spill = NewDocs._spill

    def counted_spill(docs: NewDocs) -> None:
        spills.append(len(docs))
        spill(docs)

    monkeypatch.setattr(database, "NewDocs", partial(NewDocs, in_memory=SPOOL_AFTER))
    monkeypatch.setattr(NewDocs, "_spill", counted_spill)
    monkeypatch.setattr(feed_stream, "CHUNK", CHUNK_BYTES)
    return spills


def _item(number: int, *, text: str = "", guid: bool = True) -> str:
    ident = f"<guid>post-{number}</guid><link>https://blog.example/{number}</link>" if guid else ""
    body = f"&lt;p&gt;Review {number}{text}: &lt;b&gt;light&lt;/b&gt; and score.&lt;/p&gt;"
    return (
        f"<item><title>Review {number}: Amélie &amp; co</title>{ident}"
        f"<pubDate>Mon, 06 Jan 2025 {number % 24:02d}:00:00 +0000</pubDate>"
        f"<category>drama</category><category>Drama</category>"
        f"<description>{body}</description></item>\n"
    )


def write_feed(path: Path, items: list[str], *, author: str = "") -> Path:
    """An RSS 2.0 file of the given items (``author``: the channel's managingEditor)."""
    editor = f"<managingEditor>{author}</managingEditor>" if author else ""
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>A blog</title><link>https://blog.example/</link>{editor}\n"
        + "".join(items)
        + "</channel></rss>\n",
        encoding="utf-8",
    )
    return path


def big_feed(path: Path, entries: int = ENTRIES) -> Path:
    """``entries`` reviews with duplicates inside: the same post twice (once changed, once
    the same), and posts without guid or link (identified by a hash of their content)."""
    items = [_item(n) for n in range(entries)]
    items += [_item(7, text=" (edited)"), _item(8), _item(entries, guid=False)]
    items += [_item(entries, guid=False), _item(entries + 1, guid=False)]
    return write_feed(path, items, author="editor@blog.org (The Editor)")


def tables(db: Path) -> dict[str, dict[str, object]]:
    """The database file's tables (the store's own lock file and snapshot left aside)."""
    data: dict[str, dict[str, object]] = orjson.loads(db.read_bytes())
    return data


def whole_file_import(db: Path, feed: Path) -> tuple[int, int, int]:
    """The import as it was before streaming; (added, updated, unchanged) reviews."""
    store = Store(db)
    try:
        report = store.import_reviews(load_path(feed))
    finally:
        store.close()
    return report.added_reviews, report.updated_reviews, report.unchanged_reviews


def streamed_import(db: Path, feed: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The real command, in this process (``small_spool``'s limits)."""
    done = run_in_process("--db", str(db), "import", str(feed), *extra)
    assert done.returncode == 0, done.stderr
    return done


def summary(counts: tuple[int, int, int]) -> str:
    added, updated, unchanged = counts
    return f"reviews: {added} added, {updated} updated, {unchanged} unchanged"


@pytest.mark.parametrize(
    "entries", [ENTRIES, pytest.param(REAL_ENTRIES, marks=pytest.mark.slow, id="defaults")]
)
def test_a_big_feed_streams_into_the_same_database_as_the_whole_file(
    tmp_path: Path, entries: int, small_spool: list[int]
) -> None:
    """In-process past ``SPOOL_AFTER``; and the real command, a child with the defaults."""
    feed = big_feed(tmp_path / "feed.xml", entries)
    assert len(list(stream(feed, 10**9))) == entries + 5  # it streams, duplicates and all
    streamed, whole = tmp_path / "streamed.json", tmp_path / "whole.json"
    if entries == ENTRIES:
        done = streamed_import(streamed, feed)
        assert small_spool == [SPOOL_AFTER + 1]  # the new reviews went to the temp file
    else:
        done = run_reviews("--db", str(streamed), "import", str(feed))
        assert done.returncode == 0, done.stderr
    counts = whole_file_import(whole, feed)
    assert counts == (entries + 2, 0, 2)  # post 7 replaced in the same import; 8 the same
    assert summary(counts) in done.stdout
    assert done.stderr == ""  # not a terminal: no progress
    assert tables(streamed) == tables(whole)
    assert streamed.read_bytes() == whole.read_bytes()  # the same layout, too
    assert oct(streamed.stat().st_mode & 0o777) == "0o600"
    assert not [p for p in tmp_path.iterdir() if ".import-" in p.name or ".tmp-" in p.name]
    # Plain TinyDB JSON: stock TinyDB reads back every document.
    with TinyDB(streamed, storage=JSONStorage, access_mode="r") as db:
        reviews = db.table("reviews")
        assert len(reviews) == entries + 2
        first = reviews.get(doc_id=1)
        assert first is not None and first["source_id"] == "feed:post-0"
        assert first["author"] == "The Editor" and first["tags"] == ["drama"]
    # Imported again, streamed: nothing changes, nothing is written.
    before = streamed.stat().st_mtime_ns
    again = streamed_import(streamed, feed)
    assert "reviews: 0 added, 0 updated" in again.stdout
    assert streamed.stat().st_mtime_ns == before


def test_into_a_database_that_holds_reviews_already(tmp_path: Path) -> None:
    older = [_item(n, text=" (first version)" if n % 2 else "") for n in range(0, ENTRIES // 2, 3)]
    older.append(_item(ENTRIES + 1, guid=False))  # a hashed identity, met again below
    older_feed = write_feed(tmp_path / "older.xml", older)
    feed = big_feed(tmp_path / "feed.xml")
    streamed, whole = tmp_path / "streamed.json", tmp_path / "whole.json"
    for db in (streamed, whole):
        whole_file_import(db, older_feed)
    streamed.write_bytes(whole.read_bytes())
    done = streamed_import(streamed, feed)
    counts = whole_file_import(whole, feed)
    assert counts[1] > 0 and counts[2] > 0  # some changed, some the same
    assert summary(counts) in done.stdout
    assert tables(streamed) == tables(whole)


def test_a_feed_with_comments_is_read_whole_and_keeps_them(tmp_path: Path) -> None:
    thread = "http://purl.org/syndication/thread/1.0"
    reply = (
        f'<item xmlns:thr="{thread}"><title>Re: Review 1</title><guid>c-1</guid>'
        '<thr:in-reply-to ref="post-1" href="https://blog.example/1"/>'
        "<description>I saw it twice.</description></item>\n"
    )
    items = [_item(n) for n in range(ENTRIES)] + [reply]
    feed = write_feed(tmp_path / "feed.xml", items)
    with pytest.raises(NotStreamable, match="answers another"):
        list(stream(feed, 10**9))
    streamed, whole = tmp_path / "streamed.json", tmp_path / "whole.json"
    done = streamed_import(streamed, feed)
    whole_file_import(whole, feed)
    assert "comments: 1 added" in done.stdout
    assert tables(streamed) == tables(whole)


@over_budget
def test_a_truncated_feed_ends_as_the_whole_file_import_ends(tmp_path: Path) -> None:
    """Broken XML is feedparser's to recover, as before; what the stream had read before
    the break is not written twice, nor on its own."""
    feed = write_feed(tmp_path / "feed.xml", [_item(n) for n in range(ENTRIES)])
    data = feed.read_bytes()
    feed.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(NotStreamable, match="not well-formed"):
        list(stream(feed, 10**9))
    streamed, whole = tmp_path / "streamed.json", tmp_path / "whole.json"
    done = streamed_import(streamed, feed)
    counts = whole_file_import(whole, feed)
    assert summary(counts) in done.stdout
    assert tables(streamed) == tables(whole)


def test_broken_beyond_recovery_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "reviews.json"
    streamed_import(db, write_feed(tmp_path / "good.xml", [_item(1)]))
    before = db.read_bytes()
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</tit')
    done = run_in_process("--db", str(db), "import", str(broken))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("skipped broken.xml: not a readable feed")
    assert "Traceback" not in done.stderr
    assert db.read_bytes() == before


LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    '<rss version="2.0"><channel><title>&lol2;</title>'
)
EXTERNAL = (
    '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<rss version="2.0"><channel><title>&x;</title>'
)
DTD_ONLY = '<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "https://evil.example/rss.dtd">'
"""Followed by a root element and ``ENTRIES`` plain items: a feed worth streaming."""


@pytest.mark.parametrize("head", [LAUGHS, EXTERNAL, DTD_ONLY + '<rss version="2.0"><channel>'])
@pytest.mark.parametrize("forced", [False, True])
def test_hostile_feeds_are_refused_in_one_line(tmp_path: Path, head: str, forced: bool) -> None:
    db = tmp_path / "reviews.json"
    streamed_import(db, write_feed(tmp_path / "good.xml", [_item(1)]))
    before = db.read_bytes()
    hostile = tmp_path / "hostile.xml"
    items = "".join(_item(n) for n in range(ENTRIES))
    hostile.write_text(head + items + "</channel></rss>", encoding="utf-8")
    done = run_in_process("--db", str(db), "import", str(hostile), *(["--format", "feed"] * forced))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "skipped hostile.xml: refused: the XML declares a DTD or entities "
        "(possible XML bomb or file disclosure)"
    ]
    assert db.read_bytes() == before


def test_a_feed_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    feed = big_feed(tmp_path / "feed.xml", REAL_ENTRIES)  # over a megabyte
    done = run_in_process("--db", str(tmp_path / "r.json"), "import", str(feed), "--max-size", "1")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"skipped feed.xml: {feed.stat().st_size / 1e6:.1f} MB is over the 1 MB import limit"
    ]


@over_budget
def test_progress_is_forced_with_the_flag_and_counts_entries(tmp_path: Path) -> None:
    feed = big_feed(tmp_path / "feed.xml")
    command = ["-m", "tui", "--db", str(tmp_path / "r.json"), "import", str(feed), "--progress"]
    # Bytes, not text: text mode would turn each \r into a newline.
    done = subprocess.run([sys.executable, *command], capture_output=True, timeout=300)
    assert done.returncode == 0
    stderr = done.stderr.decode("utf-8")
    updates = stderr.split("\r")
    assert updates[0] == "" and stderr.endswith("\n")
    assert f"Importing feed.xml: {ENTRIES + 5:,} entries…" in updates
    assert "Writing the database…\n" in updates
    assert b"read 1 file; reviews:" in done.stdout  # the summary, on stdout as before


@over_budget
def test_progress_updates_in_place_at_a_terminal(tmp_path: Path) -> None:
    """stderr a terminal (a pty), stdout a pipe: the line updates in place, then goes."""
    feed = big_feed(tmp_path / "feed.xml")
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(tmp_path / "r.json"), "import", str(feed)],
        stdout=subprocess.PIPE,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal: all is read
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    text = seen.decode("utf-8")
    assert f"\rImporting feed.xml: {ENTRIES + 5:,} entries…\x1b[K" in text
    assert text.endswith("\r\x1b[K")  # the line is taken away before the summary
    assert "\n" not in text.replace("\r\n", "")
    assert out.startswith("read 1 file; reviews:")


def _file_size_limit(limit: int) -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails with EFBIG


@pytest.mark.slow
def test_a_full_disk_while_spooling_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    """The new documents' temp file hits the limit on file size, as on a full disk (a
    child with the defaults: the limit is a process's)."""
    db = tmp_path / "reviews.json"
    streamed_import(db, write_feed(tmp_path / "good.xml", [_item(1)]))
    before = db.read_bytes()
    feed = big_feed(tmp_path / "feed.xml", REAL_ENTRIES)
    done = subprocess.run(
        [sys.executable, "-m", "tui", "--db", str(db), "import", str(feed)],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: _file_size_limit(1_000_000),  # the limit is the child's alone
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"reviews: error: could not save to {db}: File too large; nothing was changed"
    ]
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.slow
def test_sigkill_during_a_streamed_import_leaves_the_old_file_or_the_new(tmp_path: Path) -> None:
    """Killed at each phase of the import (reading, spooling, writing, just after the
    rename): the database is whole, the old one or the new one, and no temp file outlives
    it. The real command in a child that kills itself at the phase named
    (``tests/stream_kill_child.py``, the spool scaled down as ``small_spool`` does here)."""
    feed = big_feed(tmp_path / "feed.xml")
    db, new = tmp_path / "reviews.json", tmp_path / "new" / "reviews.json"
    streamed_import(db, write_feed(tmp_path / "older.xml", [_item(n) for n in range(0, 900, 9)]))
    new.parent.mkdir()
    new.write_bytes(db.read_bytes())
    whole_file_import(new, feed)
    old_bytes, old_tables, new_tables = db.read_bytes(), tables(db), tables(new)
    assert old_tables != new_tables
    outcomes = {}
    for phase in stream_kill_child.PHASES:
        done = subprocess.run(
            [
                sys.executable,
                stream_kill_child.__file__,
                phase,
                "--db",
                str(db),
                "import",
                str(feed),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == -signal.SIGKILL, (phase, done.returncode, done.stderr)
        assert done.stderr.splitlines()[-1:] == [f"killed at {phase}"], done.stderr
        found = tables(db)
        assert found in (old_tables, new_tables), phase
        outcomes[phase] = "new" if found == new_tables else "old"
        temps = [p for p in tmp_path.iterdir() if p.name.startswith(f".{db.name}.tmp")]
        if phase == "writing":  # killed with the new file half written beside the old
            assert len(temps) == 1 and temps[0].stat().st_size > 0, temps
        Store(db).close()  # a fresh store removes the temp file of a killed writer
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], phase
        db.write_bytes(old_bytes)  # back to the old database
    assert outcomes == {"reading": "old", "spooling": "old", "writing": "old", "replaced": "new"}


def _entry(number: int, *, xhtml: bool = False) -> str:
    content = (
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">x</div></content>'
        if xhtml
        else f'<content type="html">&lt;p&gt;{number}, &lt;i&gt;Tár&lt;/i&gt;&lt;/p&gt;</content>'
    )
    author = f"<author><name>Critic {number % 3}</name></author>" if number % 2 else ""
    return (
        f"<entry><id>tag:blog.example,2025:{number}</id><title>Entry {number}</title>"
        f'<link rel="alternate" href="https://blog.example/e/{number}"/>'
        f"<published>2025-02-0{1 + number % 9}T10:00:00Z</published>{author}"
        f'<category term="noir"/>{content}</entry>\n'
    )


@over_budget
@pytest.mark.parametrize("xhtml_at", [None, ENTRIES - 1])
def test_an_atom_feed_streams_as_the_whole_file_reads_it(
    tmp_path: Path, xhtml_at: int | None
) -> None:
    """Entries without an author take the feed's; XHTML content (feedparser's) anywhere
    sends the whole file the ordinary way, even after thousands of entries streamed."""
    entries = "".join(_entry(n, xhtml=n == xhtml_at) for n in range(ENTRIES))
    feed = tmp_path / "feed.atom"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Atom blog</title><id>tag:blog.example,2025:feed</id>"
        "<author><name>The Blog</name></author>"
        '<link rel="alternate" href="https://blog.example/"/>\n' + entries + "</feed>\n",
        encoding="utf-8",
    )
    if xhtml_at is None:
        assert len(list(stream(feed, 10**9))) == ENTRIES
    else:
        with pytest.raises(NotStreamable, match="XHTML"):
            list(stream(feed, 10**9))
    streamed, whole = tmp_path / "streamed.json", tmp_path / "whole.json"
    streamed_import(streamed, feed)
    whole_file_import(whole, feed)
    assert tables(streamed) == tables(whole)
    authors = {doc["author"] for doc in tables(whole)["reviews"].values()}  # type: ignore[index]
    assert authors == {"The Blog", "Critic 0", "Critic 1", "Critic 2"}


@pytest.mark.slow
def test_the_big_feed_benchmark_runs_and_prints_its_table(tmp_path: Path) -> None:
    """``benchmarks/big_feed.py`` on a small feed, one run (no timing asserted), into a
    database of 100 reviews in the second case (5,000 by default: most of the CPU here)."""
    out = tmp_path / "figures.json"
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "big_feed.py"
    done = subprocess.run(
        [
            *(sys.executable, str(script), "--items", "300", "--runs", "1"),
            *("--existing", "100", "--json", str(out)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "reviews import of a 300-entry RSS feed" in done.stdout
    figures = {row["name"]: row for row in json.loads(out.read_text())["figures"]}
    streamed = figures["import into a new database: peak RSS"]
    assert streamed["samples"][0] > 0 and streamed["floor"][0] > 0
    assert figures["baseline: bare python -c pass, peak RSS"]["value"] > 0
    assert figures["import into a database of 100 reviews: CPU time"]["samples"][0] > 0


@over_budget
def test_a_stream_that_stops_halfway_is_merged_again_in_its_place(tmp_path: Path) -> None:
    """Three files, the middle one streamed until an undefined entity hundreds of entries
    in (feedparser's to read): merged again from the start, every file in its order."""
    first = write_feed(tmp_path / "a.xml", [_item(n, text=" (a)") for n in range(0, 40, 2)])
    items = [_item(n) for n in range(ENTRIES)]
    items[-10] = items[-10].replace("score.", "score &nbsp;.")
    middle = write_feed(tmp_path / "b.xml", items)
    last = write_feed(tmp_path / "c.xml", [_item(n, text=" (c)") for n in range(0, 60, 3)])
    with pytest.raises(NotStreamable, match="undefined entity"):
        list(stream(middle, 10**9))
    streamed, whole = tmp_path / "streamed.json", tmp_path / "whole.json"
    done = run_in_process("--db", str(streamed), "import", str(first), str(middle), str(last))
    assert done.returncode == 0, done.stderr
    store = Store(whole)
    try:
        parsed = [r for path in (first, middle, last) for r in load_path(path)]
        report = store.import_reviews(parsed)
    finally:
        store.close()
    counts = (report.added_reviews, report.updated_reviews, report.unchanged_reviews)
    assert f"read 3 files; {summary(counts)}" in done.stdout
    assert tables(streamed) == tables(whole)


def test_progress_says_one_entry_and_many_entries() -> None:
    """The count reads as English: "1 entry", "2 entries", "12,000 entries"."""
    import io

    from tui.cli.importing import ImportProgress

    stream_ = io.StringIO()
    progress = ImportProgress(True, stream_)
    for count in (1, 2, 12_000):
        progress.reading(Path("x.md"), count)
    progress.finish()
    assert stream_.getvalue().split("\r")[1:] == [
        "Importing x.md: 1 entry…",
        "Importing x.md: 2 entries…",
        "Importing x.md: 12,000 entries…\n",
    ]
