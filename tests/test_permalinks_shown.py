"""A review's permalink: under its title in the reading pane, first in its links."""

from __future__ import annotations

from pathlib import Path

from cpu_audit import over_budget
from pilot_helpers import option_texts, ready, settle, visible_thread_lines
from textual.content import Content
from textual.widgets import OptionList

from tui.app import ReviewsApp
from tui.config import Config
from tui.links import COMMENT_PERMALINK_TEXT, PERMALINK_TEXT, review_links
from tui.model import ParsedComment, ParsedReview, Review
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


@over_budget
async def test_o_on_a_comment_lists_its_links_as_the_thread_shows_them(tmp_path: Path) -> None:
    """A comment's Markdown reads as words in the thread; ``o`` there lists its links."""
    comment_page = PAGE + "#comment-7"

    def seed() -> list[ParsedReview]:
        comments = (
            ParsedComment(
                "Ann",
                "2014-03-07",
                "Thanks! See [the site](https://films.example/review) and **this**.",
                source_id="c7",
                url=comment_page,
            ),
            ParsedComment("Bob", "2014-03-08", "No links here.", source_id="c8"),
        )
        body = "Read [more](https://other.example/)."
        return [ParsedReview("Her", "2014-03-06", body, source_id="h", url=PAGE, comments=comments)]

    app = ReviewsApp(tmp_path / "db.json", Config(author="tester"), seed=seed)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "tab")
        await settle(pilot)
        shown = "\n".join(visible_thread_lines(app))
        assert "Thanks! See the site (https://films.example/review) and this." in shown
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("y")  # what is shown, not its Markdown
        assert copied == ["Thanks! See the site (https://films.example/review) and this."]
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, LinksScreen)
        assert "Links in Ann's comment" in str(app.screen.query_one("#links-title").render())
        texts = option_texts(app.screen.query_one("#link-list", OptionList))
        assert texts[0].startswith(f"{COMMENT_PERMALINK_TEXT}\n  {comment_page}")
        assert texts[1].startswith("the site\n  https://films.example/review")
        await pilot.press("escape", "j", "o")
        await settle(pilot)
        assert isinstance(app.screen, LinksScreen)
        count = str(app.screen.query_one("#links-count").render())
        assert count == "This comment has no links. Escape closes."
        await pilot.press("escape", "shift+tab", "o")  # from the reading pane: the review's
        await settle(pilot)
        texts = option_texts(app.screen.query_one("#link-list", OptionList))
        assert texts[0].startswith(f"{PERMALINK_TEXT}\n  {PAGE}")
        # Search shows a comment's hit as the words the thread shows, the match marked.
        await pilot.press("escape", "ctrl+f", *"SEE THE")
        await pilot.pause(0.3)
        await settle(pilot)
        hits = app.screen.query_one("#hits", OptionList)
        (hit,) = option_texts(hits)
        assert hit.endswith("\n  Thanks! See the site (https://films.example/review) and this.")
        prompt = hits.get_option_at_index(0).prompt
        assert isinstance(prompt, Content)
        marked = [prompt.plain[s.start : s.end] for s in prompt.spans if "reverse" in str(s.style)]
        assert marked == ["See the"]
