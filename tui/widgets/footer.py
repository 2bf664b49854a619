"""The key bar, rebuilt only when the keys it shows change.

Textual's ``Footer`` rebuilds all its key widgets whenever the screen's
bindings *may* have changed: on every focus change, every screen switch and
every ``refresh_bindings``. Saving a reply sets off four of those in a row
(the composer closing, focus back to the sidebar, focus to the thread, the
context keys), 13-17 ms each on a busy screen, for the same keys. This one
works out what it would show and rebuilds once, after the refresh, only if
that differs from what it shows.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

NARROW = 100
"""Columns below which the key bar is compact."""


class KeyBar(Footer):
    """A ``Footer`` that skips rebuilds which would show the same keys."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: Hashable = None
        self._pending = False
        self.rebuilds = 0
        """How many times the keys were rebuilt (for tests)."""

    def on_resize(self, event: events.Resize) -> None:
        """Below ``NARROW`` columns: compact keys, and no palette hint on the right.

        Otherwise the last keys, ``? Help`` and ``q Quit``, are cut off at 80
        columns with the comments focused. ctrl+p still works, and help lists it.
        """
        narrow = event.size.width < NARROW
        if self.compact != narrow:
            self.compact = narrow
            self.show_command_palette = not narrow

    def shows(self) -> Hashable:
        """What the bar would show now: each key, its label, its state, the palette key."""
        if not self._bindings_ready:
            return None
        app = self.app
        keys = tuple(
            (
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                enabled,
                tooltip,
                id(binding.group),
            )
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )
        return keys, self.show_command_palette, self.compact

    def compose(self) -> ComposeResult:
        """Textual's keys, remembering what they show."""
        self._shown = self.shows()
        self.rebuilds += 1
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild after the refresh, once however many changes came, if the keys changed."""
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._pending = False
        if self.is_attached and self.shows() != self._shown:
            await self.recompose()
