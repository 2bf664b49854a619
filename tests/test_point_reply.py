"""`reviews reply` as a point write: the index of ids, its stamp, and every way it falls back.

Real files and real processes: writers in child processes (two point writers and
two store writers at once), SIGKILLs at chosen moments and at random, a reader's
store open meanwhile, backups and restore, `reviews check` afterwards.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from cli_runner import run_in_process, run_reviews
from cpu_audit import over_budget
from tinydb import TinyDB

from tui.store import Store, StoreError
from tui.store import core as core_module
from tui.store import point_reply as point_module
from tui.store.backups import list_backups, restore_backup
from tui.store.first_screen import first_screen_path, load_first_screen, snapshot_bytes
from tui.store.ids import ids_path, load_ids, read_stamp
from tui.store.journal import journal_path
from tui.store.point_reply import add_reply_at_once
from tui.store.storage import serialise_tables
from tui.text import clean

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from writer_child import kill_loop, seed  # noqa: E402

CHILD = HERE / "writer_child.py"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A small database, opened once, so its index of ids is beside it."""
    path = tmp_path / "reviews.json"
    Store(path, seed=seed).close()
    return path


@pytest.fixture
def no_full_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any open of the whole database fails the test: the point write must do without."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the database was opened whole")

    monkeypatch.setattr(core_module.StoreCore, "_load", refuse)


def local_replies(db: Path) -> list[tuple[int, str]]:
    store = Store(db)
    try:
        return [(c.id, c.body) for c in store.comments(1) if c.local]
    finally:
        store.close()


def test_an_open_writes_the_index_private_and_stamped_with_the_file(db: Path) -> None:
    ids = load_ids(db)
    assert ids is not None
    assert stat.S_IMODE(ids_path(db).stat().st_mode) == 0o600
    st = db.stat()
    assert ids.stamp.database == (st.st_ino, st.st_size, st.st_mtime_ns)
    assert ids.review_source(1) == "seed:1" and ids.review_source(2) is None
    assert ids.comment_review(1) == 1 and ids.comment_review(2) is None


def test_a_point_reply_is_the_reply_the_store_would_write(db: Path, no_full_open: None) -> None:
    first = add_reply_at_once(db, 1, None, "me", "Point\x1b[31m one.")
    second = add_reply_at_once(db, 1, 1, "", "Point two.")
    assert first is not None and second is not None
    assert (first.comment.id, second.comment.id) == (2, 3)
    assert first.comment.body == clean("Point\x1b[31m one.")  # cleaned as the store cleans it
    assert second.comment.author == "Anonymous" and second.comment.parent_id == 1
    assert first.note == "this review's source accepts no replies: this reply stays here"


def test_the_store_and_a_later_open_see_point_replies(db: Path) -> None:
    store = Store(db)  # a reader, open meanwhile
    loads = store.file_loads
    done = add_reply_at_once(db, 1, None, "me", "From the command.")
    assert done is not None
    assert store.refresh() and store.file_loads == loads + 1  # the tail, not the file
    assert [c.body for c in store.comments(1)][-1] == "From the command."
    mine = store.add_reply(1, done.comment.id, "me", "And from the reader.")
    assert mine.id == done.comment.id + 1
    store.close()
    after = add_reply_at_once(db, 1, mine.id, "me", "To the reader's reply.")
    assert after is not None and after.comment.id == mine.id + 1
    assert [body for _, body in local_replies(db)] == [
        "From the command.",
        "And from the reader.",
        "To the reader's reply.",
    ]


def test_the_first_screen_snapshot_is_patched_as_a_full_open_would_take_it(db: Path) -> None:
    opened = Store(db)
    opened.keep_first_screen()  # as the reader leaves it
    opened.close()
    for n in range(3):
        assert add_reply_at_once(db, 1, None, "me", f"reply {n}") is not None
    assert load_first_screen(db) is not None  # current, so the next start shows it at once
    patched = orjson.loads(first_screen_path(db).read_bytes())
    store = Store(db)
    identity = store._storage.identity
    assert identity is not None
    taken = orjson.loads(snapshot_bytes(store._index, identity))  # type: ignore[arg-type]
    store.close()
    for name in ("fresh", "unread"):
        patched[name], taken[name] = sorted(patched[name]), sorted(taken[name])
    assert patched == taken


