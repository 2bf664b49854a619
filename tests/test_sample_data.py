"""The bundled data stays true to its sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson

from tui.importers import iter_sources, load_path
from tui.store import Store

ROOT = Path(__file__).resolve().parent.parent


def test_seed_is_kept_byte_for_byte() -> None:
    seed = ROOT / "seeds" / "000_be53c1186d4633ab.txt"
    assert seed.read_bytes().startswith(b"Thursday, 6 March 2014\n")
    assert len(seed.read_bytes()) == 2981


def test_importing_seeds_reproduces_the_sample_database(tmp_path: Path) -> None:
    built = tmp_path / "reviews.json"
    store = Store(built)
    parsed = [review for path in iter_sources([ROOT / "seeds"]) for review in load_path(path)]
    store.import_reviews(parsed)
    store.close()
    expected = orjson.loads((ROOT / "data" / "reviews.json").read_bytes())
    got = orjson.loads(built.read_bytes())
    got["meta"]["1"].pop("checkpoint")  # how many times this file was rewritten whole
    expected["meta"]["1"].pop("checkpoint", None)
    assert got == expected


def test_a_new_database_is_created_from_the_bundled_seeds(tmp_path: Path) -> None:
    from tui.importers import bundled_seeds

    store = Store(tmp_path / "new.json", seed=bundled_seeds)
    try:
        (her,) = store.reviews()
        assert her.title == "Her" and her.date == "2014-03-06" and her.comment_count == 2
        assert [c.body[:13] for c in store.comments(her.id)] == ["Great review!", "I have nomina"]
    finally:
        store.close()


def test_the_sample_database_opens_in_the_reader_copy(tmp_path: Path) -> None:
    copy = tmp_path / "reviews.json"
    shutil.copy(ROOT / "data" / "reviews.json", copy)
    store = Store(copy)
    try:
        assert [r.title for r in store.reviews()] == ["Her"]
    finally:
        store.close()
