"""Imports merged into the store: identities, updates, threads, cleaning, one write."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from cpu_audit import over_budget
from test_store import corpus, db, store, thread_of
from tinydb.table import Table

from tui.model import ANONYMOUS, ParsedComment, ParsedReview
from tui.store import ImportReport, Store
from tui.store.storage import AtomicFileStorage

__all__ = ["db", "store"]  # fixtures shared with test_store


def parsed_from_export(data: dict) -> list[ParsedReview]:  # type: ignore[type-arg]
    """What a JSON importer would make of our own export."""

    def comment(node: dict) -> ParsedComment:  # type: ignore[type-arg]
        return ParsedComment(
            author=node["author"],
            date=node["date"],
            body=node["body"],
            source_id=node["source_id"],
            local=node["local"],
            replies=tuple(comment(n) for n in node["replies"]),
        )

    return [
        ParsedReview(
            title=r["title"],
            date=r["date"],
            body=r["body"],
            author=r["author"],
            tags=tuple(r["tags"]),
            film=r["film"],
            year=r["year"],
            director=r["director"],
            rating=r["rating"],
            source=r["source"],
            source_id=r["source_id"],
            comments=tuple(comment(n) for n in r["comments"]),
        )
        for r in data["reviews"]
    ]


def test_reimporting_the_same_data_changes_nothing(store: Store, db: Path) -> None:
    before = db.read_bytes()
    generation = store.generation
    report = store.import_reviews(corpus())
    assert report == ImportReport(0, 0, 3, 0, 4)
    assert db.read_bytes() == before  # not even rewritten
    assert store.generation == generation


def test_identities_are_source_ids_or_content_hashes(store: Store) -> None:
    by_title = {r.title: r for r in store.reviews()}
    assert by_title["Alien"].source_id == "seed:alien"
    assert re.fullmatch(r"hash:[0-9a-f]{16}", by_title["Heat"].source_id)
    assert all(
        re.fullmatch(r"hash:[0-9a-f]{16}", c.source_id)
        for c in store.comments(by_title["Alien"].id)
    )


def test_a_changed_review_is_updated_in_place(store: Store) -> None:
    alien = store.reviews()[-1]
    changed = [
        ParsedReview(
            title="Alien (1979)",
            date="1979-05-25",
            body="Revised.",
            source_id="seed:alien",
            comments=thread_of("alien", 2),
        )
    ]
    report = store.import_reviews(changed)
    assert report == ImportReport(0, 1, 0, 0, 4)
    review = store.review(alien.id)
    assert (review.title, review.body, review.comment_count) == ("Alien (1979)", "Revised.", 4)
    assert len(store.reviews()) == 3
    assert store.search("revised")[0].review_id == alien.id


def test_new_comments_are_added_under_the_right_parent(store: Store) -> None:
    alien = store.reviews()[-1]
    old = store.comments(alien.id)
    grown = list(thread_of("alien", 2))
    first = grown[0]
    grown[0] = ParsedComment(
        first.author,
        first.date,
        first.body,
        replies=(*first.replies, ParsedComment("late", None, "a late reply")),
    )
    grown.append(ParsedComment("new", "2021-01-01", "a new top comment"))
    report = store.import_reviews(
        [
            ParsedReview(
                "Alien",
                "1979-05-25",
                "In space no one can hear you scream.",
                source="seed",
                source_id="seed:alien",
                comments=tuple(grown),
            )
        ]
    )
    assert report == ImportReport(0, 0, 1, 2, 4)
    comments = store.comments(alien.id)
    late = next(c for c in comments if c.body == "a late reply")
    top = next(c for c in comments if c.body == "a new top comment")
    assert late.parent_id == old[0].id
    assert top.parent_id is None
    assert store.review(alien.id).comment_count == 6


def test_local_replies_are_never_changed_by_an_import(store: Store) -> None:
    alien = store.reviews()[-1]
    reply = store.add_reply(alien.id, None, "me", "mine")
    reply = store.edit_reply(reply.id, "mine, edited")
    impostor = ParsedComment("someone", None, "overwritten!", source_id=reply.source_id)
    report = store.import_reviews(
        [
            ParsedReview(
                "Alien",
                "1979-05-25",
                "In space no one can hear you scream.",
                source="seed",
                source_id="seed:alien",
                comments=(*thread_of("alien", 2), impostor),
            )
        ]
    )
    assert report.added_comments == 0
    assert store.comment(reply.id) == reply


def test_export_then_import_round_trips(store: Store, tmp_path: Path) -> None:
    alien = store.reviews()[-1]
    parent = store.comments(alien.id)[0]
    reply = store.add_reply(alien.id, parent.id, "me", "my reply")
    data = store.export()
    assert store.import_reviews(parsed_from_export(data)).added_comments == 0
    fresh = Store(tmp_path / "fresh.json")
    report = fresh.import_reviews(parsed_from_export(data))
    assert report == ImportReport(3, 0, 0, 5, 0)
    copied = next(c for c in fresh.comments(1) if c.body == "my reply")
    assert copied.local and copied.source_id == reply.source_id
    assert fresh.comment(copied.parent_id or 0).body == parent.body
    again = fresh.export()
    for review in (*data["reviews"], *again["reviews"]):
        review.pop("id")
    strip = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    assert re.sub(rb'"id":\d+,', b"", strip) == re.sub(
        rb'"id":\d+,', b"", orjson.dumps(again, option=orjson.OPT_SORT_KEYS)
    )


def test_identical_sibling_comments_are_kept_apart(db: Path) -> None:
    store = Store(db)
    same = ParsedComment("bot", None, "+1")
    parsed = [ParsedReview("t", "2000-01-01", "b", comments=(same, same, same))]
    assert store.import_reviews(parsed).added_comments == 3
    assert store.import_reviews(parsed) == ImportReport(0, 0, 1, 0, 3)


def test_import_cleans_every_text(db: Path) -> None:
    store = Store(db)
    store.import_reviews(
        [
            ParsedReview(
                title="Evil\x1b]0;pwned\x07\n title",
                date="2000-01-01",
                body="line\r\nnext\x1b[2J",
                author="  \n",
                tags=("a\x1bb", " ", "two\nwords"),
                film="F\x9bilm",
                comments=(ParsedComment("x\x07y", None, "c\x1b"),),
            )
        ]
    )
    (review,) = store.reviews()
    assert review.title == "Evil␛]0;pwned␇ title"
    assert review.body == "line\nnext␛[2J"
    assert review.author == ANONYMOUS
    assert review.tags == ("a␛b", "two words")
    assert review.film == "F\ufffdilm"
    (comment,) = store.comments(review.id)
    assert (comment.author, comment.body) == ("x␇y", "c␛")


def test_a_very_deep_thread_imports_without_recursion(db: Path) -> None:
    node = ParsedComment("a", None, "leaf")
    for i in range(3000):
        node = ParsedComment("a", None, f"level {i}", replies=(node,))
    store = Store(db)
    assert store.import_reviews([ParsedReview("t", "2000-01-01", "b", comments=(node,))]) == (
        ImportReport(1, 0, 0, 3001, 0)
    )
    assert len(store.export()["reviews"][0]["comments"]) == 1


def test_progress_is_reported(db: Path) -> None:
    calls: list[tuple[int, int]] = []
    parsed = [ParsedReview(f"t{i}", "2000-01-01", "b") for i in range(250)]
    Store(db).import_reviews(parsed, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (250, 250)
    assert all(total == 250 for _, total in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_a_failing_import_changes_nothing_in_memory_or_on_disk(store: Store, db: Path) -> None:
    before_disk, before = db.read_bytes(), store.export()

    def explode(done: int, total: int) -> None:
        if done == 2:
            raise RuntimeError("cancelled")

    parsed = [ParsedReview(f"n{i}", "2000-01-01", "b") for i in range(5)]
    with pytest.raises(RuntimeError):
        store.import_reviews(parsed, progress=explode)
    assert db.read_bytes() == before_disk
    assert store.export() == before


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each storage write and each TinyDB table rebuild (a spy: it still writes)."""
    calls: list[str] = []
    original_write = AtomicFileStorage.write
    original_update = Table._update_table

    def write(self: AtomicFileStorage, data: dict) -> None:  # type: ignore[type-arg]
        calls.append("write")
        original_write(self, data)

    def update(self: Table, updater: Callable[[dict[int, Any]], None]) -> None:
        calls.append("rebuild")
        original_update(self, updater)

    original_append = AtomicFileStorage.append

    def append(self: AtomicFileStorage, changes: dict) -> None:  # type: ignore[type-arg]
        calls.append("write")  # a small change's one write: a journal append
        original_append(self, changes)

    monkeypatch.setattr(AtomicFileStorage, "write", write)
    monkeypatch.setattr(AtomicFileStorage, "append", append)
    monkeypatch.setattr(Table, "_update_table", update)
    return calls


