"""The key bar, rebuilt only when the keys it shows change.

Textual's ``Footer`` rebuilds all its key widgets whenever the screen's
bindings *may* have changed: on every focus change, every screen switch and
every ``refresh_bindings``. Saving a reply sets off four of those in a row
(the composer closing, focus back to the sidebar, focus to the thread, the
context keys), 13-17 ms each on a busy screen, for the same keys. This one
works out what it would show and changes it once, after the refresh, only if
that differs from what it shows; and then it changes the key widgets it has in
place (their text, a few added or taken away at the end) rather than building
twenty new ones, which cost ~40 ms while a reply is saved.

Its look (keys in full with the palette hint, or compact without it) is the one in
which its keys fit the width, worked out again at each rebuild and resize.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.geometry import Size
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import Footer

# Private Textual module (tests/test_textual_private.py): the type of Footer's keys.
from textual.widgets._footer import FooterKey

NARROW = 100
"""Columns below which the key bar starts compact, before it knows its keys."""

KEY_FRAME = 3
"""Columns a key takes besides its key and description in full: a space either side of
the key, one after the description (``FooterKey``'s padding)."""
PALETTE_FRAME = 3
"""Columns the palette key takes besides its key and description: it is always compact
(one space between them), then its left border and its right padding."""

KeyText = tuple[str, str, str, str, bool, str]
"""What a key of the bar shows: key, its display, description, action, enabled, tooltip."""

_NO_GROUP = id(None)
"""The group ``shows`` records for a key in no group of keys."""


class BarKey(FooterKey):
    """A key of the bar: Textual's ``FooterKey``, whose new size is not a second layout.

    Textual lays the screen out once for keys that change, and then again because each
    key (and the bar) that took a new width has a new virtual size, a reactive that asks
    for a layout. Neither scrolls what it holds by it (the bar scrolls by its own
    scroll bars' update, which the first layout runs): it needs no layout.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0))


class KeyBar(Footer):
    """A ``Footer`` that skips rebuilds which would show the same keys."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0))
    """Widget's, without the layout (``BarKey`` says why)."""

    def __init__(self, width: int | None = None) -> None:
        """``width``: the columns the bar will span, when known (the terminal's): it is
        then compact or not from the start, not changed (key by key) at its first resize."""
        narrow = width is not None and width < NARROW
        super().__init__(compact=narrow, show_command_palette=not narrow)
        self._shown: Hashable = None
        self._pending = False
        self._narrow_at: int | None = None
        """A width at which the keys did not fit in full: the bar stays compact there."""
        self.rebuilds = 0
        """How many times the keys were rebuilt (for tests)."""

    def on_resize(self, event: events.Resize) -> None:
        """A new width: the look that fits it (``_fit``), keys rebuilt if it changed."""
        self._rebuild_soon()

    def _fit(self, width: int, keys: tuple[tuple[Any, ...], ...] | None) -> None:
        """Compact keys and no palette hint (ctrl+p still works, and help lists it)
        below ``NARROW`` columns, or when the keys would not fit in full with the hint:
        otherwise the last keys, ``? Help`` and ``q Quit``, were cut off (on your own
        reply, with the most keys, at 100-102 columns, and at any width under 100
        reached by narrowing the terminal).

        Once compact at a width the bar stays so until the width changes: keys that
        fit on one pane and not on the next would otherwise change the bar's look at
        every tab between them.
        """
        narrow = width < NARROW or width == self._narrow_at
        wanted = self._wanted(keys) if keys is not None else None
        if not narrow and wanted is not None:
            need = sum(
                cell_len(display) + cell_len(description) + KEY_FRAME
                for _key, display, description, _action, _enabled, _tip in wanted
            )
            if need + self._palette_width() > width:
                narrow = True
                self._narrow_at = width
        if self.compact != narrow:
            self.compact = narrow
            self.show_command_palette = not narrow

    def _palette_width(self) -> int:
        """Columns the palette hint takes in full, or 0 without one."""
        app = self.app
        found = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
        if found is None or not app.ENABLE_COMMAND_PALETTE:
            return 0
        binding = found[1]
        shown = cell_len(app.get_key_display(binding)) + cell_len(binding.description)
        return shown + PALETTE_FRAME

    def _keys(self) -> tuple[tuple[Any, ...], ...] | None:
        """The keys the screen's bindings give the bar (see ``shows``), None until ready."""
        if not self._bindings_ready:
            return None
        app = self.app
        return tuple(
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

    def shows(self) -> Hashable:
        """What the bar would show now: each key, its label, its state, the palette key."""
        return self._showing(self._keys())

    def _showing(self, keys: tuple[tuple[Any, ...], ...] | None) -> Hashable:
        """``shows`` for ``keys`` (``_keys``), read once by the caller."""
        if keys is None:
            return None
        return keys, self.show_command_palette, self.compact

    def compose(self) -> ComposeResult:
        """Textual's keys, remembering what they show.

        Each key is given the bar's compact look (its flag and class) before it mounts
        (but the palette key, which keeps its own). A key starts compact, and is told the bar's
        look once mounted: that put the compact class on (and on a wide bar took it off
        again), a style update of the key each time, every time the bar is built.
        """
        self._shown = self.shows()
        self.rebuilds += 1
        for widget in super().compose():
            if type(widget) is FooterKey:
                # Made by Footer.compose, not mounted yet: the same key, as a BarKey.
                widget.__class__ = BarKey
            # The palette key is not bound to the bar's look: it keeps its own (compact).
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                self._give_look(widget)
            yield widget

    def _give_look(self, key: FooterKey) -> None:
        """Give a key not mounted yet the bar's compact look: its flag, and the class its
        watcher would set (the watcher then changes nothing, and the key is styled once)."""
        key.set_reactive(FooterKey.compact, self.compact)
        key.set_class(self.compact, "-compact", update=False)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild after the refresh, once however many changes came, if the keys changed."""
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        self._rebuild_soon()

    def _rebuild_soon(self) -> None:
        """Rebuild after the refresh, once however many asks come before it."""
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        keys = self._keys()
        self._fit(self.size.width or self.app.size.width, keys)
        shown = self._showing(keys)
        if shown == self._shown:
            return
        if not await self._update_in_place(shown):
            await self.recompose()

    @staticmethod
    def _wanted(keys: tuple[Any, ...]) -> list[KeyText] | None:
        """The keys ``Footer.compose`` would show (one per action, in order), from the
        keys of ``shows``; None when it would show more than plain keys (a group)."""
        by_action: dict[str, KeyText] = {}
        for key, display, description, action, enabled, tooltip, group in keys:
            if group != _NO_GROUP:
                return None
            by_action.setdefault(action, (key, display, description, action, enabled, tooltip))
        return list(by_action.values())

    async def _update_in_place(self, shown: Hashable) -> bool:
        """Show the keys now wanted by changing the key widgets there are; False when
        only a rebuild can (the palette key or the compact look changed, a group, a key
        that would change between enabled and disabled).

        Keys no longer wanted are hidden, not removed, and shown again when wanted (the
        comments pane's two keys, at every tab in and out of it): a hidden key costs
        nothing, and mounting a key again cost more than all the rest of the change.
        """
        if not isinstance(self._shown, tuple) or not isinstance(shown, tuple):
            return False
        wanted = self._wanted(shown[0])
        if wanted is None:
            return False
        if self._shown[1:] != shown[1:]:
            return False  # the palette hint or the compact look: Footer.compose's business
        keys = [key for key in self.children if type(key) is BarKey]
        if len(keys) != len(self.children):
            return False  # a group's widgets: Footer.compose's business
        palette = [key for key in keys if key.has_class("-command-palette")]
        plain = [key for key in keys if not key.has_class("-command-palette")]
        if not plain or len(palette) > 1:
            return False
        for widget, (_key, _display, _description, _action, enabled, _tip) in zip(
            plain, wanted, strict=False
        ):
            if widget.has_class("-disabled") == enabled:
                return False
        for widget, (key, display, description, action, _enabled, tooltip) in zip(
            plain, wanted, strict=False
        ):
            if (widget.key_display, widget.description) != (display, description):
                widget.refresh(layout=True)
            widget.key, widget.key_display = key, display
            widget.description, widget.action = description, action
            widget.tooltip = tooltip or None
            if not widget.display:
                widget.display = True
        for widget in plain[len(wanted) :]:
            if widget.display:
                widget.display = False
        if len(wanted) > len(plain):
            new = [
                BarKey(key, display, description, action, disabled=not enabled, tooltip=tooltip)
                for key, display, description, action, enabled, tooltip in wanted[len(plain) :]
            ]
            for widget in new:
                # Not bound to the bar's compact as compose binds it: a change of that
                # rebuilds the bar (see above), binding every key again.
                self._give_look(widget)
            await self.mount_all(new, before=palette[0] if palette else None)
        self.styles.grid_size_columns = len(wanted)
        self._shown = shown
        self.rebuilds += 1
        return True

    def shown_keys(self) -> list[FooterKey]:
        """The key widgets on show, in order (the bar keeps keys hidden for later)."""
        return [key for key in self.query(FooterKey) if key.display]
