"""Pick a tag to filter the sidebar by."""

from __future__ import annotations

from collections import Counter

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.display import join, literal_line
from tui.model import Review
from tui.screens import SHORT_BELOW
from tui.text import fold, one_line
from tui.widgets.choice_list import ChoiceList
from tui.widgets.footer import KeyBar

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


def tag_matches(folded_tags: list[str], text: str) -> list[int]:
    """The places in ``folded_tags`` whose tag holds every word of ``text``.

    Like the sidebar's filter: case and accents are ignored and the words may come
    in any order ("news us" finds "US news").
    """
    words = fold(text).split()
    return [i for i, tag in enumerate(folded_tags) if all(word in tag for word in words)]


class TagFind(Input):
    """The picker's find box: ``escape`` here clears it and goes back to the list."""

    BINDINGS = [Binding("escape", "screen.back", "Back to the list", id="tags.find_back")]


class TagPicker(ModalScreen[str | None]):
    """Every tag with how many reviews carry it; ``/`` narrows them, enter filters by one."""

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
        padding-top: 1;
    }

    #tag-find {
        margin: 1 0 0 0;
    }

    #tags-count {
        height: 1;
        margin-bottom: 1;
        padding: 0 1;
    }

    #tag-list {
        height: 1fr;
        border: none;
    }

    /* A short terminal: the whole height, no spacing, so the list keeps its rows. */
    TagPicker.-short #tags {
        height: 100%;
    }

    TagPicker.-short #tags-title {
        padding-top: 0;
    }

    TagPicker.-short #tag-find {
        margin: 0;
    }

    TagPicker.-short #tags-count {
        margin-bottom: 0;
    }
    """

    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT_BELOW, "-tall")]
    """Below ``SHORT_BELOW`` rows the picker takes the whole height and its spacing goes:
    at 16 rows the title, the find box and the count had left the list no row."""

    BINDINGS = [
        Binding("escape", "back", "Close", id="tags.close"),
        Binding("q", "dismiss(None)", "Close", show=False, id="tags.quit"),
        Binding("slash", "find", "Find a tag", tooltip="Find a tag as you type", id="tags.find"),
        Binding(
            "down",
            "move(1)",
            "Down",
            show=False,
            tooltip="Next tag (typing stays in the find box)",
            id="tags.down",
        ),
        Binding(
            "up",
            "move(-1)",
            "Up",
            show=False,
            tooltip="Previous tag (typing stays in the find box)",
            id="tags.up",
        ),
    ]

    def __init__(self, reviews: list[Review], current: str = ALL_TAGS) -> None:
        super().__init__()
        self._tags = tag_counts(reviews)
        self._folded = [fold(one_line(tag)) for tag, _count in self._tags]
        self._current = current
        self._find = ""

    def compose(self) -> ComposeResult:
        """A title, the find box, a count, then all reviews and the tags, most used first.

        The list and the count are filled here, not once mounted, so that the first
        frame shows them.
        """
        options, count = self._listing("")
        with Vertical(id="tags"):
            yield Static(Content.styled("Filter by tag", "bold"), id="tags-title")
            yield TagFind(placeholder="/ find a tag", id="tag-find")
            yield Static(count, id="tags-count")
            yield ChoiceList(*options, id="tag-list")
        yield KeyBar(self.app.size.width)

    def on_mount(self) -> None:
        """The list focused on the tag in use."""
        tags = self.query_one("#tag-list", ChoiceList)
        tags.focus()
        tags.highlighted = 0
        for i, (tag, _count) in enumerate(self._tags):
            if tag.casefold() == self._current.casefold():
                tags.highlighted = i + 1

    def _listing(self, text: str) -> tuple[list[Option], Content]:
        """The options for the tags matching ``text`` (all of them, and All reviews, when
        it is empty), and the count line saying how many."""
        finding = bool(text.strip())
        places = tag_matches(self._folded, text) if finding else range(len(self._tags))
        options = [] if finding else [Option(Content.styled("All reviews", "italic"), id="\x00all")]
        options += [
            Option(
                join(literal_line("#" + self._tags[i][0]), (f"  {self._tags[i][1]}", "dim")),
                id=f"t{i}",
            )
            for i in places
        ]
        noun = "tag" if len(self._tags) == 1 else "tags"
        if not finding:
            count = Content.styled(f"{len(self._tags):,} {noun}", "dim")
        elif not options:
            count = Content.styled(f"no tag matches (of {len(self._tags):,})", "$warning")
        else:
            count = Content.styled(f"{len(options):,} of {len(self._tags):,} {noun}", "dim")
        return options, count

    def _show(self, text: str) -> None:
        """List the tags that match ``text``, the first highlighted."""
        self._find = text
        options, count = self._listing(text)
        tags = self.query_one("#tag-list", ChoiceList)
        tags.set_options(options)
        tags.highlighted = 0 if options else None
        self.query_one("#tags-count", Static).update(count)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``/`` is not offered while the find box has the cursor (it types a ``/``)."""
        return not (action == "find" and self.focused is self.query_one("#tag-find", Input))

    def action_find(self) -> None:
        """Put the cursor in the find box."""
        self.query_one("#tag-find", Input).focus()

    def action_move(self, step: int) -> None:
        """From the find box, move the list's highlight without leaving the box."""
        tags = self.query_one("#tag-list", ChoiceList)
        if step > 0:
            tags.action_cursor_down()
        else:
            tags.action_cursor_up()

    def action_back(self) -> None:
        """Escape: from the find box, clear it and go back to the list; else close."""
        find = self.query_one("#tag-find", Input)
        if self.focused is find:
            if find.value:
                find.value = ""
            self.query_one("#tag-list", ChoiceList).focus()
            return
        self.dismiss(None)

    @on(Input.Changed, "#tag-find")
    def _find_changed(self, event: Input.Changed) -> None:
        if event.value != self._find:
            self._show(event.value)

    @on(Input.Submitted, "#tag-find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        tags = self.query_one("#tag-list", ChoiceList)
        if tags.highlighted is not None:
            tags.action_select()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a tag filters by it."""
        option_id = event.option.id or ""
        if option_id.startswith("t"):
            self.dismiss(self._tags[int(option_id[1:])][0])
        else:
            self.dismiss(ALL_TAGS)
