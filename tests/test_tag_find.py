"""The tag picker narrows its list as you type after ``/``: real corpora carry hundreds
of tags (the Guardian feed alone has over a hundred), too many to reach with ``j``."""

from __future__ import annotations

from pathlib import Path

from cpu_audit import over_budget
from pilot_helpers import option_texts, ready, settle, step
from textual.widgets import Input, OptionList, Static
from textual.widgets._footer import FooterKey

from tui.app import ReviewsApp
from tui.config import Config
from tui.model import ParsedReview
from tui.screens.reader import ReaderScreen
from tui.screens.tags import TagPicker, tag_matches
from tui.text import fold
from tui.widgets.review_list import ReviewList

# Forty filler tags, so that the ones the test looks for are far down the list.
FILLER = tuple(f"filler {n:02}" for n in range(40))


def tagged_reviews() -> list[ParsedReview]:
    """Reviews whose tags need finding: accents, two words, markup-like text."""
    return [
        ParsedReview("Crowded", "2024-01-05", "Many tags.", tags=FILLER, source_id="crowd"),
        ParsedReview("Crowded too", "2024-01-04", "More.", tags=FILLER, source_id="crowd2"),
        ParsedReview("Paris", "2024-01-03", "P.", tags=("Amélie", "US news"), source_id="p"),
        ParsedReview("Wire", "2024-01-02", "W.", tags=("US news",), source_id="w"),
        ParsedReview("Odd", "2024-01-01", "O.", tags=("[bold]loud",), source_id="o"),
    ]


def shown_titles(app: ReviewsApp) -> list[str]:
    return [review.title for review in app.screen.query_one(ReviewList).shown]


def key_bar(app: ReviewsApp) -> list[str]:
    return [key.description for key in app.screen.query(FooterKey) if key.display]


def test_tag_matches_folds_case_and_accents_and_takes_words_in_any_order() -> None:
    folded = [fold(tag) for tag in ("US news", "Amélie", "World news", "[bold]loud")]
    assert tag_matches(folded, "news us") == [0]
    assert tag_matches(folded, "AMEL") == [1]
    assert tag_matches(folded, "news") == [0, 2]
    assert tag_matches(folded, "[bold") == [3]
    assert tag_matches(folded, "nothing") == []


async def test_t_slash_and_words_typed_at_once_filter_by_the_tag_found(
    db_path: Path, config: Config
) -> None:
    """The quick path, in the inner loop: one burst of keys from the reader to the tag."""
    app = ReviewsApp(db_path, config, seed=tagged_reviews)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("t", "slash", *"ame", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert shown_titles(app) == ["Paris"]


@over_budget
async def test_slash_in_the_tag_picker_finds_a_tag_among_many(
    db_path: Path, config: Config
) -> None:
    """Checks that share one started app: each step starts on the reader with every
    review shown; a failure names its step."""
    app = ReviewsApp(db_path, config, seed=tagged_reviews)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)

        with step("the key bar, then words typed after / narrow the list"):
            await pilot.press("t")
            await settle(pilot)
            assert key_bar(app) == ["Close", "Find a tag"]
            await pilot.press("slash")
            await pilot.pause()
            assert key_bar(app) == ["Back to the list"]
            await pilot.press("escape")
            await pilot.pause()
            assert key_bar(app) == ["Close", "Find a tag"]
            await pilot.press("slash", *"news us")
            picker = app.screen
            assert isinstance(picker, TagPicker)
            assert picker.query_one("#tag-find", Input).value == "news us"
            tags = picker.query_one("#tag-list", OptionList)
            assert option_texts(tags) == ["#US news  2"]  # All reviews is not a match
            count = str(picker.query_one("#tags-count", Static).render())
            assert count == "1 of 43 tags"
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ReaderScreen)
            assert shown_titles(app) == ["Paris", "Wire"]

        with step("accents and case are ignored; down moves the highlight from the box"):
            await pilot.press("t", "slash", *"AME")
            await settle(pilot)
            tags = app.screen.query_one("#tag-list", OptionList)
            assert option_texts(tags) == ["#Amélie  1"]
            await pilot.press("backspace", "backspace", "backspace", *"filler 1")
            numbers = [t.split()[1] for t in option_texts(tags)]
            assert numbers == [f"{n:02}" for n in range(40) if "1" in f"{n:02}"]  # any place
            assert tags.highlighted == 0
            await pilot.press("down", "down")
            assert tags.highlighted == 2
            assert app.screen.query_one("#tag-find", Input).has_focus  # typing goes on
            await pilot.press("up", "enter")
            await settle(pilot)
            assert shown_titles(app) == ["Crowded", "Crowded too"]

        with step("markup in a tag is matched and shown as the text it is"):
            await pilot.press("t", "slash", *"[bold")
            await settle(pilot)
            tags = app.screen.query_one("#tag-list", OptionList)
            assert option_texts(tags) == ["#[bold]loud  1"]

        with step("no match: a warning, enter picks nothing, escape brings every tag back"):
            await pilot.press(*"zzz")
            picker = app.screen
            assert isinstance(picker, TagPicker)
            count = str(picker.query_one("#tags-count", Static).render())
            assert count == "no tag matches (of 43)"
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is picker
            await pilot.press("escape")  # clears the box and goes back to the list
            tags = picker.query_one("#tag-list", OptionList)
            assert picker.query_one("#tag-find", Input).value == ""
            assert tags.has_focus
            assert option_texts(tags)[0] == "All reviews" and tags.option_count == 44
            assert str(picker.query_one("#tags-count", Static).render()) == "43 tags"
            await pilot.press("enter")  # All reviews, highlighted again
            await settle(pilot)
            assert isinstance(app.screen, ReaderScreen)
            assert len(shown_titles(app)) == 5

        with step("q types in the box; a short terminal keeps rows for the list; q closes"):
            await pilot.press("t", "slash", "q")
            await settle(pilot)
            picker = app.screen
            assert isinstance(picker, TagPicker)
            assert picker.query_one("#tag-find", Input).value == "q"
            await pilot.press("escape")
            await pilot.resize_terminal(50, 16)  # 16 rows: the picker drops its spacing
            await settle(pilot)
            tags = picker.query_one("#tag-list", OptionList)
            assert tags.size.height >= 6, tags.size
            await pilot.press("q")
            await settle(pilot)
            assert isinstance(app.screen, ReaderScreen)
            assert len(shown_titles(app)) == 5
