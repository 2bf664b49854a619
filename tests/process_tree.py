"""The processes a command started, found in /proc (the two-process tests kill them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from subprocess import PIPE, Popen


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def state(pid: int) -> str:
    """The one-letter state of ``pid`` (``R``, ``S``, ``T`` stopped, ``Z`` ended), ``""``
    once it is gone."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return ""


@contextmanager
def running(argv: list[str], env: dict[str, str] | None = None) -> Iterator[Popen[str]]:
    """A real command, its output piped; killed at the end if it still runs."""
    command = Popen(argv, stdout=PIPE, stderr=PIPE, text=True, env=env)
    try:
        yield command
    finally:
        if command.poll() is None:
            command.kill()
            command.wait()


def clean_output(command: Popen[str]) -> str:
    """What the command printed, once it ended: it must exit 0 with nothing on stderr."""
    out, err = command.communicate(timeout=120)
    assert command.returncode == 0, err
    assert "Traceback" not in err and err == ""
    return out
