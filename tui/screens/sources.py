"""The followed sources: each with its status, last sync, counts and last error.

Opened with ``S`` or from the palette; ``R`` syncs everything from here too,
``u`` unfollows the highlighted source (asks first). The list is read from the
store in a thread worker and read again when a sync finishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.display import display_date, join, literal_line
from tui.screens.confirm import ConfirmScreen
from tui.sources.schedule import schedule_line
from tui.widgets.choice_list import ChoiceList
from tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from tui.app import ReviewsApp
    from tui.sources.login import LoggedIn
    from tui.store import Source, SourceCounts, Store


@dataclass
class SourcesLoaded(Message):
    """The sources and their counts, read from the store."""

    sources: list[Source]
    counts: dict[int, SourceCounts]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def source_lines(source: Source, counts: SourceCounts | None) -> Content:
    """Three or four lines about a source: name and status, URL, sync and counts, last error."""
    if source.status == "failed":
        status = ("failed", "bold $error")
    elif source.status == "ok":
        status = ("ok", "$success")
    else:
        status = ("never synced", "italic")
    held = (
        f"{_plural(counts.reviews, 'review')}, {_plural(counts.comments, 'comment')}"
        if counts
        else ""
    )
    synced = display_date(source.last_sync) if source.last_sync else "never"
    first = join(
        (f"{source.id:>3}  ", "bold"),
        literal_line(source.title or source.url, "bold"),
        ("  ", ""),
        status,
    )
    keep = f" · keeps {source.keep}" if source.keep else ""
    lines = [
        first,
        join(("     ", ""), literal_line(source.url, "dim")),
        join(
            ("     ", ""), Content.styled(f"{source.kind} · synced {synced} · {held}{keep}", "dim")
        ),
    ]
    if source.kind == "wordpress" and source.user:
        lines.append(
            join(("     replies are sent as ", "dim"), literal_line(source.name or source.user))
        )
    elif source.kind == "wordpress":
        lines.append(Content.styled("     not logged in: replies stay here (l logs in)", "dim"))
    if source.status == "failed" and source.last_error:
        lines.append(join(("     ", ""), literal_line(source.last_error, "$error")))
    return Content("\n").join(lines)


class SourcesScreen(ModalScreen[None]):
    """Every followed blog with how its last sync went."""

    # Here, not in reader.tcss: parsed when the screen first opens, not at start.
    DEFAULT_CSS = """
    SourcesScreen {
        align: center middle;
        background: $background 60%;
    }

    #sources {
        width: 100;
        max-width: 95%;
        height: 80%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }

    #sources-title {
        padding: 1 0;
    }

    #source-list {
        height: 1fr;
        border: none;
    }

    #sources-hint {
        padding: 1 0 0 0;
    }

    #sources-schedule {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape,q,S", "dismiss(None)", "Close", id="sources.close"),
        # The app's R, here too: a modal screen's keys stop at the screen.
        Binding("R", "sync", "Sync", id="sources.sync"),
        # enter: the highlighted blog's reviews alone in the sidebar, or all again.
        Binding("enter", "show", "Show its reviews", priority=True, id="sources.show"),
        Binding("enter", "show_all", "Show all reviews", priority=True, id="sources.show_all"),
        Binding("a", "follow", "Follow a blog", id="sources.follow"),
        Binding("u", "unfollow", "Unfollow", id="sources.unfollow"),
        # One key, shown as what it does for the highlighted blog (check_action).
        Binding("l", "log_in", "Log in", id="sources.log_in"),
        Binding("l", "log_out", "Log out", id="sources.log_out"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._sources: list[Source] = []

    def _reviews_app(self) -> ReviewsApp:
        return cast("ReviewsApp", self.app)

    def compose(self) -> ComposeResult:
        """A title, then one entry per source."""
        with Vertical(id="sources"):
            yield Static(Content.styled("Followed blogs", "bold"), id="sources-title")
            yield ChoiceList(id="source-list")  # j/k, g/G as in every list
            yield Static(
                Content.styled("R syncs every source · a follows a blog by its address", "dim"),
                id="sources-hint",
            )
            yield Static(id="sources-schedule")
        yield KeyBar(self.app.size.width)

    def on_mount(self) -> None:
        """Read the sources off the event loop."""
        self.query_one("#source-list", OptionList).focus()
        self.reload()

    def reload(self) -> None:
        """Read the sources and their counts again (after a sync, say), off the event loop.

        The thread is handed the app and the store, taken here: a screen that closes
        while its worker runs (a sync ending as the app quits) has no app to look up.
        """
        app = self._reviews_app()
        self._read(app, app.store)

    @work(thread=True, exclusive=True, group="sources")
    def _read(self, app: ReviewsApp, store: Store) -> None:
        try:
            sources, counts = store.sources(), store.source_counts()
        except Exception as error:  # noqa: BLE001 - shown to the user, never a crash
            app.call_from_thread(
                self.notify, str(error), title="Could not read", severity="error", markup=False
            )
            return
        self.post_message(SourcesLoaded(sources, counts))

    def on_sources_loaded(self, message: SourcesLoaded) -> None:
        """Fill the list, keeping the highlighted source."""
        self._sources = message.sources
        self.refresh_bindings()  # u: shown only when there is a source
        now = datetime.now().astimezone()
        every = self._reviews_app().config.sync_every
        line = schedule_line(message.sources, every, now)
        self.query_one("#sources-schedule", Static).update(Content(line))
        listing = self.query_one("#source-list", OptionList)
        keep = listing.highlighted
        listing.clear_options()
        if not message.sources:
            listing.add_option(
                Option(
                    Content.styled("No blogs followed yet: press a to follow one", "italic"),
                    disabled=True,
                )
            )
            return
        listing.add_options(
            Option(source_lines(s, message.counts.get(s.id)), id=str(s.id)) for s in message.sources
        )
        listing.highlighted = min(keep or 0, len(message.sources) - 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``u`` only once there is a source to unfollow; ``l`` logs in to the highlighted
        WordPress blog, or out when logged in (hidden, not a dead key, on a feed)."""
        if action == "unfollow":
            return bool(self._sources)
        if action in ("show", "show_all"):
            source, reader = self._highlighted(), self._reviews_app().reader_screen()
            if source is None or reader is None:
                return False
            shown = reader.blog is not None and reader.blog[0] == source.id
            return shown == (action == "show_all")
        if action in ("log_in", "log_out"):
            source = self._highlighted()
            if source is None or source.kind != "wordpress":
                return False
            return bool(source.user) == (action == "log_out")
        return True

    def action_show(self) -> None:
        """Close, with the sidebar showing only the highlighted blog's reviews."""
        source, reader = self._highlighted(), self._reviews_app().reader_screen()
        if source is not None and reader is not None:
            reader.show_blog(source.id, source.title or source.url)
            self.dismiss(None)

    def action_show_all(self) -> None:
        """Close, with the sidebar showing every review again."""
        reader = self._reviews_app().reader_screen()
        if reader is not None:
            reader.show_blog(None)
            self.dismiss(None)

    def _highlighted(self) -> Source | None:
        index = self.query_one("#source-list", OptionList).highlighted
        return self._sources[index] if self._sources and index is not None else None

    def on_option_list_option_highlighted(self) -> None:
        """The keys shown follow the highlighted blog (``l``: log in or out)."""
        self.refresh_bindings()

    def action_log_in(self) -> None:
        """Log in to the highlighted WordPress blog (a dialog asks for the password)."""
        from tui.screens.login import LoginScreen

        source = self._highlighted()
        if source is None:
            return

        def done(logged: LoggedIn | None) -> None:
            if logged is not None:
                name = source.title or source.url
                self.app.notify(
                    f"Logged in to {name} as {logged.name}: replies to its reviews are sent "
                    f"there (the password is kept in {logged.where}).",
                    markup=False,
                )
                self._reviews_app().syncing.reload()  # this list, the reader's panes

        self.app.push_screen(LoginScreen(source), done)

    def action_log_out(self) -> None:
        """Forget the highlighted blog's password, after asking."""
        source = self._highlighted()
        if source is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._log_out(self._reviews_app(), source)

        question = join(
            ("Log out of ", ""),
            literal_line(source.title or source.url, "bold"),
            ("? Your replies stay; new ones stay here until you log in again.", ""),
        )
        self.app.push_screen(ConfirmScreen(question, yes="Log out"), answered)

    @work(thread=True, exclusive=True, group="sources-login")
    def _log_out(self, app: ReviewsApp, source: Source) -> None:
        from tui.sources.login import log_out

        try:
            log_out(app.store, source)
        except Exception as error:  # noqa: BLE001 - shown to the user, never a crash
            app.call_from_thread(
                app.notify, str(error), title="Not logged out", severity="error", markup=False
            )
            return
        app.call_from_thread(
            app.notify, f"Logged out of {source.title or source.url}.", markup=False
        )
        app.call_from_thread(app.syncing.reload)

    def action_sync(self) -> None:
        """Sync every source (``R``, as in the reader); the list is read again after."""
        self._reviews_app().action_sync()

    def action_follow(self) -> None:
        """Follow a blog by its address (the app's follow dialog)."""
        self._reviews_app().action_follow()

    def action_unfollow(self) -> None:
        """Stop following the highlighted source, after asking."""
        source = self._highlighted()
        if source is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._unfollow(self._reviews_app(), source.id)

        question = join(
            ("Stop following ", ""),
            literal_line(source.title or source.url, "bold"),
            ("? Its reviews and your replies stay.", ""),
        )
        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, group="sources-write")
    def _unfollow(self, app: ReviewsApp, source_id: int) -> None:
        try:
            app.store.remove_source(source_id)
        except Exception as error:  # noqa: BLE001
            app.call_from_thread(
                app.notify, str(error), title="Could not unfollow", severity="error", markup=False
            )
            return
        # This list, and the reader: showing that blog alone, it shows every review again.
        app.call_from_thread(app.syncing.reload)
