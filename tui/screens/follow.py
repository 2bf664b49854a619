"""Follow a blog without leaving the reader: type its address, ``enter``.

The address is looked at in a thread worker (``tui.sources.following``: a WordPress
site, a feed, or a page that names its feed). What went wrong is said in the dialog,
which stays open with the address to mend; once followed, the dialog closes with the
source and the app fetches its posts and comments in the background.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from tui.screens.asking import AskingScreen
from tui.sources.following import Followed
from tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from tui.app import ReviewsApp

INTRO = (
    "The address of a blog's feed, or of the blog itself (its feed is found). "
    "A WordPress blog is read through its API: log in to it (l, on the followed "
    "blogs) and your replies are sent there."
)


class FollowScreen(AskingScreen[Followed | None]):
    """An address box; ``enter`` follows, ``escape`` closes."""

    BINDINGS = [
        Binding("enter", "follow", "Follow", priority=True, id="follow.follow"),
        Binding("escape", "dismiss(None)", "Cancel", id="follow.cancel"),
    ]

    def compose(self) -> ComposeResult:
        """A title, what to type, the box and a status line."""
        with Vertical(id="asking"):
            yield Static(Content.styled("Follow a blog", "bold"))
            yield Static(Content(INTRO), classes="asking-intro")
            yield Input(placeholder="https://", id="follow-url")
            yield Static(id="asking-status")
        yield KeyBar(self.app.size.width)

    def on_mount(self) -> None:
        """Type straight away."""
        self.query_one("#follow-url", Input).focus()

    def action_follow(self) -> None:
        """Look at the address typed, off the event loop."""
        if self.busy:
            return
        box = self.query_one("#follow-url", Input)
        url = box.value.strip()
        if not url:
            self.say(Content.styled("Type the address of a blog or of its feed.", "$warning"))
            return
        self.checking(url, [box])
        self._follow(cast("ReviewsApp", self.app), url)

    @work(thread=True, exclusive=True, group="follow")
    def _follow(self, app: ReviewsApp, url: str) -> None:
        """Follow ``url`` (the app handed in: the thread must not look it up)."""
        from tui.sources.following import follow
        from tui.sources.http import Fetcher

        try:
            with Fetcher() as fetcher:
                followed = follow(app.store, url, fetcher)
        except Exception as error:  # noqa: BLE001 - said in the dialog, never a crash
            app.call_from_thread(self._failed, str(error))
            return
        app.call_from_thread(self.dismiss, followed)

    def _failed(self, reason: str) -> None:
        box = self.query_one("#follow-url", Input)
        self.refused("Could not follow it: ", reason, [box], box)
