"""The links of a review: listed as text, opened in a browser only after asking."""

from __future__ import annotations

import webbrowser

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.display import join, literal_line
from tui.links import COMMENT_PERMALINK_TEXT, PERMALINK_TEXT, Link, review_links
from tui.screens.confirm import ConfirmScreen
from tui.text import shorten
from tui.widgets.choice_list import ChoiceList
from tui.widgets.footer import KeyBar


def link_prompt(link: Link) -> Content:
    """Two lines: the link's words, then its address (or why it will not open)."""
    kind = ("image  ", "dim") if link.image else ("", "")
    words = literal_line(shorten(link.text, 300), "bold")
    url = literal_line(shorten(link.url, 300), "$text-muted")
    if link.openable:
        return join(kind, words, ("\n  ", ""), url)
    refused = ("\n  not opened: ", "$warning"), (link.refused, "")
    return join(kind, words, ("\n  ", ""), url, *refused)


class LinksScreen(ModalScreen[None]):
    """Every link of a body; enter asks before opening an http(s) one in the browser."""

    # Here rather than in reader.tcss: the screen is self-contained, like a dialog.
    DEFAULT_CSS = """
    LinksScreen {
        align: center middle;
        background: $background 60%;
    }
    #links {
        width: 90%;
        max-width: 110;
        height: 70%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    #links-title {
        padding-top: 1;
    }
    #links-count {
        padding-bottom: 1;
    }
    #link-list {
        height: 1fr;
        border: none;
    }
    """

    BINDINGS = [
        Binding("escape,q", "dismiss(None)", "Close", id="links.close"),
        Binding("y", "copy", "Copy address", id="links.copy"),
    ]

    def __init__(
        self, body: str, title: str = "", permalink: str = "", *, comment: bool = False
    ) -> None:
        """The links of a review's ``body``, or of a comment's when ``comment``."""
        super().__init__()
        self._body = body
        self._permalink = permalink
        self._title = title
        self._comment = comment
        self._links: list[Link] = []
        self.opened: list[str] = []
        """Addresses handed to the browser, in order (for the user's record and tests)."""

    def compose(self) -> ComposeResult:
        """A heading, a count and the list."""
        with Vertical(id="links"):
            yield Static(
                join(("Links in ", "bold"), literal_line(shorten(self._title, 80), "bold italic")),
                id="links-title",
            )
            yield Static(Content.styled("Finding links…", "dim"), id="links-count")
            yield ChoiceList(id="link-list")
        yield KeyBar(self.app.size.width)

    def on_mount(self) -> None:
        """Read the links off the event loop: a body can be a megabyte."""
        self.query_one("#link-list", ChoiceList).focus()
        self._find()

    @work(thread=True, exclusive=True, group="links")
    def _find(self) -> None:
        named = COMMENT_PERMALINK_TEXT if self._comment else PERMALINK_TEXT
        links = review_links(self._body, self._permalink, named)
        self.app.call_from_thread(self._show, links)

    def _show(self, links: list[Link]) -> None:
        self._links = links
        count = self.query_one("#links-count", Static)
        if not links:
            what = "comment" if self._comment else "review"
            count.update(Content.styled(f"This {what} has no links. Escape closes.", "dim"))
            return
        refused = sum(1 for link in links if not link.openable)
        noun = "link" if len(links) == 1 else "links"
        note = f"{len(links)} {noun}" + (f", {refused} that will not open" if refused else "")
        count.update(Content.styled(note + ". Enter asks before opening one.", "dim"))
        options = self.query_one("#link-list", ChoiceList)
        options.set_options(Option(link_prompt(link), id=str(i)) for i, link in enumerate(links))
        options.highlighted = 0

    @property
    def links(self) -> list[Link]:
        """The links listed."""
        return self._links

    def action_copy(self) -> None:
        """Copy the highlighted link's address to the clipboard (OSC 52)."""
        index = self.query_one("#link-list", ChoiceList).highlighted
        if index is None or not 0 <= index < len(self._links):
            return
        self.app.copy_to_clipboard(self._links[index].url)
        self.notify("Copied the address to the clipboard.", markup=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Ask before opening; refuse anything but http and https."""
        event.stop()
        link = self._links[int(event.option.id or 0)]
        if not link.openable:
            self.notify(f"Not opened: {link.refused}.", severity="warning", markup=False)
            return
        question = join(
            ("Open ", "bold"),
            literal_line(link.url, "bold $accent"),
            (" in your browser?", "bold"),
            ("\n\nThe address is shown exactly as it will be opened.", "dim"),
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._open(link.url)

        self.app.push_screen(ConfirmScreen(question, yes="Open", no="Cancel"), answered)

    @work(thread=True, group="open-link")
    def _open(self, url: str) -> None:
        # A browser can take seconds to start; never on the event loop.
        try:
            opened = webbrowser.open(url)
        except Exception as error:  # noqa: BLE001 - any failure is said, never a crash
            self.app.call_from_thread(
                self.notify, f"Could not open the link: {error}", severity="error", markup=False
            )
            return
        self.opened.append(url)
        message = "Opened in your browser." if opened else "No browser could be found."
        self.app.call_from_thread(self.notify, message, markup=False)
