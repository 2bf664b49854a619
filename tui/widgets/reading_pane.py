"""The reading pane: the review's header and its Markdown body, scrollable."""

from __future__ import annotations

from rich.markdown import Markdown as RichMarkdown
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.display import display_date, join, literal_line
from tui.model import Review
from tui.text import clean


def review_header(review: Review) -> Content:
    """Title, then date, author and the film facts the review has."""
    facts: list[Content] = []
    if review.film:
        film = review.film + (f" ({review.year})" if review.year else "")
        facts.append(literal_line(film, "italic"))
    elif review.year:
        facts.append(literal_line(str(review.year)))
    if review.director:
        facts.append(join(("dir. ", "dim"), literal_line(review.director)))
    if review.rating is not None:
        facts.append(Content.styled(f"★ {review.rating:g}", "bold $warning"))
    byline = join(
        (display_date(review.date), "$text-muted"),
        (" · by ", "dim"),
        literal_line(review.author, "$text-muted"),
    )
    lines = [literal_line(review.title, "bold $text-primary"), byline]
    if facts:
        lines.append(Content(" · ").join(facts))
    if review.tags:
        lines.append(
            Content("  ").join(literal_line("#" + tag, "$text-accent") for tag in review.tags)
        )
    return Content("\n").join(lines)


class ReadingPane(VerticalScroll, can_focus=True):
    """Shows one review; keys scroll it when focused."""

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="reading.down"),
        Binding("k", "scroll_up", "Up", show=False, id="reading.up"),
        Binding("space", "page_down", "Page down", show=False, id="reading.page_down"),
    ]

    def compose(self) -> ComposeResult:
        """A header and a body, both literal text (the body is Markdown, never markup)."""
        yield Static(id="review-header", markup=False)
        yield Static(id="review-body", markup=False)

    def show(self, review: Review | None, *, keep_scroll: bool = False) -> None:
        """Show ``review`` from the top (or where it was), or a hint when there is none."""
        header = self.query_one("#review-header", Static)
        body = self.query_one("#review-body", Static)
        if review is None:
            header.update(
                Content.styled("No review to show. Press escape to clear a filter.", "dim")
            )
            body.update("")
            return
        header.update(review_header(review))
        # Rich's Markdown renders 5-12x faster than Textual's Markdown widget on long
        # bodies; hyperlinks=False so links show their address and never open on a click.
        body.update(RichMarkdown(clean(review.body), hyperlinks=False))
        if not keep_scroll:
            self.scroll_home(animate=False)
