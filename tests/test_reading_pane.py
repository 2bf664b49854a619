"""The reading pane on its own: what it draws, when it draws again, and its keys."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from cpu_audit import over_budget
from pilot_helpers import ready, settle
from textual.app import App, ComposeResult

from tui.display import LiteralMarkdown
from tui.model import Review
from tui.widgets import reading_pane
from tui.widgets.reading_pane import LONG_BODY, NO_REVIEW, ReadingPane

BODY = "\n\n".join(
    f"Paragraph {i}: a *quiet* film about [red]love[/red] and loss." for i in range(40)
)
REVIEW = Review(
    1,
    "Her [bold]not bold[/] $accent",
    "2014-03-06",
    "Critic [@click=app.quit]x[/]",
    BODY,
    tags=("drama",),
    film="Her",
    year=2013,
)


class PaneApp(App[None]):
    """Only the reading pane, styled as the reader styles it."""

    CSS = """
    #reading {
        border: round $panel-lighten-2;
        padding: 0 1;
        scrollbar-gutter: stable;
    }
    """

    def compose(self) -> ComposeResult:
        yield ReadingPane(id="reading")


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Markdown body the pane renders, in order."""
    seen: list[str] = []

    def counting(body: str) -> LiteralMarkdown:
        seen.append(body)
        return LiteralMarkdown(body)

    monkeypatch.setattr(reading_pane, "literal_markdown", counting)
    return seen


def pane_of(app: App[Any]) -> ReadingPane:
    return app.screen.query_one(ReadingPane)


async def test_header_rule_and_body_are_drawn_as_lines() -> None:
    app = PaneApp()
    async with app.run_test(size=(80, 30)) as pilot:
        pane = pane_of(app)
        pane.show(REVIEW)
        await pilot.pause()
        lines = [line.rstrip() for line in pane.lines]
        assert lines[0] == "Her [bold]not bold[/] $accent"  # literal, never markup
        assert "Critic [@click=app.quit]x[/]" in lines[1]
        rule = lines.index("─" * pane.scrollable_content_region.width)
        assert lines[rule - 1] == lines[rule + 1] == ""
        assert lines[rule + 2] == "Paragraph 0: a quiet film about [red]love[/red] and loss."
        assert not pane.is_plain and pane.body_markdown == BODY
        assert pane.header_text.startswith("Her [bold]not bold[/]")
        assert all(len(line) <= pane.scrollable_content_region.width for line in lines)
        assert pane.virtual_size.height == len(lines)
        # What the terminal shows is the same lines.
        assert pane.render_line(0).text.rstrip() == lines[0]


async def test_no_review_shows_a_hint() -> None:
    app = PaneApp()
    async with app.run_test(size=(80, 30)) as pilot:
        pane = pane_of(app)
        pane.show(REVIEW)
        pane.show(None)
        await pilot.pause()
        assert [line.rstrip() for line in pane.lines] == [NO_REVIEW]
        assert pane.header_text == NO_REVIEW and pane.body_markdown == ""


async def test_a_long_body_is_plain_text_with_a_note() -> None:
    body = "word [b]x[/b] *y* " * (LONG_BODY // 10)
    app = PaneApp()
    async with app.run_test(size=(80, 30)) as pilot:
        pane = pane_of(app)
        pane.show(replace(REVIEW, body=body))
        await pilot.pause()
        assert pane.is_plain and pane.body_markdown == body
        text = "\n".join(pane.lines)
        assert "A very long review (90 thousand characters): shown as plain text" in text
        assert "word [b]x[/b] *y*" in text


@over_budget
async def test_markdown_is_rendered_once_per_review_and_width(renders: list[str]) -> None:
    app = PaneApp()
    async with app.run_test(size=(80, 30)) as pilot:
        pane = pane_of(app)
        pane.show(REVIEW)
        await pilot.pause()
        assert renders == [BODY]
        wide = pane.lines
        # Focus and scrolling draw from the lines already rendered.
        pane.focus()
        await pilot.press("j", "space", "k")
        pane.blur()
        await pilot.pause()
        assert renders == [BODY]
        # A new width wraps again.
        await pilot.resize_terminal(50, 30)
        await pilot.pause()
        assert len(renders) == 2 and pane.lines != wide
        assert all(len(line) <= pane.scrollable_content_region.width for line in pane.lines)


async def test_a_theme_change_draws_in_the_new_colours(renders: list[str]) -> None:
    app = PaneApp()
    app.theme = "textual-dark"
    async with app.run_test(size=(80, 30)) as pilot:
        pane = pane_of(app)
        pane.show(REVIEW)
        await pilot.pause()
        dark = [segment.style for segment in pane.render_line(0)]
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        assert len(renders) == 2
        assert [segment.style for segment in pane.render_line(0)] != dark


@over_budget
async def test_keys_scroll_and_a_reload_keeps_the_place() -> None:
    app = PaneApp()
    async with app.run_test(size=(80, 30)) as pilot:

        async def press(*keys: str) -> None:
            await pilot.press(*keys)
            await pilot.pause()

        pane = pane_of(app)
        pane.show(REVIEW)
        pane.focus()
        await pilot.pause()  # the scroll bar appears with the next layout
        await press("j", "j")
        assert pane.scroll_y == 2
        await press("k")
        assert pane.scroll_y == 1
        await press("space")
        assert pane.scroll_y > 10
        await press("end")
        assert pane.scroll_y == pane.max_scroll_y > 0
        assert "Paragraph 39" in "\n".join(
            pane.render_line(y).text for y in range(pane.size.height)
        )
        await press("home")
        assert pane.scroll_y == 0
        await press("pagedown")
        where = pane.scroll_y
        assert where > 0
        pane.show(replace(REVIEW, title="Her, edited"), keep_scroll=True)
        await pilot.pause()
        assert pane.scroll_y == where and pane.header_text.startswith("Her, edited")
        pane.show(replace(REVIEW, id=2))
        await pilot.pause()
        assert pane.scroll_y == 0


async def test_a_review_drawn_ahead_is_shown_without_rendering_again(
    renders: list[str],
) -> None:
    app = PaneApp()
    async with app.run_test(size=(80, 30)) as pilot:
        pane = pane_of(app)
        pane.show(REVIEW)
        await pilot.pause()
        other = replace(REVIEW, id=2, body="Another *film*.")
        pane.prepare(other)
        assert renders == [BODY, "Another *film*."]
        pane.show(other)
        await pilot.pause()
        assert renders == [BODY, "Another *film*."]
        assert "Another film." in [line.rstrip() for line in pane.lines]
        # Back to the first: still drawn. An edited review is drawn afresh.
        pane.show(REVIEW)
        pane.show(replace(other, body="Edited."))
        await pilot.pause()
        assert renders == [BODY, "Another *film*.", "Edited."]
        lines = [line.rstrip() for line in pane.lines]
        assert "Edited." in lines and "Another film." not in lines


@over_budget
async def test_the_reader_draws_the_next_review_before_its_key(
    make_app: Any, renders: list[str]
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert any("An older review." in body for body in renders)  # the one below
        before = len(renders)
        await pilot.press("j")
        await settle(pilot)
        assert "Older film" in pane_of(app).header_text
        assert any("An older review." in line for line in pane_of(app).lines)
        # Shown from the lines drawn ahead; only its own neighbour (the first) was
        # already drawn too, so nothing is rendered for this key.
        assert len(renders) == before
