"""A reply of ours is shown from the store's memory at once: thread, cursor, sidebar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cpu_audit import over_budget
from pilot_helpers import ready, settle, thread_text, until

from tui.app import ReviewsApp
from tui.screens import writing
from tui.screens.composer import ReplyComposer
from tui.screens.reader import ReaderScreen
from tui.store import Store
from tui.widgets.comment_thread import CommentThread
from tui.widgets.review_list import ReviewList

AppFactory = Callable[..., ReviewsApp]


def count_reads(monkeypatch: pytest.MonkeyPatch, store: Store) -> list[str]:
    """Record every whole re-read of the sidebar or of a thread from the store."""
    calls: list[str] = []
    for name in ("reviews", "comments"):
        original = getattr(store, name)

        def spy(*args: Any, _name: str = name, _original: Any = original) -> Any:
            calls.append(_name)
            return _original(*args)

        monkeypatch.setattr(store, name, spy)
    return calls


@over_budget
async def test_a_reply_is_shown_in_place_and_moves_its_review_under_latest_activity(
    make_app: AppFactory, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        thread = screen.query_one(CommentThread)
        await pilot.press("s")  # latest activity
        assert sidebar.order == "activity"
        assert [r.title for r in sidebar.shown] == ["Her", "Older film"]
        await pilot.press("j")
        await settle(pilot)
        assert screen.review_id == sidebar.shown[1].id
        older = sidebar.shown[1].id
        reads = count_reads(monkeypatch, app.store)
        await pilot.press("r", *"Worth a second look.", "ctrl+s")
        await settle(pilot, 0.2)
        assert reads == []  # patched from memory, not read again
        # The review with the newest activity is now first, and the cursor went with it.
        assert [r.title for r in sidebar.shown] == ["Older film", "Her"]
        assert sidebar.current_id == older and screen.review_id == older
        assert sidebar.shown[0].comment_count == 1
        assert "1 comment" in sidebar.row_text(0)
        assert thread.has_focus
        assert thread.current is not None and thread.current.body == "Worth a second look."
        assert "(1)" in str(thread.border_title)


@over_budget
async def test_a_reply_to_a_comment_lands_under_it_with_the_count_updated(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        thread = screen.query_one(CommentThread)
        sidebar = screen.query_one(ReviewList)
        before = sidebar.shown[0].comment_count
        await pilot.press("tab", "tab")  # the first comment
        first = thread.current
        assert first is not None
        await pilot.press("r", *"An answer.", "ctrl+s")
        await settle(pilot, 0.2)
        ids = [row.comment.id for row in thread.rows]
        mine = thread.current
        assert mine is not None and mine.body == "An answer." and mine.parent_id == first.id
        # Below its parent's existing replies, before the next top-level comment.
        row = thread.rows[ids.index(mine.id)]
        assert row.depth == 1
        assert ids.index(mine.id) > ids.index(first.id)
        next_top = next(r.comment.id for r in thread.rows[1:] if r.depth == 0)
        assert ids.index(mine.id) < ids.index(next_top)
        assert sidebar.shown[0].comment_count == before + 1
        assert f"({before + 1})" in str(thread.border_title)


@over_budget
async def test_when_the_store_is_busy_the_panes_are_read_again(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        # A busy store (its lock held by a read-mark batch) answers neither peek.
        monkeypatch.setattr(app.store, "peek", lambda review_id: None)
        monkeypatch.setattr(app.store, "peek_reviews", lambda: None)
        reads = count_reads(monkeypatch, app.store)
        await pilot.press("r", *"Saved anyway.", "ctrl+s")
        await settle(pilot, 0.2)
        assert "reviews" in reads and "comments" in reads
        thread = screen.query_one(CommentThread)
        assert thread.current is not None and thread.current.body == "Saved anyway."
        assert "Saved anyway." in thread_text(app)
        assert screen.query_one(ReviewList).shown[0].comment_count == 4


@over_budget
async def test_a_reply_in_the_newest_first_list_redraws_its_row_not_the_list(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count on the replied review's row changes; the list is not taken in again
    (at 100,000 reviews that took ~150 ms on the event loop after each save)."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        assert sidebar.order == "date"
        await pilot.press("j")
        await until(pilot, lambda: screen.review_id == sidebar.shown[1].id, "second review")
        listed = sidebar.all_reviews
        before = [(r.id, r.comment_count) for r in sidebar.shown]
        whole: list[int] = []
        original = app.store.peek_reviews

        def peek_reviews() -> Any:
            whole.append(1)
            return original()

        monkeypatch.setattr(app.store, "peek_reviews", peek_reviews)
        reads = count_reads(monkeypatch, app.store)
        await pilot.press("r", *"A row, not a list.", "ctrl+s")
        await until(pilot, lambda: "A row, not a list." in thread_text(app), "reply shown")
        await settle(pilot, 0.2)
        assert whole == [] and reads == []
        assert sidebar.all_reviews is listed
        after = [(r.id, r.comment_count) for r in sidebar.shown]
        (first_id, first_count), (second_id, second_count) = before
        assert after == [(first_id, first_count), (second_id, second_count + 1)]
        assert sidebar.current_id == second_id
        assert f"{second_count + 1} comment" in sidebar.row_text(1)


@over_budget
async def test_a_reply_that_took_in_another_program_s_change_shows_that_change_too(
    make_app: AppFactory, db_path: Path
) -> None:
    """Our save catches up with another program's reply to another review: the whole
    list is shown again, so that review's new count is not left out."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        other_review = sidebar.shown[1]
        other = Store(db_path)  # another program (a second store on the same file)
        try:
            other.add_reply(other_review.id, None, "cron", "from another program")
        finally:
            other.close()
        await pilot.press("r", *"Mine.", "ctrl+s")
        await until(pilot, lambda: "Mine." in thread_text(app), "reply shown")
        await until(
            pilot,
            lambda: sidebar.shown[1].comment_count == other_review.comment_count + 1,
            "the other program's reply counted in the sidebar",
        )


