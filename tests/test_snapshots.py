"""Snapshot tests: how each screen looks, pinned as SVG (pytest-textual-snapshot).

Run ``pytest --snapshot-update`` after an intended change of look, and review the
new SVGs in ``tests/__snapshots__`` before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import USERS_SYNC_EVERY, sample_reviews
from cpu_audit import over_budget
from pilot_helpers import ready, settle, until
from test_reading_pro import deep_reviews
from textual.pilot import Pilot

from tui.app import ReviewsApp
from tui.config import Config
from tui.widgets.review_list import ReviewList

SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def quick_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    """A review counts as read 0.05 s after a key, not 0.8 s: the pictures show the read
    state, not how long it takes (tests/test_newcomer.py checks the delay itself)."""
    monkeypatch.setattr("tui.screens.reader.SEEN_AFTER", 0.05)


async def _read(pilot: Pilot[Any]) -> None:
    """Wait for the reader and for the first review to count as read."""
    screen = await ready(pilot)
    sidebar = screen.query_one(ReviewList)
    # Starting the reader is not reading: a key (one that does nothing here) first.
    await pilot.press("f12")
    await until(
        pilot,
        lambda: screen.review_id is not None and not sidebar.is_unread(screen.review_id),
        "marking the first review read",
    )
    await settle(pilot)


def _app(db_path: Path, seed: Callable[[], Any] = sample_reviews) -> ReviewsApp:
    return ReviewsApp(db_path, Config(author="tester"), seed=seed)


def _then(
    *keys: str, wait: float = 0.3, until: Callable[[Any], bool] | None = None
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        await _read(pilot)
        await pilot.press(*keys)
        await pilot.pause(wait)
        for _ in range(50):  # a loaded machine may need longer than ``wait``
            if until is None or until(pilot.app):
                break
            await pilot.pause(0.1)
        await settle(pilot)
        # No blinking cursor: it would be caught on or off at random.
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False  # type: ignore[attr-defined]
        await pilot.pause(0.05)

    return run


def _has_hits(app: Any) -> bool:
    return bool(app.screen.query("#hits") and app.screen.query_one("#hits").option_count)


@over_budget
def test_main_screen(snap_compare: SnapCompare, db_path: Path) -> None:
    assert snap_compare(_app(db_path), terminal_size=(120, 36), run_before=_read)


@over_budget
def test_main_screen_80x24(snap_compare: SnapCompare, db_path: Path) -> None:
    assert snap_compare(_app(db_path), terminal_size=(80, 24), run_before=_read)


@over_budget
def test_search_results(snap_compare: SnapCompare, db_path: Path) -> None:
    run = _then("ctrl+f", *"great", wait=0.4, until=_has_hits)
    assert snap_compare(_app(db_path), terminal_size=(120, 36), run_before=run)


@over_budget
def test_collapsed_thread(snap_compare: SnapCompare, db_path: Path) -> None:
    run = _then("tab", "tab", "space")
    assert snap_compare(_app(db_path, deep_reviews), terminal_size=(120, 36), run_before=run)


@over_budget
def test_help_screen(snap_compare: SnapCompare, db_path: Path) -> None:
    run = _then("question_mark")
    assert snap_compare(_app(db_path), terminal_size=(120, 40), run_before=run)


@over_budget
def test_bundled_review(snap_compare: SnapCompare, db_path: Path) -> None:
    """The README's screenshot: what a newcomer sees first."""
    from tui.importers import bundled_seeds

    app = ReviewsApp(db_path, Config(author="tester"), seed=bundled_seeds)
    assert snap_compare(app, terminal_size=(120, 36), run_before=_then("tab", "tab"))


@over_budget
def test_sources_screen(
    snap_compare: SnapCompare, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Followed blogs: one synced, one failing with its last error, one never synced; under
    them, how often the reader syncs by itself (the users' default) and when next."""
    from tui.sources import schedule
    from tui.store import SourceUpdate, Store

    monkeypatch.setattr(schedule, "FIRST_LOOK", 3600.0)  # no look while the shot is taken

    store = Store(db_path, seed=sample_reviews)
    ok = store.add_source("feed", "https://matinee.example.org/feed/", title="Matinee")
    bad = store.add_source("feed", "https://gone.example.net/rss", title="The [bold]Back Row[/]")
    store.add_source("feed", "https://new.example.com/atom.xml")
    store.apply_sync(
        [],
        [
            SourceUpdate(
                ok.id,
                {
                    "last_sync": "2026-11-28T09:15:00+00:00",
                    "status": "ok",
                    "state": {"posts": {"test:her": {}}},
                    "keep": "200",
                },
            ),
            SourceUpdate(
                bad.id,
                {
                    "last_sync": "2026-11-28T09:15:00+00:00",
                    "status": "failed",
                    "last_error": "the server answered 503 Service Unavailable",
                },
            ),
        ],
    )
    store.close()
    run = _then("S")
    app = ReviewsApp(db_path, Config(author="tester", sync_every=USERS_SYNC_EVERY))
    assert snap_compare(app, terminal_size=(120, 30), run_before=run)


@over_budget
def test_follow_dialog(snap_compare: SnapCompare, db_path: Path) -> None:
    """S, a, enter with no address: the follow dialog says what to type."""

    def asked(app: Any) -> bool:
        return "Type the address" in str(app.screen.query_one("#asking-status").render())

    run = _then("S", "a", "enter", until=asked)
    assert snap_compare(_app(db_path), terminal_size=(100, 30), run_before=run)


@over_budget
def test_login_dialog(snap_compare: SnapCompare, db_path: Path) -> None:
    """S, l on a WordPress blog not logged in to: how to get an application password."""
    from tui.store import Store

    store = Store(db_path, seed=sample_reviews)
    store.add_source(
        "wordpress",
        "https://matinee.example.org/",
        title="Matinee",
        state={"api": "https://matinee.example.org/wp-json/"},
    )
    store.close()

    def asked(app: Any) -> bool:
        return bool(app.screen.query("#login-user"))

    run = _then("S", "l", until=asked)
    assert snap_compare(_app(db_path), terminal_size=(100, 30), run_before=run)


@over_budget
def test_outbox(snap_compare: SnapCompare, db_path: Path) -> None:
    """O: a reply queued for the blog and one it refused, each with its review."""
    from test_outbox_screen import waiting_replies

    waiting_replies(db_path)

    def listed(app: Any) -> bool:
        return app.screen.query_one("#listing-list").option_count == 2  # type: ignore[no-any-return]

    run = _then("O", until=listed)
    assert snap_compare(_app(db_path), terminal_size=(100, 30), run_before=run)


@over_budget
def test_comments_focused_80x24(snap_compare: SnapCompare, db_path: Path) -> None:
    """The small terminal with the comments focused: ? Help and q Quit still in the bar."""
    run = _then("tab", "tab")
    assert snap_compare(_app(db_path), terminal_size=(80, 24), run_before=run)


@over_budget
def test_tag_picker_finding(snap_compare: SnapCompare, db_path: Path) -> None:
    """The tag picker narrowed by ``/``: the find box, its count, the matching tags."""
    from test_tag_find import tagged_reviews

    run = _then("t", "slash", *"news")
    assert snap_compare(_app(db_path, tagged_reviews), terminal_size=(100, 30), run_before=run)
