"""A child process on a real pseudo-terminal of a fixed size, for tests that read what
an app writes byte by byte (``test_terminal_injection``, ``test_frame_driver``).

``started`` runs the child with the pty as its terminal (its own session, so a kill
reaches everything it started); ``read_for`` and ``read_until`` read what it writes;
``stopped`` kills it if it is still running and closes the terminal.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

TEXTUAL_SETTINGS = ("TEXTUAL", "TEXTUAL_DEVTOOLS_PORT", "TEXTUAL_DRIVER")
"""Variables of the test run's own environment that would change how the child draws."""


@contextmanager
def started(
    argv: list[str], *, columns: int, lines: int, env: Mapping[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """The running child and the terminal's master end; killed and closed afterwards."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in TEXTUAL_SETTINGS}
    environ.update(TERM="xterm-256color", COLUMNS=str(columns), LINES=str(lines))
    environ.update(env or {})
    child = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=environ,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    try:
        yield child, master
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        os.close(master)


def _read_once(fd: int, left: float, into: bytearray) -> bool | None:
    """One read of at most ``left`` seconds: False once the child closed the terminal."""
    ready, _, _ = select.select([fd], [], [], left)
    if not ready:
        return None
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        return False
    if not chunk:
        return False
    into += chunk
    return True


def read_for(fd: int, seconds: float, into: bytearray) -> bool:
    """Read what the child writes for ``seconds``; False once it has closed the terminal."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if _read_once(fd, left, into) is False:
            return False
    return True


def read_until(fd: int, wanted: bytes, into: bytearray, seconds: float = 20.0) -> bool:
    """Read until ``wanted`` has been written (True), the terminal closed or time ran out."""
    deadline = time.monotonic() + seconds
    while wanted not in into and (left := deadline - time.monotonic()) > 0:
        if _read_once(fd, left, into) is False:
            return False
    return wanted in into
