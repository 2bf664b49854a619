"""The journal beside the database: appends, replay, torn records, checkpoints, refresh.

Real files and real processes throughout: a child killed with SIGKILL in the
middle of an append, two processes appending at once, and stock TinyDB reading
the file after a checkpoint.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cpu_audit import over_budget
from pilot_helpers import ready
from tinydb import TinyDB

from tui.app import ReviewsApp
from tui.config import Config
from tui.model import ParsedComment, ParsedReview
from tui.store import CorruptDatabase, Store
from tui.store import storage as storage_module
from tui.store.backups import list_backups, restore_backup
from tui.store.first_screen import load_first_screen
from tui.store.journal import (
    QUIT_FOLD_BYTES,
    encode_record,
    header,
    journal_path,
    read_journal,
)

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from writer_child import kill_loop, seed  # noqa: E402


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reviews.json"
    Store(path, seed=seed).close()
    return path


def replies_in(db: Path) -> list[str]:
    """The bodies of review 1's local replies, through a fresh Store."""
    store = Store(db)
    try:
        return [c.body for c in store.comments(1) if c.local]
    finally:
        store.close()


def test_a_reply_is_appended_to_the_journal_not_written_into_the_file(db: Path) -> None:
    before = db.read_bytes()
    store = Store(db)
    comment = store.add_reply(1, None, "me", "into the journal")
    assert db.read_bytes() == before  # the big file is not rewritten for one reply
    journal = journal_path(db)
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    lines = journal.read_bytes().splitlines()
    assert json.loads(lines[0]) == {"journal": 1, "checkpoint": 1}
    assert len(lines) == 2 and str(comment.id).encode() in lines[1]
    assert replies_in(db) == ["into the journal"]  # replayed by the next open


