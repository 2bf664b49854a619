"""Search everything: titles, bodies and comments, as you type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.display import join, literal_line
from tui.store import SearchHit
from tui.widgets.choice_list import ChoiceList
from tui.widgets.footer import KeyBar

SEARCH_DELAY = 0.12
"""Seconds of quiet typing before a search runs (each keystroke restarts it)."""


@dataclass(frozen=True)
class SearchChoice:
    """Where the user wants to go: a review, and maybe one of its comments."""

    review_id: int
    comment_id: int | None


class SearchScreen(ModalScreen[SearchChoice | None]):
    """A query box over a list of hits, each with its match highlighted."""

    # Here, not in reader.tcss: parsed when the screen first opens, not at start.
    DEFAULT_CSS = """
    SearchScreen {
        align: center middle;
        background: $background 60%;
    }

    #search {
        width: 90%;
        max-width: 120;
        height: 80%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }

    #query {
        margin-top: 1;
    }

    #search-count {
        height: 1;
        padding: 0 1;
    }

    #hits {
        height: 1fr;
        border: none;
    }

    #hits > .option-list--option {
        padding: 0 0 1 0;
    }
    """

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", id="search.close"),
        Binding(
            "down",
            "results",
            "Results",
            show=False,
            tooltip="From the query into the results",
            id="search.results",
        ),
    ]

    def __init__(
        self,
        search: Callable[[str], list[SearchHit]],
        titles: dict[int, str],
        query: str = "",
    ) -> None:
        super().__init__()
        self._search = search
        self._titles = titles
        self._query = query
        self._hits: list[SearchHit] = []
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        """The query, a count and the hits."""
        with Vertical(id="search"):
            yield Input(self._query, placeholder="Search titles, reviews and comments…", id="query")
            yield Static(id="search-count")
            yield ChoiceList(id="hits")
        yield KeyBar(self.app.size.width)

    def on_mount(self) -> None:
        """Type straight away; re-run a remembered query."""
        self.query_one("#query", Input).focus()
        if self._query:
            self._run(self._query)

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        query = event.value
        self._timer = self.set_timer(SEARCH_DELAY, lambda: self._run(query))

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        hits = self.query_one("#hits", ChoiceList)
        if hits.option_count:
            hits.highlighted = hits.highlighted or 0
            hits.action_select()

    def action_results(self) -> None:
        """Move from the query into the hits."""
        hits = self.query_one("#hits", ChoiceList)
        if hits.option_count:
            if hits.highlighted is None:
                hits.highlighted = 0
            hits.focus()

    @work(thread=True, exclusive=True, group="search")
    def _run(self, query: str) -> None:
        hits = self._search(query) if query.strip() else []
        self.app.call_from_thread(self._show, query, hits)

    def _show(self, query: str, hits: list[SearchHit]) -> None:
        self._query = query
        self._hits = hits
        count = self.query_one("#search-count", Static)
        if not query.strip():
            count.update(Content.styled("Type to search.", "dim"))
        else:
            noun = "match" if len(hits) == 1 else "matches"
            count.update(Content.styled(f"{len(hits)} {noun}", "dim"))
        options = self.query_one("#hits", ChoiceList)
        options.set_options(Option(self._prompt(hit), id=str(i)) for i, hit in enumerate(hits))

    def _prompt(self, hit: SearchHit) -> Content:
        title = self._titles.get(hit.review_id, f"review {hit.review_id}")
        where = {"title": "title", "body": "review", "comment": "comment"}[hit.where]
        snippet = literal_line(hit.snippet)
        if 0 <= hit.start < hit.end <= len(snippet.plain):
            snippet = snippet.stylize("bold reverse $warning", hit.start, hit.end)
        return join(literal_line(title, "bold"), (f"  · {where}", "dim"), ("\n  ", ""), snippet)

    @on(OptionList.OptionSelected, "#hits")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        hit = self._hits[int(event.option.id or 0)]
        self.dismiss(SearchChoice(hit.review_id, hit.comment_id))

    @property
    def query_text(self) -> str:
        """The last query searched."""
        return self._query
