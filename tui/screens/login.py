"""Log in to a followed WordPress blog from the reader (``S``, then ``l``): a user name
and an application password, checked against the blog in a thread worker before
anything is kept (``tui.sources.login``). The password box never shows what is typed,
and the password goes nowhere but the blog and the secret store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from tui.display import join, literal_line
from tui.screens.asking import AskingScreen
from tui.sources.login import LoggedIn
from tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from tui.app import ReviewsApp
    from tui.store import Source

HOW = (
    "Use an application password, not your login password: in WordPress, Users → "
    "Profile → Application Passwords, type a name (say reviews), Add New, and copy "
    "the password it shows once. You can revoke it there at any time."
)


class LoginScreen(AskingScreen[LoggedIn | None]):
    """User name and application password for one blog; ``enter`` logs in."""

    BINDINGS = [
        Binding("enter", "log_in", "Log in", priority=True, id="login.log_in"),
        Binding("escape", "dismiss(None)", "Cancel", id="login.cancel"),
    ]

    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        """The blog, how to get a password, the two boxes and a status line."""
        with Vertical(id="asking"):
            yield Static(
                join(
                    ("Log in to ", "bold"),
                    literal_line(self.source.title or self.source.url, "bold"),
                )
            )
            yield Static(literal_line(self.source.url, "dim"))
            yield Static(Content(HOW), classes="asking-intro")
            yield Input(self.source.user or "", placeholder="user name", id="login-user")
            yield Input(placeholder="application password", password=True, id="login-password")
            yield Static(id="asking-status")
        yield KeyBar(self.app.size.width)

    def on_mount(self) -> None:
        """Start in the first empty box."""
        box = "#login-password" if self.source.user else "#login-user"
        self.query_one(box, Input).focus()

    def _boxes(self) -> tuple[Input, Input]:
        return self.query_one("#login-user", Input), self.query_one("#login-password", Input)

    def action_log_in(self) -> None:
        """Enter in the user box moves on; in the password box (or both filled) logs in."""
        if self.busy:
            return
        user, password = self._boxes()
        if not user.value.strip():
            user.focus()
            self.say(Content.styled("Type your WordPress user name.", "$warning"))
            return
        if not password.value.strip():
            if not password.has_focus:
                password.focus()
            else:
                self.say(Content.styled("Paste the application password.", "$warning"))
            return
        self.checking(self.source.url, [user, password])
        self._log_in(cast("ReviewsApp", self.app), user.value, password.value)

    @work(thread=True, exclusive=True, group="login")
    def _log_in(self, app: ReviewsApp, user: str, password: str) -> None:
        """Log in (the app handed in: the thread must not look it up)."""
        from tui.sources.login import log_in

        try:
            done = log_in(app.store, self.source, user, password)
        except Exception as error:  # noqa: BLE001 - said in the dialog, never a crash
            app.call_from_thread(self._refused, str(error))
            return
        app.call_from_thread(self.dismiss, done)

    def _refused(self, reason: str) -> None:
        user, password = self._boxes()
        self.refused("Not logged in: ", reason, [user, password], password)