def test_records_appended_by_others_are_taken_in_sources_and_outbox_too(db: Path) -> None:
    store = Store(db)
    source = store.add_source(
        "wordpress", "https://blog.example/", state={"posts": {"seed:1": {"id": 42}}}
    )
    local = add_reply_at_once(db, 1, None, "me", "Not logged in yet.")
    assert local is not None and "not logged in to https://blog.example/" in local.note
    store.set_login(source.id, "me")
    queued = add_reply_at_once(db, 1, None, "me", "Now it goes to the blog.")
    assert queued is not None and queued.note == "queued for the blog; `reviews sync` sends it"
    again = add_reply_at_once(db, 1, None, "me", "And this one.")
    assert again is not None
    store.refresh()
    entries = [(e.comment_id, e.source_id, e.state) for e in store.outbox()]
    assert entries == [
        (queued.comment.id, source.id, "queued"),
        (again.comment.id, source.id, "queued"),
    ]
    assert [e.id for e in store.outbox()] == [1, 2]
    store.close()


def test_a_reply_to_a_blog_is_stored_under_the_name_the_blog_shows(db: Path) -> None:
    """Logged in, a reply is stored under the name the blog shows for the user (as its
    readers see it), by the store and by the point write alike; logged out, the author
    given (the config's) again."""
    store = Store(db)
    source = store.add_source(
        "wordpress", "https://blog.example/", state={"posts": {"seed:1": {"id": 42}}}
    )
    store.set_login(source.id, "me", "Mia [bold]on[/] the blog\n")
    by_store = store.add_reply(1, None, "me", "From the reader.")
    by_point = add_reply_at_once(db, 1, None, "me", "From the command.")
    assert by_point is not None
    assert by_store.author == by_point.comment.author == "Mia [bold]on[/] the blog"
    store.refresh()
    assert store.sources()[0].name == "Mia [bold]on[/] the blog"
    store.set_login(source.id, None)  # reviews logout
    assert store.sources()[0].name == ""
    assert store.add_reply(1, None, "me", "Stays here.").author == "me"
    store.close()


def test_a_missing_review_or_comment_is_one_line_and_nothing_is_written(
    db: Path, no_full_open: None
) -> None:
    before = journal_path(db).read_bytes() if journal_path(db).exists() else b""
    out = run_in_process("reply", "--db", str(db), "9", "--text", "hello")
    assert (out.returncode, out.stdout) == (1, "")
    assert out.stderr == "reviews: error: there is no review 9\n"
    out = run_in_process("reply", "--db", str(db), "1", "--to", "77", "--text", "hello")
    assert out.stderr == "reviews: error: review 1 has no comment 77\n"
    out = run_in_process("reply", "--db", str(db), "1", "--text", "  ")
    assert out.stderr == "reviews: error: an empty reply was not saved\n"
    after = journal_path(db).read_bytes() if journal_path(db).exists() else b""
    assert after == before
    assert list_backups(db) == []


def test_a_read_only_database_is_refused_by_the_point_write(db: Path, no_full_open: None) -> None:
    db.chmod(0o400)  # (root too: the store goes by the owner's w bit)
    with pytest.raises(StoreError, match="is read-only; it was not changed"):
        add_reply_at_once(db, 1, None, "me", "no")


def test_the_command_uses_the_point_write_and_prints_the_id(db: Path, no_full_open: None) -> None:
    out = run_in_process("reply", "--db", str(db), "1", "--text", "By the command.")
    assert (out.returncode, out.stdout) == (0, "2\n")
    assert "stays here" in out.stderr


@over_budget
def test_a_real_command_falls_back_then_uses_the_index(tmp_path: Path) -> None:
    path = tmp_path / "reviews.json"
    Store(path, seed=seed).close()
    ids_path(path).unlink()
    first = run_reviews("reply", "--db", str(path), "1", "--text", "one")  # opens it: index
    assert (first.returncode, first.stdout) == (0, "2\n"), first.stderr
    stamp = read_stamp(path)
    assert stamp is not None
    second = run_reviews("reply", "--db", str(path), "1", "--text", "two")
    assert (second.returncode, second.stdout) == (0, "3\n"), second.stderr
    assert read_stamp(path) == stamp  # a point write leaves the index as it is
    assert [body for _, body in local_replies(path)] == ["one", "two"]


