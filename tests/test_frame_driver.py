"""The reader writes its frames to the terminal from the event loop (tui/frame_driver.py).

A real terminal: a child process runs a small Textual app on the reader's driver in
a pseudo-terminal; the test reads what it draws, presses a key, and the child says
which threads wrote.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest
from cpu_audit import over_budget
from pty_terminal import read_until, started

from tui.app import ReviewsApp

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

CHILD = textwrap.dedent(
    """
    import sys, threading
    from textual.app import App
    from textual.widgets import Static
    from tui.frame_driver import FrameDriver

    writers = set()

    class Noted:
        # The terminal's stream, noting which thread writes to it.

        def __init__(self, stream):
            self.stream = stream

        def write(self, data):
            writers.add(threading.current_thread().name)
            return self.stream.write(data)

        def __getattr__(self, name):
            return getattr(self.stream, name)

    sys.__stderr__ = Noted(sys.__stderr__)

    class Shown(App[None]):
        BINDINGS = [("x", "show", "")]

        def compose(self):
            yield Static("first frame", id="text")

        def action_show(self):
            self.query_one("#text", Static).update("second frame")
            self.set_timer(0.3, self.exit)

    Shown(driver_class=FrameDriver).run()
    print(",".join(sorted(writers)), file=open(sys.argv[1], "w"))
    """
)


@over_budget
def test_frames_are_written_from_the_event_loop(tmp_path: Path) -> None:
    writers = tmp_path / "writers.txt"
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    output = bytearray()
    with started([sys.executable, str(script), str(writers)], columns=60, lines=20) as (
        child,
        master,
    ):
        assert read_until(master, b"first frame", output), bytes(output)[-500:]
        os.write(master, b"x")
        assert read_until(master, b"second frame", output), bytes(output)[-500:]
        assert child.wait(timeout=20) == 0
    assert b"Traceback" not in output
    # Every byte (modes, frames, the way back to the shell) was written by the main
    # thread, none by Textual's writer thread.
    assert writers.read_text().strip() == "MainThread"


def test_the_reader_runs_on_the_frame_driver(tmp_path: Path) -> None:
    from tui.frame_driver import FrameDriver

    app = ReviewsApp(tmp_path / "reviews.json")
    assert app.driver_class is FrameDriver
