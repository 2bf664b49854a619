"""What a user meets around the reader: help, completion, the log, metadata, atomic exports."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cli_runner import run_in_process
from cpu_audit import over_budget

from tui.cli import main
from tui.logs import log, log_path, start_logging, stop_logging

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``reviews ARGS`` in a child process: for what is about the process (the shell's
    completion protocol, a traceback let through). What a command prints or writes is
    checked in-process (``run_in_process``, ~0.3 s of CPU less a command)."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=60
    )


def test_help_ends_with_the_environment_variables() -> None:
    out = run("--help").stdout
    for name in ("REVIEWS_DB", "REVIEWS_CONFIG", "REVIEWS_DEBUG", "EDITOR", "NO_COLOR"):
        assert name in out.split("environment:")[1], name


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script_for_each_shell(shell: str) -> None:
    result = run_in_process("completion", shell)
    assert result.returncode == 0, result.stderr
    assert "reviews" in result.stdout
    assert "_ARGCOMPLETE" in result.stdout


def test_completion_answers_the_shell(tmp_path: Path) -> None:
    """The shell's side of the protocol: the words for `reviews im<tab>`."""
    out = tmp_path / "words"
    env = dict(
        os.environ,
        _ARGCOMPLETE="1",
        _ARGCOMPLETE_IFS="\n",
        COMP_LINE="reviews im",
        COMP_POINT=str(len("reviews im")),
        _ARGCOMPLETE_STDOUT_FILENAME=str(out),
    )
    subprocess.run([sys.executable, "-m", "tui"], env=env, timeout=60, check=False)
    assert "import" in out.read_text().split()


def test_unknown_shell_is_one_line() -> None:
    result = run_in_process("completion", "tcsh")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "invalid choice" in result.stderr


def test_where_names_the_log_and_the_log_is_private() -> None:
    out = run_in_process("where").stdout
    assert f"log:      {log_path()}" in out
    stop_logging()
    path = start_logging()
    assert path is not None
    log.info("hello")
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "hello" in path.read_text()
    stop_logging()


def test_every_folder_made_for_the_log_is_0700_under_umask_022(tmp_path: Path) -> None:
    target = tmp_path / "state" / "reviews" / "log" / "reviews.log"
    old = os.umask(0o022)
    try:
        stop_logging()
        assert start_logging(path=target) == target
        log.info("hello")
    finally:
        os.umask(old)
        stop_logging()
    for folder in (target.parent, target.parent.parent, target.parent.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_unexpected_failure_puts_its_traceback_in_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line on screen that points at the log; the traceback is in the log."""
    folder = tmp_path / "a-folder"
    folder.mkdir()
    code = main(["--db", str(folder), "reply", "1", "--text", "hi"])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("reviews: error:")
    stop_logging()


@over_budget
def test_debug_flag_lets_the_traceback_through(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = run("--db", str(folder), "reply", "1", "--text", "hi", "--debug")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_json_export_is_written_atomically(tmp_path: Path) -> None:
    """A failed export leaves the old file whole and no temporary file behind."""
    target = tmp_path / "out" / "export.json"
    target.parent.mkdir()
    target.write_text("old")
    assert run_in_process("export", "--output", str(target)).returncode == 0
    assert target.read_text().startswith("{")
    target.write_text("old")
    target.parent.chmod(0o500)
    try:
        result = run_in_process("export", "--output", str(target))
    finally:
        target.parent.chmod(0o700)
    if os.geteuid() != 0:  # root writes through a read-only directory
        assert result.returncode == 1
        assert target.read_text() == "old"
    assert [p.name for p in target.parent.iterdir()] == ["export.json"]


def test_metadata_a_user_and_the_index_see() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["name"] == "reviews-tui"
    assert meta["scripts"]["reviews"] == "tui.cli:main"
    assert meta["license"] == "MIT" and (ROOT / "LICENSE").is_file()
    for key in ("authors", "classifiers", "urls", "keywords"):
        assert meta[key], key
    deps = " ".join(meta["dependencies"])
    for name in ("textual~=8.2.8", "rich", "markdown-it-py", "beautifulsoup4"):
        assert name in deps, name
    readme = (ROOT / "README.md").read_text()
    images = [line for line in readme.splitlines() if line.startswith("![")]
    assert images and all("(https://" in line for line in images)


@pytest.mark.slow
def test_the_wheel_carries_metadata_seeds_and_license(tmp_path: Path) -> None:
    """`pip wheel .` (what pipx, uv tool and the index install) has all a user needs.

    Built with the backend installed here (the test extra), not in an isolated env that
    pip fills afresh each run: the backend here is the one `[build-system]` asks for."""
    import zipfile
    from importlib.metadata import version

    from packaging.requirements import Requirement

    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]
    assert build["build-backend"] == "hatchling.build"
    (wanted,) = (Requirement(r) for r in build["requires"])
    assert wanted.name == "hatchling" and wanted.specifier.contains(version("hatchling"))
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"),
            *("-w", str(tmp_path), str(ROOT)),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("reviews_tui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = archive.read(meta_name).decode()
        entry = archive.read(meta_name.replace("METADATA", "entry_points.txt")).decode()
    assert "Name: reviews-tui" in meta
    assert "License-Expression: MIT" in meta
    assert "Project-URL: Homepage, https://" in meta
    assert "Requires-Dist: textual~=8.2.8" in meta
    assert any(n.startswith("tui/_seeds/") and n.endswith(".txt") for n in names)
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert "reviews = tui.cli:main" in entry