@pytest.mark.parametrize(
    "change",
    [
        "checkpoint by another store",
        "stock TinyDB write",
        "hand edit with its time put back",
        "garbled index",
        "old index format",
    ],
)
def test_an_index_that_does_not_name_the_file_as_it_is_is_not_used(db: Path, change: str) -> None:
    assert add_reply_at_once(db, 1, None, "me", "before") is not None
    if change == "checkpoint by another store":
        old = ids_path(db).read_bytes()
        store = Store(db)
        store.add_reply(1, None, "other", "by another program")
        store.checkpoint()  # rewrites the file (and writes a fresh index)
        store.close()
        ids_path(db).write_bytes(old)  # as if that program kept no index
    elif change == "stock TinyDB write":
        stock = TinyDB(db)
        stock.table("reviews").update({"title": "Edited elsewhere"}, doc_ids=[1])
        stock.close()
    elif change == "hand edit with its time put back":
        st = db.stat()
        raw = db.read_bytes()
        with db.open("r+b") as stream:  # in place: same inode, same size
            stream.write(raw.replace(b'"Seed"', b'"Seeb"', 1)[:4096])
        os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert db.stat().st_ino == st.st_ino and db.stat().st_mtime_ns == st.st_mtime_ns
    elif change == "garbled index":
        raw = bytearray(ids_path(db).read_bytes())
        raw[-3] ^= 0xFF
        ids_path(db).write_bytes(bytes(raw))
    else:
        raw = ids_path(db).read_bytes()
        ids_path(db).write_bytes(raw.replace(b'"ids":1', b'"ids":0', 1))
    assert add_reply_at_once(db, 1, None, "me", "after") is None
    out = run_in_process("reply", "--db", str(db), "1", "--text", "after")  # the open
    assert out.returncode == 0, out.stderr
    ids = [i for i, _ in local_replies(db)]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    assert add_reply_at_once(db, 1, None, "me", "point again") is not None  # fresh index


def test_a_garbled_journal_is_left_to_the_open_which_names_it(db: Path) -> None:
    assert add_reply_at_once(db, 1, None, "me", "one") is not None
    assert add_reply_at_once(db, 1, None, "me", "two") is not None
    journal = journal_path(db)
    raw = journal.read_bytes()
    lines = raw.split(b"\n")
    lines[-3] = lines[-3][:20] + b"X" + lines[-3][21:]  # "one" damaged, "two" after it
    journal.write_bytes(b"\n".join(lines))
    assert add_reply_at_once(db, 1, None, "me", "three") is None
    out = run_in_process("reply", "--db", str(db), "1", "--text", "three")
    assert out.returncode == 1 and "is garbled at byte" in out.stderr
    assert out.stderr.count("\n") == 1


