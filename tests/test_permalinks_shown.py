"""A review's permalink: under its title in the reading pane, first in its links."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import option_texts, ready, settle
from textual.widgets import OptionList

from tui.app import ReviewsApp
from tui.config import Config
from tui.links import PERMALINK_TEXT, review_links
from tui.model import ParsedReview, Review
from tui.screens.links import LinksScreen
from tui.widgets.reading_pane import review_header

PAGE = "https://matinee.example/2014/her/"


def test_the_header_shows_the_permalink_as_text() -> None:
    review = Review(1, "Her", "2014-03-06", "Ann", "Body", url=PAGE + "[bold]x[/bold]")
    lines = review_header(review).plain.split("\n")
    assert lines[2] == PAGE + "[bold]x[/bold]"  # literal, never markup
    assert PAGE not in review_header(Review(1, "Her", "2014-03-06", "Ann", "Body")).plain


def test_the_permalink_comes_first_and_is_not_listed_twice() -> None:
    links = review_links(f"See [this page]({PAGE}) and [that](https://other.example/).", PAGE)
    assert [(link.text, link.url) for link in links] == [
        (PERMALINK_TEXT, PAGE),
        ("that", "https://other.example/"),
    ]
    (refused,) = review_links("", "javascript:alert(1)")
    assert not refused.openable
    assert review_links("no links", "") == []


async def test_o_offers_the_permalink_first(tmp_path: Path) -> None:
    def seed() -> list[ParsedReview]:
        body = "Read [more](https://other.example/)."
        return [ParsedReview(title="Her", date="2014-03-06", body=body, source_id="h", url=PAGE)]

    app = ReviewsApp(tmp_path / "db.json", Config(author="tester"), seed=seed)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, LinksScreen)
        texts = option_texts(app.screen.query_one("#link-list", OptionList))
        assert texts[0].startswith(f"{PERMALINK_TEXT}\n  {PAGE}")
        assert texts[1].startswith("more\n  https://other.example/")
