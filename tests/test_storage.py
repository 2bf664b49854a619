"""The atomic TinyDB storage, and how the store reports unreadable files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, cast
from unittest.mock import patch

import orjson
import pytest
from cpu_audit import over_budget
from hypothesis import given, settings
from hypothesis import strategies as st
from property_counts import examples
from tinydb import TinyDB

import tui
from tui.store import CorruptDatabase, Store
from tui.store.storage import (
    CHUNK_DOCS,
    AtomicFileStorage,
    MissingFileError,
    UnreadableFileError,
    atomic_write_bytes,
    parse_lines,
    parse_tables,
    release,
    remove_stale_temps,
    serialise_tables,
    temp_name,
)


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


def test_atomic_write_replaces_the_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "db.json"
    target.write_bytes(b"old")
    target.chmod(0o640)
    link = tmp_path / "hard-link"
    os.link(target, link)
    sig = atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    # The old inode was replaced, not rewritten: a hard link to it still holds the old bytes.
    assert link.read_bytes() == b"old"
    assert sig[0] == target.stat().st_ino != link.stat().st_ino
    assert target.stat().st_mode & 0o777 == 0o640
    assert temps(tmp_path) == []


def test_temp_names_sit_beside_the_target(tmp_path: Path) -> None:
    name = temp_name(tmp_path / "db.json")
    assert name.parent == tmp_path
    assert name.name.startswith(f".db.json.tmp-{os.getpid()}-")


def test_storage_round_trip_and_cache(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    db = TinyDB(path, storage=AtomicFileStorage, missing_ok=True)
    storage = cast(AtomicFileStorage, db.storage)
    assert storage.read() is None  # missing, and allowed to be
    db.table("t").insert({"a": 1})
    assert orjson.loads(path.read_bytes()) == {"t": {"1": {"a": 1}}}
    first = storage.read()
    assert first is storage.read()  # cached: no copy, no re-parse
    assert not storage.changed()
    loads = storage.loads
    # Another writer replaces the file: the next read sees it.
    other = TinyDB(path, storage=AtomicFileStorage)
    other.table("t").insert({"b": 2})
    assert storage.changed()
    assert storage.read() == {"t": {"1": {"a": 1}, "2": {"b": 2}}}
    assert storage.loads == loads + 1


def test_a_missing_file_is_an_error_unless_creating(tmp_path: Path) -> None:
    storage = AtomicFileStorage(tmp_path / "nope.json")
    with pytest.raises(MissingFileError):
        storage.read()


def test_a_failed_write_drops_the_cache_and_leaves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    db = TinyDB(path, storage=AtomicFileStorage, missing_ok=True)
    db.table("t").insert({"a": 1})
    before = path.read_bytes()
    # orjson cannot serialise this; TinyDB has already put it into the cached dict.
    with pytest.raises(TypeError):
        db.table("t").insert({"bad": object()})
    assert path.read_bytes() == before
    assert temps(tmp_path) == []
    assert db.storage.read() == {"t": {"1": {"a": 1}}}  # from disk, not the mutated cache
    assert db.table("t").all() == [{"a": 1}]


def big_tables(n: int) -> dict[str, dict[str, Any]]:
    return {
        "meta": {"1": {"schema_version": 1}},
        "empty": {},
        "comments": {str(i): {"body": f"comment {i} \u00e9\n", "n": i} for i in range(1, n)},
        "reads": {"1": {"unread": False, "seen": [1, 2]}},
    }


@pytest.mark.parametrize(
    "n", [1, CHUNK_DOCS + 1, CHUNK_DOCS + 2, 2 * CHUNK_DOCS + 1, 3 * CHUNK_DOCS + 7]
)
def test_serialised_pieces_are_the_tables_a_line_each(n: int) -> None:
    tables = big_tables(n)
    raw = b"".join(serialise_tables(tables))
    assert orjson.loads(raw) == tables
    # Only whitespace was added to one dump: a newline around each piece.
    assert raw.replace(b"\n", b"") == orjson.dumps(tables)
    lines = raw.split(b"\n")
    assert lines[0] == b"{" and lines[-1] == b"}"
    assert lines.count(b"}") == len(tables) + 1
    assert max(line.count(b'"body"') for line in lines) <= CHUNK_DOCS
    buffer = bytearray(raw)
    assert parse_lines(buffer) == tables
    assert buffer == raw  # the braces it borrowed are put back


@over_budget
@given(
    st.dictionaries(
        st.text(max_size=5),
        st.dictionaries(
            st.integers(0, 10**6).map(str),
            st.dictionaries(
                st.text(max_size=5), st.text(max_size=20) | st.integers(-(2**63), 2**63 - 1)
            ),
            max_size=5,
        ),
        max_size=4,
    )
)
@settings(max_examples=examples(100), deadline=None)
def test_the_line_layout_round_trips(tables: dict[str, dict[str, Any]]) -> None:
    raw = b"".join(serialise_tables(tables))
    assert parse_lines(bytearray(raw)) == tables == orjson.loads(raw)


def _layout_example() -> bytes:
    tables = {"meta": {"1": {"v": 1}}, "t": {str(i): {"b": "x\ny"} for i in range(5)}, "e": {}}
    with patch("tui.store.storage.CHUNK_DOCS", 2):
        return b"".join(serialise_tables(tables))


@given(st.data())
@settings(max_examples=examples(300), deadline=None)
def test_a_damaged_file_is_never_read_differently_from_a_whole_parse(data: st.DataObject) -> None:
    """Whatever the line-at-a-time parse accepts, a whole-file parse reads the same."""
    raw = bytearray(_layout_example())
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(raw) - 1))
        edit = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        byte = data.draw(st.sampled_from(b'{}[],:"\n 0a\\'))
        if edit == "flip":
            raw[at] = byte
        elif edit == "delete":
            del raw[at]
        else:
            raw.insert(at, byte)
    damaged = bytes(raw)
    found = parse_lines(raw)
    assert raw == damaged  # left as it was, accepted or not
    try:
        whole = orjson.loads(damaged)
    except orjson.JSONDecodeError:
        assert found is None
        return
    assert found is None or found == whole


@pytest.mark.parametrize(
    "raw",
    [
        orjson.dumps({"t": {"1": {"a": 1}}}),  # one line: written by an older version
        orjson.dumps({"t": {"1": {"a": 1}}}, option=orjson.OPT_INDENT_2),  # by hand
        b'{\n"t":{\n"1":{"a":1}\n}\n,"u":[1]\n}',  # a table that is not one
    ],
)
def test_other_layouts_are_parsed_whole(raw: bytes) -> None:
    assert parse_lines(bytearray(raw)) is None
    assert orjson.loads(raw)["t"] == {"1": {"a": 1}}


def test_a_document_orjson_refuses_deep_in_a_big_table_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = AtomicFileStorage(path, missing_ok=True)
    tables = big_tables(3 * CHUNK_DOCS)
    storage.write(tables)
    before = path.read_bytes()
    tables["comments"][str(2 * CHUNK_DOCS)]["bad"] = object()  # pieces before it are written
    with pytest.raises(TypeError):
        storage.write(tables)
    assert path.read_bytes() == before
    assert temps(tmp_path) == []
    again = storage.read()  # from disk again
    assert again is not None
    assert again["meta"]["1"].pop("checkpoint") == 1  # the one write that happened
    assert again == big_tables(3 * CHUNK_DOCS)
    with pytest.raises(TypeError):
        b"".join(serialise_tables({1: {}}))  # type: ignore[dict-item]


FILL_THE_DISK = """
import resource, signal, sys
from pathlib import Path
from typing import Any, cast
from tinydb import TinyDB
from tui.store.storage import AtomicFileStorage
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
db = TinyDB(sys.argv[1], storage=AtomicFileStorage)
db.storage.read()
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))
try:
    db.table("t").insert({"big": "x" * 5000})
