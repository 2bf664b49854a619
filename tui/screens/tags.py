"""Pick a tag to filter the sidebar by."""

from __future__ import annotations

from collections import Counter

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui.display import join, literal_line
from tui.model import Review
from tui.widgets.choice_list import ChoiceList

ALL_TAGS = ""
"""The choice that removes the tag filter."""


def tag_counts(reviews: list[Review]) -> list[tuple[str, int]]:
    """Each tag, in any case, with how many reviews carry it; most used first.

    "drama" and "Drama" are one tag, named as most reviews spell it.
    """
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for review in reviews:
        for key, tag in {t.casefold(): t for t in review.tags}.items():
            counts[key] += 1
            spellings.setdefault(key, Counter())[tag] += 1
    named = [(spellings[key].most_common(1)[0][0], n) for key, n in counts.items()]
    return sorted(named, key=lambda item: (-item[1], item[0].casefold()))


class TagPicker(ModalScreen[str | None]):
    """Every tag with how many reviews carry it; enter filters by it."""

    # Here, not in reader.tcss: parsed when the screen first opens, not at start.
    DEFAULT_CSS = """
    TagPicker {
        align: center middle;
        background: $background 60%;
    }

    #tags {
        width: 50;
        max-width: 95%;
        height: 70%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }

    #tags-title {
        padding: 1 0;
    }

    #tag-list {
        height: 1fr;
        border: none;
    }
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="tags.close")]

    def __init__(self, reviews: list[Review], current: str = ALL_TAGS) -> None:
        super().__init__()
        self._tags = tag_counts(reviews)
        self._current = current

    def compose(self) -> ComposeResult:
        """All reviews first, then the tags, most used first."""
        with Vertical(id="tags"):
            yield Static(Content.styled("Filter by tag", "bold"), id="tags-title")
            options = [Option(Content.styled("All reviews", "italic"), id="\x00all")]
            options += [
                Option(join(literal_line("#" + tag), (f"  {count}", "dim")), id=f"t{i}")
                for i, (tag, count) in enumerate(self._tags)
            ]
            yield ChoiceList(*options, id="tag-list")
        yield Footer()

    def on_mount(self) -> None:
        """Start on the tag in use."""
        tags = self.query_one("#tag-list", ChoiceList)
        tags.focus()
        tags.highlighted = 0
        for i, (tag, _count) in enumerate(self._tags):
            if tag.casefold() == self._current.casefold():
                tags.highlighted = i + 1

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a tag filters by it."""
        option_id = event.option.id or ""
        if option_id.startswith("t"):
            self.dismiss(self._tags[int(option_id[1:])][0])
        else:
            self.dismiss(ALL_TAGS)
