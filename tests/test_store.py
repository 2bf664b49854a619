"""The store's behaviour through its public API, on real files in a temp directory."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import orjson
import pytest
from tinydb.table import Table

from tui.model import ANONYMOUS, SCHEMA_VERSION, ParsedComment, ParsedReview
from tui.storage import AtomicFileStorage
from tui.store import (
    ImportReport,
    NewerSchema,
    NotFound,
    NotYours,
    ReadState,
    Store,
    StoreError,
)


def thread_of(prefix: str, n: int) -> tuple[ParsedComment, ...]:
    """n top-level comments, each with one reply."""
    return tuple(
        ParsedComment(
            f"{prefix}author{i}",
            f"2020-01-0{1 + i % 9}",
            f"{prefix} comment {i}",
            replies=(ParsedComment("replier", None, f"{prefix} reply to {i}"),),
        )
        for i in range(n)
    )


def corpus() -> list[ParsedReview]:
    return [
        ParsedReview(
            title="Alien",
            date="1979-05-25",
            body="In space no one can hear you scream.",
            source="seed",
            source_id="seed:alien",
            comments=thread_of("alien", 2),
        ),
        ParsedReview(title="Heat", date="1995-12-15", body="A long film.", tags=("crime",)),
        ParsedReview(title="Ran", date="1985-06-01", body="Lear, in Japan.", year=1985),
    ]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "reviews.json"


@pytest.fixture
def store(db: Path) -> Store:
    s = Store(db, seed=corpus)
    yield s  # type: ignore[misc]
    s.close()


def on_disk(db: Path) -> dict:  # type: ignore[type-arg]
    return orjson.loads(db.read_bytes())  # type: ignore[no-any-return]


def test_a_new_database_is_created_from_the_seed(store: Store, db: Path) -> None:
    data = on_disk(db)
    assert data["meta"] == {"1": {"schema_version": SCHEMA_VERSION}}
    assert len(data["reviews"]) == 3
    assert len(data["comments"]) == 4
    assert [r.title for r in store.reviews()] == ["Heat", "Ran", "Alien"]


def test_a_new_database_without_seed_is_empty_with_meta(db: Path) -> None:
    store = Store(db)
    assert store.reviews() == []
    assert on_disk(db) == {
        "meta": {"1": {"schema_version": SCHEMA_VERSION}},
        **{name: {} for name in ("reviews", "comments", "reads")},
    }


def test_reviews_are_newest_first_with_ties_by_id_desc(db: Path) -> None:
    store = Store(db)
    store.import_reviews(
        [
            ParsedReview(title=f"t{i}", date=d, body=f"b{i}")
            for i, d in enumerate(["2001-01-01", "2003-01-01", "2003-01-01", "2002-06-01"])
        ]
    )
    assert [(r.date, r.id) for r in store.reviews()] == [
        ("2003-01-01", 3),
        ("2003-01-01", 2),
        ("2002-06-01", 4),
        ("2001-01-01", 1),
    ]


def test_comment_counts_follow_replies_and_deletions(store: Store) -> None:
    alien = next(r for r in store.reviews() if r.title == "Alien")
    assert alien.comment_count == 4
    reply = store.add_reply(alien.id, None, "me", "hi")
    assert store.review(alien.id).comment_count == 5
    assert next(r for r in store.reviews() if r.id == alien.id).comment_count == 5
    store.delete_reply(reply.id)
    assert store.review(alien.id).comment_count == 4
    assert [c.id for c in store.comments(alien.id)][-1] == reply.id  # tombstone kept
    store.undelete_reply(reply.id)
    assert store.review(alien.id).comment_count == 5


def test_last_activity_is_the_newest_comment(store: Store) -> None:
    alien = next(r for r in store.reviews() if r.title == "Alien")
    assert alien.last_activity == "2020-01-02"
    heat = next(r for r in store.reviews() if r.title == "Heat")
    assert heat.last_activity == heat.date
    reply = store.add_reply(heat.id, None, "me", "hi")
    assert store.review(heat.id).last_activity == reply.date
    store.delete_reply(reply.id)
    assert store.review(heat.id).last_activity == heat.date


def test_add_reply_cleans_and_persists(store: Store, db: Path) -> None:
    alien = store.reviews()[-1]
    parent = store.comments(alien.id)[0]
    reply = store.add_reply(alien.id, parent.id, "  Me\n\x1b[31m ", "Hello\x1b]0;x\x07\r\nworld")
    assert reply.author == "Me ␛[31m"
    assert reply.body == "Hello␛]0;x␇\nworld"
    assert reply.local and reply.parent_id == parent.id
    assert reply.source_id.startswith("local:")
    assert reply.date is not None and reply.date[10] == "T"
    stored = on_disk(db)["comments"][str(reply.id)]
    assert stored["body"] == reply.body and stored["local"] is True
    assert Store(db).comment(reply.id) == reply


def test_add_reply_refusals(store: Store) -> None:
    alien, heat = store.reviews()[-1], store.reviews()[0]
    with pytest.raises(StoreError, match="an empty reply was not saved"):
        store.add_reply(alien.id, None, "me", " \n\t ")
    with pytest.raises(NotFound):
        store.add_reply(999, None, "me", "x")
    foreign = store.comments(alien.id)[0]
    with pytest.raises(NotFound):
        store.add_reply(heat.id, foreign.id, "me", "x")  # parent of another review
    assert store.add_reply(alien.id, None, " \n ", "x").author == ANONYMOUS


def test_only_local_replies_can_be_changed(store: Store) -> None:
    alien = store.reviews()[-1]
    imported = store.comments(alien.id)[0]
    for action in (store.delete_reply, store.undelete_reply):
        with pytest.raises(NotYours):
            action(imported.id)
    with pytest.raises(NotYours):
        store.edit_reply(imported.id, "mine now")
    reply = store.add_reply(alien.id, None, "me", "first")
    edited = store.edit_reply(reply.id, "second")
    assert edited.body == "second" and edited.edited is not None
    deleted = store.delete_reply(reply.id)
    assert deleted.deleted is not None and deleted.body == "second"
    with pytest.raises(StoreError, match="deleted"):
        store.edit_reply(reply.id, "third")
    assert store.undelete_reply(reply.id).deleted is None
    with pytest.raises(NotFound):
        store.edit_reply(12345, "x")


def test_read_state(store: Store, db: Path) -> None:
    alien = store.reviews()[-1]
    ids = [c.id for c in store.comments(alien.id)]
    assert store.unread_review_ids() == {r.id for r in store.reviews()}
    assert store.read_state(alien.id) == ReadState(True, frozenset())
    store.mark_seen(alien.id, [*ids[:2], 9999])  # ids of other reviews are ignored
    assert store.read_state(alien.id) == ReadState(False, frozenset(ids[:2]))
    assert alien.id not in store.unread_review_ids()
    store.set_unread(alien.id, True)
    assert store.read_state(alien.id) == ReadState(True, frozenset(ids[:2]))
    assert on_disk(db)["reads"][str(alien.id)] == {"unread": True, "seen": sorted(ids[:2])}
    other = Store(db)
    assert other.read_state(alien.id).unread and alien.id in other.unread_review_ids()


def test_a_no_op_write_does_not_touch_the_file(store: Store, db: Path) -> None:
    alien = store.reviews()[-1]
    store.mark_seen(alien.id, [])
    before = db.stat().st_mtime_ns, db.stat().st_ino
    generation = store.generation
    store.mark_seen(alien.id, [])
    store.set_unread(alien.id, False)
    assert (db.stat().st_mtime_ns, db.stat().st_ino) == before
    assert store.generation == generation


def test_search_finds_titles_bodies_and_comments(store: Store) -> None:
    hits = store.search("ALIEN")
    assert [h.where for h in hits] == ["title", "comment", "comment", "comment", "comment"]
    body = store.search("no one can HEAR")
    assert len(body) == 1 and body[0].where == "body"
    hit = body[0]
    assert hit.snippet[hit.start : hit.end].lower() == "no one can hear"
    assert store.search("   ") == []
    assert len(store.search("alien", limit=2)) == 2


def test_search_sees_new_edited_and_deleted_replies(store: Store) -> None:
    alien = store.reviews()[-1]
    assert store.search("zebra") == []
    reply = store.add_reply(alien.id, None, "me", "a zebra crossing")
    assert [(h.comment_id, h.snippet) for h in store.search("ZEBRA")] == [
        (reply.id, "a zebra crossing")
    ]
    store.edit_reply(reply.id, "a horse")
    assert store.search("zebra") == []
    assert len(store.search("horse")) == 1
    store.delete_reply(reply.id)
    assert store.search("horse") == []
    store.undelete_reply(reply.id)
    assert len(store.search("horse")) == 1


def test_search_snippet_is_one_line_around_the_match(db: Path) -> None:
    store = Store(db)
    body = ("word " * 100) + "needle\n\nin\tthe " + ("hay " * 100)
    store.import_reviews([ParsedReview(title="t", date="2000-01-01", body=body)])
    (hit,) = store.search("NEEDLE")
    assert "\n" not in hit.snippet and "\t" not in hit.snippet
    assert hit.snippet[hit.start : hit.end] == "needle"
    assert 70 <= len(hit.snippet) <= 84
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")


def test_search_with_length_changing_lowercase(db: Path) -> None:
    store = Store(db)
    store.import_reviews([ParsedReview(title="İstanbul İstanbul", date="2000-01-01", body="x")])
    (hit,) = store.search("istanbul")
    assert hit.snippet[hit.start : hit.end].lower().endswith("stanbul")


def test_export_nests_the_comment_tree(store: Store) -> None:
    alien = store.reviews()[-1]
    first = store.comments(alien.id)[0]
    reply = store.add_reply(alien.id, first.id, "me", "deep")
    data = store.export()
    assert [r["title"] for r in data["reviews"]] == ["Alien", "Heat", "Ran"]
    tree = data["reviews"][0]["comments"]
    assert len(tree) == 2
    assert [c["body"] for c in tree[0]["replies"]] == ["alien reply to 0", "deep"]
    assert tree[0]["replies"][1]["local"] is True
    assert tree[0]["replies"][1]["id"] == reply.id
    assert set(data["reviews"][0]) == {
        "id",
        "title",
        "date",
        "author",
        "body",
        "tags",
        "film",
        "year",
        "director",
        "rating",
        "source",
        "source_id",
        "comments",
    }
    assert set(tree[0]) == {
        "id",
        "author",
        "date",
        "body",
        "local",
        "source_id",
        "edited",
        "deleted",
        "replies",
    }


def test_newer_schema_is_refused_and_untouched(db: Path) -> None:
    Store(db).close()
    data = on_disk(db)
    data["meta"]["1"]["schema_version"] = SCHEMA_VERSION + 1
    db.write_bytes(orjson.dumps(data))
    before = db.read_bytes()
    with pytest.raises(NewerSchema) as info:
        Store(db)
    assert str(db) in str(info.value)
    assert f"schema {SCHEMA_VERSION + 1}, this version reads up to {SCHEMA_VERSION}" in str(
        info.value
    )
    assert db.read_bytes() == before


def test_missing_meta_is_version_one_written_with_the_next_write(db: Path) -> None:
    Store(db, seed=corpus).close()
    data = on_disk(db)
    del data["meta"]
    db.write_bytes(orjson.dumps(data))
    store = Store(db)
    assert "meta" not in on_disk(db)  # opening alone writes nothing
    store.add_reply(store.reviews()[0].id, None, "me", "hi")
    assert on_disk(db)["meta"] == {"1": {"schema_version": 1}}


def test_migration_hook_upgrades_an_older_file(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.store

    Store(db, seed=corpus).close()
    calls = []

    def to_two(tables: dict) -> None:  # type: ignore[type-arg]
        calls.append(1)
        for doc in tables["reviews"].values():
            doc["title"] = doc["title"].upper()

    monkeypatch.setattr(tui.store, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(tui.store.MIGRATIONS, 1, to_two)
    store = Store(db)
    assert calls == [1]
    assert {r.title for r in store.reviews()} == {"ALIEN", "HEAT", "RAN"}
    assert on_disk(db)["meta"]["1"]["schema_version"] == 2
    Store(db)
    assert calls == [1]  # already upgraded


def test_not_found(store: Store) -> None:
    for call in (store.review, store.comments, store.read_state):
        with pytest.raises(NotFound):
            call(404)
    with pytest.raises(NotFound):
        store.comment(404)


def test_closed_store_refuses(store: Store) -> None:
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.reviews()


def test_threads_share_one_store(store: Store) -> None:
    alien = store.reviews()[-1]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(15):
                store.add_reply(alien.id, None, "t", "x")
                store.reviews()
                store.search("x")
        except Exception as error:  # noqa: BLE001  # reported by the assert below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    ids = [c.id for c in store.comments(alien.id)]
    assert len(ids) == 4 + 60 == len(set(ids))
    assert len(Store(store.path).comments(alien.id)) == 64


def test_two_stores_in_one_process_see_each_others_writes(store: Store, db: Path) -> None:
    other = Store(db)
    alien = store.reviews()[-1]
    generation = other.generation
    reply = store.add_reply(alien.id, None, "me", "from the first")
    assert other.comment(reply.id) == reply
    assert other.review(alien.id).comment_count == 5
    assert other.generation > generation
    second = other.add_reply(alien.id, reply.id, "me", "from the second")
    assert second.id == reply.id + 1  # ids never collide
    assert store.comments(alien.id)[-1] == second
    assert store.refresh() is False  # already caught up by the read above


# -- imports ------------------------------------------------------------------


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

    def update(self: Table, updater: object) -> None:
        calls.append("rebuild")
        original_update(self, updater)

    monkeypatch.setattr(AtomicFileStorage, "write", write)
    monkeypatch.setattr(Table, "_update_table", update)
    return calls


def test_each_change_is_one_write_and_at_most_one_rebuild(store: Store, writes: list[str]) -> None:
    alien = store.reviews()[-1]
    reply = store.add_reply(alien.id, None, "me", "x")
    assert writes == ["rebuild", "write"]
    for action in (
        lambda: store.edit_reply(reply.id, "y"),
        lambda: store.delete_reply(reply.id),
        lambda: store.mark_seen(alien.id, [reply.id]),
        lambda: store.set_unread(alien.id, True),
    ):
        writes.clear()
        action()
        assert writes == ["rebuild", "write"]


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
