"""The store's behaviour through its public API, on real files in a temp directory."""

from __future__ import annotations

import threading
from pathlib import Path

import orjson
import pytest

from tui.model import ANONYMOUS, SCHEMA_VERSION, ParsedComment, ParsedReview
from tui.store import (
    MIGRATIONS,
    NewerSchema,
    NotFound,
    NotYours,
    ReadState,
    Store,
    StoreError,
)
from tui.store.checkpoint import read_database
from tui.store.journal import journal_path


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
    """The database as on disk: the file with its journal's records applied, the
    checkpoint number (the journal's bookkeeping) left out of the meta document."""
    data = read_database(db.read_bytes(), journal_path(db))
    for doc in data.get("meta", {}).values():
        doc.pop("checkpoint", None)
    return data


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
        "url",
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
        "url",
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
    import tui.store.core

    Store(db, seed=corpus).close()
    calls = []

    def to_two(tables: dict) -> None:  # type: ignore[type-arg]
        calls.append(1)
        for doc in tables["reviews"].values():
            doc["title"] = doc["title"].upper()

    monkeypatch.setattr(tui.store.core, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(MIGRATIONS, 1, to_two)
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


def test_a_refused_change_does_not_reload_the_data(store: Store) -> None:
    loads, generation = store._storage.loads, store.generation
    with pytest.raises(NotFound):
        store.add_reply(404, None, "me", "x")
    with pytest.raises(NotYours):
        store.delete_reply(store.comments(store.reviews()[-1].id)[0].id)
    assert (store._storage.loads, store.generation) == (loads, generation)


def test_marking_all_read_can_be_taken_back_exactly(store: Store, db: Path) -> None:
    """``mark_seen_many`` says what each review was; ``restore_reads`` puts that back."""
    reviews = store.reviews()
    first, second = reviews[0].id, reviews[-1].id
    some = [c.id for c in store.comments(second)][:1]
    store.mark_seen(second, some)  # read, one comment seen
    store.set_unread(second, True)  # ...then marked unread again by hand
    states = {r.id: store.read_state(r.id) for r in reviews}
    marks = {r.id: [c.id for c in store.comments(r.id)] for r in reviews}
    before = store.mark_seen_many(marks)
    assert set(before) == {r.id for r in reviews if states[r.id].unread}
    assert before[second].seen == frozenset(some) and before[first].seen == frozenset()
    assert store.unread_review_ids() == set()
    store.restore_reads({**before, 999_999: before[first]})  # a review gone since: skipped
    assert {r.id: store.read_state(r.id) for r in reviews} == states
    store.close()
    again = Store(db)
    try:
        assert {r.id: again.read_state(r.id) for r in reviews} == states
    finally:
        again.close()
