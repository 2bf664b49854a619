"""A helper script's ``serve`` process: commands sent a line at a time on its stdin, its
answers read line by line on a thread, with timeouts.

The kill tests fork their writers and syncs from one warm process (``writer_child.py``,
``sync_forks.py``) instead of starting Python and the package for each; this is the
plumbing both talk to it through (``LineServer``), and the loop both serve with
(``serve_forks``).
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path


def serve_forks(run: Callable[[list[str]], int]) -> int:
    """The serving side: for each command line on stdin, until ``quit`` or an empty line,
    fork a child that runs ``run(words)`` and exits with what it returns (1 if it
    raises); print ``pid PID`` as it starts and ``done PID STATUS`` once it ended."""
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = run(words)
            finally:
                os._exit(code)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"done {pid} {status}", flush=True)
    return 0


class LineServer:
    """``python SCRIPT serve``, with its output read on a thread (an empty line: it died)."""

    def __init__(self, script: Path, env: dict[str, str] | None = None) -> None:
        """Start ``script serve`` (with ``env``, or this process's environment)."""
        self.proc = subprocess.Popen(
            [sys.executable, str(script), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            bufsize=1,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put("")

    def send(self, command: str) -> None:
        """Send one command line."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def line(self, timeout: float = 20.0) -> str:
        """The next line, waiting up to ``timeout`` (``queue.Empty`` after it); an empty
        string means the server died."""
        return self._lines.get(timeout=timeout)

    def line_if_any(self, timeout: float | None) -> str | None:
        """The next line if one comes within ``timeout`` (``None``: only one already
        there); ``None`` if none came."""
        try:
            if timeout is None:
                return self._lines.get_nowait()
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        """Tell the server to quit, and wait for it (killed after 10 s)."""
        with contextlib.suppress(OSError):
            self.send("quit")
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
