"""Very large or odd text stays usable: a 1 MB body, huge words, 10,000 comments, odd Unicode."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hostile_corpus import ODD
from hypothesis import given, settings
from hypothesis import strategies as st
from pilot_helpers import ready, settle, thread_text, until
from property_counts import examples
from rich.cells import cell_len
from screen_output import injected_in, terminal_output
from textual.geometry import Region

from tui.app import ReviewsApp
from tui.config import Config
from tui.model import ParsedComment, ParsedReview
from tui.text import clean
from tui.widgets.comment_thread import CommentThread
from tui.widgets.long_text import wrap_lines
from tui.widgets.reading_pane import LONG_BODY, ReadingPane

MEGABYTE_BODY = "\n\n".join(
    f"Paragraph {i}: a *quiet* film about love, loss and [links](https://x.example/{i}). " * 12
    for i in range(1_050)
)
assert len(MEGABYTE_BODY) > 1_000_000


def big_reviews() -> list[ParsedReview]:
    """Newest first: an odd one, one with 10,000 comments, a 1 MB one."""
    many = tuple(
        ParsedComment(
            f"reader {i}",
            "2020-01-01",
            f"comment {i} " + "words " * 15,
            source_id=f"c{i}",
            replies=(ParsedComment("replier", None, "a reply", source_id=f"r{i}"),)
            if i % 100 == 0
            else (),
        )
        for i in range(9_900)
    )
    odd = tuple(
        ParsedComment(text[:30] or name, None, text, source_id=f"odd:{name}")
        for name, text in ODD.items()
    )
    return [
        ParsedReview(
            title=ODD["long-word"],
            date="2020-03-03",
            body="\n\n".join(ODD.values()),
            author=ODD["combining"],
            tags=(ODD["wide-long-word"][:50], "🎬"),
            film=ODD["rtl"],
            comments=odd,
            source="t",
            source_id="odd",
        ),
        ParsedReview(
            title="Ten thousand comments",
            date="2020-02-02",
            body="Read on.",
            comments=many,
            source="t",
            source_id="many",
        ),
        ParsedReview(
            title="A megabyte",
            date="2020-01-01",
            body=MEGABYTE_BODY,
            source="t",
            source_id="mb",
        ),
    ]


def regions(app: ReviewsApp) -> dict[str, Region]:
    """Where the panes sit: a hostile review must not move them.

    The comments take the height their thread needs, up to half of the right-hand
    column, so that column is what stays put, with the comments inside their half.
    """
    content = app.screen.query_one("#content").region
    reading, comments = (app.screen.query_one(name).region for name in ("#reading", "#comments"))
    assert reading.height + comments.height == content.height
    assert comments.height <= content.height // 2
    return {name: app.screen.query_one(name).region for name in ("#sidebar", "#content")}


@pytest.mark.slow
async def test_huge_and_odd_text_keeps_every_pane_in_place(tmp_path: Path) -> None:
    app = ReviewsApp(tmp_path / "db.json", Config(author="tester"), seed=big_reviews)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        layout = regions(app)
        # The odd review: a 5,000-character title and word, CJK, RTL, combining, zero-width.
        header = app.screen.query_one(ReadingPane).header_text
        assert "x" * 399 + "…" in header and "x" * 401 not in header
        assert ODD["cjk"] in thread_text(app) and ODD["zero-width"] in thread_text(app)
        assert regions(app) == layout
        assert injected_in(terminal_output(app)) == []

        # 10,000 comments: shown as lines, the last one reachable.
        await pilot.press("j")
        await settle(pilot)
        thread = app.screen.query_one(CommentThread)
        assert len(thread.rows) == 9_900 + 99
        thread.focus()
        await pilot.press("G")
        assert thread.current is not None and thread.current.body.startswith("comment 9899")
        assert regions(app) == layout
        terminal_output(app)

        # The megabyte: plain lines with a note, shown quickly, scrollable to the end.
        await pilot.press("shift+tab", "shift+tab")
        started = time.perf_counter()
        await pilot.press("j")
        await settle(pilot, 0.01)
        shown_in = time.perf_counter() - started
        pane = app.screen.query_one(ReadingPane)
        assert len(MEGABYTE_BODY) > LONG_BODY and pane.is_plain
        assert "shown as plain text" in "\n".join(pane.lines[:10])
        assert len(pane.lines) > 10_000
        assert pane.body_markdown.startswith("Paragraph 0: a *quiet* film")
        assert any("Paragraph 0: a *quiet* film" in line for line in pane.lines[:10])
        assert shown_in < 5.0, f"the 1 MB review took {shown_in:.2f} s to show"
        pane.focus()
        await pilot.press("end")
        await until(pilot, lambda: pane.scroll_y > 10_000, "scrolled to the end")
        # The end is drawn in the frame after the scroll lands; a loaded machine may be a
        # few frames late, so look again for up to 10 s before calling it missing.
        for _ in range(200):
            if "Paragraph 1049" in terminal_output(app):
                break
            await pilot.pause(0.05)
        assert "Paragraph 1049" in terminal_output(app)
        assert regions(app) == layout

        # And back to a short review: Markdown again, the plain view hidden.
        await pilot.press("shift+tab", "k")
        await settle(pilot)
        assert not pane.is_plain
        assert "shown as plain text" not in "\n".join(pane.lines)
        assert "Read on." in [line.strip() for line in pane.lines]


@settings(max_examples=examples(100), deadline=None)
@given(st.text(), st.integers(min_value=1, max_value=120))
def test_wrapped_lines_fit_and_keep_every_word(text: str, width: int) -> None:
    text = clean(text)  # as the reading pane does before wrapping
    lines = wrap_lines(text, width)
    assert all(cell_len(line) <= max(width, 2) for line in lines)
    assert "".join(text.expandtabs(4).split()) == "".join("".join(lines).split())


def test_wide_characters_are_never_split() -> None:
    lines = wrap_lines(ODD["wide-long-word"], 11)
    assert all(cell_len(line) <= 11 for line in lines)
    assert "".join(lines) == ODD["wide-long-word"]
