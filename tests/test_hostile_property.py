"""Property: any text at all, as title, body, author, tag or comment, renders and stays inert.

One real app runs for all the examples (``LiveApp``); each example puts its
text straight into the sidebar, the reading pane, the thread, a notification
and the header, bypassing the store's cleaning, and renders the whole screen
as a terminal would receive it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cpu_audit import over_budget
from hostile_corpus import hostile_reviews
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from live_app import LiveApp
from pilot_helpers import settle
from property_counts import examples as example_count
from screen_output import terminal_output
from textual.pilot import Pilot

from tui.app import ReviewsApp
from tui.config import Config
from tui.model import Comment, Review
from tui.text import is_clean
from tui.widgets.comment_thread import CommentThread
from tui.widgets.reading_pane import ReadingPane
from tui.widgets.review_list import ReviewList

# What Textual itself writes for a screen: cursor moves and colours; nothing else may remain.
_TEXTUAL_SEQUENCE = re.compile(r"\x1b\[[0-9;]*[mH]")

HOSTILE_ALPHABET = st.sampled_from(
    [*map(chr, range(0x20)), "\x7f", *map(chr, range(0x80, 0xA0)), *"[]/@=$\\*_`<>#!()"]
)
ANY_TEXT = st.one_of(
    st.text(),  # no surrogates
    st.text(st.characters(exclude_categories=())),  # lone surrogates too
    st.text(HOSTILE_ALPHABET | st.characters(), max_size=60),
)


def _leftover(output: str) -> str:
    """The terminal output with Textual's own sequences removed: only text should remain."""
    return _TEXTUAL_SEQUENCE.sub("", output).replace("\n", "")


@over_budget
def test_any_text_renders_in_every_pane(tmp_path: Path) -> None:
    app = ReviewsApp(tmp_path / "db.json", Config(author="tester"), seed=hostile_reviews)
    examples, wanted = 0, example_count(25)

    with LiveApp(app) as live:

        @settings(
            max_examples=wanted,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(title=ANY_TEXT, body=ANY_TEXT, comment=ANY_TEXT, author=ANY_TEXT)
        def show(title: str, body: str, comment: str, author: str) -> None:
            nonlocal examples
            examples += 1

            async def step(pilot: Pilot[Any]) -> str:
                review = Review(1, title, "2020-01-01", author, body, tags=(title, author))
                comments = [
                    Comment(1, 1, None, author, None, comment),
                    Comment(2, 1, 1, title, "2020-01-02", body, local=True),
                ]
                screen = pilot.app.screen
                screen.query_one(ReviewList).set_reviews([review], keep=1)
                screen.query_one(ReadingPane).show(review)
                screen.query_one(CommentThread).set_comments(comments)
                pilot.app.notify(comment, title=title, markup=False)
                pilot.app.sub_title = title
                await settle(pilot, 0.01)
                return terminal_output(pilot.app)

            output = live.run(step)
            leftover = _leftover(output)
            assert is_clean(leftover), repr([ch for ch in leftover if not is_clean(ch)][:5])
            assert app._exception is None

        show()
    assert examples >= wanted
