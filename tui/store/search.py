"""Case- and accent-insensitive substring search over titles, review bodies and comments.

Bodies and imported comments are searched as the words the reader shows for their
Markdown (``tui.store.words``): "see the site" finds "See [the site](url)".

All the folded texts (``tui.text.fold``: "Amélie" is "amelie", one character
for one, so spans stay put) are joined into one string, built on the first
search, so a query is a handful of ``str.find`` calls running at memory speed
rather than a Python loop over a hundred thousand comments. Replies written
after the build go to a small overlay searched separately, so a new reply
does not force a rebuild.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from tui.model import Comment, Review
from tui.store.index import StoreIndex
from tui.store.words import searchable
from tui.text import clean, fold

Where = Literal["title", "body", "comment"]
"""Which text of a review a hit is in."""

SNIPPET_WIDTH = 80
"""About how many characters a hit's snippet shows."""
_SEPARATOR = "\x00"  # clean() turns NUL into a picture, so no stored text contains it
_WHITESPACE = re.compile(r"\s+")
_ORDER = {"title": 0, "body": 1, "comment": 2}


@dataclass(frozen=True)
class SearchHit:
    """One match: where it is, and a one-line snippet with the match span inside it."""

    review_id: int
    comment_id: int | None
    where: Where
    snippet: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Entry:
    where: Where
    review_id: int
    comment_id: int | None
    held: str | Review
    """The text; for a review's body, the review: the store keeps long bodies packed
    (``tui.store.packed``), and one is unpacked for a hit's snippet, not all held."""

    @property
    def text(self) -> str:
        """The text searched: a body as the words the reading pane shows."""
        return searchable(self.held.body) if isinstance(self.held, Review) else self.held


def _fold(text: str) -> str:
    return _WHITESPACE.sub(" ", clean(text))


def make_snippet(
    text: str, start: int, end: int, width: int = SNIPPET_WIDTH
) -> tuple[str, int, int]:
    """About ``width`` characters of ``text`` on one line around ``text[start:end]``.

    Returns the snippet and the match span inside it.
    """
    match = _fold(text[start:end])[:width]
    room = max(width - len(match), 0)
    # Raw text is taken generously: folding whitespace only ever shortens it.
    reach = 4 * width
    before_all = _fold(text[max(0, start - reach) : start]).lstrip()
    after_all = _fold(text[end : end + reach]).rstrip()
    lead = min(len(before_all), max(room // 3, room - len(after_all)))
    before = before_all[len(before_all) - lead :] if lead else ""
    trail = room - len(before)
    after = after_all[:trail]
    head = "…" if lead < len(before_all) or start > reach else ""
    tail = "…" if trail < len(after_all) or end + reach < len(text) else ""
    first = len(head) + len(before)
    return f"{head}{before}{match}{after}{tail}", first, first + len(match)


class SearchIndex:
    """The folded texts of one version of the data, plus an overlay of later replies."""

    def __init__(self, index: StoreIndex) -> None:
        """Lay the texts out in display order: each review's title, body, then comments."""
        self._index = index
        entries: list[_Entry] = []
        for review in index.ordered():
            entries.append(_Entry("title", review.id, None, review.title))
            entries.append(_Entry("body", review.id, None, review))
            for comment_id, body, local in index.live_comment_bodies(review.id):
                # An imported comment is Markdown, shown as its words; a reply written
                # here is shown (and found) as typed.
                shown = body if local else searchable(body)
                entries.append(_Entry("comment", review.id, comment_id, shown))
        lowered = [fold(entry.text) for entry in entries]
        self._entries = entries
        self._starts: list[int] = []
        offset = 0
        for low in lowered:
            self._starts.append(offset)
            offset += len(low) + 1
        self._text = _SEPARATOR.join(lowered)
        self._stale: set[int] = set()
        """Comment ids whose base entry is out of date (edited, deleted or undeleted)."""
        self._overlay: dict[int, Comment] = {}

    def update_comment(self, comment: Comment) -> None:
        """Take a new, edited, deleted or undeleted reply into account."""
        self._stale.add(comment.id)
        if comment.deleted is None:
            self._overlay[comment.id] = comment
        else:
            self._overlay.pop(comment.id, None)

    @property
    def overlay_size(self) -> int:
        """How many replies are searched outside the joined text (the store rebuilds past a few)."""
        return len(self._overlay)

    def _key(self, entry: _Entry) -> tuple[int, int, int]:
        return (
            self._index.position(entry.review_id),
            _ORDER[entry.where],
            entry.comment_id or 0,
        )

    def search(self, query: str, limit: int) -> list[SearchHit]:
        """Up to ``limit`` hits, one per text, in display order."""
        needle = fold(query)
        if not needle.strip() or limit <= 0:
            return []
        found: list[tuple[_Entry, int, int]] = []
        pos = self._text.find(needle)
        while pos >= 0 and len(found) < limit:
            i = bisect_right(self._starts, pos) - 1
            entry = self._entries[i]
            local = pos - self._starts[i]
            # The folded text is as long as the text (one character for one).
            end = self._starts[i + 1] - 1 if i + 1 < len(self._starts) else len(self._text)
            if local + len(needle) <= end - self._starts[i] and not (
                entry.comment_id is not None and entry.comment_id in self._stale
            ):
                found.append((entry, local, local + len(needle)))
                pos = self._starts[i + 1] if i + 1 < len(self._starts) else len(self._text)
            else:
                pos += 1
            pos = self._text.find(needle, pos)
        for comment in self._overlay.values():
            at = fold(comment.body).find(needle)
            if at >= 0:
                entry = _Entry("comment", comment.review_id, comment.id, comment.body)
                found.append((entry, at, at + len(needle)))
        found.sort(key=lambda item: self._key(item[0]))
        hits = []
        for entry, start, end in found[:limit]:
            snippet, s, e = make_snippet(entry.text, start, end)
            hits.append(SearchHit(entry.review_id, entry.comment_id, entry.where, snippet, s, e))
        return hits
