"""The reader's start: styled once, in the look its width calls for, from its first frame."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pilot_helpers import ready, settle
from textual.dom import DOMNode

from tui.app import ReviewsApp
from tui.screens.reader import ReaderScreen


@pytest.mark.parametrize(("width", "look"), [(48, "-tiny"), (80, "-narrow"), (120, "-wide")])
async def test_the_reader_opens_in_its_width_s_look_styled_once(
    make_app: Callable[..., ReviewsApp], width: int, look: str
) -> None:
    """The width class is on before the reader's widgets are first styled: the whole
    reader is not styled again when its first resize puts the class on."""
    app = make_app()
    restyled: list[frozenset[str]] = []
    original = app.update_styles

    def recording(node: DOMNode, animate: bool = True) -> None:
        if isinstance(node, ReaderScreen):
            restyled.append(frozenset(node.classes))
        original(node, animate)

    app.update_styles = recording  # type: ignore[method-assign]
    async with app.run_test(size=(width, 40)) as pilot:
        screen = await ready(pilot)
        assert look in screen.classes
        if look == "-tiny":  # a share of the width, the review keeps the most
            assert screen.query_one("#sidebar").size.width <= width * 0.4
        # Once, as Textual restyles a screen that comes to the front; already in its look.
        assert restyled == [frozenset({look})]
        sidebar = screen.query_one("#sidebar").size.width
        await pilot.resize_terminal(200 - width, 40)  # and the look still follows the width
        await settle(pilot)
        other = "-wide" if 200 - width >= 100 else "-narrow"
        assert other in screen.classes and look not in screen.classes
        assert screen.query_one("#sidebar").size.width != sidebar
