"""Frames written to the terminal as they are made, not handed to another thread.

Textual's Linux driver queues every write for a writer thread. That thread needs
the interpreter's lock to write, and the event loop holds it while it goes on to
the next piece of work (after a ``j``, showing the review under the new cursor):
the cursor's frame waited 1.4-2.3 ms in the queue, on the machine where a key's
whole answer takes ~8 ms, before a byte of it reached the terminal
(`benchmarks/peer_newsboat.py`'s `j` row, profiled with time stamps in the
reader). Written from the event loop, the frame is in the terminal when the
write returns.

A terminal that does not read (a stalled ssh link) now holds the event loop in
the write, where before it held the writer thread's queue of 30 writes and then
the event loop; a terminal that has gone away is written to no more.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from textual.drivers.linux_driver import LinuxDriver

if TYPE_CHECKING:
    from typing import TextIO


class FrameDriver(LinuxDriver):
    """Textual's Linux driver, writing in the thread that calls ``write``.

    Textual wraps each frame in three writes (begin, frame, end of a synchronised
    update) and then calls ``flush``; other writes (modes, queries) come without a
    flush, so each write is flushed at once, as the writer thread did when its
    queue ran empty.
    """

    _out: TextIO | None = None
    _gone = False

    def _terminal(self) -> TextIO | None:
        if self._out is None:
            self._out = sys.__stderr__  # where Textual's Linux driver writes
        return self._out

    def write(self, data: str) -> None:
        """Write ``data`` to the terminal now."""
        out = self._terminal()
        if out is None or self._gone:
            return
        try:
            out.write(data)
            out.flush()
        except (OSError, ValueError):  # hung up, or closed as the process ends
            self._gone = True

    def flush(self) -> None:
        """Everything is written as it comes: nothing waits to be flushed."""
