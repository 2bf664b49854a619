"""A big import leaves the first-screen snapshot a full load of the written file would write.

Each test imports with a small spool (so the new documents go through the
temp file and the store drops its index, as a real big import does), keeps the
snapshot the import wrote, then has a fresh store load the whole file and
write its own: the two files must be the same, byte for byte, and the one the
import wrote must be taken by the reader (it names the file as written).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import pytest
from cpu_audit import over_budget
from shared_corpus import CORPUS, needs_corpus

from tui.importers import load_path
from tui.model import ParsedComment, ParsedReview
from tui.store import Store, database
from tui.store.first_screen import ROWS, first_screen_path, load_first_screen
from tui.store.first_screen_import import FirstScreenWatch
from tui.store.spool import NewDocs

SPOOL_AFTER = 20
"""New documents held in memory before the temp file is used, in these tests."""


@pytest.fixture(autouse=True)
def small_spool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports here spill past ``SPOOL_AFTER`` new documents, like a big one does."""
    monkeypatch.setattr(database, "NewDocs", partial(NewDocs, in_memory=SPOOL_AFTER))


def review(
    n: int, date: str, comments: Sequence[ParsedComment] = (), *, title: str = ""
) -> ParsedReview:
    """Review ``n`` of the test feed, dated ``date``."""
    return ParsedReview(
        title=title or f"Film {n:04d}",
        date=date,
        body=f"The review of film {n}.",
        source="test",
        source_id=f"test:{n}",
        url=f"https://blog.example/{n}",
        comments=tuple(comments),
    )


def thread(n: int, size: int, day: str = "2024-03-01") -> list[ParsedComment]:
    """``size`` comments on review ``n``, each but the first answering the one before."""
    out: list[ParsedComment] = []
    for i in reversed(range(size)):
        replies = (out[0],) if out else ()
        out = [
            ParsedComment(
                f"Reader {i}",
                f"{day}T10:{i % 60:02d}:00+02:00",
                f"Comment {i} on {n}",
                source_id=f"c:{n}:{i}",
                replies=replies,
            )
        ]
    return out


def feed(count: int, start: int = 0, year: int = 2020) -> list[ParsedReview]:
    """``count`` reviews, one a day from ``year``, every seventh with a thread."""
    return [
        review(
            n,
            f"{year + n // 336}-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}",
            thread(n, n % 5) if n % 7 == 0 else (),
        )
        for n in range(start, start + count)
    ]


def imported_then_loaded(db: Path, parsed: Sequence[ParsedReview]) -> tuple[bytes, bytes]:
    """The snapshot the import of ``parsed`` wrote, and the one a full load writes."""
    store = Store(db)
    try:
        store.import_stream(iter(parsed))
    finally:
        store.close()
    snapshot = first_screen_path(db)
    assert snapshot.exists(), "the import left no first screen"
    assert load_first_screen(db) is not None, "the import's first screen names another file"
    after_import = snapshot.read_bytes()
    snapshot.unlink()
    store = Store(db)
    try:
        store.keep_first_screen()
    finally:
        store.close()
    return after_import, snapshot.read_bytes()


