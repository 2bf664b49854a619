"""When a reply cannot be saved, the user is told plainly and keeps the text."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import sample_reviews
from pilot_helpers import ready, settle, thread_text
from textual.widgets import TextArea

from tui.app import ReviewsApp
from tui.config import Config
from tui.screens.composer import ReplyComposer
from tui.store.journal import journal_path

pytestmark = pytest.mark.slow  # fault injection: a held lock, a full disk


def _status(app: ReviewsApp) -> str:
    return str(app.screen.query_one("#composer-status").content)


async def test_a_busy_lock_keeps_the_reply_in_the_composer(db_path: Path) -> None:
    app = ReviewsApp(db_path, Config(author="tester"), seed=sample_reviews, lock_timeout=0.5)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("r", *"wait for me")
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, time, filelock\n"
                f"with filelock.FileLock({str(db_path) + '.lock'!r}):\n"
                "    print('held', flush=True); time.sleep(30)\n",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            before = db_path.read_bytes()
            await pilot.press("ctrl+s")
            await pilot.pause(1.0)
            await settle(pilot)
            assert isinstance(app.screen, ReplyComposer)
            assert "another reviews process is busy" in _status(app)
            assert app.screen.query_one(TextArea).text == "wait for me"
            assert db_path.read_bytes() == before
        finally:
            holder.kill()
            holder.wait()
        await pilot.press("ctrl+s")  # the lock is free again: now it saves
        await settle(pilot, 0.2)
        assert not isinstance(app.screen, ReplyComposer)
        assert "wait for me" in thread_text(app)


async def test_a_full_disk_fails_plainly_and_changes_nothing(db_path: Path) -> None:
    app = ReviewsApp(db_path, Config(author="tester"), seed=sample_reviews)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("r", *"a long reply")
        await settle(pilot)
        app.screen.query_one(TextArea).insert(" and more" * 60)
        await pilot.pause(0.6)  # the draft is on disk before the disk "fills"
        before = db_path.read_bytes()
        journal = journal_path(db_path)
        journal_before = journal.read_bytes() if journal.exists() else b""
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        # The journal may grow by 20 bytes, not by a record: the append stops half-way.
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(journal_before) + 20, hard))
        try:
            await pilot.press("ctrl+s")
            for _ in range(30):
                await pilot.pause(0.05)
                if "Not saved" in _status(app):
                    break
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
            signal.signal(signal.SIGXFSZ, old_handler)
        await settle(pilot)
        assert isinstance(app.screen, ReplyComposer)
        assert "Not saved" in _status(app) and "nothing was changed" in _status(app)
        assert app.screen.query_one(TextArea).text.startswith("a long reply")
        assert db_path.read_bytes() == before
        # No half record is left for a later replay: the journal was cut back.
        assert (journal.read_bytes() if journal.exists() else b"") == journal_before
        assert not list(db_path.parent.glob(".reviews.json.tmp-*"))
