"""The floor: the least a Textual app must do to show what the reader shows.

``python benchmarks/floor_app.py --db FILE`` parses the whole database with
``json.loads`` (``--parser orjson`` to compare), finds the newest review and
its comments, and shows the title, the body and the comments as plain text in
line-rendered widgets (cut, not wrapped): no store, no Markdown, no thread layout. Startup
benchmarks divide the reader's times by this app's.

In-process benchmarks use ``FloorReader`` directly: ``j``/``k`` step through
the reviews newest first, and an ``Input`` filters titles, each repainting the
same plain widgets, so a key's floor is one Textual repaint of new text.
"""

from __future__ import annotations

import argparse
import heapq
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input

COMMENT_LINES = 45
"""Comments shown: about a screenful, as a line-rendered thread would draw."""
LIST_LINES = 48


@dataclass
class FloorData:
    """Reviews newest first, with their comments in id order."""

    order: list[int]
    reviews: dict[int, dict[str, Any]]
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    folded: list[str] = field(default_factory=list)
    """Titles, casefolded, in ``order``."""

    @classmethod
    def from_tables(cls, tables: dict[str, Any]) -> FloorData:
        """Index every review and comment (for the in-process benchmarks; not timed)."""
        reviews = {int(k): v for k, v in tables["reviews"].items()}
        order = sorted(reviews, key=lambda r: (reviews[r]["date"], r), reverse=True)
        comments: dict[int, list[dict[str, Any]]] = {}
        for key in sorted(tables["comments"], key=int):
            doc = tables["comments"][key]
            comments.setdefault(doc["review_id"], []).append(doc)
        folded = [reviews[r]["title"].casefold() for r in order]
        return cls(order, reviews, comments, folded)

    @classmethod
    def first_screen(cls, tables: dict[str, Any]) -> FloorData:
        """Only what the first screen needs: a screenful of newest titles, the newest
        review's comments. The least work after parsing, for the startup floor."""
        reviews = {int(k): v for k, v in tables["reviews"].items()}
        order = heapq.nlargest(LIST_LINES, reviews, key=lambda r: (reviews[r]["date"], r))
        newest = order[0] if order else None
        mine = [(int(k), c) for k, c in tables["comments"].items() if c["review_id"] == newest]
        comments = {newest: [c for _, c in sorted(mine, key=lambda kc: kc[0])]} if newest else {}
        folded = [reviews[r]["title"].casefold() for r in order]
        return cls(order, reviews, comments, folded)


def parse(path: Path, parser: str = "json") -> dict[str, Any]:
    """The tables of ``path``, parsed with the stdlib (or orjson)."""
    raw = path.read_bytes()
    if parser == "orjson":
        import orjson

        tables: dict[str, Any] = orjson.loads(raw)
        return tables
    parsed: dict[str, Any] = json.loads(raw)
    return parsed


def load(path: Path, parser: str = "json") -> FloorData:
    """Parse ``path`` and index all of it."""
    return FloorData.from_tables(parse(path, parser))


class Lines(Widget):
    """Plain lines drawn one by one, cut at the widget's width: no wrapping, no layout.

    A new set of lines is one ``refresh`` of a fixed-size region, the cheapest
    repaint Textual offers (what a line-rendering list or thread does at best).
    """

    DEFAULT_CSS = "Lines { height: 1fr; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[str] = []

    def set_lines(self, lines: list[str]) -> None:
        """Show ``lines`` from the top."""
        self.lines = lines
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """Line ``y``, or blank below the last."""
        text = self.lines[y] if y < len(self.lines) else ""
        return Strip([Segment(text, self.rich_style)]).crop_extend(
            0, self.size.width, self.rich_style
        )


class FloorReader(App[None]):
    """Title, body and comments of one review as plain lines; a title filter on top."""

    CSS = """
    #list-pane { width: 40; }
    #filter { display: none; }
    #filter.-shown { display: block; }
    """
    AUTO_FOCUS = None  # keys go to the app's bindings until the filter is opened
    BINDINGS = [
        Binding("j,down", "step(1)", "Next"),
        Binding("k,up", "step(-1)", "Previous"),
        Binding("slash", "filter", "Filter"),
    ]

    def __init__(self, data: FloorData) -> None:
        super().__init__()
        self.data = data
        self.index = 0
        self.shown_id: int | None = None
        self.filter_text = ""

    def compose(self) -> ComposeResult:
        """A title list on the left; the review above its comments on the right."""
        with Horizontal():
            with Vertical(id="list-pane"):
                yield Input(id="filter")
                yield Lines(id="list")
            with Vertical():
                yield Lines(id="review")
                yield Lines(id="comments")

    def on_mount(self) -> None:
        """Show the newest review at once (the data is already parsed)."""
        # A watcher runs as the value changes, so the list repaints in the same frame as
        # the typed character (an Input.Changed handler would cost a second frame).
        self.watch(self.query_one("#filter", Input), "value", self.apply_filter, init=False)
        self.apply_filter("")
        if self.data.order:
            self.show_review(self.data.order[0])

    def show_review(self, review_id: int) -> None:
        """Put one review and its first comments on screen."""
        doc = self.data.reviews[review_id]
        self.shown_id = review_id
        self.query_one("#review", Lines).set_lines([doc["title"], *doc["body"].splitlines()])
        lines = [
            f"{c['author']}: {c['body'].partition(chr(10))[0]}"
            for c in self.data.comments.get(review_id, [])[:COMMENT_LINES]
        ]
        self.query_one("#comments", Lines).set_lines(lines)

    def action_step(self, step: int) -> None:
        """The next (or previous) review."""
        self.index = max(0, min(self.index + step, len(self.data.order) - 1))
        self.show_review(self.data.order[self.index])

    def action_filter(self) -> None:
        """Show and focus the filter box."""
        box = self.query_one("#filter", Input)
        box.add_class("-shown")
        box.focus()

    def apply_filter(self, text: str) -> None:
        """Show the first screenful of titles containing ``text``."""
        self.filter_text = text
        needle = text.casefold().strip()
        data = self.data
        titles: list[str] = []
        for rid, folded in zip(data.order, data.folded, strict=True):
            if needle in folded:
                titles.append(data.reviews[rid]["title"])
                if len(titles) == LIST_LINES:
                    break
        self.query_one("#list", Lines).set_lines(titles)


def main(argv: list[str] | None = None) -> int:
    """Parse the database, then run the floor app on it."""
    parser = argparse.ArgumentParser(description="The startup floor for the reader")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--parser", choices=["json", "orjson"], default="json")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    data = FloorData.first_screen(parse(args.db, args.parser))
    app = FloorReader(data)
    app.run()
    print(f"floor: parsed in {time.perf_counter() - began:.3f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
