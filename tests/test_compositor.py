"""The reader's partial updates are the ones Textual's own compositor makes (tui/compositor.py).

On the real reader screen, in several states (first screen, sidebar scrolled, the
thread focused, the sidebar hidden), the same changed areas are composed twice: by
the reader's compositor and by Textual's ``Compositor._get_renders`` on the same
compositor, and the terminal bytes of the two updates must be equal, byte for byte
(but for cursor moves with nothing written after them).
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from pilot_helpers import ready, settle
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region

from tui.app import ReviewsApp
from tui.compositor import ShownAreaCompositor
from tui.config import Config
from tui.model import ParsedComment, ParsedReview
from tui.screens.reader import ReaderScreen
from tui.widgets.review_list import ReviewList

SIZE = (100, 30)
IDLE_MOVE = re.compile(r"\x1b\[\d+;\d+H(?=\x1b\[\d+;\d+H|\n|$)")
"""A cursor move with nothing written after it. Textual sends one for a piece that
starts just past the changed area (its strip cut to nothing); drawn or not, the
terminal shows the same."""


def many_reviews() -> list[ParsedReview]:
    """Forty reviews (more than the sidebar shows), the newest with a thread."""
    reviews = []
    for number in range(40, 0, -1):
        comments = tuple(
            ParsedComment(f"Reader {n}", "2020-01-02", f"Comment {n} on {number}.")
            for n in range(3 if number == 40 else 0)
        )
        reviews.append(
            ParsedReview(
                title=f"Film number {number}",
                date=f"2020-01-{1 + number % 28:02d}",
                body=f"Review {number}.\n\n" + "A paragraph of words. " * 30,
                source="test",
                source_id=f"test:{number}",
                comments=comments,
            )
        )
    return reviews


def update_bytes(app: ReviewsApp, compositor: Compositor, regions: list[Region]) -> str:
    """The terminal bytes of a partial update of ``regions``, as Textual builds it."""
    crop = Region.from_union(regions).intersection(compositor.size.region)
    spans = list(compositor._regions_to_spans(regions))
    rows = {y for y, _, _ in spans}
    chops = compositor._render_chops(crop, rows.__contains__)
    ends = [cuts[1:] for cuts in compositor.cuts]
    return IDLE_MOVE.sub("", ChopsUpdate(chops, spans, ends).render_segments(app.console))


def textuals(compositor: Compositor, regions: list[Region], app: ReviewsApp) -> str:
    """The same update composed with Textual's own ``_get_renders``."""
    compositor._get_renders = Compositor._get_renders.__get__(compositor)  # type: ignore[method-assign]
    try:
        return update_bytes(app, compositor, regions)
    finally:
        del compositor._get_renders


def areas(screen: ReaderScreen, rng: random.Random) -> list[list[Region]]:
    """Changed areas to compose: each widget's own, two sidebar rows, random boxes."""
    width, height = SIZE
    found: list[list[Region]] = [[Region(0, 0, width, height)]]
    for widget in screen.query("*"):
        region = widget.region
        if region:
            found.append([region])
            found.append([region, Region(region.x, region.y, region.width, 1)])
    sidebar = screen.query_one(ReviewList).region
    found.append([Region(sidebar.x, sidebar.y + 2, sidebar.width, 2)] * 2)
    found.append(
        [
            Region(sidebar.x, sidebar.y, sidebar.width, 2),
            Region(sidebar.x, sidebar.y + 10, sidebar.width, 2),
        ]
    )
    for _ in range(60):
        boxes = []
        for _ in range(rng.randint(1, 3)):
            x, y = rng.randrange(width), rng.randrange(height)
            boxes.append(Region(x, y, rng.randint(1, width - x), rng.randint(1, height - y)))
        found.append(boxes)
    return found


@pytest.mark.slow  # every changed area against Textual's compositor (tests/test_markers.py)
async def test_partial_updates_match_textuals_compositor(tmp_path: Path) -> None:
    app = ReviewsApp(tmp_path / "reviews.json", Config(author="tester"), seed=many_reviews)
    rng = random.Random(17)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        compositor = screen._compositor
        assert isinstance(compositor, ShownAreaCompositor)
        compared = 0

        async def compare(state: str) -> None:
            nonlocal compared
            await settle(pilot)
            for regions in areas(screen, rng):
                ours = update_bytes(app, compositor, regions)
                assert ours == textuals(compositor, regions, app), (state, regions)
                compared += 1

        await compare("first screen")
        for _ in range(25):  # past the bottom: the sidebar scrolls
            await pilot.press("j")
        assert screen.query_one(ReviewList).scroll_offset.y > 0
        await compare("sidebar scrolled")
        await pilot.press("tab")
        await compare("thread focused")
        await pilot.press("b")  # the sidebar hidden
        await compare("sidebar hidden")
        assert compared > 4 * 60


async def test_a_scrolled_sidebar_composes_only_the_sidebar(tmp_path: Path) -> None:
    # What the change is for: a frame that only scrolls the sidebar asks nothing of
    # the reading pane's column, the header or the key bar.
    app = ReviewsApp(tmp_path / "reviews.json", Config(author="tester"), seed=many_reviews)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        asked: list[Any] = []
        compositor = screen._compositor
        renders = compositor._get_renders

        def noted(crop: Region | None = None) -> Any:
            for region, clip, lines in renders(crop):
                asked.append(region)
                yield region, clip, lines

        compositor._get_renders = noted  # type: ignore[method-assign]
        try:
            update_bytes(app, compositor, [sidebar.region])
        finally:
            del compositor._get_renders
        assert sidebar.region in asked
        assert all(sidebar.region.contains_region(region) for region in asked), asked
