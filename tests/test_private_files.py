"""Files stay private, symlinks are not followed into leaks, read-only means read-only.

Every test runs the real command under ``umask 022`` (the usual default, under which a
plain ``open()`` makes 0644 files) on real files, real symlinks and real modes: the
first one in a child process as a user starts it (``run``), the others in this process
(``run_here``, the same ``main()`` without ~0.3 s of CPU starting Python and the package).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run_in_process
from conftest import sample_reviews
from cpu_audit import over_budget

from tui.store import Store
from tui.store.backups import backup_journal, list_backups
from tui.store.drafts import Drafts
from tui.store.ids import ids_path
from tui.store.journal import journal_path
from tui.store.paths import drafts_path, state_path
from tui.store.ui_state import UiState, save_ui_state


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``reviews ARGS`` in a child process with the usual umask (022)."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
        preexec_fn=lambda: os.umask(0o022),
    )


def run_here(*args: str) -> subprocess.CompletedProcess[str]:
    """``reviews ARGS`` in this process (``cli_runner.run_in_process``) under umask 022."""
    old = os.umask(0o022)
    try:
        return run_in_process(*args)
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("reviews: ")
    return lines[0]


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    db = tmp_path / "data" / "reviews.json"
    store = Store(db)
    store.import_reviews(sample_reviews())
    store.close()
    return db


@over_budget
def test_every_file_is_0600_and_every_folder_0700_under_umask_022(tmp_path: Path) -> None:
    db = tmp_path / "new" / "deeper" / "reviews.json"
    result = run("reply", "1", "--text", "first", "--db", str(db))
    assert result.returncode == 0, result.stderr
    result = run("reply", "1", "--text", "second, backed up first", "--db", str(db))
    assert result.returncode == 0, result.stderr
    old = os.umask(0o022)
    try:
        Drafts(drafts_path(db)).put("review:1", "a draft")
        save_ui_state(state_path(db), UiState(theme="nord"))
    finally:
        os.umask(old)
    assert mode(db) == 0o600
    assert mode(db.with_name("reviews.json.lock")) == 0o600
    assert mode(drafts_path(db)) == 0o600
    assert mode(drafts_path(db).with_name("reviews.json.drafts.json.lock")) == 0o600
    assert mode(state_path(db)) == 0o600
    assert mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700
    assert mode(db.parent / "backups") == 0o700
    assert mode(journal_path(db)) == 0o600
    assert mode(ids_path(db)) == 0o600
    backups = list_backups(db)
    assert len(backups) == 2 and {mode(b.path) for b in backups} == {0o600}
    # The second session's backup keeps the first reply's journal beside it.
    assert mode(backup_journal(backups[0].path)) == 0o600


@pytest.mark.parametrize("fmt", ["json", "opml", "wordpress"])
def test_an_export_file_is_0600_under_umask_022(sample_db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"export.{fmt}"
    assert (
        run_here("export", "--db", str(sample_db), "--format", fmt, "--output", str(out)).returncode
        == 0
    )
    assert mode(out) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_a_markdown_export_folder_made_here_is_0700_and_a_given_one_keeps_its_mode(
    sample_db: Path, tmp_path: Path
) -> None:
    made = tmp_path / "exports" / "reviews"
    assert (
        run_here(
            "export", "--db", str(sample_db), "--format", "markdown", "--output", str(made)
        ).returncode
        == 0
    )
    assert mode(made) == mode(made.parent) == 0o700
    assert {mode(path) for path in made.iterdir()} == {0o600}
    given = tmp_path / "shared"
    given.mkdir(mode=0o755)
    given.chmod(0o755)
    assert (
        run_here(
            "export", "--db", str(sample_db), "--format", "markdown", "--output", str(given)
        ).returncode
        == 0
    )
    assert mode(given) == 0o755  # the user's own folder: written into, not changed
    assert {mode(path) for path in given.iterdir()} == {0o600}


def test_an_existing_database_keeps_its_mode_and_a_corrupt_copy_gets_it(
    sample_db: Path,
) -> None:
    sample_db.chmod(0o640)
    assert run_here("reply", "1", "--text", "hello", "--db", str(sample_db)).returncode == 0
    assert mode(sample_db) == 0o640
    sample_db.write_bytes(b"{not json")
    sample_db.chmod(0o600)
    one_error_line(run_here("export", "--db", str(sample_db)))
    (copy,) = sample_db.parent.glob("reviews.json.corrupt-*")
    assert mode(copy) == 0o600
    assert copy.read_bytes() == b"{not json"


def test_a_file_that_is_no_database_at_all_is_refused_and_not_copied(tmp_path: Path) -> None:
    """``--db`` aimed at another kind of file (notes, /etc/passwd): one line, the file
    untouched, and no ``.corrupt-`` copy left in its folder (as root: in /etc)."""
    notes = tmp_path / "notes.txt"
    notes.write_text("root:x:0:0:root:/root:/bin/bash\n")
    line = one_error_line(run_in_process("sources", "--db", str(notes)))
    assert f"{notes} is unreadable: not valid JSON" in line
    assert "it is not a reviews database, so no copy was made" in line
    assert notes.read_text() == "root:x:0:0:root:/root:/bin/bash\n"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_corrupt_database_is_copied_aside_once_per_content(sample_db: Path) -> None:
    # Each command in-process (the copy is found on disk, by its content's digest): the
    # export's child-process path and its error line are tested above.
    sample_db.write_bytes(b'{"reviews": [' + b"1," * 100_000 + b"]}")
    for _ in range(4):
        assert "is unreadable" in one_error_line(run_in_process("export", "--db", str(sample_db)))
    assert len(list(sample_db.parent.glob("reviews.json.corrupt-*"))) == 1
    sample_db.write_bytes(b"[]")  # another content: one more copy
    one_error_line(run_in_process("export", "--db", str(sample_db)))
    assert len(list(sample_db.parent.glob("reviews.json.corrupt-*"))) == 2


def test_a_database_reached_by_a_symlink_is_written_and_locked_beside_the_real_file(
    sample_db: Path, tmp_path: Path
) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(sample_db)
    result = run_here("reply", "1", "--text", "through the link", "--db", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == sample_db
    # The reply went to the journal beside the real file, never beside the link.
    assert "through the link" in journal_path(sample_db).read_text()
    assert not tmp_path.joinpath("link.json.journal").exists()
    assert sample_db.with_name("reviews.json.lock").exists()
    assert not tmp_path.joinpath("link.json.lock").exists()
    where = run_here("where", "--db", str(link)).stdout
    assert f"database: {sample_db}" in where
    assert f"lock:     {sample_db}.lock" in where
    assert f"ui state: {sample_db}.ui.json" in where
    assert f"journal:  {sample_db}.journal" in where
    assert f"ids:      {sample_db}.ids" in where
    assert not tmp_path.joinpath("link.json.ids").exists()


def test_a_symlink_planted_at_the_drafts_path_is_refused_and_nothing_leaks(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the private key")
    secret.chmod(0o600)
    shared = tmp_path / "shared"
    shared.mkdir()
    drafts = shared / "reviews.json.drafts.json"
    drafts.symlink_to(secret)
    store = Drafts(drafts)
    with pytest.raises(Exception, match="is a symbolic link; refusing to use it"):
        store.get("review:1")
    assert [p.name for p in shared.iterdir()] == ["reviews.json.drafts.json"]
    assert secret.read_text() == "the private key"


def test_a_planted_backups_symlink_is_refused_and_the_database_untouched(
    sample_db: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(sample_db.parent / "backups")  # the import's own, before the link is planted
    (sample_db.parent / "backups").symlink_to(elsewhere)
    before = sample_db.read_bytes()
    line = one_error_line(run_here("reply", "1", "--text", "hello", "--db", str(sample_db)))
    assert "backups is a symbolic link; refusing to use it" in line
    assert list(elsewhere.iterdir()) == []
    assert sample_db.read_bytes() == before


def test_someone_elses_symlink_in_a_sticky_shared_folder_is_not_followed(
    tmp_path: Path,
) -> None:
    if os.geteuid() != 0:
        pytest.skip("planting a link owned by another user needs root (lchown)")
    secret = tmp_path / "secret.json"
    secret.write_text("not a database, and private")
    secret.chmod(0o600)
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    planted = shared / "reviews.json"
    planted.symlink_to(secret)
    os.lchown(planted, 65534, 65534)
    line = one_error_line(run_here("export", "--db", str(planted)))
    assert "symbolic link planted by another user" in line
    assert not list(tmp_path.glob("secret.json.corrupt-*"))
    assert not list(shared.glob("*.corrupt-*"))


def test_a_read_only_database_is_refused_and_left_as_it_was(sample_db: Path) -> None:
    sample_db.chmod(0o444)
    before = sample_db.read_bytes()
    owner = sample_db.stat().st_uid
    line = one_error_line(run_here("reply", "1", "--text", "hello", "--db", str(sample_db)))
    assert line == (
        f"reviews: error: {sample_db} is read-only; it was not changed "
        "(make it writable with chmod u+w to save changes)"
    )
    assert sample_db.read_bytes() == before
    assert mode(sample_db) == 0o444 and sample_db.stat().st_uid == owner
    assert run_here("export", "--db", str(sample_db)).returncode == 0  # reading is fine
    assert Store(sample_db).read_only


def test_a_replaced_database_keeps_its_owner_when_root_writes_it(sample_db: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can write another user's file")
    os.chown(sample_db, 65534, 65534)
    assert run_here("reply", "1", "--text", "hello", "--db", str(sample_db)).returncode == 0
    assert (sample_db.stat().st_uid, sample_db.stat().st_gid) == (65534, 65534)


def test_a_folder_given_as_the_database_is_one_clear_line(tmp_path: Path) -> None:
    line = one_error_line(run_here("export", "--db", str(tmp_path)))
    assert line == f"reviews: error: {tmp_path} is a folder, not a database file"
