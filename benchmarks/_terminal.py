"""A real terminal for startup benchmarks: a tmux pane of fixed size, watched in control mode.

The app runs in a detached tmux session (its own server socket, no user
config). A control-mode client (``tmux -C``) streams ``%output`` notices as
the app writes, with no polling processes: after each burst of output the
screen is read back with ``capture-pane`` over the same connection, so the
time at which the expected text appears is known to within one write.
"""

from __future__ import annotations

import contextlib
import os
import select
import shlex
import shutil
import signal
import subprocess
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

SLEEPER = "exec sleep 1000000"


def tmux_available() -> bool:
    """True when a tmux binary is on the PATH."""
    return shutil.which("tmux") is not None


class TerminalError(RuntimeError):
    """The app did not reach the expected screen; the message shows what was on it."""


@dataclass(frozen=True)
class Launch:
    """Times (seconds from the launch command) of one app start in the pane."""

    first_frame: float
    """The first moment the screen was not blank."""
    ready: float
    """All the expected texts on screen at once."""
    settled: float
    """The last output before the app stayed quiet."""
    pid: int
    screen: str
    """The screen as it was when the app settled."""
    outputs: tuple[float, ...] = ()
    """When each burst of output arrived (for diagnosis)."""


@dataclass
class _Reply:
    kind: str
    lines: list[str]
    error: bool


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    """Wait until process ``pid`` has exited (SIGKILL after ``timeout``), so it costs no CPU."""
    deadline = time.perf_counter() + timeout
    while pid and Path(f"/proc/{pid}").exists():
        if time.perf_counter() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            deadline += timeout
        time.sleep(0.005)


