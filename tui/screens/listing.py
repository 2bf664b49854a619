"""A dialog that lists things from the store, each leading to a comment in its review:
the outbox (``O``) and the answers to your replies (``I``). Read in a thread worker;
``enter`` closes with the (review, comment) to show; the list is read again when a
sync ends while it is open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.widgets.option_list import Option

from tui.display import literal_line
from tui.text import one_line
from tui.widgets.choice_list import ChoiceList
from tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from tui.app import ReviewsApp
    from tui.store import Store

T = TypeVar("T")

PREVIEW = 70
"""Characters of an item's text shown."""


def preview(text: str) -> Content:
    """The start of an outside text, on one line, shown as the text it is."""
    line = one_line(text)
    return literal_line(line if len(line) <= PREVIEW else line[: PREVIEW - 1] + "…")


@dataclass
class Listed(Message):
    """The items, read from the store."""

    items: list[Any]


class ListingScreen(ModalScreen[tuple[int, int] | None], Generic[T]):
    """A title, a line on what is listed, the items; ``enter`` goes to one."""

    TITLE_TEXT = ""
    HINT = ""
    EMPTY = ""

    # Here, not in reader.tcss: parsed when a listing first opens, not at start.
    DEFAULT_CSS = """
    ListingScreen {
        align: center middle;
        background: $background 60%;
    }

    #listing {
        width: 100;
        max-width: 95%;
        height: 70%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }

    #listing-title {
        padding: 1 0 0 0;
    }

    #listing-hint {
        color: $text-muted;
        padding: 0 0 1 0;
    }

    #listing-list {
        height: 1fr;
        border: none;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: list[T] = []

    # -- what a listing says ---------------------------------------------------------------

    def read(self, store: Store) -> list[T]:
        """The items (in a thread)."""
        raise NotImplementedError

    def lines(self, item: T) -> Content:
        """How one item reads in the list."""
        raise NotImplementedError

    def target(self, item: T) -> tuple[int, int] | None:
        """The (review, comment) an item leads to, ``None`` if it is gone."""
        raise NotImplementedError

    # -- the rest is shared --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """A title, a line on what is listed, the items."""
        with Vertical(id="listing"):
            yield Static(Content.styled(self.TITLE_TEXT, "bold"), id="listing-title")
            yield Static(Content(self.HINT), id="listing-hint")
            yield ChoiceList(id="listing-list")
        yield KeyBar(self.app.size.width)

    def on_mount(self) -> None:
        """Read the items off the event loop."""
        self.query_one("#listing-list", ChoiceList).focus()
        self.reload()

    def reload(self) -> None:
        """Read the items again (after a sync, say), handing the thread the app."""
        app = cast("ReviewsApp", self.app)
        self._read(app, app.store)

    @work(thread=True, exclusive=True, group="listing")
    def _read(self, app: ReviewsApp, store: Store) -> None:
        try:
            items = self.read(store)
        except Exception as error:  # noqa: BLE001 - shown to the user, never a crash
            app.call_from_thread(
                app.notify, str(error), title="Could not read", severity="error", markup=False
            )
            return
        self.post_message(Listed(items))

    def on_listed(self, message: Listed) -> None:
        """Fill the list, keeping the highlighted item's place."""
        self.items = message.items
        self.refresh_bindings()
        listing = self.query_one("#listing-list", ChoiceList)
        keep = listing.highlighted
        listing.clear_options()
        if not self.items:
            listing.add_option(Option(Content.styled(self.EMPTY, "italic"), disabled=True))
            return
        listing.add_options(Option(self.lines(item)) for item in self.items)
        listing.highlighted = min(keep or 0, len(self.items) - 1)

    def highlighted(self) -> T | None:
        """The item under the cursor."""
        index = self.query_one("#listing-list", ChoiceList).highlighted
        return self.items[index] if self.items and index is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``enter`` only on an item that still leads somewhere."""
        if action == "go":
            chosen = self.highlighted()
            return chosen is not None and self.target(chosen) is not None
        return True

    def on_option_list_option_highlighted(self) -> None:
        """``enter`` is shown for an item it can go to."""
        self.refresh_bindings()

    def action_go(self) -> None:
        """Close, and show the highlighted item's comment in its review."""
        chosen = self.highlighted()
        target = self.target(chosen) if chosen is not None else None
        if target is not None:
            self.dismiss(target)
