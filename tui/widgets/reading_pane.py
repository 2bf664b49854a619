"""The reading pane: the review's header and its Markdown body, drawn line by line.

Showing a review renders its header and body to lines once per review, width
and theme; scrolls, focus changes and repaints only copy the lines on screen.
No widget is measured: a ``Static`` rendered the Markdown once to measure its
height and again to paint it, on every review shown.
"""

from __future__ import annotations

from collections import OrderedDict

from rich.style import Style as RichStyle
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual, visualize

from tui.display import display_date, join, literal_line, literal_markdown
from tui.model import Review
from tui.text import clean, one_line, shorten
from tui.widgets.long_text import long_text_note, plain_strips
from tui.widgets.scrolling import LineView, set_virtual_size
from tui.widgets.selection import mark_selected

TITLE_MAX = 400
"""Characters of a title the header shows: a hostile 5,000-character one would fill it."""

LONG_BODY = 50_000
"""Characters past which a body is shown as plain text: Rich's Markdown takes ~0.15 s
at this size, and seconds at 1 MB."""

NO_REVIEW = "No review to show. Press escape to clear a filter."

KEEP_DRAWN = 4
"""Reviews whose lines the pane keeps: the one shown, its neighbours, one just left."""

Look = tuple[int, RichStyle, dict[str, str]]
"""What lines are drawn for: the width, the widget's style and the theme's colours."""


URL_MAX = 200
"""Characters of a permalink the header shows."""


def review_header(review: Review) -> Content:
    """Title, then date, author, the review's web address and the film facts it has."""
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
    if review.url:
        lines.append(literal_line(shorten(one_line(review.url), URL_MAX), "$text-muted"))
    if facts:
        lines.append(Content(" · ").join(facts))
    if review.tags:
        lines.append(
            Content("  ").join(literal_line("#" + tag, "$text-accent") for tag in review.tags)
        )
    return Content("\n").join(lines)


