"""Every error is one line naming the file and the cause in words (issue 11, item 11).

The messages are checked in-process (``cli_runner.run_in_process``, as the command writes
them); the ones about the process itself (a file read at start-up, a closed pipe) in a child.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cli_runner import run_in_process


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )


def test_a_folder_as_the_database_names_it_in_words(tmp_path: Path) -> None:
    for command in (("export",), ("reply", "1", "--text", "x"), ("check",)):
        result = run_in_process(*command, "--db", str(tmp_path))
        assert result.returncode == 1
        assert result.stderr == f"reviews: error: {tmp_path} is a folder, not a database file\n"


def test_a_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    source = tmp_path / "latin1.txt"
    source.write_bytes("Amélie\n\nUne très belle critique.\n".encode("latin-1"))
    result = run("import", str(source), "--db", str(tmp_path / "db.json"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "skipped latin1.txt: not UTF-8 text (byte 0xe9 at offset 2)" in result.stderr


def test_check_of_a_missing_or_unreadable_file_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.json"
    result = run_in_process("check", "--db", str(missing))
    assert (result.returncode, result.stderr) == (1, f"reviews: error: {missing} does not exist\n")
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"{")
    result = run_in_process("check", "--db", str(broken))
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    assert f"{broken} is unreadable: not valid JSON" in result.stderr


def test_output_cut_short_by_its_reader_ends_quietly(tmp_path: Path) -> None:
    """`reviews where | head -1`: the pipe closes before we write; no error line, and
    the exit code a command ended by SIGPIPE has (it was "reviews: error: [Errno 32]")."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tui", "--db", str(tmp_path / "r.json"), "where"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert result.stderr == ""
    assert result.returncode == 141
