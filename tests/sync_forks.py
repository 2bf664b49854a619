"""``reviews sync`` forked from a warm process, for tests that start and kill many of them.

Usage::

    sync_forks.py serve    read ``sync DB [PHASE N]`` lines; fork ``reviews --db DB sync``

A fresh ``python -m tui ... sync`` spends about half of a short sync importing the
command's modules (~0.17 s of CPU). ``serve`` imports them once, then for each line
forks a child that runs the command line (``tui.cli.main``, as ``python -m tui`` does;
its stdin, stdout and stderr are /dev/null) and prints ``pid <pid>``; once that child has
ended (or been killed) it prints ``done <pid> <status>``. The server has one thread, as
a fresh interpreter has, so the command takes its second process as it would for a
user (``tui.sources.sync`` asks for one only then). The tests keep one real
``python -m tui ... sync`` child each for the start-up itself.

``sync DB PHASE N``: the child SIGKILLs itself the ``N``-th time it reaches ``PHASE``
(``PHASES``), so a kill test hits each moment of a sync on purpose, not by a delay
guessed from one machine's speed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from signal import SIGKILL
from typing import Any

from line_server import LineServer, serve_forks

PHASES = {
    "pulled": "the blog read, nothing merged yet (just before ``Store.apply_sync``)",
    "merged": "the pull merged in one write, no reply sent yet (just after it)",
    "claimed": "a reply claimed for sending, not posted (after ``Store.claim``)",
    "posted": "a reply on the blog, its answer not recorded (after ``create_comment``)",
    "sent": "a reply's answer recorded (after ``Store.mark_sent``)",
}
"""Where ``die_at`` kills a sync: what the database and the blog then hold."""


def die_at(phase: str, nth: int) -> None:
    """SIGKILL this process the ``nth`` time it reaches ``phase`` (see ``PHASES``)."""
    from tui.sources.wordpress import WordPressBlog
    from tui.store import Store

    reached = [0]

    def count() -> None:
        reached[0] += 1
        if reached[0] == nth:
            os.kill(os.getpid(), SIGKILL)

    def hook(owner: type, name: str, *, before: bool = False) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        def hooked(*args: Any, **kwargs: Any) -> Any:
            if before:
                count()
            result = original(*args, **kwargs)
            if not before and result is not None:  # a claim of None took nothing
                count()
            return result

        setattr(owner, name, hooked)

    owner, name = {
        "pulled": (Store, "apply_sync"),
        "merged": (Store, "apply_sync"),
        "claimed": (Store, "claim"),
        "posted": (WordPressBlog, "create_comment"),
        "sent": (Store, "mark_sent"),
    }[phase]
    hook(owner, name, before=phase == "pulled")


def serve() -> int:
    """Fork a ``reviews --db DB sync`` for each ``sync DB [PHASE N]`` line (``serve_forks``)."""
    from tui.cli import main
    from tui.cli.follow import sync_sources  # noqa: F401  # what the command loads
    from tui.sources import outbox, sync  # noqa: F401

    def run(words: list[str]) -> int:
        if words[0] != "sync":
            raise ValueError(f"not a sync: {words}")
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        if len(words) == 4:
            die_at(words[2], int(words[3]))
        return main(["--db", words[1], "sync"])

    return serve_forks(run)


class ForkedSync:
    """One forked ``reviews sync``: ``pid``, and ``poll``/``wait`` as ``subprocess.Popen``'s."""

    def __init__(self, server: SyncServer, pid: int) -> None:
        """A child ``server`` forked as ``pid``."""
        self.server = server
        self.pid = pid
        self.status: int | None = None

    def poll(self) -> int | None:
        """The child's wait status once it has ended, else ``None``."""
        if self.status is None:
            self.server.take_done(self, timeout=None)
        return self.status

    def wait(self, timeout: float = 300.0) -> int:
        """Wait for the child to end; its wait status."""
        while self.status is None:
            self.server.take_done(self, timeout=timeout)
        return self.status

    def killed(self) -> bool:
        """It ended by SIGKILL (after ``wait``)."""
        status = self.status
        return status is not None and os.WIFSIGNALED(status) and os.WTERMSIG(status) == SIGKILL

    def exit_code(self) -> int | None:
        """Its exit code, if it exited (after ``wait``)."""
        if self.status is None or not os.WIFEXITED(self.status):
            return None
        return os.WEXITSTATUS(self.status)


class SyncServer(LineServer):
    """A ``sync_forks.py serve`` process, its stdout read line by line on a thread."""

    def __init__(self, env: dict[str, str]) -> None:
        """Start ``sync_forks.py serve`` with ``env``."""
        super().__init__(Path(__file__).resolve(), env)

    def sync(self, db: Path, phase: str = "", nth: int = 1) -> ForkedSync:
        """Fork a ``reviews --db db sync`` (that dies at ``phase``); return once it runs."""
        assert phase in ("", *PHASES), phase
        self.send(f"sync {db} {phase} {nth}" if phase else f"sync {db}")
        line = self.line_if_any(timeout=60)
        if not line or not line.startswith("pid "):
            raise RuntimeError(f"the sync server said {line!r}")
        return ForkedSync(self, int(line.split()[1]))

    def take_done(self, child: ForkedSync, timeout: float | None) -> None:
        """Read ``child``'s ``done`` line if it has come (waiting up to ``timeout``)."""
        line = self.line_if_any(timeout)
        if line is None:
            if timeout is not None:
                raise TimeoutError(f"sync {child.pid} did not end in {timeout} s")
            return
        words = line.split()
        if words[:2] != ["done", str(child.pid)]:
            raise RuntimeError(f"the sync server said {line!r}")
        child.status = int(words[2])


if __name__ == "__main__":
    if sys.argv[1:] != ["serve"]:
        sys.exit(__doc__)
    sys.exit(serve())
