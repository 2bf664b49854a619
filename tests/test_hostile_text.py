"""Hostile text through the real app: every pane, the composer, notifications, the palette.

The database is made by the real ``Store`` from ``hostile_reviews()`` (which
cleans at import) and then poisoned with raw escape sequences, as a file
written by anything else could be, so display has to be safe on its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cpu_audit import over_budget
from hostile_corpus import ESCAPES, MARKDOWN, MARKUP, hostile_line, hostile_reviews, poison_database
from pilot_helpers import (
    body_source,
    header_text,
    option_texts,
    ready,
    settle,
    sidebar_lines,
    thread_text,
)
from screen_output import injected_in, terminal_output
from textual import events
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, TextArea
from textual.widgets._toast import Toast

from tui.app import ReviewsApp
from tui.config import Config
from tui.screens.composer import ReplyComposer
from tui.screens.reader import LoadFailed, ReaderScreen
from tui.store import Store
from tui.text import clean, is_clean, one_line


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """A database of hostile reviews, with raw escapes written past the store."""
    path = tmp_path / "hostile" / "reviews.json"
    Store(path, seed=hostile_reviews).close()
    poison_database(path)
    return path


def build(path: Path) -> ReviewsApp:
    return ReviewsApp(path, Config(author="tester \x1b]0;PWNED-me\x07 [/]"), seed=hostile_reviews)


def assert_inert(app: ReviewsApp) -> str:
    """The screen renders, holds none of the injected sequences, and shows their payloads."""
    output = terminal_output(app)
    assert injected_in(output) == []
    return output


@over_budget
async def test_every_pane_shows_hostile_text_verbatim(hostile_db: Path) -> None:
    app = build(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        sidebar = "\n".join(sidebar_lines(app))
        assert clean(ESCAPES["osc0-title"]) in sidebar  # ␛]0;PWNED-title␇, as characters
        assert MARKUP["click"] in sidebar
        header = header_text(app)
        assert "␛]2;PWNED-title2␇" in header and MARKUP["click"] in header
        assert "␛[2JPWNED-clear" in header  # a tag
        body = body_source(app)
        assert is_clean(body)
        for text in [*ESCAPES.values(), *MARKUP.values()]:
            assert clean(text) in body
        comments = thread_text(app)
        assert is_clean(comments)
        for name in ("osc52-clipboard", "c1-osc", "dcs", "csi-colour"):
            assert one_line(ESCAPES[name]) in comments
        # Comments are Markdown (as imports store them): its escape \[ reads as [ (and
        # the line's last \, followed by the next line here, is a line break).
        for name, text in MARKUP.items():
            assert (text if name != "escaped" else "[not a tag]\n") in comments
        # Its HTML stays characters, a link shows its address, a refused one stays text.
        for shown in (
            MARKDOWN["html-block"],
            MARKDOWN["html-inline"],
            MARKDOWN["js-link"],
            "[image: a film still]",
            "the site (https://films.example/review)",
        ):
            assert shown in comments
        output = assert_inert(app)
        assert "PWNED" in output and "␛" in output
        # Walk the thread and the body: every line on screen renders.
        await pilot.press("tab", "tab", "G", "g", "minus", "plus", "shift+tab", "end")
        await settle(pilot)
        assert_inert(app)
        await pilot.press("shift+tab", "j")
        await settle(pilot)
        assert "Odd text" in header_text(app)
        assert_inert(app)


@over_budget
async def test_composer_saves_hostile_text_verbatim(hostile_db: Path) -> None:
    app = build(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "tab", "r")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ReplyComposer)
        typed = "[/] $accent [@click=app.quit]x[/] [bold]b"
        await pilot.press(*typed)
        # A paste carries raw escapes from the clipboard; it arrives cleaned.
        app.post_message(events.Paste(" " + ESCAPES["osc52-clipboard"] + ESCAPES["c1-csi"]))
        await settle(pilot)
        text = composer.query_one("#reply-text", TextArea).text
        assert text.startswith(typed) and is_clean(text)
        assert "␛]52;c;UFdORUQ=␇" in text
        assert_inert(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ReplyComposer)
        assert typed in thread_text(app)
        assert "␛]52;c;UFdORUQ=␇" in thread_text(app)
        assert_inert(app)
    store = Store(hostile_db)
    try:
        mine = [c for c in store.comments(1) if c.local]
    finally:
        store.close()
    assert len(mine) == 1 and mine[0].body.startswith(typed) and is_clean(mine[0].body)


async def test_a_draft_holding_escapes_comes_back_cleaned(hostile_db: Path) -> None:
    app = build(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.drafts.put("review:1", "draft " + ESCAPES["osc0-title"] + MARKUP["auto-close"])
        await pilot.press("r")
        await settle(pilot)
        area = app.screen.query_one("#reply-text", TextArea)
        assert area.text == "draft ␛]0;PWNED-title␇[/]"
        assert_inert(app)


@over_budget
async def test_notifications_header_and_palette_take_hostile_text(hostile_db: Path) -> None:
    app = build(hostile_db)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await ready(pilot)
        app.notify(hostile_line(), title=ESCAPES["osc0-title"] + " [/]", markup=False)
        screen.post_message(LoadFailed(ESCAPES["osc52-clipboard"] + " [/bold] error"))
        app.sub_title = ESCAPES["osc2-title"] + " [/]"
        await settle(pilot)
        toasts = [toast.render() for toast in app.screen.query(Toast)]
        shown = "\n".join(getattr(toast, "plain", str(toast)) for toast in toasts)
        assert len(toasts) >= 2
        assert MARKUP["click"] in shown and "␛]0;PWNED-title␇ [/]" in shown
        assert "␛]52;c;UFdORUQ=␇ [/bold] error" in shown and is_clean(shown)
        assert clean(ESCAPES["osc2-title"]) + " [/]" in terminal_output(app)  # the header
        assert_inert(app)

        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        query = "[/ $accent [@click=app.quit]x[/]"
        await pilot.press(*query)
        app.post_message(events.Paste(ESCAPES["osc8-link"]))
        await settle(pilot, 0.2)
        value = app.screen.query_one(Input).value
        assert value.startswith(query) and is_clean(value)
        assert_inert(app)
        await pilot.press("ctrl+u", *"narrow")
        await settle(pilot, 0.2)
        prompts = option_texts(app.screen.query_one(CommandList))
        assert any(prompt.startswith("Narrower ([)") for prompt in prompts), prompts
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)


@over_budget
async def test_filter_and_search_boxes_take_hostile_text(hostile_db: Path) -> None:
    app = build(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"[/]")
        await settle(pilot)
        assert len(sidebar_lines(app)) == 1
        app.post_message(events.Paste(ESCAPES["csi-clear"]))
        await settle(pilot)
        assert is_clean(app.screen.query_one("#filter", Input).value)
        assert_inert(app)
        await pilot.press("escape", "ctrl+f", *"PWNED")
        await settle(pilot, 0.3)
        assert "match" in terminal_output(app)
        assert_inert(app)


@over_budget
async def test_key_names_from_the_config_keymap_are_shown_inert(hostile_db: Path) -> None:
    keymap = {"reader.help": ESCAPES["osc0-title"], "reader.sort": MARKUP["auto-close"]}
    app = ReviewsApp(hostile_db, Config(author="tester", keymap=keymap), seed=hostile_reviews)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        output = assert_inert(app)  # the footer shows the key as characters
        assert "␛]0;PWNED-title␇" in output
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert_inert(app)
