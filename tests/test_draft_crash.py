"""A reply being written survives the terminal being killed."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from pilot_helpers import ready, settle
from textual.widgets import TextArea

from tui.app import ReviewsApp
from tui.screens.composer import ReplyComposer
from tui.store import Store
from tui.store.paths import drafts_path

AppFactory = Callable[..., ReviewsApp]

pytestmark = pytest.mark.slow  # the app in a child, killed


def _drain(fd: int, seconds: float) -> bytes:
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready_fds, _, _ = select.select([fd], [], [], 0.05)
        if ready_fds:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out


def _wait_for(fd: int, needle: bytes, seconds: float) -> bytes:
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end and needle not in out:
        out += _drain(fd, 0.1)
    return out


def _wait_for_draft(fd: int, drafts: Path, text: str, seconds: float) -> None:
    """Read the terminal (so the app never blocks writing to it) until ``drafts`` holds
    a draft of ``text``; then the kill below lands after the save, as the test means."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if text in orjson.loads(drafts.read_bytes()).values():
                return
        except (OSError, ValueError):
            pass  # not written yet
        _drain(fd, 0.05)


async def test_a_killed_app_offers_the_draft_back(make_app: AppFactory, db_path: Path) -> None:
    Store(db_path, seed=None).close()  # an empty database the child opens
    from conftest import sample_reviews

    store = Store(db_path)
    store.import_reviews(sample_reviews())
    store.close()

    pid, fd = pty.fork()
    if pid == 0:  # the child: the real reader in a pseudo-terminal
        os.environ["TERM"] = "xterm-256color"
        os.environ["TEXTUAL_ANIMATIONS"] = "none"
        os.execv(sys.executable, [sys.executable, "-m", "tui", "--db", str(db_path)])
    try:
        _wait_for(fd, b"Comments", 20)
        _drain(fd, 0.5)
        os.write(fd, b"r")
        _wait_for(fd, b"Replying", 10)
        os.write(fd, b"an unsent thought")
        # Until the draft is on disk (it is written within the composer's DRAFT_DELAY).
        _wait_for_draft(fd, drafts_path(db_path), "an unsent thought", 10)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReplyComposer)
        assert app.screen.query_one(TextArea).text == "an unsent thought"
