"""The help screen: every key that works now, grouped by pane, read from the live bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

# Sideways scrolling exists on every scrollable widget but means nothing in this reader.
_NOISE = {"scroll_left", "scroll_right", "page_left", "page_right"}


class HelpScreen(ModalScreen[None]):
    """Keys by pane; escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, sections: list[tuple[str, DOMNode]]) -> None:
        super().__init__()
        self._sections = sections

    def compose(self) -> ComposeResult:
        """One block of keys per pane."""
        with VerticalScroll(id="help"):
            yield Static(Content.styled("Keys", "bold $text-primary"), id="help-title")
            yield Static(self._keys(), id="help-keys")
        yield Footer()

    def _keys(self) -> Content:
        lines: list[Content] = []
        for title, node in self._sections:
            rows = self._rows(node)
            if not rows:
                continue
            lines.append(Content.styled(title, "bold $accent"))
            width = max(len(keys) for keys, _ in rows)
            lines.extend(
                Content.assemble((f"  {keys:<{width}}  ", "bold"), (description, ""))
                for keys, description in rows
            )
            lines.append(Content(""))
        return Content("\n").join(lines)

    def _rows(self, node: DOMNode) -> list[tuple[str, str]]:
        by_action: dict[str, tuple[list[str], str]] = {}
        live = node._bindings.copy()
        if self.app._keymap:  # the user's keymap, applied as Textual applies it
            live.apply_keymap(self.app._keymap)
        for key, bindings in live.key_to_bindings.items():
            for binding in bindings:
                if not binding.description or binding.action in _NOISE:
                    continue
                keys, _ = by_action.setdefault(binding.action, ([], binding.description))
                display = self.app.get_key_display(Binding(key, binding.action))
                if display not in keys:
                    keys.append(display)
        return [(" / ".join(keys), description) for keys, description in by_action.values()]
