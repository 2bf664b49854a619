"""What the user typed survives a draft that cannot be written, a broken lock and a kill."""

from __future__ import annotations

import os
import pty
import resource
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from pilot_helpers import ready, settle, thread_text, until
from test_draft_crash import _drain, _wait_for
from textual.pilot import Pilot
from textual.widgets import TextArea

from tui.app import ReviewsApp
from tui.screens.composer import DRAFT_DELAY, ReplyComposer
from tui.store import Store
from tui.store.paths import drafts_path

AppFactory = Callable[..., ReviewsApp]

pytestmark = pytest.mark.slow  # fault injection: unwritable drafts, a full disk, a kill


def _status(app: ReviewsApp) -> str:
    return str(app.screen.query_one("#composer-status").content)


def _break_drafts_lock(db_path: Path) -> None:
    """A folder where the drafts lock file belongs: every draft write fails to lock."""
    drafts = drafts_path(db_path)
    drafts.parent.mkdir(parents=True, exist_ok=True)
    drafts.with_name(drafts.name + ".lock").mkdir()


async def _wait_status(pilot: Pilot[Any], app: ReviewsApp, needle: str) -> None:
    """Until the composer's status line says ``needle`` (fails if it never does)."""
    await until(
        pilot,
        lambda: isinstance(app.screen, ReplyComposer) and needle in _status(app),
        f"saying {needle!r} in the composer",
    )


async def _wait_closed(pilot: Pilot[Any], app: ReviewsApp) -> None:
    """Until the composer has closed (fails if it never does)."""
    await until(pilot, lambda: not isinstance(app.screen, ReplyComposer), "closing the composer")


async def test_a_draft_that_cannot_be_written_keeps_the_text_in_the_composer(
    make_app: AppFactory, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        _break_drafts_lock(db_path)
        await pilot.press("r", *"words I must not lose")
        await pilot.press("escape")
        await _wait_status(pilot, app, "Could not keep the draft")
        assert isinstance(app.screen, ReplyComposer)
        assert "could not lock" in _status(app)
        assert app.screen.query_one(TextArea).text == "words I must not lose"
        await pilot.press("ctrl+s")  # the text is still sendable
        await _wait_closed(pilot, app)
        await settle(pilot)
        assert "words I must not lose" in thread_text(app)
    assert app.return_code in (None, 0)


async def test_a_full_disk_while_closing_keeps_the_text(
    make_app: AppFactory, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("r")
        await settle(pilot)
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8, hard))  # no draft file can be written
        try:
            await pilot.press(*"a draft bigger than the disk")
            await pilot.press("escape")
            await _wait_status(pilot, app, "Could not keep the draft")
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
            signal.signal(signal.SIGXFSZ, old_handler)
        assert isinstance(app.screen, ReplyComposer)
        assert app.screen.query_one(TextArea).text == "a draft bigger than the disk"
        await pilot.press("escape")  # now it can be kept
        await _wait_closed(pilot, app)
        assert not isinstance(app.screen, ReplyComposer)


async def test_a_saved_reply_with_a_broken_drafts_lock_is_saved_once_and_said_so(
    make_app: AppFactory, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        _break_drafts_lock(db_path)
        await pilot.press("r", *"only once please", "ctrl+s")
        await _wait_closed(pilot, app)
        await settle(pilot)
        assert not isinstance(app.screen, ReplyComposer)  # saved: the composer closed
        await pilot.press("ctrl+s")  # a second ctrl+s has nothing to send again
        await settle(pilot, 0.3)
        messages = [str(n.message) for n in app._notifications]
        assert any("Reply saved, but its draft could not be cleared" in m for m in messages)
        assert not any("not saved" in m.lower() for m in messages)
    bodies = [c.body for c in Store(db_path).comments(1)]
    assert bodies.count("only once please") == 1


async def test_a_read_only_database_opens_for_reading_and_refuses_replies(
    make_app: AppFactory, db_path: Path
) -> None:
    Store(db_path, seed=__import__("conftest").sample_reviews).close()
    db_path.chmod(0o444)
    before = db_path.read_bytes()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await settle(pilot, 0.2)
        assert any("is read-only" in str(n.message) for n in app._notifications)
        await pilot.press("r", *"hello", "ctrl+s")
        await _wait_status(pilot, app, "Not saved")
        assert "is read-only" in _status(app)
        assert app.screen.query_one(TextArea).text == "hello"
    assert db_path.read_bytes() == before


@pytest.mark.slow
def test_steady_typing_is_saved_at_least_every_second_then_sigkill(db_path: Path) -> None:
    Store(db_path, seed=__import__("conftest").sample_reviews).close()
    typed = "steady typist"  # 13 keys, 0.25 s apart: a pause never comes
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
        for key in typed:
            os.write(fd, key.encode())
            _drain(fd, 0.25)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    # A debounced save never ran (no pause in the typing): no draft at all. Throttled,
    # a draft is written within DRAFT_DELAY of the first key and every DRAFT_DELAY after.
    (saved,) = orjson.loads(drafts_path(db_path).read_bytes()).values()
    assert typed.startswith(saved)
    assert len(saved) >= len(typed) // 2, (saved, DRAFT_DELAY)
