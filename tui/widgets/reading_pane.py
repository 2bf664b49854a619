"""The reading pane: the review's header and its Markdown body, scrollable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.display import display_date, join, literal_line, literal_markdown
from tui.model import Review
from tui.text import one_line, shorten
from tui.widgets.long_text import LongText

TITLE_MAX = 400
"""Characters of a title the header shows: a hostile 5,000-character one would fill it."""

LONG_BODY = 50_000
"""Characters past which a body is shown as plain text: Rich's Markdown takes ~0.15 s
at this size in the pane, and seconds (again on every focus change) at 1 MB."""


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
    title = shorten(one_line(review.title), TITLE_MAX)
    lines = [literal_line(title, "bold $text-primary"), byline]
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
        yield Static(id="review-note", markup=False)
        yield Static(id="review-body", markup=False)
        yield LongText(id="review-long")

    def show(self, review: Review | None, *, keep_scroll: bool = False) -> None:
        """Show ``review`` from the top (or where it was), or a hint when there is none."""
        header = self.query_one("#review-header", Static)
        body = self.query_one("#review-body", Static)
        self._show_long("")
        if review is None:
            header.update(
                Content.styled("No review to show. Press escape to clear a filter.", "dim")
            )
            body.update("")
            return
        header.update(review_header(review))
        if len(review.body) > LONG_BODY:
            body.update("")
            self._show_long(review.body)
        else:
            # Rich's Markdown renders 5-12x faster than Textual's Markdown widget on long
            # bodies; links show their address and never open on a click.
            body.update(literal_markdown(review.body))
        if not keep_scroll:
            self.scroll_home(animate=False)

    def _show_long(self, text: str) -> None:
        """Show ``text`` as plain lines with a note saying why, or hide both ("")."""
        note = self.query_one("#review-note", Static)
        long_text = self.query_one("#review-long", LongText)
        note.display = long_text.display = bool(text)
        long_text.set_text(text)
        if text:
            size = f"{len(text) / 1000:,.0f} thousand characters"
            note.update(
                Content.styled(
                    f"A very long review ({size}): shown as plain text, without formatting.",
                    "italic $text-muted",
                )
            )
