"""Follow a blog without leaving the reader: type its address, ``enter``.

The address is looked at in a thread worker (``tui.sources.following``: a WordPress
site, a feed, or a page that names its feed). What went wrong is said in the dialog,
which stays open with the address to mend; once followed, the dialog closes with the
source and the app fetches its posts and comments in the background.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.display import join, literal_line
from tui.sources.following import Followed
from tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from tui.app import ReviewsApp

INTRO = (
    "The address of a blog's feed, or of the blog itself (its feed is found). "
    "A WordPress blog is read through its API: after `reviews login`, your replies "
    "are sent there."
)


class FollowScreen(ModalScreen[Followed | None]):
    """An address box; ``enter`` follows, ``escape`` closes."""

    # Here, not in reader.tcss: parsed when the screen first opens, not at start.
    DEFAULT_CSS = """
    FollowScreen {
        align: center middle;
        background: $background 60%;
    }

    #follow {
        width: 80;
        max-width: 95%;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 1 2;
    }

    #follow-intro {
        color: $text-muted;
        margin: 1 0;
    }

    #follow-status {
        height: auto;
        margin-top: 1;
    }
    """

    BINDINGS = [
        Binding("enter", "follow", "Follow", priority=True, id="follow.follow"),
        Binding("escape", "dismiss(None)", "Cancel", id="follow.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        """An address is being looked at."""

    def compose(self) -> ComposeResult:
        """A title, what to type, the box and a status line."""
        with Vertical(id="follow"):
            yield Static(Content.styled("Follow a blog", "bold"))
            yield Static(Content(INTRO), id="follow-intro")
            yield Input(placeholder="https://", id="follow-url")
            yield Static(id="follow-status")
        yield KeyBar(self.app.size.width)

    def on_mount(self) -> None:
        """Type straight away."""
        self.query_one("#follow-url", Input).focus()

    @on(Input.Changed, "#follow-url")
    def _typed(self) -> None:
        if not self.busy:
            self._say(Content(""))

    def _say(self, text: Content) -> None:
        self.query_one("#follow-status", Static).update(text)

    def action_follow(self) -> None:
        """Look at the address typed, off the event loop."""
        if self.busy:
            return
        url = self.query_one("#follow-url", Input).value.strip()
        if not url:
            self._say(Content.styled("Type the address of a blog or of its feed.", "$warning"))
            return
        self.busy = True
        self.query_one("#follow-url", Input).disabled = True
        self._say(join(("Looking at ", "dim"), literal_line(url, "dim"), ("…", "dim")))
        self._follow(url)

    @work(thread=True, exclusive=True, group="follow")
    def _follow(self, url: str) -> None:
        from tui.sources.following import follow
        from tui.sources.http import Fetcher

        store = cast("ReviewsApp", self.app).store
        try:
            with Fetcher() as fetcher:
                followed = follow(store, url, fetcher)
        except Exception as error:  # noqa: BLE001 - said in the dialog, never a crash
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self.dismiss, followed)

    def _failed(self, reason: str) -> None:
        self.busy = False
        box = self.query_one("#follow-url", Input)
        box.disabled = False
        box.focus()
        self._say(join(("Could not follow it: ", "$error"), literal_line(reason, "$error")))
