"""A big import's new documents: held, then spooled to a temp file, then written as JSON."""

from __future__ import annotations

from pathlib import Path

import orjson
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from tui.store.spool import NewDocs
from tui.store.storage import CHUNK_DOCS, atomic_write_pieces, parse_lines, serialise_tables


def doc(number: int, text: str = "") -> dict[str, object]:
    return {"title": f"Review {number}{text}", "body": 'Amélie ✓ "quoted"\n', "tags": []}


def test_documents_stay_dicts_until_the_limit_then_go_to_an_unnamed_file(tmp_path: Path) -> None:
    with NewDocs(tmp_path, in_memory=3) as docs:
        for number in range(3):
            docs[str(number + 1)] = doc(number + 1)
        assert not docs.spilled and docs.in_memory()["2"] == doc(2)
        docs["4"] = doc(4)
        assert docs.spilled
        docs["2"] = doc(2, " (edited)")  # put twice: the last one counts
        assert len(docs) == 4 and "2" in docs and "5" not in docs
        assert docs.get("2") == doc(2, " (edited)") and docs.get("5") is None
        assert [key for key, _ in docs.fragments()] == ["1", "2", "3", "4"]
        assert [orjson.loads(f) for _, f in docs.fragments()][1] == doc(2, " (edited)")
        assert dict(docs.docs()) == {str(n): docs.get(str(n)) for n in range(1, 5)}
        assert list(tmp_path.iterdir()) == []  # the temp file has no name on disk


def test_appended_documents_are_written_as_if_they_were_in_the_tables(tmp_path: Path) -> None:
    tables: dict[str, dict[str, object]] = {
        "meta": {"1": {"schema_version": 1}},
        "reviews": {str(n): doc(n) for n in range(1, 4)},
        "reads": {},
    }
    new = {str(n): doc(n) for n in range(4, 4 + 2 * CHUNK_DOCS + 7)}
    comments = {"1": {"body": "first"}, "2": {"body": "second"}}
    appended = {
        "reviews": [(k, orjson.dumps(v)) for k, v in new.items()],
        "comments": [(k, orjson.dumps(v)) for k, v in comments.items()],  # a table only here
    }
    path = tmp_path / "reviews.json"
    atomic_write_pieces(path, serialise_tables(tables, appended))
    expected = {**tables, "reviews": {**tables["reviews"], **new}, "comments": comments}
    raw = path.read_bytes()
    assert orjson.loads(raw) == expected
    assert parse_lines(bytearray(raw)) == expected  # the store's own line layout
    with TinyDB(path, storage=JSONStorage, access_mode="r") as db:
        assert len(db.table("reviews")) == len(expected["reviews"])
        assert db.table("comments").get(doc_id=2) == {"body": "second"}
    # Into an empty table, the appended documents start the table's first line.
    atomic_write_pieces(path, serialise_tables({"reviews": {}}, {"reviews": appended["reviews"]}))
    assert parse_lines(bytearray(path.read_bytes())) == {"reviews": new}