def stored(db: Path, parsed: Sequence[ParsedReview]) -> None:
    """``db`` holding ``parsed``, some reviews read (one with a comment not seen yet)."""
    store = Store(db)
    try:
        store.import_stream(iter(parsed))
        reviews = store.reviews()
        for r in reviews[: ROWS // 2 : 3]:
            store.set_unread(r.id, False)
        with_comments = [r for r in reviews if r.comment_count > 1]
        for r in with_comments[:4]:
            ids = [c.id for c in store.comments(r.id)]
            store.mark_seen(r.id, ids[:-1] if r is with_comments[0] else ids)
    finally:
        store.close()


def test_an_import_into_an_empty_store(db_path: Path) -> None:
    after_import, loaded = imported_then_loaded(db_path, feed(ROWS * 3))
    assert after_import == loaded


def test_an_import_into_a_store_that_had_reviews(db_path: Path) -> None:
    stored(db_path, feed(ROWS * 2))
    # Newer reviews, and more comments on the newest stored ones (the same reviews again).
    again = [
        review(n, f"2020-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}", thread(n, 6, "2025-01-01"))
        for n in range(ROWS * 2 - 5, ROWS * 2)
    ]
    after_import, loaded = imported_then_loaded(db_path, feed(ROWS, ROWS * 2, 2030) + again)
    assert after_import == loaded


def test_an_import_whose_newest_review_is_older_than_a_stored_one(db_path: Path) -> None:
    old = feed(ROWS // 2, 0, 2040)
    stored(db_path, old)
    # The stored newest review gets new comments too: its thread is stored plus new.
    top = dataclasses.replace(old[-1], comments=(*old[-1].comments, *thread(999, 4, "2041-01-01")))
    after_import, loaded = imported_then_loaded(db_path, [*feed(ROWS * 2, ROWS, 2000), top])
    assert after_import == loaded


def test_a_stored_review_moved_to_the_top_by_the_import(db_path: Path) -> None:
    stored(db_path, feed(ROWS * 2))
    moved = review(3, "2099-01-01", thread(3, 3, "2099-01-02"))  # a new date for an old one
    after_import, loaded = imported_then_loaded(db_path, [*feed(ROWS, ROWS * 2, 2030), moved])
    assert after_import == loaded


def test_threads_placed_by_permalink_on_stored_and_new_reviews(db_path: Path) -> None:
    stored(db_path, feed(ROWS))
    threads = [
        ParsedReview(
            title="",
            date="2024-01-01",
            body="",
            source="disqus",
            url=f"https://blog.example/{n}",
            comments=tuple(thread(n + 5000, 3, "2050-06-01")),
        )
        for n in (ROWS - 1, ROWS * 3 - 1)
    ]
    after_import, loaded = imported_then_loaded(db_path, [*feed(ROWS * 2, ROWS, 2030), *threads])
    assert after_import == loaded


def test_a_review_twice_in_one_import_leaves_no_wrong_first_screen(db_path: Path) -> None:
    # The newest review comes again, much older: the one it had pushed out is back on
    # the first screen. Either the import's snapshot is right, or there is none.
    parsed = [*feed(ROWS * 2), review(ROWS * 2 - 1, "1990-01-01")]
    store = Store(db_path)
    try:
        store.import_stream(iter(parsed))
    finally:
        store.close()
    after_import = load_first_screen(db_path)
    first_screen_path(db_path).unlink(missing_ok=True)
    store = Store(db_path)
    try:
        store.keep_first_screen()
    finally:
        store.close()
    assert after_import is None or after_import == load_first_screen(db_path)


REAL_FILES = [
    ["feed/rss-parser-giantbomb-podcast.rss"],
    ["feed/rss-parser-giantbomb-podcast.rss", "feed/rss-parser-guardian.rss"],
    ["wordpress/wpi-theme-unit-test-data.xml", "disqus/isso-disqus.xml"],
    ["feed/pelican-all.atom.xml", "wordpress/jekyll-import-wordpress-com-2025.xml"],
]
BIG = "feed/rss-parser-giantbomb-podcast.rss"
"""The corpus's 1.6 MB feed (~1.1 s of CPU a test): its imports are ``slow`` by size
(tests/test_markers.py); the inner loop keeps the other real files."""


@over_budget
@needs_corpus
@pytest.mark.parametrize(
    "names",
    [
        pytest.param(names, id="+".join(names), marks=[pytest.mark.slow] if BIG in names else [])
        for names in REAL_FILES
    ],
)
def test_real_exports_imported_one_after_the_other(db_path: Path, names: list[str]) -> None:
    *before, last = [load_path(CORPUS / name) for name in names]
    for parsed in before:
        stored(db_path, parsed)
    after_import, loaded = imported_then_loaded(db_path, last)
    assert after_import == loaded


def test_a_first_screen_that_cannot_be_taken_never_stops_the_import(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(*_args: object) -> None:
        raise OSError(5, "Input/output error")  # the import's temp file, say

    monkeypatch.setattr(FirstScreenWatch, "first_screen", unreadable)
    store = Store(db_path)
    try:
        report = store.import_stream(iter(feed(ROWS * 2)))
        assert report.added_reviews == ROWS * 2
        assert len(store.reviews()) == ROWS * 2
    finally:
        store.close()
    assert load_first_screen(db_path) is None  # none, rather than a wrong one