def test_each_change_is_one_write_and_no_table_rebuild(store: Store, writes: list[str]) -> None:
    alien = store.reviews()[-1]
    reply = store.add_reply(alien.id, None, "me", "x")
    assert writes == ["write"]
    for action in (
        lambda: store.edit_reply(reply.id, "y"),
        lambda: store.delete_reply(reply.id),
        lambda: store.mark_seen(alien.id, [reply.id]),
        lambda: store.set_unread(alien.id, True),
        lambda: store.import_reviews([ParsedReview("new", "2001-01-01", "b")]),
    ):
        writes.clear()
        action()
        assert writes == ["write"]


@over_budget
def test_an_import_of_thousands_is_one_write(db: Path, writes: list[str]) -> None:
    store = Store(db)
    writes.clear()
    parsed = [
        ParsedReview(
            f"Review {i}",
            f"20{i % 24:02d}-01-01",
            "body " * 50,
            source_id=f"src:{i}",
            comments=thread_of(f"r{i}", 4),
        )
        for i in range(3000)
    ]
    report = store.import_reviews(parsed)
    assert report == ImportReport(3000, 0, 0, 24000, 0)
    assert writes == ["write"]
    reviews = store.reviews()
    assert len(reviews) == 3000 and all(r.comment_count == 8 for r in reviews)
    assert [(r.date, r.id) for r in reviews] == sorted(
        ((r.date, r.id) for r in reviews), reverse=True
    )
    assert Store(db).reviews() == reviews
    assert store.import_reviews(parsed) == ImportReport(0, 0, 3000, 0, 24000)