class ReadingPane(LineView, can_focus=True):
    """Shows one review; keys scroll it when focused."""

    DEFAULT_CSS = """
    ReadingPane {
        overflow-x: hidden;
    }
    """

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="reading.down"),
        Binding("k", "scroll_up", "Up", show=False, id="reading.up"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="reading.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="reading.page_up"),
        Binding("ctrl+d", "half_page(1)", "Half a page down", show=False, id="reading.half_down"),
        Binding("ctrl+u", "half_page(-1)", "Half a page up", show=False, id="reading.half_up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="reading.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="reading.bottom"),
    ]

    def action_half_page(self, direction: int) -> None:
        """Scroll half a screen down (1) or up (-1), as ctrl+d / ctrl+u do in vi."""
        step = max(self.scrollable_content_region.height // 2, 1)
        self.scroll_relative(y=direction * step, animate=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._review: Review | None = None
        self._strips: list[Strip] = []
        # The widget's style, worked out once: Textual walks every ancestor for it.
        self._base_style: RichStyle | None = None
        # What the strips were drawn for: the width and the look (style, theme).
        self._drawn_for: Look | None = None
        # Reviews drawn ahead of time (the sidebar's neighbours) and recently shown, by
        # id: moving to one is a copy of its lines, not a Markdown render (~2-5 ms).
        self._drawn: OrderedDict[int, tuple[Review, Look, list[Strip]]] = OrderedDict()

    # -- what is shown ---------------------------------------------------------------

    @property
    def header_text(self) -> str:
        """The header as plain text (or the hint shown when there is no review)."""
        return NO_REVIEW if self._review is None else review_header(self._review).plain

    @property
    def body_markdown(self) -> str:
        """The Markdown source shown (cleaned), or the plain text of a long body."""
        return "" if self._review is None else clean(self._review.body)

    @property
    def is_plain(self) -> bool:
        """Whether the body is too long for Markdown and shown as plain lines."""
        return self._review is not None and len(self._review.body) > LONG_BODY

    @property
    def lines(self) -> list[str]:
        """Every line as drawn for the current width, as plain text."""
        return [strip.text for strip in self._strips]

    # -- data in ---------------------------------------------------------------------

    def show(self, review: Review | None, *, keep_scroll: bool = False) -> None:
        """Show ``review`` from the top (or where it was), or a hint when there is none."""
        self._review = review
        self._drawn_for = None
        self._draw()
        if not keep_scroll:
            self.scroll_home(animate=False, immediate=True)
        self.refresh()

    # -- drawing ---------------------------------------------------------------------

    def prepare(self, review: Review) -> None:
        """Draw ``review`` ahead of time, so that showing it next costs no rendering."""
        look = self._look()
        if look is not None:
            strips = self._strips_for(review, look)
            for index, strip in enumerate(strips[: self.size.height]):
                self._screen_line(strip, index, look[0])

    def _look(self) -> Look | None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return None  # not laid out yet: on_resize draws
        return (width, self.rich_style, self.app.theme_variables)

    def _strips_for(self, review: Review, look: Look) -> list[Strip]:
        drawn = self._drawn.get(review.id)
        if drawn is not None and drawn[0] == review and drawn[1] == look:
            self._drawn.move_to_end(review.id)
            return drawn[2]
        strips = self._render_review(review, look[0], self.visual_style)
        self._drawn[review.id] = (review, look, strips)
        while len(self._drawn) > KEEP_DRAWN:
            self._drawn.popitem(last=False)
        return strips

    def _draw(self) -> None:
        """Render the review to lines, unless they are drawn for this width and look."""
        look = self._look()
        if look is None or look == self._drawn_for:
            return
        review = self._review
        if review is None:
            self._strips = self._to_strips(
                Content.styled(NO_REVIEW, "dim"), look[0], self.visual_style
            )
        else:
            self._strips = self._strips_for(review, look)
        self._drawn_for = look
        set_virtual_size(self, Size(look[0], len(self._strips)))
        self.refresh()

    def _render_review(self, review: Review, width: int, style: Style) -> list[Strip]:
        blank = Strip.blank(width, style.rich_style)
        rule = Content.styled("─" * width, "$panel-lighten-2")
        strips = [
            *self._to_strips(review_header(review), width, style),
            blank,
            *self._to_strips(rule, width, style),
            blank,
        ]
        if len(review.body) > LONG_BODY:
            strips += self._to_strips(long_text_note(len(review.body)), width, style)
            strips += plain_strips(review.body, width, style.rich_style)
        else:
            # Rich's Markdown renders 5-12x faster than Textual's Markdown widget on long
            # bodies; links show their address and never open on a click.
            strips += self._to_strips(literal_markdown(review.body), width, style)
        return strips

    def _to_strips(self, renderable: object, width: int, style: Style) -> list[Strip]:
        visual = visualize(self, renderable, markup=False)
        return Visual.to_strips(self, visual, width, None, style, apply_selection=False)

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the pane: the drawn line that is scrolled there."""
        width = self.line_width
        index = y + self.scroll_offset.y
        if not 0 <= index < len(self._strips):
            return Strip.blank(width, self._style())
        strip = self._strips[index]
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(index)) is not None:
            strip = self._select(strip, index, *span)
        return self._screen_line(strip, index, width)

    def _screen_line(self, strip: Strip, index: int, width: int) -> Strip:
        # Offsets let the mouse select text here (for `>` to quote a passage). Both steps
        # are cached by the strip, so a line prepared ahead costs nothing when shown.
        return strip.crop_extend(0, width, self._style()).apply_offsets(0, index)

    def _style(self) -> RichStyle:
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        return base

    def _select(self, strip: Strip, index: int, start: int, end: int) -> Strip:
        style = self.screen.get_component_rich_style("screen--selection")
        return mark_selected(strip, self._strips[index].text, start, end, style)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The text under a mouse selection, for copying or quoting."""
        return selection.extract("\n".join(self.lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        """Draw the selection as it changes."""
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        """Draw the lines again for a new width."""
        self._draw()

    def notify_style_update(self) -> None:
        """A theme or stylesheet change: draw again if the look changed (focus does not)."""
        super().notify_style_update()
        self._base_style = None
        if self._drawn_for is not None:
            self.call_later(self._draw)
