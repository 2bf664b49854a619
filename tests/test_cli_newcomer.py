"""The command line as a newcomer meets it: bad options in one line, a reply typed at a
terminal (a prompt, or $EDITOR as git commit does), never a silent wait."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run_in_process
from conftest import sample_reviews
from cpu_audit import over_budget

from tui.store import Store


@pytest.fixture
def sample_db(db_path: Path) -> Path:
    """The sample reviews in a database of their own (review 1 is *Her*)."""
    with_reviews = Store(db_path)
    with_reviews.import_reviews(sample_reviews())
    with_reviews.close()
    return db_path


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        (("import", "--format", "bogus", "data/samples"), "there is no format 'bogus'"),
        (("export", "--format", "bogus"), "invalid choice: 'bogus'"),
        (("reply", "abc"), "invalid int value: 'abc'"),
        (("--bogus",), "unrecognized arguments: --bogus"),
        (
            ("export", "--format", "json", "--output", "/no/such/folder/x.json"),
            "--output /no/such/folder/x.json: there is no folder /no/such/folder",
        ),
        (("export", "--format", "opml", "--output", "/"), "--output /: is a folder; name a file"),
    ],
)
def test_bad_options_are_one_line(args: tuple[str, ...], wanted: str, sample_db: Path) -> None:
    child = run_in_process(*args, "--db", str(sample_db))  # each command has a child elsewhere
    assert child.returncode == 1
    lines = child.stderr.splitlines()
    assert len(lines) == 1, child.stderr
    assert lines[0].startswith("reviews: ") and wanted in lines[0]
    assert "Traceback" not in child.stderr


def _reply_at_a_terminal(db: Path, typed: bytes, env: dict[str, str]) -> tuple[int, str, str]:
    """Run ``reviews reply 1`` with a terminal as its stdin; type ``typed`` into it."""
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "tui", "reply", "1", "--db", str(db)],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(follower)
    os.write(leader, typed)
    try:
        out, err = child.communicate(timeout=60)
    finally:
        os.close(leader)
    return child.returncode, out.decode(), err.decode()


def test_reply_at_a_terminal_prompts(sample_db: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("VISUAL", "EDITOR")}
    code, out, err = _reply_at_a_terminal(sample_db, b"Typed at the prompt\n\x04", env)
    assert code == 0, err
    assert "Type your reply to review 1" in err
    store = Store(sample_db)
    try:
        reply = store.comment(int(out.strip()))
    finally:
        store.close()
    assert reply.body.strip() == "Typed at the prompt"


@over_budget
def test_reply_at_a_terminal_opens_the_editor(sample_db: Path, tmp_path: Path) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\nfrom pathlib import Path\np = Path(sys.argv[1])\n"
        "p.write_text('Written in the editor\\n' + p.read_text())\n"
    )
    env = {**os.environ, "VISUAL": f"{sys.executable} {editor}"}
    code, out, err = _reply_at_a_terminal(sample_db, b"", env)
    assert code == 0, err
    store = Store(sample_db)
    try:
        reply = store.comment(int(out.strip()))
    finally:
        store.close()
    assert reply.body == "Written in the editor"  # the hint lines are left out


@over_budget
def test_an_editor_left_empty_saves_nothing(sample_db: Path, tmp_path: Path) -> None:
    env = {**os.environ, "VISUAL": "true"}
    before = sample_db.read_bytes()
    code, out, err = _reply_at_a_terminal(sample_db, b"", env)
    assert code == 1 and out == ""
    assert err.startswith("reviews: ") and len(err.splitlines()) == 1
    assert sample_db.read_bytes() == before


def test_an_empty_outbox_claims_nothing_about_local_replies(sample_db: Path) -> None:
    """A reply to a review from a file (no blog to send it to) is not "sent": the empty
    outbox says only that nothing waits to be sent."""
    assert run_in_process("reply", "1", "--db", str(sample_db), stdin="Mine.").returncode == 0
    listed = run_in_process("outbox", "--db", str(sample_db))
    assert listed.returncode == 0
    assert listed.stdout == "the outbox is empty: nothing is waiting to be sent to a blog\n"
