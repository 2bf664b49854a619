"""The command line: where, reply, export, import, restore, and clean one-line errors.

Each command keeps a test through a real child (``run``: exit codes, a piped stdin, the
start-up): where, reply, export, import, restore and the reader. What a command does
otherwise is checked in-process (``cli_runner.run_in_process``, ~0.3 s of CPU less each).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run_in_process
from conftest import sample_reviews
from cpu_audit import over_budget

from tui import __version__
from tui.cli import main
from tui.store import Store


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, in a child process, as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )


@pytest.fixture
def sample_db(db_path: Path) -> Path:
    store = Store(db_path)
    store.import_reviews(sample_reviews())
    store.close()
    return db_path


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"reviews {__version__}"
    helped = run("--help")
    assert helped.returncode == 0
    for command in ("import", "export", "reply", "restore", "where"):
        assert command in helped.stdout


def test_reply_help_says_where_the_ids_are_and_what_each_option_does() -> None:
    helped = " ".join(run_in_process("reply", "--help").stdout.split())
    assert "REVIEW_ID the review (its id is at the bottom of the reader's review pane)" in helped
    assert "its id is at the bottom of the comments); without it the reply answers the review" in (
        helped
    )
    assert "$VISUAL / $EDITOR" in helped


@over_budget
def test_where_prints_the_paths(isolated_home: Path) -> None:
    out = run("where").stdout
    assert f"database: {os.environ['REVIEWS_DB']}" in out
    assert f"config:   {os.environ['REVIEWS_CONFIG']}" in out
    custom = run_in_process("where", "--db", "/tmp/elsewhere.json").stdout
    assert "database: /tmp/elsewhere.json" in custom


def test_where_lists_the_sync_file_beside_the_real_database(tmp_path: Path) -> None:
    real = tmp_path / "data" / "reviews.json"
    real.parent.mkdir()
    real.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    lines = run_in_process("where", "--db", str(link)).stdout.splitlines()
    assert f"sync:     {real}.sync.json" in lines  # where the store writes it: beside the file
    labels = [line.split(":", 1)[0] for line in lines]
    assert labels.index("sync") == labels.index("ui state") + 1


@over_budget
def test_reply_prints_the_id_and_it_is_stored(
    sample_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reply", "1", "--text", "From the shell", "--db", str(sample_db)]) == 0
    new_id = int(capsys.readouterr().out.strip())
    child = run("reply", "1", "--to", str(new_id), "--db", str(sample_db), stdin="Piped reply\n")
    assert child.returncode == 0, child.stderr
    store = Store(sample_db)
    mine = {c.id: c for c in store.comments(1) if c.local}
    store.close()
    assert mine[new_id].body == "From the shell" and mine[new_id].parent_id is None
    piped = mine[int(child.stdout.strip())]
    assert piped.body.strip() == "Piped reply" and piped.parent_id == new_id


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["reply", "1", "--text", "   "], "empty reply"),
        (["reply", "99", "--text", "hello"], "99"),
        (["reply", "1", "--to", "999", "--text", "hello"], "999"),
        (["restore", "7"], "no backup"),
    ],
)
def test_errors_are_one_line_without_a_traceback(
    sample_db: Path, args: list[str], fragment: str
) -> None:
    before = sample_db.read_bytes()
    child = run_in_process(*args, "--db", str(sample_db))
    assert child.returncode != 0
    lines = child.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reviews: error: ")
    assert fragment in lines[0]
    assert "Traceback" not in child.stderr
    assert sample_db.read_bytes() == before


@over_budget
def test_export_has_the_documented_shape(sample_db: Path) -> None:
    child = run("export", "--db", str(sample_db))
    assert child.returncode == 0, child.stderr
    data = json.loads(child.stdout)
    her = next(r for r in data["reviews"] if r["title"] == "Her")
    for key in ("id", "title", "date", "author", "body", "tags", "comments"):
        assert key in her
    assert her["date"] == "2014-03-06"
    first = her["comments"][0]
    assert {"id", "author", "date", "body", "local", "replies"} <= set(first)
    assert first["replies"][0]["body"] == "Agreed."


def test_export_then_import_reproduces_reviews_and_threads(sample_db: Path, tmp_path: Path) -> None:
    assert (
        run_in_process(
            "reply", "1", "--to", "2", "--text", "mine", "--db", str(sample_db)
        ).returncode
        == 0
    )
    exported = tmp_path / "export.json"
    assert (
        run_in_process("export", "--output", str(exported), "--db", str(sample_db)).returncode == 0
    )
    fresh = tmp_path / "fresh.json"
    Store(fresh).close()
    child = run_in_process("import", str(exported), "--db", str(fresh))
    assert child.returncode == 0, child.stderr
    assert "2 added" in child.stdout
    again = tmp_path / "again.json"
    assert run_in_process("export", "--output", str(again), "--db", str(fresh)).returncode == 0

    def shape(path: Path) -> list[object]:
        def strip(comments: list[dict[str, object]]) -> list[object]:
            return [
                (c["author"], c["body"], c["local"], strip(c["replies"]))  # type: ignore[arg-type]
                for c in comments
            ]

        data = json.loads(path.read_text())
        return [(r["title"], r["date"], r["body"], strip(r["comments"])) for r in data["reviews"]]

    assert shape(exported) == shape(again)
    # Importing the same export again adds nothing.
    repeat = run_in_process("import", str(exported), "--db", str(fresh))
    assert "0 added" in repeat.stdout


@over_budget
def test_a_bad_file_is_named_and_nothing_is_written(sample_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "notes.bin"
    bad.write_bytes(b"\x00\x01\x02 not a review")
    before = sample_db.read_bytes()
    child = run("import", str(bad), "--db", str(sample_db))
    assert child.returncode != 0
    assert "notes.bin" in child.stderr
    assert sample_db.read_bytes() == before


def test_a_corrupt_database_is_refused_with_a_way_out(tmp_path: Path) -> None:
    broken = tmp_path / "reviews.json"
    broken.write_text('{"reviews": {"1": {"title": "cut off')
    child = run_in_process("reply", "1", "--text", "hi", "--db", str(broken))
    assert child.returncode != 0
    assert str(broken) in child.stderr and "restore" in child.stderr
    assert broken.read_text() == '{"reviews": {"1": {"title": "cut off'
    assert list(tmp_path.glob("reviews.json.corrupt-*"))


def test_restore_lists_backups(sample_db: Path) -> None:
    run_in_process("reply", "1", "--text", "one", "--db", str(sample_db))
    listed = run_in_process("restore", "--db", str(sample_db))
    assert listed.returncode == 0
    assert "1." in listed.stdout
    restored = run("restore", "1", "--db", str(sample_db))
    assert restored.returncode == 0, restored.stderr
    store = Store(sample_db)
    assert not any(c.local for c in store.comments(1))
    store.close()


def test_edited_and_deleted_replies_round_trip_exactly(sample_db: Path, tmp_path: Path) -> None:
    store = Store(sample_db)
    kept = store.add_reply(1, None, "me", "first words")
    gone = store.add_reply(1, kept.id, "me", "regretted")
    store.edit_reply(kept.id, "better words")
    store.delete_reply(gone.id)
    store.close()
    db = str(sample_db)
    for fmt, out in (("json", tmp_path / "e.json"), ("markdown", tmp_path / "md")):
        exported = run_in_process("export", "--format", fmt, "--output", str(out), "--db", db)
        assert exported.returncode == 0
        fresh = tmp_path / f"fresh-{fmt}.json"
        Store(fresh).close()
        assert run_in_process("import", str(out), "--db", str(fresh)).returncode == 0
        store = Store(fresh)
        mine = {c.body: c for c in store.comments(1) if c.local}
        store.close()
        assert mine["better words"].edited is not None and mine["better words"].deleted is None
        assert mine["regretted"].deleted is not None  # still a tombstone, text kept
        assert mine["regretted"].parent_id == mine["better words"].id


@over_budget
def test_the_reader_on_a_corrupt_database_says_why_without_taking_the_screen(
    tmp_path: Path,
) -> None:
    """The file is opened before Textual starts: the error is one line, no escape codes."""
    broken = tmp_path / "reviews.json"
    broken.write_text('{"reviews": {"1": ')
    child = run("--db", str(broken))
    assert child.returncode == 1
    assert child.stdout == ""
    assert child.stderr.startswith("reviews: error: ") and "reviews restore" in child.stderr
    assert "\x1b" not in child.stderr
    assert broken.read_text() == '{"reviews": {"1": '