def test_a_journal_at_the_fold_size_is_left_to_the_store(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert add_reply_at_once(db, 1, None, "me", "one") is not None
    monkeypatch.setattr(point_module, "FOLD_BYTES", 1)
    assert add_reply_at_once(db, 1, None, "me", "two") is None


def test_backup_and_restore_of_point_replies(db: Path) -> None:
    assert add_reply_at_once(db, 1, None, "me", "one") is not None
    assert add_reply_at_once(db, 1, None, "me", "two") is not None
    backups = list_backups(db)
    assert len(backups) == 2  # one per command, as each command is a session
    assert backups[0].path.stat().st_ino == db.stat().st_ino  # a hard link, never a copy
    restore_backup(db, backups[0])  # the state before "two"
    assert add_reply_at_once(db, 1, None, "me", "three") is None  # a new file: not indexed
    assert [body for _, body in local_replies(db)] == ["one"]  # (this open indexes it)
    done = add_reply_at_once(db, 1, None, "me", "three")
    assert done is not None and done.comment.id == 3  # id 3 was "two"'s, now restored away
    assert [body for _, body in local_replies(db)] == ["one", "three"]
    check = run_in_process("check", "--db", str(db))
    assert check.returncode == 0 and "no problems" in check.stdout


@pytest.mark.slow
def test_two_point_writers_and_two_checkpointing_store_writers_at_once(db: Path) -> None:
    """The store writers fold the journal every other reply: checkpoints land between
    the point writers' looks at the index and their appends, as often as the lock allows."""
    before = len(Store(db).comments(1))
    writers = [
        subprocess.Popen(
            [sys.executable, str(CHILD), "replies", str(db), "--count", "60", "--timeout", "60"]
            + (["--point"] if n % 2 else ["--fold", "1"]),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    acked: list[int] = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert err == ""
        acked += [int(line.split()[1]) for line in out.splitlines()]
    assert len(acked) == 240 == len(set(acked))
    store = Store(db)
    assert {c.id for c in store.comments(1)} >= set(acked)
    assert store.review(1).comment_count == before + 240
    store.close()


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["mid-append", "after-append"])
def test_sigkill_of_a_point_writer_mid_append_and_after(db: Path, phase: str) -> None:
    counts = kill_loop(db, 0, planned=[(phase, 1), (phase, 3)], point=True)
    assert counts.ok(), counts.errors
    assert counts.corrupt == counts.missing == counts.extra == 0
    assert [kill.acked for kill in counts.planned] == [0, 2]
    shown = load_first_screen(db)  # never a snapshot that misses what is in the file
    store = Store(db)
    if shown is not None:
        assert [c.id for c in shown.comments] == [c.id for c in store.comments(1)]
    store.close()


@pytest.mark.slow
def test_random_sigkills_of_point_writers_lose_and_duplicate_nothing(db: Path) -> None:
    counts = kill_loop(db, 30, max_delay=0.1, rng_seed=7, point=True)
    assert counts.ok(), counts.summary()
    assert counts.acked > 0


def test_a_file_with_no_checkpoint_number_and_a_journal_before_the_index(tmp_path: Path) -> None:
    """As `benchmarks/corpus.py` and older versions write it: ``meta`` without a checkpoint,
    so the journal's header names the file by its size."""
    db = tmp_path / "reviews.json"
    tables = {
        "meta": {"1": {"schema_version": 1}},
        "reviews": {"1": {"title": "T", "date": "2001-01-01", "body": "b", "source_id": "s:1"}},
        "comments": {},
        "reads": {},
    }
    db.write_bytes(b"".join(serialise_tables(tables)))
    store = Store(db)
    store.add_reply(1, None, "me", "in the journal before the index")
    store.close()
    ids_path(db).unlink()
    Store(db).close()  # writes the index, with the journal in it
    stamp = read_stamp(db)
    assert stamp is not None and stamp.checkpoint == 0 and stamp.journal > 0
    done = add_reply_at_once(db, 1, 1, "me", "after it")
    assert done is not None and done.comment.id == 2
    assert [body for _, body in local_replies(db)] == [
        "in the journal before the index",
        "after it",
    ]


@pytest.mark.slow
def test_six_reviews_reply_commands_at_once_get_six_ids(db: Path) -> None:
    commands = [
        subprocess.Popen(
            [sys.executable, "-m", "tui", "reply", "--db", str(db), "1", "--text", f"at once {n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(6)
    ]
    printed = []
    for command in commands:
        out, err = command.communicate(timeout=120)
        assert command.returncode == 0, err
        printed.append(int(out))
    assert sorted(printed) == list(range(2, 8))
    assert sorted(body for _, body in local_replies(db)) == [f"at once {n}" for n in range(6)]


READER = """
import sys
from pathlib import Path
from tui.store import Store
store = Store(Path(sys.argv[1]))
loads = store.file_loads
print(len(store.comments(1)), flush=True)
sys.stdin.readline()
store.refresh()
print(len(store.comments(1)), store.file_loads - loads, store.comments(1)[-1].body, flush=True)
"""


def test_a_reader_in_another_process_takes_the_reply_in_from_the_journal_tail(db: Path) -> None:
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert reader.stdin is not None and reader.stdout is not None
    before = int(reader.stdout.readline())
    assert add_reply_at_once(db, 1, None, "me", "while the reader is open") is not None
    out, err = reader.communicate("go\n", timeout=60)
    assert reader.returncode == 0, err
    # One load more: the record taken in from the tail (the file itself was not read again).
    assert out.split(maxsplit=2) == [str(before + 1), "1", "while the reader is open\n"]