@over_budget
async def test_another_process_writing_is_still_seen(
    make_app: AppFactory, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui.screens.reader.REFRESH_SECONDS", 0.2)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert isinstance(screen, ReaderScreen)
        await pilot.press("r", *"Mine.", "ctrl+s")
        await settle(pilot, 0.2)
        other = Store(db_path)
        try:
            other.add_reply(screen.query_one(ReviewList).shown[0].id, None, "Other", "Theirs.")
        finally:
            other.close()
        for _ in range(50):
            await pilot.pause(0.1)
            if "Theirs." in thread_text(app):
                break
        text = thread_text(app)
        assert "Mine." in text and "Theirs." in text
        assert screen.query_one(ReviewList).shown[0].comment_count == 5


async def test_our_own_read_marks_never_reload_the_panes_another_program_s_write_does(
    make_app: AppFactory, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The periodic check reloads for another program's change only: a read-mark batch
    of ours (written every few seconds while reading) used to reload both panes."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        reads = count_reads(monkeypatch, app.store)
        review_id = screen.review_id
        assert review_id is not None
        app.store.mark_seen_many({review_id: [c.id for c in app.store.comments(review_id)]})
        reads.clear()  # the line above asked for the comments itself
        screen.check_for_changes()
        await settle(pilot)
        assert reads == []
        other = Store(db_path)  # another program (a second store on the same file)
        try:
            other.add_reply(review_id, None, "cron", "from another program")
        finally:
            other.close()
        screen.check_for_changes()
        await until(pilot, lambda: "from another program" in thread_text(app), "reloaded")
        assert "reviews" in reads and "comments" in reads


@over_budget
async def test_the_composer_closes_at_once_and_is_removed_a_moment_later(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Removing a screen holds the app's queue until its widgets stop, while the reader
    repaints: keys typed as the reply is saved would wait. The composer is suspended
    when it closes and removed ``RETIRE_AFTER`` later; nothing of it stays behind."""
    monkeypatch.setattr(writing, "RETIRE_AFTER", 0.3)
    app = make_app()
    # Whether the composer was still there (suspended) when its removal was put off: looked
    # at as the timer is armed, not after a poll that a loaded machine may make late.
    attached_when_closed: list[bool] = []
    set_timer = app.set_timer

    def arming(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("name") == "retire composer":
            attached_when_closed.append(composer.is_attached)
        return set_timer(*args, **kwargs)

    monkeypatch.setattr(app, "set_timer", arming)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        for text, close in (("Saved 1", "ctrl+s"), ("Draft 2", "escape")):
            await pilot.press("r")
            await until(pilot, lambda: isinstance(app.screen, ReplyComposer), "composer open")
            composer = app.screen
            attached_when_closed.clear()
            await pilot.press(*text, close)
            await until(pilot, lambda: app.screen is screen, "composer closed")
            await until(pilot, lambda: bool(attached_when_closed), "removal put off")
            assert attached_when_closed == [True]  # suspended, not yet removed
            await until(pilot, lambda c=composer: not c.is_attached, "composer removed")
            assert composer not in app.screen_stack
            assert not app.is_screen_installed(composer)
        await pilot.press("j")  # the reader answers keys as before
        assert "Saved 1" in thread_text(app)
