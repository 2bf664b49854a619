"""Fault injection with real processes: SIGKILL mid-write, a full disk (RLIMIT_FSIZE).

The kill test forks writers from a warm server process (``writer_child.py
serve``), so that hundreds of kills fit in a few seconds; each writer is a real
process using the real Store, killed with SIGKILL at a random moment.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from writer_child import (
    EXIT_WRITE_FAILED,
    JOURNAL_PHASES,
    PHASES,
    kill_loop,
    seed,
)

from tui.model import ParsedComment, ParsedReview
from tui.store import Store
from tui.store.journal import journal_path

CHILD = Path(__file__).parent / "writer_child.py"


def run_child(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHILD), *args], capture_output=True, text=True, timeout=60
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_an_acknowledged_reply(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    db = tmp_path / "reviews.json"
    # Delays up to 0.1 s span a writer's whole run even on a loaded machine, so some acks
    # land. The phases of a write are hit on purpose by the planned kills below; these add
    # moments nobody planned (the full run of 1,000 is benchmarks/crash_kill.py).
    counts = kill_loop(db, 40, max_delay=0.1, rng_seed=20240601)
    print(counts.summary())
    record_property("kills", counts.summary())
    assert counts.ok(), counts.summary() + " " + "; ".join(counts.errors[:3])
    assert counts.kills == 40
    assert counts.acked > 0  # the writers did get work done between kills
    # The last fresh Store (in kill_loop) removed the temp files of killed writers.
    assert leftovers(tmp_path) == []


# Each phase of a write, at the session's first write (which also takes the backup) and
# at a later one; killed there, the writer must leave the old file or the new one whole.
PLANNED = [(phase, nth) for phase in PHASES for nth in (1, 3)]


@pytest.mark.slow
def test_sigkill_in_each_phase_of_a_write_never_loses_an_acknowledged_reply(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    db = tmp_path / "reviews.json"
    counts = kill_loop(db, 0, planned=PLANNED)
    record_property("kills", counts.summary())
    assert counts.ok(), counts.summary() + " " + "; ".join(counts.errors[:3])
    assert counts.kills == len(PLANNED)
    assert [(kill.phase, kill.nth) for kill in counts.planned] == PLANNED
    for kill in counts.planned:
        # It died in its nth write of that kind, not before: a journal append is every
        # reply's write; a checkpoint every other reply's (the writer alternates, its first
        # reply a checkpoint when the writer before it left a record in the journal).
        if kill.phase in JOURNAL_PHASES:
            assert kill.acked == kill.nth - 1, kill
        else:
            assert kill.acked in (2 * kill.nth - 2, 2 * kill.nth - 1), kill
        # A temp file is left only once it exists and until it is renamed.
        assert kill.temp_left == (kill.phase in ("mid-write", "before-rename")), kill
        # Renamed (journal not yet emptied) or appended, but not acknowledged: the reply
        # is in the database (allowed), never twice; half a record is never applied.
        assert kill.landed_unacked == (kill.phase in ("after-rename", "after-append")), kill
    assert counts.mid_write == 4 and counts.landed_unacked == 4
    assert leftovers(tmp_path) == []


@pytest.fixture
def big_db(tmp_path: Path) -> Path:
    """A database of about 100 KB: larger than the file size limit used below."""
    db = tmp_path / "reviews.json"
    store = Store(db, seed=seed)
    store.import_reviews(
        [
            ParsedReview(
                title=f"Filler {i}",
                date="1999-01-01",
                body="text " * 150,
                comments=(ParsedComment("a", None, "comment " * 20),),
            )
            for i in range(100)
        ]
    )
    store.close()
    assert db.stat().st_size > 100_000
    return db


def journal_bytes(db: Path) -> bytes:
    journal = journal_path(db)
    return journal.read_bytes() if journal.exists() else b""


def assert_clean_write_failure(result: subprocess.CompletedProcess[str], db: Path) -> None:
    assert result.returncode == EXIT_WRITE_FAILED, result.stderr
    message = result.stderr.strip()
    assert message.startswith(f"could not save to {db}: ")
    assert message.endswith("; nothing was changed")
    assert "File too large" in message
    assert leftovers(db.parent) == []
    assert leftovers(db.parent / "backups") == []


def test_disk_full_during_a_reply_keeps_the_file_byte_identical(big_db: Path) -> None:
    store = Store(big_db)
    store.set_unread(1, False)  # the state the child's warm-up write will find: no change
    store.close()
    before = big_db.read_bytes()
    journal_before = journal_bytes(big_db)
    # 100 bytes: smaller than the file and than a journal record, so the reply cannot fit.
    result = run_child("once", str(big_db), "--fsize", "100", "--warm")
    # The child also checked that its own memory still matches the disk (else exit 5).
    assert_clean_write_failure(result, big_db)
    assert big_db.read_bytes() == before
    assert journal_bytes(big_db) == journal_before


def test_disk_full_during_the_session_backup_writes_nothing(big_db: Path) -> None:
    before = big_db.read_bytes()
    result = run_child("once", str(big_db), "--fsize", "100")
    assert_clean_write_failure(result, big_db)
    # The backup is a hard link (no bytes written), so the save itself meets the limit.
    assert big_db.read_bytes() == before


def test_an_import_that_cannot_be_written_changes_nothing(big_db: Path) -> None:
    store = Store(big_db)
    store.set_unread(1, False)
    store.close()
    before = big_db.read_bytes()
    result = run_child(
        "import", str(big_db), "--fsize", str(len(before) + 1000), "--reviews", "500"
    )
    assert result.returncode == EXIT_WRITE_FAILED, result.stderr
    assert big_db.read_bytes() == before
    assert not any(r.title.startswith("Imported") for r in Store(big_db).reviews())
