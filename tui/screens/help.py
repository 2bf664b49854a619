"""The help screen: every key, grouped by pane, with the binding ids a keymap uses.

Read from the bindings each pane declares and the user's keymap in the config
(public data both), not from Textual's private binding tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.footer import KeyBar

# Sideways scrolling exists on every scrollable widget but means nothing in this reader.
_NOISE = {"scroll_left", "scroll_right", "page_left", "page_right"}

Section = tuple[str, Iterable[BindingType]]
"""A title and the bindings listed under it."""


def dialog_keys() -> list[tuple[str, dict[str, Iterable[BindingType]]]]:
    """Each dialog's keys: its title in the help, and its bindings by the scope name the
    keymap checks them under (the help shows a dialog's scopes as one section).

    The dialogs' modules load here, when the help or a keymap needs them, not before the
    reader's first frame.
    """
    from tui.screens.composer import ReplyComposer
    from tui.screens.confirm import ConfirmScreen
    from tui.screens.follow import FollowScreen
    from tui.screens.inbox import InboxScreen
    from tui.screens.links import LinksScreen
    from tui.screens.login import LoginScreen
    from tui.screens.outbox import OutboxScreen
    from tui.screens.search import SearchScreen
    from tui.screens.sources import SourcesScreen
    from tui.screens.tags import TagFind, TagPicker
    from tui.widgets.choice_list import ChoiceList

    return [
        ("Reply composer", {"composer": ReplyComposer.BINDINGS}),
        ("Search (ctrl+f)", {"search": SearchScreen.BINDINGS}),
        ("Tag picker (t)", {"tags": TagPicker.BINDINGS, "tags_find": TagFind.BINDINGS}),
        ("Links (o)", {"links": LinksScreen.BINDINGS}),
        ("Followed blogs (S)", {"sources": SourcesScreen.BINDINGS}),
        ("Follow a blog (a in S)", {"follow": FollowScreen.BINDINGS}),
        ("Log in to a blog (l in S)", {"login": LoginScreen.BINDINGS}),
        ("Outbox (O)", {"outbox": OutboxScreen.BINDINGS}),
        ("Answers to you (I)", {"inbox": InboxScreen.BINDINGS}),
        ("Lists in dialogs (hits, tags, links, blogs)", {"choices": ChoiceList.BINDINGS}),
        ("Questions", {"confirm": ConfirmScreen.BINDINGS}),
    ]


def key_rows(
    bindings: Iterable[BindingType], keymap: Mapping[str, str]
) -> list[tuple[list[str], str, str]]:
    """(keys, description, binding id) for each described binding, keymap applied."""
    rows: list[tuple[list[str], str, str]] = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        if binding.action in _NOISE:
            continue
        keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
        split = [k.strip() for k in keys.split(",") if k.strip()]
        # A tooltip, where there is one, says more than the key bar's short name.
        rows.append((split, binding.tooltip or binding.description, binding.id or ""))
    return rows


class HelpScreen(ModalScreen[None]):
    """Keys by pane; escape, q or ? closes it."""

    # Here, not in reader.tcss: parsed when the screen first opens, not at start.
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        background: $background 60%;
    }

    #help {
        width: 100;
        max-width: 95%;
        height: 80%;
        border: round $accent;
        background: $surface;
        padding: 0 2;
    }

    #help-note {
        padding-bottom: 1;
    }

    #help-title {
        padding: 1 0;
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
        Binding("j,down", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="help.up"),
        # The reading pane's paging keys, so the help reads like the review does.
        Binding(
            "space,pagedown,ctrl+d",
            "scroll('page_down')",
            "Page down",
            show=False,
            id="help.page_down",
        ),
        Binding("pageup,ctrl+u", "scroll('page_up')", "Page up", show=False, id="help.page_up"),
        Binding("g,home", "scroll('top')", "Top", show=False, id="help.top"),
        Binding("G,end", "scroll('bottom')", "Bottom", show=False, id="help.bottom"),
    ]

    def __init__(self, sections: list[Section], keymap: Mapping[str, str]) -> None:
        super().__init__()
        self._sections = sections
        self._keymap = keymap

    def compose(self) -> ComposeResult:
        """One block of keys per pane."""
        with VerticalScroll(id="help"):
            yield Static(Content.styled("Keys", "bold $text-primary"), id="help-title")
            yield Static(self._keys(), id="help-keys")
            yield Static(
                Content.styled(
                    "The last column is the binding id: rebind a key in config.yaml with\n"
                    "keymap:\n  comments.toggle: c",
                    "dim",
                ),
                id="help-note",
            )
        yield KeyBar(self.app.size.width)

    def action_scroll(self, where: str) -> None:
        """Scroll the list of keys: a line (``down``, ``up``), a page (``page_down``,
        ``page_up``) or to an end (``top``, ``bottom``)."""
        box = self.query_one("#help", VerticalScroll)
        moves = {
            "down": box.scroll_down,
            "up": box.scroll_up,
            "page_down": box.scroll_page_down,
            "page_up": box.scroll_page_up,
            "top": box.scroll_home,
            "bottom": box.scroll_end,
        }
        moves[where](animate=False)

    def _keys(self) -> Content:
        lines: list[Content] = []
        for title, bindings in self._sections:
            rows = [
                (" / ".join(self._show(key) for key in keys), description, binding_id)
                for keys, description, binding_id in key_rows(bindings, self._keymap)
            ]
            if not rows:
                continue
            lines.append(Content.styled(title, "bold $accent"))
            keys_width = max(len(keys) for keys, _, _ in rows)
            text_width = max(len(description) for _, description, _ in rows)
            lines.extend(
                Content.assemble(
                    (f"  {keys:<{keys_width}}  ", "bold"),
                    (f"{description:<{text_width}}  ", ""),
                    (binding_id, "dim"),
                )
                for keys, description, binding_id in rows
            )
            lines.append(Content(""))
        return Content("\n").join(lines)

    def _show(self, key: str) -> str:
        return self.app.get_key_display(Binding(key, ""))
