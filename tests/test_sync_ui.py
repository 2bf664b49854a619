"""`R` and the sources screen, driven with keys against the local fixture blog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from blog_server import FixtureBlog
from cpu_audit import over_budget
from pilot_helpers import option_texts, ready, settle, sidebar_lines, until
from textual.pilot import Pilot
from textual.widgets import OptionList, TextArea

from tui.app import ReviewsApp
from tui.config import Config
from tui.screens.composer import ReplyComposer
from tui.screens.sources import SourcesScreen
from tui.sources.sync import sync
from tui.store import Store
from tui.widgets.review_list import ReviewList


def _followed(db: Path, blog: FixtureBlog) -> None:
    store = Store(db)
    store.add_source(
        "feed",
        blog.server.url("/feed/"),
        title="Matinee",
        comments=blog.server.url("/comments/feed/"),
    )
    sync(store)
    store.close()


async def _synced(pilot: Pilot[Any], app: ReviewsApp) -> list[str]:
    """Wait for the sync to end; the header texts seen meanwhile."""
    seen = []
    for _ in range(200):
        seen.append(app.sub_title)
        if not app.syncing.running:
            break
        await pilot.pause(0.05)
    await settle(pilot, 0.1)
    return seen


async def _open_sources(pilot: Pilot[Any], app: ReviewsApp) -> tuple[SourcesScreen, OptionList]:
    """Press S: the sources screen, and its list."""
    await pilot.press("S")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, SourcesScreen)
    return screen, screen.query_one("#source-list", OptionList)


@over_budget
async def test_r_syncs_in_place_keeping_the_cursor(tmp_path: Path, blog: FixtureBlog) -> None:
    db = tmp_path / "reviews.json"
    _followed(db, blog)
    app = ReviewsApp(db, Config(author="tester"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        await pilot.press("j")
        await settle(pilot)
        on = sidebar.current_id
        blog.add_post(
            "arrival",
            "Arrival",
            "Louise learns a language.",
            date="Mon, 01 Jan 2024 10:00:00 +0000",
        )
        blog.add_comment(blog.posts[0], "Cy", "A third voice.")
        blog.publish()
        blog.server.routes["/feed/"].delay = 0.5  # a slow blog: the progress stays on screen
        await pilot.press("R")
        headers = await _synced(pilot, app)
        assert any(h.startswith("syncing") for h in headers)
        assert app.sub_title == ""
        assert any("Arrival" in line for line in sidebar_lines(app))
        assert sidebar.current_id == on  # the cursor stayed on its review
        store = Store(db)
        assert len(store.reviews()) == 3
        store.close()


@over_budget
async def test_a_sync_leaves_the_composers_text_alone(tmp_path: Path, blog: FixtureBlog) -> None:
    db = tmp_path / "reviews.json"
    _followed(db, blog)
    app = ReviewsApp(db, Config(author="tester"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("r", *"half a thought")
        await settle(pilot)
        assert isinstance(app.screen, ReplyComposer)
        blog.add_comment(blog.posts[1], "Eve", "Moon is underrated.")
        blog.publish()
        await pilot.press("R")  # typed into the reply, not a sync
        assert not app.syncing.running
        app.action_sync()  # the palette's command
        await _synced(pilot, app)
        assert isinstance(app.screen, ReplyComposer)
        assert app.screen.query_one(TextArea).text == "half a thoughtR"


async def test_the_sidebar_marks_read_reviews_with_new_comments(
    tmp_path: Path, blog: FixtureBlog
) -> None:
    db = tmp_path / "reviews.json"
    _followed(db, blog)
    store = Store(db)
    marks = {r.id: [c.id for c in store.comments(r.id)] for r in store.reviews()}
    store.mark_seen_many(marks)
    her = next(r.id for r in store.reviews() if r.title == "Her")
    store.close()
    blog.add_comment(blog.posts[0], "Cy", "A third voice.")
    blog.publish()
    app = ReviewsApp(db, Config(author="tester"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        assert not sidebar.has_new_comments(her)
        if screen.review_id == her:
            await pilot.press("j")  # away from Her: a review on show has its comments seen
            await settle(pilot)
        assert screen.review_id != her
        await pilot.press("R")
        await _synced(pilot, app)
        assert sidebar.has_new_comments(her)
        assert any(line.startswith("+ Her") for line in sidebar_lines(app))


@over_budget
async def test_the_sources_screen_lists_status_and_last_error(
    tmp_path: Path, blog: FixtureBlog
) -> None:
    db = tmp_path / "reviews.json"
    _followed(db, blog)
    store = Store(db)
    store.add_source("feed", blog.server.url("/gone/"))
    store.close()
    app = ReviewsApp(db, Config(author="tester"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen, listing = await _open_sources(pilot, app)
        assert "never synced" in option_texts(listing)[1]
        assert {"R", "u"} <= screen.active_bindings.keys()  # both in the key bar
        await pilot.press("R")  # from the sources screen, as its hint says
        await _synced(pilot, app)
        await until(pilot, lambda: "failed" in option_texts(listing)[1], "the list read again")
        texts = option_texts(listing)
        assert texts[0].startswith("  1  Matinee  ok")
        assert "2 reviews, 2 comments" in texts[0]
        assert "the server answered 404 Not Found" in texts[1]
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SourcesScreen)


@over_budget
async def test_with_nothing_followed_the_sources_screen_says_how_and_r_answers(
    make_app: Callable[..., ReviewsApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen, listing = await _open_sources(pilot, app)
        assert option_texts(listing) == ["No blogs followed yet: press a to follow one"]
        assert "u" not in screen.active_bindings  # nothing to unfollow: no dead key shown
        await pilot.press("R")
        await _synced(pilot, app)
        messages = [notification.message for notification in app._notifications]
        assert messages == ["No blogs followed yet: press S, then a, to follow one."]
        assert app.screen is screen
