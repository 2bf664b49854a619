"""Textual's own doors for text, made safe: notifications, pastes, the title, key names.

Widgets get outside text from ``tui.display``; a few paths bypass widgets'
constructors. Notifications quote error messages (which name files and quote
data), a paste carries whatever was on the clipboard into an Input or the
composer, the header shows the app's title, and the footer, help and palette
show key names a keymap in the config file chose. Textual passes control
characters in all of them to the terminal, so this base class cleans them
on the way in.
"""

from __future__ import annotations

from rich.segment import Segments
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.notifications import SeverityLevel

from tui.text import clean, one_line


class LiteralTextApp(App[int]):
    """An App that cleans notifications, pastes, its title and key names of control characters."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Notify, with control characters in the message and title made visible.

        Outside text must still be passed with ``markup=False`` (the test over
        the code checks that); cleaning keeps markup intact for our own messages.
        """
        super().notify(
            clean(message), title=one_line(title), severity=severity, timeout=timeout, markup=markup
        )

    async def on_event(self, event: events.Event) -> None:
        """Clean pasted text before any Input or TextArea sees it."""
        if isinstance(event, events.Paste):
            event.text = clean(event.text)
        await super().on_event(event)

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's title and subtitle, each on one clean line."""
        return super().format_title(one_line(title), one_line(sub_title))

    def _fatal_error(self) -> None:
        """Textual's crash report, without the values of local variables.

        Textual shows them by default; here they hold what the user typed (a
        reply, a draft) and private file contents, which a crash must not print.
        """
        from rich.traceback import Traceback

        self.bell()
        report = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()

    def get_key_display(self, binding: Binding) -> str:
        """A key as the footer, help and palette show it, on one clean line."""
        return one_line(super().get_key_display(binding))