def test_a_torn_last_record_is_ignored_then_cut_off_by_the_next_write(db: Path) -> None:
    Store(db).add_reply(1, None, "me", "whole")
    journal = journal_path(db)
    whole = journal.read_bytes()
    torn = encode_record({"comments": {"99": {"review_id": 1, "body": "half"}}})
    journal.write_bytes(whole + torn[: len(torn) // 2])
    assert replies_in(db) == ["whole"]
    Store(db).add_reply(1, None, "me", "after")
    assert replies_in(db) == ["whole", "after"]
    assert b"half" not in journal.read_bytes()


def test_a_last_record_with_a_bad_checksum_counts_as_torn(db: Path) -> None:
    Store(db).add_reply(1, None, "me", "whole")
    journal = journal_path(db)
    bad = bytearray(encode_record({"comments": {"99": {"review_id": 1, "body": "flipped"}}}))
    bad[20] ^= 1
    journal.write_bytes(journal.read_bytes() + bytes(bad))
    assert replies_in(db) == ["whole"]


def test_garbage_in_the_middle_is_a_clear_error_and_nothing_is_overwritten(db: Path) -> None:
    store = Store(db)
    store.add_reply(1, None, "me", "one")
    store.add_reply(1, None, "me", "two")
    journal = journal_path(db)
    lines = journal.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"one", b"eno")  # the checksum no longer matches
    journal.write_bytes(b"\n".join(lines))
    garbled, main = journal.read_bytes(), db.read_bytes()
    with pytest.raises(CorruptDatabase) as caught:
        Store(db)
    message = str(caught.value)
    assert "\n" not in message and str(journal) in message and "garbled at byte" in message
    assert journal.read_bytes() == garbled and db.read_bytes() == main


@over_budget
def test_sigkill_mid_append_in_a_real_child_loses_no_acknowledged_reply(tmp_path: Path) -> None:
    db = tmp_path / "reviews.json"
    planned = [("mid-append", 1), ("mid-append", 4), ("after-append", 2)]
    counts = kill_loop(db, 0, planned=planned)
    assert counts.ok(), counts.summary() + " " + "; ".join(counts.errors[:3])
    assert [(k.phase, k.nth, k.acked) for k in counts.planned] == [
        ("mid-append", 1, 0),
        ("mid-append", 4, 3),
        ("after-append", 2, 1),
    ]
    # Half a record is never applied; a whole one not yet acknowledged may be, once.
    assert [k.landed_unacked for k in counts.planned] == [0, 0, 1]
    store = Store(db)
    ids = [c.id for c in store.comments(1)]
    assert len(ids) == len(set(ids))


@over_budget
def test_two_processes_appending_at_once_then_both_see_every_record(db: Path) -> None:
    child = HERE / "writer_child.py"
    writers = [
        subprocess.Popen(
            [sys.executable, str(child), "replies", str(db), "--count", "40"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    acked: set[int] = set()
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        acked |= {int(line.split()[1]) for line in out.splitlines()}
    assert len(acked) == 80
    ids = {c.id for c in Store(db).comments(1)}
    assert acked <= ids
    records = read_journal(journal_path(db), 1, db.stat().st_size).records
    assert len(records) == 80  # no checkpoint was needed


def test_an_open_store_takes_in_another_process_records_from_the_tail(db: Path) -> None:
    reader = Store(db)
    loads = reader.file_loads
    other = Store(db)
    comment = other.add_reply(1, None, "other", "from elsewhere")
    other.mark_seen(1, [comment.id])
    assert reader.refresh() is True
    assert reader.file_loads == loads + 1  # another process's change was taken in
    assert [c.body for c in reader.comments(1) if c.local] == ["from elsewhere"]
    assert reader.review(1).comment_count == 2
    assert reader.read_state(1).seen == {comment.id}
    assert reader.refresh() is False  # nothing new: one stat each of the two files
    # Its own write is not "another program's change".
    reader.add_reply(1, None, "me", "mine")
    assert reader.refresh() is False
    assert reader.file_loads == loads + 1


def test_a_checkpoint_folds_the_journal_and_stock_tinydb_reads_the_file(db: Path) -> None:
    store = Store(db)
    store.add_reply(1, None, "me", "folded")
    assert store.journal_bytes > 0
    assert store.checkpoint() is True
    assert store.journal_bytes == 0 and journal_path(db).stat().st_size == 0
    assert store.checkpoint() is False  # nothing left to fold
    stock = TinyDB(db)
    try:
        bodies = [doc["body"] for doc in stock.table("comments").all()]
    finally:
        stock.close()
    assert "folded" in bodies
    assert replies_in(db) == ["folded"]


def test_a_crash_between_replace_and_emptying_never_applies_a_record_again(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(db)
    reply = store.add_reply(1, None, "me", "first text")
    # The checkpoint replaces the file, then "crashes" before the journal is emptied.
    monkeypatch.setattr(storage_module, "empty_journal", lambda path: None)
    store.checkpoint()
    monkeypatch.undo()
    # The old records are still there, naming the checkpoint before.
    assert read_journal(journal_path(db), 1, db.stat().st_size).records
    # A change of the same reply in the new file: the stale record must not undo it.
    store.close()
    Store(db).edit_reply(reply.id, "second text")
    assert replies_in(db) == ["second text"]


def test_a_journal_naming_another_checkpoint_is_ignored(db: Path) -> None:
    journal_path(db).write_bytes(
        header(99) + encode_record({"comments": {"50": {"review_id": 1, "body": "stray"}}})
    )
    assert replies_in(db) == []
    Store(db).add_reply(1, None, "me", "fresh")  # starts the journal afresh
    assert replies_in(db) == ["fresh"]
    assert b"stray" not in journal_path(db).read_bytes()


def test_an_import_is_a_checkpoint(db: Path) -> None:
    store = Store(db)
    store.add_reply(1, None, "me", "before the import")
    store.import_reviews(
        [
            ParsedReview(
                title="Imported",
                date="2001-01-01",
                body="text",
                comments=(ParsedComment("a", None, "c"),),
            )
        ]
    )
    assert journal_path(db).stat().st_size == 0
    assert b"before the import" in db.read_bytes()


def test_a_backup_keeps_the_journal_and_restore_replays_it(db: Path) -> None:
    store = Store(db)
    store.add_reply(1, None, "me", "in the journal")
    store.close()
    later = [ParsedReview(title="Later", date="2001-01-01", body="text")]
    Store(db).import_reviews(later)  # the session's backup first, with the journal
    (newest, *_) = list_backups(db)
    restore_backup(db, newest)
    store = Store(db)
    assert [r.title for r in store.reviews()] == ["Seed"]
    assert [c.body for c in store.comments(1) if c.local] == ["in the journal"]


def test_the_first_screen_is_stale_once_another_process_appends(db: Path) -> None:
    store = Store(db)
    store.add_reply(1, None, "me", "snapshot taken")
    store.close()
    assert load_first_screen(db) is not None
    other = Store(db)
    other.add_reply(1, None, "other", "after the snapshot")
    # The other store wrote its own snapshot; one from before the append is no longer
    # current for the database as it is now.
    snapshot = load_first_screen(db)
    assert snapshot is not None and "after the snapshot" in [c.body for c in snapshot.comments]
    journal = journal_path(db)
    with journal.open("ab") as stream:
        stream.write(encode_record({"reads": {"1": {"unread": True, "seen": []}}}))
    assert load_first_screen(db) is None


def test_a_file_without_a_checkpoint_is_named_by_its_size(db: Path) -> None:
    # As an older version (or stock TinyDB) leaves it: no checkpoint number.
    tables = json.loads(db.read_bytes())
    del tables["meta"]["1"]["checkpoint"]
    db.write_text(json.dumps(tables))
    Store(db).add_reply(1, None, "me", "on an old file")
    head = json.loads(journal_path(db).read_bytes().splitlines()[0])
    assert head == {"journal": 1, "checkpoint": 0, "size": db.stat().st_size}
    assert replies_in(db) == ["on an old file"]
    # Rewritten by another program: the journal no longer names this file.
    stock = TinyDB(db)
    stock.table("reviews").update({"title": "Edited elsewhere"})
    stock.close()
    assert replies_in(db) == []


def test_a_record_in_place_of_a_torn_one_of_the_same_length_is_not_lost(db: Path) -> None:
    Store(db).add_reply(1, None, "me", "one")
    journal = journal_path(db)
    good = journal.read_bytes()
    Store(db).add_reply(1, None, "other", "two")
    record = journal.read_bytes()[len(good) :]
    journal.write_bytes(good + b"x" * len(record))  # a torn append, exactly as long
    reader = Store(db)  # holds the journal with its torn tail
    journal.write_bytes(good + record)  # another process cut it and appended "two"
    reader.add_reply(1, None, "me", "three")
    assert replies_in(db) == ["one", "two", "three"]


@over_budget
async def test_quitting_the_reader_folds_a_journal_past_a_megabyte(db: Path) -> None:
    Store(db).add_reply(1, None, "me", "long " * 250_000)  # one record of 1.25 MB
    assert journal_path(db).stat().st_size > QUIT_FOLD_BYTES
    app = ReviewsApp(db, Config(author="me"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
    assert journal_path(db).stat().st_size == 0
    assert b"long long" in db.read_bytes()  # folded into the file itself
    assert [len(body) for body in replies_in(db)] == [len("long " * 250_000)]
