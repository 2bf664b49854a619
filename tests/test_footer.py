"""The key bar follows the keys that work, and is rebuilt only when they change."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cpu_audit import over_budget
from pilot_helpers import ready, settle, step
from textual.dom import DOMNode
from textual.widgets._footer import FooterKey

from tui.app import ReviewsApp
from tui.screens.composer import ReplyComposer
from tui.widgets.comment_thread import CommentThread
from tui.widgets.footer import NARROW, KeyBar


def labels(bar: KeyBar) -> list[str]:
    return [key.description for key in bar.shown_keys()]


def all_keys_fit(bar: KeyBar) -> bool:
    """Every key on show ends before the palette hint (or, without one, the bar's end)."""
    keys = bar.shown_keys()
    palette = [key for key in keys if key.has_class("-command-palette")]
    plain = [key for key in keys if not key.has_class("-command-palette")]
    end = palette[0].region.x if palette else bar.region.right
    return plain[-1].region.right <= end


@over_budget
async def test_every_key_fits_as_the_terminal_narrows_and_widens(
    make_app: Callable[..., ReviewsApp],
) -> None:
    """On your own reply (the most keys) ``? Help`` and ``q Quit`` were cut off at
    100-102 columns, and at any width under 100 reached by narrowing the terminal (the
    palette hint stayed). The look is the one that fits, and it stays at a width."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "tab", "r", *"mine", "ctrl+s")
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        assert {"Edit", "Delete", "Help", "Quit"} <= set(labels(bar))
        looks = {}
        for width in (120, 104, 103, 102, 101, 100, 90, 80, 120):
            with step(f"{width} columns"):
                await pilot.resize_terminal(width, 40)
                await settle(pilot)
                assert all_keys_fit(bar), labels(bar)
                assert [label for label in labels(bar) if label != "palette"][-2:] == [
                    "Help",
                    "Quit",
                ]
                assert bar.show_command_palette is not bar.compact
                looks[width] = bar.compact
        assert looks[120] is False and looks[80] is True and looks[90] is True
        assert any(looks[width] for width in (100, 101, 102))  # compact though >= NARROW
        with step("compact at a width stays so on the sidebar, whose keys would fit"):
            await pilot.resize_terminal(101, 40)
            await settle(pilot)
            assert bar.compact
            await pilot.press("shift+tab", "shift+tab")
            await settle(pilot)
            assert "Edit" not in labels(bar) and bar.compact


@over_budget
async def test_moving_through_reviews_rebuilds_nothing(
    make_app: Callable[..., ReviewsApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one(KeyBar)
        before = bar.rebuilds
        assert "Reply" in labels(bar) and "Filter" in labels(bar)
        for key in ("j", "k", "j", "k"):
            await pilot.press(key)
            await settle(pilot)
        assert bar.rebuilds == before


@over_budget
async def test_keys_that_come_with_the_comments_pane_appear_and_go(
    make_app: Callable[..., ReviewsApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one(KeyBar)
        assert "New" not in labels(bar)
        screen.query_one(CommentThread).focus()
        await settle(pilot)
        assert "New" in labels(bar) and "Fold" in labels(bar)
        rebuilt = bar.rebuilds
        screen.query_one("#reviews").focus()
        await settle(pilot)
        assert "New" not in labels(bar)
        assert bar.rebuilds == rebuilt + 1
        # Whatever the route, the bar shows what a fresh one would.
        assert bar.shows() == bar._shown


async def test_a_burst_of_changes_is_one_rebuild(make_app: Callable[..., ReviewsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one(KeyBar)
        thread = screen.query_one(CommentThread)
        before = bar.rebuilds
        thread.focus()
        screen.refresh_bindings()
        screen.refresh_bindings()
        await settle(pilot)
        assert bar.rebuilds == before + 1


@over_budget
async def test_the_composer_shows_its_own_keys(make_app: Callable[..., ReviewsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReplyComposer)
        shown = labels(app.screen.query_one(KeyBar))
        assert shown and "Filter" not in shown


@pytest.mark.parametrize("width", [80, 120])
async def test_each_key_is_built_in_the_bar_s_look(
    make_app: Callable[..., ReviewsApp], width: int
) -> None:
    """Compact below NARROW columns, from the start: no key's styles are worked out again
    while the reader starts (each key's were, compact and then, on a wide bar, not), but
    the palette key's, once, as Textual makes it."""
    app = make_app()
    restyled: list[str] = []
    original = app.update_styles

    def recording(node: DOMNode, animate: bool = True) -> None:
        if isinstance(node, FooterKey):
            restyled.append(node.description)
        original(node, animate)

    app.update_styles = recording  # type: ignore[method-assign]
    async with app.run_test(size=(width, 40)) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one(KeyBar)
        assert bar.compact is (width < NARROW)
        assert bar.show_command_palette is (width >= NARROW)
        keys = list(bar.query(FooterKey))
        assert "Reply" in [key.description for key in keys]
        for key in keys:
            # The palette key (wide bars only) keeps Textual's compact look.
            assert key.compact is (width < NARROW or key.has_class("-command-palette"))
            assert key.has_class("-compact") is key.compact
    assert restyled == (["palette"] if width >= NARROW else [])


def keys_shown(bar: KeyBar) -> list[tuple[str, str, str, str, bool, str | None]]:
    """Every key widget of the bar: what it shows and does, in order."""
    return [
        (
            key.key,
            key.key_display,
            key.description,
            key.action,
            key.has_class("-disabled"),
            str(key.tooltip) if key.tooltip else None,
        )
        for key in bar.shown_keys()
    ]


@over_budget
async def test_keys_changed_in_place_look_as_a_rebuilt_bar(
    make_app: Callable[..., ReviewsApp],
) -> None:
    """Focus moving between panes (more keys, then fewer) changes the key widgets in
    place; the bar then shows, to the cell, what Textual's own rebuild shows."""
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one(KeyBar)
        for target in (screen.query_one(CommentThread), screen.query_one("#reviews")):
            before = [id(key) for key in bar.query(FooterKey)]
            target.focus()
            await settle(pilot)
            after = [id(key) for key in bar.query(FooterKey)]
            assert set(before) & set(after), "the keys were rebuilt, not changed in place"
            changed = (keys_shown(bar), pilot.app.export_screenshot())
            bar.call_later(bar.recompose)  # in the bar's own context, as Footer does it
            await settle(pilot)
            assert not set(after) & {id(key) for key in bar.query(FooterKey)}
            assert (keys_shown(bar), pilot.app.export_screenshot()) == changed
