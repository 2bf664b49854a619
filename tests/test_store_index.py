"""The lazy index: comment ids and figures at load, ``Comment`` objects built on demand.

Every test compares what the store answers with what the file holds, read
naively here (every document, sorted by id), after the store's own writes,
another process's write and imports, and on files a hand may have edited.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from tui.model import Comment, ParsedComment, ParsedReview
from tui.store import CorruptDatabase, NotFound, Store
from tui.store.checkpoint import read_database
from tui.store.index import THREAD_CACHE, comment_from_doc, utc_sort_key
from tui.store.journal import journal_path

Doc = dict[str, Any]


def on_disk(db: Path) -> dict[str, dict[str, Doc]]:
    """The database as on disk: the file with its journal's records applied."""
    return read_database(db.read_bytes(), journal_path(db))


def expected_threads(db: Path) -> dict[int, list[Comment]]:
    """Review id -> its comments in id order, straight from the file."""
    data = on_disk(db)
    threads: dict[int, list[Comment]] = {int(k): [] for k in data["reviews"]}
    for key in sorted(data["comments"], key=int):
        comment = comment_from_doc(int(key), data["comments"][key])
        if comment.review_id in threads:
            threads[comment.review_id].append(comment)
    return threads


def assert_matches_file(store: Store, db: Path) -> None:
    """Threads, counts and last activity of every review agree with the file."""
    threads = expected_threads(db)
    reviews = {r.id: r for r in store.reviews()}
    assert set(reviews) == set(threads)
    for review_id, comments in threads.items():
        assert store.comments(review_id) == comments
        live = [c for c in comments if c.deleted is None]
        review = reviews[review_id]
        assert review.comment_count == len(live)
        assert store.review(review_id) == review
        dates = [c.date for c in live if c.date]
        latest = max(dates, key=utc_sort_key) if dates else review.date
        assert utc_sort_key(review.last_activity) == utc_sort_key(latest)
        for comment in comments:
            assert store.comment(comment.id) == comment