except OSError as error:
    ok = db.storage.read() == {"t": {"1": {"a": 1}}}
    print(error.strerror)
    sys.exit(3 if ok else 5)
sys.exit(0)
"""


def test_an_os_error_while_writing_drops_the_cache_and_the_temp(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    TinyDB(path, storage=AtomicFileStorage, missing_ok=True).table("t").insert({"a": 1})
    before = path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-c", FILL_THE_DISK, str(path)], capture_output=True, text=True
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert "File too large" in result.stdout
    assert path.read_bytes() == before
    assert temps(tmp_path) == []


def test_stale_temps_of_dead_or_old_writers_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "db.json"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".db.json.tmp-{dead_pid}-abcd1234"
    live = tmp_path / f".db.json.tmp-{os.getpid()}-abcd1234"
    old = tmp_path / f".db.json.tmp-{os.getpid()}-00ff00ff"
    unrelated = [tmp_path / ".other.json.tmp-1-abcd", tmp_path / "db.json.tmp-1-ab"]
    for p in [stale, live, old, *unrelated]:
        p.write_bytes(b"partial")
    past = time.time() - 120
    os.utime(old, (past, past))
    removed = remove_stale_temps(target)
    assert sorted(removed) == sorted([stale, old])
    assert live.exists() and all(p.exists() for p in unrelated)
    # A new storage (the next start) cleans up the same way.
    os.utime(live, (past, past))
    AtomicFileStorage(target)
    assert not live.exists()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b'{"reviews": {"1": {"title": "x"', "not valid JSON"),
        (b'{"reviews": {}} trailing', "not valid JSON"),
        (b'{"reviews": {"1": {"title": "\xff\xfe"}}}', "not valid JSON"),
        (b"[1, 2]", "found a list"),
        (b'{"reviews": [1]}', "not an object"),
        (b'{"reviews": {"1": 7}}', "malformed document"),
        (b'{"reviews": {"one": {}}}', "malformed document"),
    ],
)
def test_parse_tables_rejects_what_is_not_a_database(raw: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFileError, match=reason):
        parse_tables(raw)


GOOD = orjson.dumps(
    {
        "meta": {"1": {"schema_version": 1}},
        "reviews": {"1": {"title": "t", "date": "2000-01-01", "body": "b"}},
    }
)

CORRUPT = {
    "empty": b"",
    "truncated": GOOD[: len(GOOD) // 2],
    "trailing-garbage": GOOD + b"\n}garbage",
    "invalid-utf8": GOOD.replace(b'"b"', b'"\xc3\x28"'),
    "a-list": b"[]",
    "table-not-object": b'{"reviews": "x"}',
    "bad-field": GOOD.replace(b'"title":"t"', b'"title":42'),
    "bad-comment": b'{"reviews": {}, "comments": {"1": {"review_id": "1", "body": "x"}}}',
    "bad-version": b'{"meta": {"1": {"schema_version": "one"}}}',
}


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_a_corrupt_database_is_refused_copied_aside_and_untouched(
    tmp_path: Path, kind: str
) -> None:
    db = tmp_path / "reviews.json"
    db.write_bytes(CORRUPT[kind])
    with pytest.raises(CorruptDatabase) as info:
        Store(db)
    message = str(info.value)
    assert str(db) in message
    assert "run `reviews restore` to list backups" in message
    (copy,) = tmp_path.glob("reviews.json.corrupt-*")
    assert str(copy) in message
    assert copy.read_bytes() == CORRUPT[kind]
    assert db.read_bytes() == CORRUPT[kind]
    assert len(copy.name.rsplit("-", 1)[1]) == 16  # one copy per content: named by its digest


def test_a_file_corrupted_by_another_process_is_reported_on_the_next_read(tmp_path: Path) -> None:
    db = tmp_path / "reviews.json"
    store = Store(db)
    db.write_bytes(b'{"reviews": ')
    with pytest.raises(CorruptDatabase):
        store.reviews()
    assert db.read_bytes() == b'{"reviews": '


def test_tinydbs_stock_storage_is_never_named_in_the_package() -> None:
    root = Path(tui.__file__).parent
    for path in root.rglob("*.py"):
        assert "JSONStorage" not in path.read_text(encoding="utf-8"), path


def test_a_reload_releases_the_old_tables_and_reads_the_new(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = AtomicFileStorage(path, missing_ok=True)
    storage.write(big_tables(3 * CHUNK_DOCS))
    old = storage.read()
    assert old is not None
    other = AtomicFileStorage(path)
    changed = big_tables(3 * CHUNK_DOCS + 1)
    other.write(changed)
    assert storage.changed()
    release(storage.forget())
    assert old == {}  # emptied document by document, not left for one big free
    assert storage.read() == changed
    release(None)  # nothing cached: nothing to do
