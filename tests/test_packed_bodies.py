"""Long review bodies are kept packed in memory; the store and the file see text.

The index keeps a body of ``PACK_AT`` characters or more compressed
(``tui.store.packed``). Whatever path a review takes (a load, an import,
another process's journal record, a checkpoint, the first-screen snapshot, an
export), what comes out is the text that went in, and the file stays plain
JSON with the body as a string.
"""

from __future__ import annotations

import dataclasses
import sys
import tracemalloc
from pathlib import Path

import orjson
import pytest

from tui.model import ParsedReview, Review
from tui.store import Store
from tui.store.checkpoint import read_database
from tui.store.first_screen import first_screen_path, load_first_screen
from tui.store.journal import journal_path
from tui.store.packed import (
    PACK_AT,
    PackedReview,
    json_default,
    pack,
    unpack,
)

LONG = "Luminous, familiar: a scene of silence — 日本, émigré, 🎬.\n\n" * 40
SHORT = "A short note."


def parsed(title: str, body: str, date: str = "2024-01-01") -> ParsedReview:
    """A review as an importer gives it."""
    return ParsedReview(title=title, date=date, body=body, source="markdown", source_id=title)


def file_bodies(db: Path) -> dict[str, object]:
    """Review key -> its body as the file and its journal hold it."""
    data = read_database(db.read_bytes(), journal_path(db))
    return {key: doc["body"] for key, doc in data["reviews"].items()}


def test_pack_keeps_short_text_and_round_trips_long_text() -> None:
    assert pack(SHORT) is SHORT
    packed = pack(LONG)
    assert isinstance(packed, bytes)
    assert len(packed) < len(LONG.encode()) / 3
    assert unpack(packed) == LONG
    assert unpack(SHORT) is SHORT
    assert pack("x" * (PACK_AT - 1)) == "x" * (PACK_AT - 1)


def test_a_packed_body_holds_no_more_memory_than_its_bytes() -> None:
    bodies = [f"{LONG} {number}" for number in range(200)]
    tracemalloc.start()
    try:
        packed = [pack(body) for body in bodies]
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert all(isinstance(p, bytes) for p in packed)
    exact = sum(sys.getsizeof(p) for p in packed) + sys.getsizeof(packed)
    assert held < exact * 1.2


def test_a_packed_review_is_the_review_it_stands_for() -> None:
    plain = Review(7, "Her", "2014-03-06", "Ann", LONG, ("drama",), rating=4.5, url="u")
    body = pack(LONG)
    packed = PackedReview(7, "Her", "2014-03-06", "Ann", body, ("drama",), rating=4.5, url="u")
    assert packed.body == LONG
    assert packed == plain
    assert plain == packed
    assert hash(packed) == hash(plain)
    assert len({packed, plain}) == 1
    assert packed != dataclasses.replace(plain, title="Him")
    assert dataclasses.asdict(packed) == dataclasses.asdict(plain)
    changed = dataclasses.replace(packed, comment_count=3)
    assert changed.body == LONG
    assert changed.comment_count == 3
    assert orjson.dumps(packed, default=json_default) == orjson.dumps(plain)


def test_json_default_refuses_what_it_does_not_know() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        orjson.dumps({"x": object()}, default=json_default)


def test_the_store_gives_back_the_text_and_the_file_keeps_it(tmp_path: Path) -> None:
    db = tmp_path / "reviews.json"
    store = Store(db, keep_small=True)
    store.import_reviews([parsed("Long", LONG), parsed("Short", SHORT, "2023-01-01")])
    store.close()
    store = Store(db, keep_small=True)  # a load from the file: the long body is packed now
    by_title = {r.title: r for r in store.reviews()}
    assert isinstance(by_title["Long"], PackedReview)
    assert type(by_title["Short"]) is Review
    assert by_title["Long"].body == LONG
    assert store.review(by_title["Long"].id).body == LONG
    exported = {r["title"]: r["body"] for r in store.export()["reviews"]}
    assert exported == {"Long": LONG, "Short": SHORT}

    # A journal record, then a checkpoint that rewrites the whole file from memory.
    store.add_reply(by_title["Long"].id, None, "Me", "A reply.")
    assert store.checkpoint()
    bodies = file_bodies(db)
    assert sorted(bodies.values(), key=len) == [SHORT, LONG]
    raw = orjson.loads(db.read_bytes())
    assert {doc["body"] for doc in raw["reviews"].values()} == {SHORT, LONG}
    store.close()


def test_another_process_record_and_a_reimport_keep_the_text(tmp_path: Path) -> None:
    db = tmp_path / "reviews.json"
    first = Store(db, keep_small=True)
    first.import_reviews([parsed("Long", LONG)])
    second = Store(db, keep_small=True)
    newer = LONG.replace("silence", "thunder")
    second.import_reviews([parsed("Long", newer)])  # the same review, updated
    review = first.reviews()[0]  # takes in the other store's change
    assert review.body == newer
    assert first.import_reviews([parsed("Long", newer)]).updated_reviews == 0
    assert file_bodies(db) == {str(review.id): newer}
    first.close()
    second.close()


def test_the_first_screen_snapshot_holds_the_text(tmp_path: Path) -> None:
    db = tmp_path / "reviews.json"
    store = Store(db, keep_small=True)
    store.import_reviews([parsed("Long", LONG)])
    store.close()
    first_screen_path(db).unlink(missing_ok=True)
    store = Store(db, keep_small=True)
    store.keep_first_screen()
    store.close()
    screen = load_first_screen(db)
    assert screen is not None
    assert [r.body for r in screen.reviews] == [LONG]


def test_tags_and_shared_texts_keep_their_json(tmp_path: Path) -> None:
    db = tmp_path / "reviews.json"
    store = Store(db, keep_small=True)
    tagged = dataclasses.replace(parsed("Tagged", LONG), tags=("drama", "romance"))
    store.import_reviews([tagged, parsed("Plain", SHORT, "2023-01-01")])
    store.close()
    before = orjson.loads(db.read_bytes())["reviews"]
    store = Store(db, keep_small=True)
    assert {r.title: r.tags for r in store.reviews()} == {
        "Tagged": ("drama", "romance"),
        "Plain": (),
    }
    tagged_id = next(r.id for r in store.reviews() if r.title == "Tagged")
    hits = store.search("émigré")  # in the packed body only
    assert {(h.review_id, h.where) for h in hits} == {(tagged_id, "body")}
    assert hits[0].snippet[hits[0].start : hits[0].end] == "émigré"
    store.add_reply(store.reviews()[0].id, None, "Me", "A reply.")
    assert store.checkpoint()
    store.close()
    after = orjson.loads(db.read_bytes())["reviews"]
    assert after == before


def test_only_the_reader_keeps_bodies_packed_a_command_loads_plain_text(tmp_path: Path) -> None:
    # Packing makes a whole load slower: a one-off command (export, check, sync) opens
    # plainly; the reader, which keeps the store for the session, opens it small.
    from tui.opening import Opening

    db = tmp_path / "reviews.json"
    store = Store(db)
    store.import_reviews([parsed("Long", LONG)])
    store.close()
    command = Store(db)
    assert type(command.reviews()[0]) is Review
    command.close()
    opening = Opening(db)
    assert opening.wait(10)
    reader_store = opening.result().store
    try:
        review = reader_store.reviews()[0]
        assert isinstance(review, PackedReview)
        assert review.body == LONG
    finally:
        opening.close()