def thread(
    prefix: str, n: int, date: str = "2020-01-01T10:00:00+01:00"
) -> tuple[ParsedComment, ...]:
    return tuple(
        ParsedComment(
            f"{prefix}{i}", date, f"{prefix} {i}", replies=(ParsedComment("r", None, f"re {i}"),)
        )
        for i in range(n)
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "reviews.json"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    s = Store(
        db,
        seed=lambda: [
            ParsedReview("One", "2001-01-01", "b1", source_id="one", comments=thread("a", 3)),
            ParsedReview("Two", "2002-01-01", "b2", source_id="two", comments=thread("b", 2)),
            ParsedReview("Three", "2003-01-01", "b3", source_id="three"),
        ],
    )
    yield s
    s.close()


def test_threads_follow_the_stores_own_writes(store: Store, db: Path) -> None:
    one = next(r for r in store.reviews() if r.title == "One")
    before = store.comments(one.id)  # built and cached: the writes below must patch it
    top = store.add_reply(one.id, None, "me", "top")
    deep = store.add_reply(one.id, before[0].id, "me", "deep")
    assert [c.id for c in store.comments(one.id)] == [c.id for c in before] + [top.id, deep.id]
    store.edit_reply(top.id, "top, edited")
    store.delete_reply(deep.id)
    assert store.comments(one.id)[-1].deleted is not None  # the tombstone stays in place
    assert store.comments(one.id)[-2].body == "top, edited"
    assert_matches_file(store, db)
    store.undelete_reply(deep.id)
    store.delete_reply(top.id)
    assert_matches_file(store, db)
    assert_matches_file(Store(db), db)


def test_a_deleted_newest_reply_gives_back_the_previous_last_activity(store: Store) -> None:
    three = next(r for r in store.reviews() if r.title == "Three")
    first = store.add_reply(three.id, None, "me", "first")
    second = store.add_reply(three.id, None, "me", "second")
    assert store.review(three.id).last_activity == second.date
    store.delete_reply(second.id)
    store.delete_reply(first.id)
    assert store.review(three.id).last_activity == three.date
    assert store.review(three.id).comment_count == 0


def test_threads_follow_another_processs_write(store: Store, db: Path) -> None:
    two = next(r for r in store.reviews() if r.title == "Two")
    store.comments(two.id)
    code = (
        "import sys\nfrom pathlib import Path\nfrom tui.store import Store\n"
        "s = Store(Path(sys.argv[1]))\n"
        f"r = s.add_reply({two.id}, None, 'child', 'from the child')\n"
        "s.delete_reply(r.id)\n"
        f"s.add_reply({two.id}, r.id, 'child', 'under the tombstone')\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], check=True, timeout=60)
    comments = store.comments(two.id)
    assert [c.body for c in comments[-2:]] == ["from the child", "under the tombstone"]
    assert store.review(two.id).comment_count == 5
    assert_matches_file(store, db)


def test_threads_follow_an_import(store: Store, db: Path) -> None:
    one = next(r for r in store.reviews() if r.title == "One")
    cached = store.comments(one.id)
    report = store.import_reviews(
        [
            ParsedReview("One", "2001-01-01", "b1", source_id="one", comments=thread("a", 5)),
            ParsedReview("Four", "2004-01-01", "b4", comments=thread("d", 1, "2024-06-01")),
        ]
    )
    assert (report.added_reviews, report.unchanged_reviews, report.added_comments) == (1, 1, 6)
    comments = store.comments(one.id)
    assert comments[: len(cached)] == cached
    assert len(comments) == len(cached) + 4
    assert store.reviews()[0].title == "Four"
    assert store.reviews()[0].last_activity == "2024-06-01"
    assert_matches_file(store, db)


def test_the_thread_cache_is_bounded_and_stays_right(db: Path) -> None:
    store = Store(
        db,
        seed=lambda: [
            ParsedReview(f"R{i}", f"2000-01-{1 + i % 28:02d}", "b", comments=thread(f"c{i}", 2))
            for i in range(THREAD_CACHE + 5)
        ],
    )
    for review in store.reviews():
        store.add_reply(review.id, None, "me", "x")
    assert_matches_file(store, db)
    first = store.reviews()[0]
    store.add_reply(first.id, None, "me", "again")  # its thread was evicted long ago
    assert store.comments(first.id)[-1].body == "again"


def test_mixed_offsets_are_compared_as_instants(db: Path) -> None:
    store = Store(db)
    store.import_reviews(
        [
            ParsedReview(
                "Zones",
                "2000-01-01",
                "b",
                comments=(
                    ParsedComment("a", "2020-03-01T23:30:00-05:00", "late in New York"),
                    ParsedComment("b", "2020-03-02T01:00:00+00:00", "early in London"),
                    ParsedComment("c", "2020-03-01", "a bare date"),
                ),
            )
        ]
    )
    (zones,) = store.reviews()
    assert zones.last_activity == "2020-03-01T23:30:00-05:00"
    assert Store(db).reviews() == [zones]


def write_tables(db: Path, reviews: dict[str, Doc], comments: dict[str, Doc]) -> None:
    db.write_bytes(
        orjson.dumps(
            {"meta": {"1": {"schema_version": 1}}, "reviews": reviews, "comments": comments}
        )
    )


def comment_doc(review_id: int, body: Any = "x", **fields: Any) -> Doc:
    return {
        "review_id": review_id,
        "parent_id": None,
        "author": "a",
        "date": "2020-01-01",
        "body": body,
        "local": False,
        "source_id": "",
        "edited": None,
        "deleted": None,
        **fields,
    }


REVIEW = {"title": "t", "date": "2000-01-01", "body": "b"}


def test_a_bad_comment_is_found_on_open_by_every_command_alike(db: Path) -> None:
    write_tables(
        db,
        {"1": REVIEW, "2": REVIEW},
        {"1": comment_doc(1), "2": comment_doc(1, body=42), "3": comment_doc(2)},
    )
    before = db.read_bytes()
    # Checked on open, in one place: reading, exporting and replying all refuse it alike.
    with pytest.raises(CorruptDatabase) as info:
        Store(db)
    message = str(info.value)
    assert str(db) in message and "comment 2 has a malformed 'body'" in message
    assert "reviews check --repair" in message
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"body": "x"}, "'review_id'"),
        (comment_doc(True), "'review_id'"),
        (comment_doc(1, date=20200101), "'date'"),
        (comment_doc(1, deleted=1), "'deleted'"),
        (comment_doc(7), None),  # a comment whose review is gone: `reviews check --repair`
    ],
)
def test_what_the_load_reads_of_a_comment_is_checked_at_load(
    db: Path, doc: Doc, field: str | None
) -> None:
    write_tables(db, {"1": REVIEW}, {"1": comment_doc(1), "2": doc})
    if field is None:
        with pytest.raises(CorruptDatabase, match="comment 2 belongs to review 7, which does not"):
            Store(db)
        return
    with pytest.raises(CorruptDatabase) as info:
        Store(db)
    assert f"comment 2 has a malformed {field}" in str(info.value) or (
        f"comment 2 has no {field}" in str(info.value)
    )


def test_a_hand_edited_file_out_of_order_and_with_odd_keys(db: Path) -> None:
    write_tables(
        db,
        {"1": REVIEW},
        {
            "9": comment_doc(1, body="nine", date="2020-01-09"),
            "007": comment_doc(1, body="seven", local=True, date="2020-01-07"),
            "3": comment_doc(1, body="three", date="2020-01-03"),
        },
    )
    store = Store(db)
    assert [(c.id, c.body) for c in store.comments(1)] == [(3, "three"), (7, "seven"), (9, "nine")]
    assert store.review(1).last_activity == "2020-01-09"
    assert store.comment(7).body == "seven"
    store.edit_reply(7, "seven, edited")
    comments = on_disk(db)["comments"]
    assert sorted(comments) == ["007", "3", "9"]  # the same document, not a second one
    assert comments["007"]["body"] == "seven, edited"
    assert store.add_reply(1, 7, "me", "x").id == 10
    assert [c.id for c in Store(db).comments(1)] == [3, 7, 9, 10]
    with pytest.raises(NotFound):
        store.comment(8)
