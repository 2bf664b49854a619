"""An open reader sees what other processes write, and keeps the user's place."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pilot_helpers import ready, settle, thread_text

from tui.app import ReviewsApp
from tui.widgets.comment_thread import CommentThread
from tui.widgets.review_list import ReviewList

AppFactory = Callable[..., ReviewsApp]


async def test_a_reply_from_another_process_appears_in_place(
    make_app: AppFactory, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui.screens.reader.REFRESH_SECONDS", 0.2)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("tab", "tab", "j")
        thread = screen.query_one(CommentThread)
        here = thread.current
        assert here is not None and here.author == "Bob"
        # A real second process (the CLI) writes to the same file.
        code = (
            "import sys; from tui.cli import main; "
            f"sys.exit(main(['reply', '1', '--to', '{here.id}', '--text', 'from cron', "
            f"'--author', 'cron', '--db', {str(db_path)!r}]))"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        for _ in range(40):
            await pilot.pause(0.1)
            if "from cron" in thread_text(app):
                break
        await settle(pilot)
        assert "from cron" in thread_text(app)
        assert thread.current is not None and thread.current.id == here.id
        assert thread.has_focus
        sidebar = screen.query_one(ReviewList)
        assert sidebar.shown[0].comment_count == 4
