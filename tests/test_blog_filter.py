"""One blog's reviews alone in the sidebar: ``S``, a blog, ``enter`` (pilot tests with two
local fixture blogs). ``A``, ``n`` and a sync keep to that blog; ``enter`` on it again,
unfollowing it, or a search hit elsewhere shows every review again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from blog_server import BlogServer, FixtureBlog
from cpu_audit import over_budget
from pilot_helpers import ready, settle, sidebar_lines, until
from test_sync_ui import _open_sources, _synced

from tui.app import ReviewsApp
from tui.config import Config
from tui.screens.reader import ReaderScreen
from tui.sources.sync import sync
from tui.store import Store


@pytest.fixture
def back_row() -> Iterator[FixtureBlog]:
    """A second blog, on its own server: one post."""
    server = BlogServer()
    site = FixtureBlog(server, name="Back Row")
    site.add_post("arrival", "Arrival", "Louise learns a language.")
    site.publish()
    try:
        yield site
    finally:
        server.close()


def on_two_blogs(tmp_path: Path, first: FixtureBlog, second: FixtureBlog) -> ReviewsApp:
    """The reader on a database following both blogs, synced."""
    db = tmp_path / "reviews.json"
    store = Store(db)
    for blog in (first, second):
        store.add_source("feed", blog.server.url("/feed/"), title=blog.name)
    sync(store)
    store.close()
    return ReviewsApp(db, Config(author="tester"))


def titles(app: ReviewsApp) -> list[str]:
    """The titles in the sidebar (each review's first row)."""
    return [row.splitlines()[0][2:].strip() for row in sidebar_lines(app)]


def subtitle(app: ReviewsApp) -> str:
    return str(app.screen.query_one("#sidebar").border_subtitle)


@over_budget
async def test_enter_on_a_blog_shows_its_reviews_alone_until_enter_again(
    tmp_path: Path, blog: FixtureBlog, back_row: FixtureBlog
) -> None:
    app = on_two_blogs(tmp_path, blog, back_row)
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await ready(pilot)
        assert sorted(titles(app)) == ["Arrival", "Her", "Moon"]
        screen, _listing = await _open_sources(pilot, app)
        await until(pilot, lambda: screen.check_action("show", ()) is True, "the list")
        assert screen.active_bindings["enter"].binding.description == "Show its reviews"
        await pilot.press("j", "enter")  # Back Row
        await until(pilot, lambda: titles(app) == ["Arrival"], "Back Row's reviews alone")
        assert isinstance(app.screen, ReaderScreen)
        assert "Back Row" in subtitle(app) and "Reviews (1/3)" in str(
            app.screen.query_one("#sidebar").border_title
        )

        # A keeps to the blog shown: the other blog's reviews stay unread.
        unread_before = app.store.unread_review_ids()
        arrival = next(r.id for r in app.store.reviews() if r.title == "Arrival")
        assert arrival in unread_before and len(unread_before) == 3
        await pilot.press("A")
        await until(pilot, lambda: arrival not in app.store.unread_review_ids(), "A written")
        assert app.store.unread_review_ids() == unread_before - {arrival}

        # A sync brings the blog's new post into the filtered list.
        back_row.add_post("dune", "Dune", "Sand.")
        back_row.publish()
        await pilot.press("R")
        await _synced(pilot, app)
        await until(pilot, lambda: sorted(titles(app)) == ["Arrival", "Dune"], "Dune")

        # enter on the blog shown: every review again.
        screen, _listing = await _open_sources(pilot, app)
        await pilot.press("j")
        await settle(pilot)
        assert screen.active_bindings["enter"].binding.description == "Show all reviews"
        await pilot.press("enter")
        await until(pilot, lambda: len(titles(app)) == 4, "every review")
        assert reader.blog is None and "Back Row" not in subtitle(app)


async def test_unfollowing_the_blog_shown_or_a_search_hit_elsewhere_shows_all(
    tmp_path: Path, blog: FixtureBlog, back_row: FixtureBlog
) -> None:
    app = on_two_blogs(tmp_path, blog, back_row)
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await ready(pilot)
        (first, second) = app.store.sources()
        reader.show_blog(second.id, second.title)
        await until(pilot, lambda: titles(app) == ["Arrival"], "Back Row alone")

        her = next(r.id for r in app.store.reviews() if r.title == "Her")
        reader.go_to(her, None)  # a search hit on the other blog
        await settle(pilot)
        assert reader.blog is None and len(titles(app)) == 3 and reader.review_id == her

        reader.show_blog(second.id, second.title)
        await until(pilot, lambda: titles(app) == ["Arrival"], "Back Row alone again")
        await _open_sources(pilot, app)
        await pilot.press("j", "u", "y")  # unfollow Back Row: its review stays
        await until(pilot, lambda: reader.blog is None, "the filter dropped")
        await pilot.press("escape")
        await until(pilot, lambda: len(titles(app)) == 3, "every review")
    assert [s.id for s in Store(app.db_path).sources()] == [first.id]
