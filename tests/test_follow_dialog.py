"""Following a blog from the reader: ``S``, ``a``, its address, ``enter`` (pilot tests
against the local fixture blog); and the address rules ``reviews follow`` shares."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from blog_server import FixtureBlog
from cpu_audit import over_budget
from pilot_helpers import option_texts, ready, settle, sidebar_lines, until
from test_auto_sync import said_by
from test_sync_ui import _followed, _open_sources
from textual.widgets import Input, Static

from tui.app import ReviewsApp
from tui.screens.follow import FollowScreen
from tui.screens.sources import SourcesScreen
from tui.sources.following import follow
from tui.sources.http import Fetcher, FetchError
from tui.store import Store


def status(app: ReviewsApp) -> str:
    screen = app.screen
    assert isinstance(screen, FollowScreen)
    return str(screen.query_one("#asking-status", Static).render())


async def test_a_blog_followed_from_the_reader_by_its_site_address(
    make_app: Callable[..., ReviewsApp], blog: FixtureBlog
) -> None:
    app = make_app()
    said = said_by(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen, _listing = await _open_sources(pilot, app)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, FollowScreen), "the follow dialog")
        assert "a" in screen.active_bindings
        await pilot.press(*blog.server.url("/"), "enter")  # the site: its feed is found
        await until(pilot, lambda: app.screen is screen, "the dialog closed")
        await until(pilot, lambda: any(s.startswith("Following") for s in said), "fetched")
        assert said[-1] == "Following Matinee: 2 new reviews, 2 new comments"
        await until(pilot, lambda: any("Matinee" in t for t in option_texts(_listing)), "listed")
        await pilot.press("escape")
        await settle(pilot)
        shown = "\n".join(sidebar_lines(app))
        assert "Her" in shown and "Moon" in shown
    (source,) = Store(app.db_path).sources()
    assert source.url == blog.server.url("/feed/") and source.status == "ok"


@over_budget
async def test_a_wrong_address_is_said_in_the_dialog_which_keeps_it_to_mend(
    make_app: Callable[..., ReviewsApp], blog: FixtureBlog
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await _open_sources(pilot, app)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, FollowScreen), "the follow dialog")
        dialog = app.screen
        await pilot.press("enter")
        assert status(app) == "Type the address of a blog or of its feed."
        page = blog.server.url("/her/")  # a page that names no feed
        await pilot.press(*page, "enter")
        await until(pilot, lambda: "Could not follow it" in status(app), "the reason")
        assert "rel=" in status(app) and page in status(app)
        box = dialog.query_one("#follow-url", Input)
        assert box.value == page and not box.disabled and box.has_focus
        await pilot.press("b")  # typing again clears the reason
        assert status(app) == ""
        box.value = blog.server.url("/[bold]x[/]")  # markup in what is echoed stays text
        await pilot.press("enter")
        await until(pilot, lambda: "Could not follow it" in status(app), "the reason")
        assert "/[bold]x[/]" in status(app)
        box.value = blog.server.url("/feed/")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SourcesScreen), "followed")
    assert len(Store(app.db_path).sources()) == 1


async def test_a_blog_followed_already_is_said_so_and_nothing_is_added(
    tmp_path: Path, make_app: Callable[..., ReviewsApp], blog: FixtureBlog
) -> None:
    app = make_app()
    _followed(app.db_path, blog)
    said = said_by(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.action_follow()  # the palette's command
        await until(pilot, lambda: isinstance(app.screen, FollowScreen), "the follow dialog")
        await pilot.press(*blog.server.url("/"), "enter")
        await until(pilot, lambda: bool(said), "the answer")
        assert said == ["Already following Matinee (source 1)."]
        assert not app.syncing.running
    assert len(Store(app.db_path).sources()) == 1


def test_an_address_without_its_scheme_is_taken_as_https(db_path: Path) -> None:
    store = Store(db_path)
    with Fetcher(deadline=5) as fetcher, pytest.raises(FetchError) as raised:
        follow(store, "  films.invalid/blog ", fetcher)
    assert "https://films.invalid/blog" in str(raised.value)
    assert store.sources() == []
    store.close()
