"""A comment's Markdown body as the lines a reader sees in the thread.

Comments imported from Blogger, WordPress, Disqus and feeds arrive as HTML and are
stored as Markdown (``tui.importers.html``), so a raw body reads ``**Headings**``,
``[Gravatar](https://gravatar.com/ "Gravatar")`` and ``don\\'t``. The thread shows
the words instead: emphasis marks and escapes dropped, a link as its words and its
address in brackets (as the reading pane shows one), an image as ``[image: alt]``,
quotes behind ``> ``, list items behind ``• `` or their number, line breaks kept.

Each line comes with the prefix of its first wrapped row and of the rows after it, so
a long quoted or listed line keeps its mark when the thread wraps it. A body with no
Markdown syntax at all (most comments) skips the parser and is one plain line group;
one with inline marks only is read by ``tui.store.words`` (the words search finds),
which gives the same words as the parser ten times faster.

This module is plain Python (markdown-it-py); it never imports Textual.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from tui.store.words import searchable
from tui.text import one_line

TextLine = tuple[str, str, str, str]
"""(prefix of the first row, prefix of the rows it wraps onto, the text, its role).

The role names how the thread styles the line: ``body``, ``heading``, ``quote`` (a line
inside ``>``) or ``code``."""

# html=False: raw HTML stays the characters it is, as in the reading pane.
_PARSER = MarkdownIt("commonmark", {"html": False}).enable(["strikethrough", "table"])

_INLINE_MARKS = ("\\", "*", "_", "`", "[", "<", "~", "|")
"""Characters that start an inline construct (escapes, emphasis, code, links, tables)."""
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LINE_STARTS = frozenset("#>-+*=_|:[0123456789 \t`~")
"""What a line that may open a block (heading, quote, list, rule, setext underline,
table, reference, indented or fenced code) starts with."""

RULE = "───"
"""How a thematic break (``---``) is shown."""


def comment_lines(body: str, *, local: bool = False) -> tuple[TextLine, ...]:
    """The lines the thread shows for ``body`` (already ``clean``ed), with their prefixes;
    a reply written here (``local``) as typed, as the blog shows it.

    Three paths, by what the body holds: nothing Markdown could read (most comments:
    a few ``in`` tests); inline marks only (emphasis, links, escapes: the regular
    expressions search uses, ~10 µs); block structure (quotes, lists, code, tables:
    markdown-it, ~0.1 ms). The last two are remembered for the next opening.
    """
    if local:
        return (("", "", body, "body"),)
    blocks = _may_hold_blocks(body)
    plain = not blocks and not any(mark in body for mark in _INLINE_MARKS)
    if plain and ("&" not in body or not _ENTITY.search(body)):
        return (("", "", body, "body"),)
    return _rendered(body, blocks)


def shown_text(body: str, *, local: bool = False) -> str:
    """The comment as the thread shows it, marks and all, on unwrapped lines (what ``y``
    copies); a reply written here as typed."""
    lines = comment_lines(body, local=local)
    return "\n".join(lead + text for lead, _hang, text, _role in lines)


def _may_hold_blocks(body: str) -> bool:
    if body[:1] in _LINE_STARTS:
        return True
    return "\n" in body and any(line[:1] in _LINE_STARTS for line in body.split("\n"))


@lru_cache(maxsize=4096)
def _rendered(body: str, blocks: bool) -> tuple[TextLine, ...]:
    if not blocks:
        return tuple(("", "", line.rstrip(), "body") for line in searchable(body).split("\n"))
    return tuple(_Renderer().render(_PARSER.parse(body)))


class _Renderer:
    """Walks markdown-it's block tokens, keeping the quote and list prefixes open."""

    def __init__(self) -> None:
        self.lines: list[TextLine] = []
        self.prefixes: list[str] = []
        """The continuation prefix of each open quote and list item, outermost first."""
        self.lists: list[list[int]] = []
        """Each open list: [1 for ordered, the next number]."""
        self.marker: str | None = None
        """The bullet or number waiting for the first line of a list item."""
        self.cells: list[str] | None = None
        """The cells of the table row being read."""
        self.gap = False
        """Whether the next block starts after a blank line."""
        self.quotes = 0
        """How many quotes are open."""
        self.heading = False
        """Whether a heading's words are being read."""

    def render(self, tokens: list[Token]) -> list[TextLine]:
        """The lines of ``tokens``."""
        for token in tokens:
            self._token(token)
        while self.lines and not self.lines[-1][2].strip():
            self.lines.pop()
        return self.lines or [("", "", "", "body")]

    def _token(self, token: Token) -> None:
        kind = token.type
        if kind in ("paragraph_open", "heading_open") and not token.hidden:
            self._block()
            self.heading = kind == "heading_open"
        elif kind == "blockquote_open":
            self._block()
            self.prefixes.append("> ")
            self.quotes += 1
        elif kind in ("bullet_list_open", "ordered_list_open"):
            if not self.lists:
                self._block()
            start = token.attrs.get("start", 1)
            self.lists.append([kind == "ordered_list_open", int(start)])
        elif kind == "list_item_open":
            ordered, number = self.lists[-1]
            self.marker = f"{number}. " if ordered else "• "
            self.lists[-1][1] = number + 1
            self.prefixes.append(" " * len(self.marker))
        elif kind in ("blockquote_close", "list_item_close"):
            self.prefixes.pop()
            self.marker = None
            self.quotes -= kind == "blockquote_close"
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            self.gap = True
        elif kind in ("paragraph_close", "heading_close", "table_close"):
            self.gap = True
            self.heading = False
        elif kind == "inline":
            self._inline(token)
        elif kind in ("code_block", "fence"):
            self._block()
            for line in token.content.rstrip("\n").split("\n"):
                self._emit("    " + line, "code")
            self.gap = True
        elif kind == "hr":
            self._block()
            self._emit(RULE)
            self.gap = True
        elif kind == "table_open":
            self._block()
        elif kind == "tr_open":
            self.cells = []
        elif kind == "tr_close" and self.cells is not None:
            while self.cells and not self.cells[-1]:  # a header row's empty last cells
                self.cells.pop()
            self._emit(" | ".join(self.cells))
            self.cells = None

    def _block(self) -> None:
        """A block starts: after a blank line if one is owed (inside quotes, a bare ``>``)."""
        if self.gap and self.lines:
            self.lines.append(("".join(self.prefixes).rstrip(), "", "", "body"))
        self.gap = False

    def _inline(self, token: Token) -> None:
        text = _inline_text(token.children or [])
        if self.cells is not None:
            self.cells.append(one_line(text))
            return
        for line in text.split("\n"):
            self._emit(line, "heading" if self.heading else "body")

    def _emit(self, text: str, role: str = "body") -> None:
        hang = "".join(self.prefixes)
        lead = hang
        if self.marker is not None:  # the first line of a list item carries its mark
            lead = "".join(self.prefixes[:-1]) + self.marker
            self.marker = None
        if self.quotes and role == "body":
            role = "quote"
        self.lines.append((lead, hang, text.rstrip(), role))


def _inline_text(children: list[Token]) -> str:
    """The words of an inline token: marks dropped, links as ``words (address)``."""
    out: list[str] = []
    links: list[tuple[str, int]] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            out.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "image":
            alt = one_line(child.content)
            out.append(f"[image: {alt}]" if alt else "[image]")
        elif kind == "link_open":
            links.append((str(child.attrs.get("href", "")), len(out)))
        elif kind == "link_close" and links:
            href, start = links.pop()
            words = "".join(out[start:])
            if href and one_line(words) != href and child.markup != "autolink":
                out.append(f" ({href})")
    return "".join(out)