class TmuxTerminal:
    """A tmux pane of ``width`` x ``height`` to launch apps in and watch them draw."""

    def __init__(self, width: int = 160, height: int = 50, env: dict[str, str] | None = None):
        self.width = width
        self.height = height
        # COLUMNS/LINES (pytest-xdist workers set them) would override the pane's size.
        base = dict(os.environ if env is None else env)
        self.env = {k: v for k, v in base.items() if k not in ("COLUMNS", "LINES")}
        self.socket = f"reviews-bench-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        self._base = ["tmux", "-L", self.socket, "-f", "/dev/null"]
        self._client: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._pending: deque[str] = deque()
        self._block: list[str] | None = None
        self._read_at = 0.0
        self._socket_path = ""

    # -- lifecycle -----------------------------------------------------------------------

    def __enter__(self) -> TmuxTerminal:
        """Start the server, a session with a sleeping pane, and the control client."""
        size = ["-x", str(self.width), "-y", str(self.height)]
        self._tmux("new-session", "-d", *size, "-s", "bench", SLEEPER)
        self._tmux("set-option", "-g", "remain-on-exit", "on")
        self._tmux("set-option", "-g", "window-size", "manual")
        self._tmux("set-option", "-g", "status", "off")
        self._tmux("resize-window", "-t", "bench", *size)
        self._socket_path = self._tmux("display-message", "-p", "#{socket_path}").strip()
        self._client = subprocess.Popen(
            [*self._base, "-C", "attach-session", "-t", "bench"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self.env,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the client and the server (and with it anything still in the pane)."""
        if self._client is not None:
            stdin: IO[bytes] | None = self._client.stdin
            if stdin is not None:
                stdin.close()
            try:
                self._client.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._client.kill()
        subprocess.run([*self._base, "kill-server"], capture_output=True, check=False)
        if self._socket_path:  # tmux leaves its socket file behind
            Path(self._socket_path).unlink(missing_ok=True)

    def _tmux(self, *args: str) -> str:
        proc = subprocess.run(
            [*self._base, *args], capture_output=True, text=True, env=self.env, check=False
        )
        if proc.returncode != 0:
            raise TerminalError(f"tmux {' '.join(args)}: {proc.stderr.strip()}")
        return proc.stdout

    # -- the control connection ----------------------------------------------------------

    def _send(self, command: str, kind: str) -> None:
        assert self._client is not None and self._client.stdin is not None
        self._pending.append(kind)
        self._client.stdin.write(command.encode() + b"\n")
        self._client.stdin.flush()

    def _next(self, timeout: float) -> tuple[float, str | _Reply] | None:
        """The next notice (``"output"``) or command reply within ``timeout`` s, with the
        time its bytes were read; ``None`` on timeout."""
        assert self._client is not None and self._client.stdout is not None
        fd = self._client.stdout.fileno()
        deadline = time.perf_counter() + timeout
        while True:
            while b"\n" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\n", 1)
                event = self._line(raw.decode("utf-8", "replace").rstrip("\r"))
                if event is not None:
                    return self._read_at, event
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                return None
            data = os.read(fd, 1 << 16)
            if not data:
                raise TerminalError("the tmux control client went away")
            self._read_at = time.perf_counter()
            self._buffer += data

    def _line(self, line: str) -> str | _Reply | None:
        if self._block is not None:
            if line.startswith(("%end ", "%error ")) and line.split()[-1] == "1":
                lines, self._block = self._block, None
                kind = self._pending.popleft() if self._pending else "?"
                return _Reply(kind, lines, line.startswith("%error"))
            self._block.append(line)
            return None
        if line.startswith("%begin "):
            # Only our own commands (flags 1) get a reply we wait for.
            self._block = [] if line.split()[-1] == "1" else None
            return None
        if line.startswith("%output "):
            return "output"
        if line.startswith("%exit"):
            raise TerminalError("the tmux session ended")
        return None

    def _ask(self, command: str, timeout: float = 10) -> list[str]:
        """Send one command and wait for its reply (notices meanwhile are dropped)."""
        self._send(command, "ask")
        deadline = time.perf_counter() + timeout
        while (got := self._next(deadline - time.perf_counter())) is not None:
            event = got[1]
            if isinstance(event, _Reply) and event.kind == "ask":
                if event.error:
                    raise TerminalError(f"tmux {command}: {' '.join(event.lines)}")
                return event.lines
        raise TerminalError(f"tmux did not answer {command!r}")

    # -- measuring one launch ------------------------------------------------------------

    def launch(
        self,
        argv: Sequence[str],
        expect: Sequence[str],
        *,
        quiet: float = 0.3,
        timeout: float = 60.0,
    ) -> Launch:
        """Start ``argv`` in the pane and time it until every text in ``expect`` is on screen.

        Settled is the last output before ``quiet`` seconds without any: short enough
        that the reader's read-mark repaint (0.8 s after a review shows) is not counted.

        The app is left running (call ``stop``): its process can still be inspected.
        """
        self.stop()
        command = "exec " + shlex.join(argv)
        start = time.perf_counter()
        self._send(f"respawn-pane -k -t bench {shlex.quote(command)}", "respawn")
        first = ready = None
        last_output = start
        captured_at = -1.0  # output time the last requested capture reflects
        capturing = False
        screen = ""
        outputs: list[float] = []
        deadline = start + timeout
        while time.perf_counter() < deadline:
            if ready is not None and not capturing:
                wait = last_output + quiet - time.perf_counter()
                if wait <= 0:
                    pid = int(self._ask("display-message -p -t bench '#{pane_pid}'")[0])
                    assert first is not None
                    return Launch(first, ready, last_output - start, pid, screen, tuple(outputs))
            else:
                wait = min(1.0, deadline - time.perf_counter())
            got = self._next(max(wait, 0.001))
            if got is None:
                if ready is None and not capturing:
                    self._send("display-message -p -t bench '#{pane_dead}'", "dead")
                continue
            now, event = got
            if event == "output":
                last_output = now
                outputs.append(now - start)
            elif isinstance(event, _Reply) and event.kind == "capture":
                capturing = False
                screen = "\n".join(event.lines)
                if first is None and screen.strip():
                    first = captured_at - start
                if ready is None and all(text in screen for text in expect):
                    ready = captured_at - start
            elif isinstance(event, _Reply) and event.kind == "dead" and event.lines == ["1"]:
                raise TerminalError(f"the app exited early; its screen:\n{screen}")
            if not capturing and last_output > captured_at:
                captured_at = last_output
                capturing = True
                self._send("capture-pane -p -t bench", "capture")
        missing = [text for text in expect if text not in screen]
        raise TerminalError(
            f"{' '.join(argv)}: after {timeout:.0f} s the screen lacks {missing!r}; it shows:\n"
            + screen
        )

    def press(self, keys: str, *, timeout: float = 5.0) -> float | None:
        """Send ``keys`` (tmux key names) to the pane: seconds until its first output after
        them (the screen started to change), or ``None`` when nothing came within ``timeout``.

        Output still arriving from earlier keys is drained first, so it is not counted.
        """
        while self._next(0.05) is not None:
            pass
        start = time.perf_counter()
        self._send(f"send-keys -t bench {keys}", "keys")
        deadline = start + timeout
        while (got := self._next(deadline - time.perf_counter())) is not None:
            now, event = got
            if event == "output":
                return now - start
        return None

    def press_until(self, keys: str, expect: Sequence[str], *, timeout: float = 30.0) -> float:
        """Send ``keys`` and time until every text in ``expect`` is on screen."""
        while self._next(0.05) is not None:
            pass
        start = time.perf_counter()
        self._send(f"send-keys -t bench {keys}", "keys")
        deadline = start + timeout
        while time.perf_counter() < deadline:
            got = self._next(max(deadline - time.perf_counter(), 0.001))
            if got is None:
                break
            now, event = got
            if event != "output":
                continue
            screen = "\n".join(self._ask("capture-pane -p -t bench"))
            if all(text in screen for text in expect):
                return now - start
        raise TerminalError(f"after {keys!r} the screen never showed {list(expect)!r}")

    def pane_pid(self) -> int:
        """The process running in the pane."""
        return int(self._ask("display-message -p -t bench '#{pane_pid}'")[0])

    def stop(self) -> None:
        """Kill whatever runs in the pane, and wait until it is gone and the pane is blank."""
        old = int(self._ask("display-message -p -t bench '#{pane_pid}'")[0] or 0)
        self._ask(f"respawn-pane -k -t bench {shlex.quote(SLEEPER)}")
        _wait_gone(old)
        self._ask("clear-history -t bench")
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            if not "\n".join(self._ask("capture-pane -p -t bench")).strip():
                return
            time.sleep(0.01)
        raise TerminalError("the pane did not clear")
