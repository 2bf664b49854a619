"""Backups before each session's first write, rotation to three, and restore."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from cli_runner import run_in_process

from tui.model import ParsedReview
from tui.store import Store, StoreBusy, StoreError
from tui.store.backups import KEEP, backups_dir, list_backups, make_backup, restore_backup


def content(raw: bytes) -> dict[str, Any]:
    """A database's tables without the checkpoint number (a restore writes a new one)."""
    tables = orjson.loads(raw)
    tables["meta"]["1"].pop("checkpoint", None)
    return tables  # type: ignore[no-any-return]


def review(title: str) -> list[ParsedReview]:
    return [ParsedReview(title=title, date="2000-01-01", body=title)]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reviews.json"
    Store(path).close()
    return path


def test_creating_a_database_takes_no_backup(db: Path) -> None:
    assert list_backups(db) == []


def test_the_first_write_of_each_session_is_backed_up_once(db: Path) -> None:
    empty = db.read_bytes()
    store = Store(db)
    store.import_reviews(review("one"))
    store.import_reviews(review("two"))
    (backup,) = list_backups(db)
    assert backup.path.read_bytes() == empty
    assert backup.size == len(empty)
    assert backup.path.parent == backups_dir(db)
    assert backup.path.name.startswith("reviews.json.") and backup.path.name.endswith(".bak")
    before_second_session = db.read_bytes()
    Store(db).import_reviews(review("three"))
    newest = list_backups(db)[0]
    assert newest.path.read_bytes() == before_second_session


def test_reads_alone_take_no_backup(db: Path) -> None:
    store = Store(db)
    store.reviews()
    store.search("x")
    assert list_backups(db) == []


def test_backups_rotate_to_the_newest_three(db: Path) -> None:
    contents = []
    for i in range(5):
        contents.append(db.read_bytes())
        Store(db).import_reviews(review(f"r{i}"))
    backups = list_backups(db)
    assert len(backups) == KEEP == 3
    assert [b.path.read_bytes() for b in backups] == contents[::-1][:3]
    assert backups[0].time > backups[1].time > backups[2].time
    line = backups[0].describe()
    assert backups[0].path.name in line and " B " in line


def test_restore_puts_a_backup_back_and_keeps_the_current_file(db: Path) -> None:
    store = Store(db)
    store.import_reviews(review("first"))
    Store(db).import_reviews(review("second"))  # backs up the file holding "first"
    current = db.read_bytes()
    target = next(b for b in list_backups(db) if b"first" in b.path.read_bytes())
    wanted = target.path.read_bytes()
    restore_backup(db, target)
    assert content(db.read_bytes()) == content(wanted)
    assert any(b.path.read_bytes() == current for b in list_backups(db))
    # A store that was open sees the restored data on its next read.
    assert [r.title for r in store.reviews()] == ["first"]


def test_restoring_the_oldest_of_three_keeps_it(db: Path) -> None:
    for i in range(3):
        Store(db).import_reviews(review(f"r{i}"))
    oldest = list_backups(db)[-1]
    wanted = oldest.path.read_bytes()
    restore_backup(db, oldest)
    assert content(db.read_bytes()) == content(wanted)
    assert oldest.path.exists()  # not rotated away by the restore's own backup


def test_an_unreadable_backup_is_not_restored(db: Path) -> None:
    Store(db).import_reviews(review("x"))
    (backup,) = list_backups(db)
    backup.path.write_bytes(b'{"reviews": ')
    before = db.read_bytes()
    with pytest.raises(StoreError, match="unreadable"):
        restore_backup(db, backup)
    assert db.read_bytes() == before


HOLDER = """
import sys
from filelock import FileLock
with FileLock(sys.argv[1] + ".lock"):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_restore_waits_for_the_lock(db: Path) -> None:
    Store(db).import_reviews(review("x"))
    (backup,) = list_backups(db)
    before = db.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreBusy):
            restore_backup(db, backup, lock_timeout=0.2)
        assert db.read_bytes() == before
    finally:
        holder.communicate("release\n", timeout=30)


def test_make_backup_without_a_database(tmp_path: Path) -> None:
    assert make_backup(tmp_path / "none.json") is None
    assert list_backups(tmp_path / "none.json") == []


def test_a_backup_is_a_hard_link_snapshot_that_survives_the_next_write(tmp_path: Path) -> None:
    """The database is only ever replaced, so a hard link is as safe as a copy, and free."""
    from conftest import sample_reviews

    db = tmp_path / "reviews.json"
    Store(db).close()
    original = db.read_bytes()
    store = Store(db)
    try:
        store.import_reviews(sample_reviews())  # the session's first write makes the backup
    finally:
        store.close()
    (backup,) = list_backups(db)
    assert backup.path.stat().st_nlink == 1  # the database moved on to a new file
    assert backup.path.read_bytes() == original  # the old content, not the new
    assert db.read_bytes() != original


def test_where_hard_links_are_refused_the_backup_is_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    db = tmp_path / "reviews.json"
    Store(db).close()
    monkeypatch.setattr(os, "link", no_links)
    backup = make_backup(db)
    assert backup is not None and backup.read_bytes() == db.read_bytes()
    assert backup.stat().st_ino != db.stat().st_ino


def test_failing_commands_and_browsing_sessions_keep_the_backup_before_an_import(
    db: Path,
) -> None:
    Store(db).import_reviews(review("before"))
    before_import = db.read_bytes()
    Store(db).import_reviews(review("the import"))  # this session's backup: before_import
    (newest, *_) = list_backups(db)
    assert newest.path.read_bytes() == before_import
    for _ in range(KEEP + 1):  # in-process: each command is a session (a Store) of its own
        failed = run_in_process("reply", "999", "--text", "no such review", "--db", str(db))
        assert failed.returncode == 1
        browsing = Store(db)  # a session that only reads and marks what it read
        browsing.mark_seen(1, [])
        browsing.set_unread(2, False)
        browsing.mark_seen_many({1: [], 2: []})
        browsing.close()
    assert list_backups(db)[0] == newest
    assert run_in_process("restore", "1", "--db", str(db)).returncode == 0
    assert content(db.read_bytes()) == content(before_import)
    assert len(list_backups(db)) == KEEP  # "the last three", not four


def test_a_write_that_fails_takes_its_backup_back(db: Path) -> None:
    store = Store(db)
    store.import_reviews(review("one"))
    store.close()
    backups = list_backups(db)
    child = Path(__file__).parent / "writer_child.py"
    # A reply under a file size limit smaller than the database: the write fails (EFBIG).
    result = subprocess.run(
        [sys.executable, str(child), "once", str(db), "--fsize", "10"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3, result.stderr  # WriteFailed, memory equal to disk
    assert list_backups(db) == backups
