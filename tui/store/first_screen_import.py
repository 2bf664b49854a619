"""The first screen after a big import, taken while its documents stream past.

A big import (``tui.store.spool``) writes its new documents straight from a
temp file into the new database file, without ever indexing them; the store
then forgets its index. Taking the first-screen snapshot the usual way would
need the index of every new review. ``FirstScreenWatch`` sees each document
the import plans instead and keeps only what the first screen can show: the
newest ``ROWS`` new reviews (a heap by the sidebar's order key), and for them
and for the reviews already stored, the figures of their new comments (how
many, the newest date, which ids). At the end it is merged with the store's
index as it was before the import, which gives exactly what a full load of
the written file shows.

Where it cannot be sure (a review seen twice in one import that moved below
one it had already dropped, a newest review whose new comments are scattered
among other reviews'), it says so and no snapshot is written: the reader then
loads the whole file once and writes one, as it does for any stale snapshot.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.model import Comment, Review
from tui.store.first_screen import MAX_COMMENTS, ROWS, FirstScreen
from tui.store.index import StoreIndex, comment_from_doc, newer, review_from_doc

Doc = dict[str, Any]
Key = tuple[str, int]
"""A review's place in the sidebar: its date (as written), then its id; higher is newer."""


@dataclass
class _Figures:
    """What an import adds to one review's thread."""

    live: int = 0
    """New comments that are not tombstones."""
    latest: str | None = None
    """The newest date among them."""
    first: int = 0
    """The lowest new comment id."""
    last: int = 0
    """The highest new comment id."""
    added: int = 0
    """New comments, tombstones included."""

    def ids(self) -> range | None:
        """The new comment ids, when they are one run (else they are not known)."""
        if self.last - self.first + 1 != self.added:
            return None
        return range(self.first, self.last + 1)


@dataclass
class FirstScreenWatch:
    """Watches an import's planned documents; ``first_screen`` then merges them with the index."""

    index: StoreIndex
    """The store's index as it was before the import."""
    unsure: bool = False
    """Set when what was kept may not be the first screen: then none is taken."""
    _heap: list[Key] = field(default_factory=list)
    _docs: dict[int, Doc] = field(default_factory=dict)
    _cut: Key | None = None
    """The newest key of a new review dropped (or never kept): the heap's floor."""
    _newest_new: int = 0
    _figures: dict[int, _Figures] = field(default_factory=dict)

    def review(self, review_id: int, doc: Doc) -> None:
        """A new review's document was planned (again, if the same review came twice)."""
        if review_id in self.index.reviews:
            return  # an update of a stored review: it stays in the plan's dicts
        key = (str(doc.get("date")), review_id)
        again = review_id <= self._newest_new
        self._newest_new = max(self._newest_new, review_id)
        if review_id in self._docs:
            self._docs[review_id] = doc
            old = next(k for k in self._heap if k[1] == review_id)
            if old != key:
                if self._cut is not None and key < self._cut:
                    self.unsure = True  # one already dropped may belong above it now
                self._heap.remove(old)
                self._heap.append(key)
                heapq.heapify(self._heap)
            return
        if again and (self._cut is None or key > self._cut):
            self.unsure = True  # dropped before with its comments' figures: now it is back
        if len(self._heap) < ROWS:
            heapq.heappush(self._heap, key)
        elif key > self._heap[0]:
            dropped = heapq.heapreplace(self._heap, key)
            self._drop(dropped)
        else:
            self._lower_cut(key)
            return
        self._docs[review_id] = doc

    def _drop(self, key: Key) -> None:
        self._lower_cut(key)
        del self._docs[key[1]]
        self._figures.pop(key[1], None)

    def _lower_cut(self, key: Key) -> None:
        if self._cut is None or key > self._cut:
            self._cut = key

    def comment(self, comment_id: int, doc: Doc) -> None:
        """A new comment's document was planned."""
        review_id: int = doc["review_id"]
        figures = self._figures.get(review_id)
        if figures is None:
            if review_id not in self._docs and review_id not in self.index.reviews:
                return  # a new review below the first screen's rows
            figures = self._figures[review_id] = _Figures(first=comment_id)
        figures.added += 1
        figures.first = min(figures.first, comment_id)
        figures.last = max(figures.last, comment_id)
        if doc.get("deleted") is None:
            figures.live += 1
            date = doc.get("date")
            if date and (figures.latest is None or newer(date, figures.latest)):
                figures.latest = date

    def first_screen(
        self, updated: dict[str, Doc], added: int, new_comment: Callable[[str], Doc | None]
    ) -> FirstScreen | None:
        """The first screen of the file the import writes; None when not sure or not worth it.

        ``updated``: the plan's changed documents of stored reviews; ``added``: how
        many reviews the import adds; ``new_comment(key)``: a new comment's document.
        """
        if self.unsure:
            return None
        index = self.index
        candidates: list[Review] = []
        for review in index.ordered():
            if len(candidates) == ROWS:
                break
            if str(review.id) not in updated:
                candidates.append(self._with_new_comments(review))
        for key, doc in updated.items():
            review_id = int(key)
            stored = index.reviews[review_id]
            review = review_from_doc(
                review_id, doc, stored.comment_count, index.latest.get(review_id)
            )
            candidates.append(self._with_new_comments(review))
        for review_id, doc in self._docs.items():
            candidates.append(self._with_new_comments(review_from_doc(review_id, doc)))
        candidates.sort(key=lambda r: (r.date, r.id), reverse=True)
        top = candidates[:ROWS]
        total = len(index.reviews) + added
        if not top:
            return FirstScreen(total, [], set(), set(), [], frozenset())
        unread, fresh = set(), set()
        for review in top:
            is_unread, seen = index.reads.get(review.id, (True, frozenset()))
            if is_unread:
                unread.add(review.id)
                continue
            if not seen.issuperset(index.thread_ids.get(review.id, ())):
                fresh.add(review.id)
                continue
            figures = self._figures.get(review.id)
            if figures is None:
                continue
            new_ids = figures.ids()
            if new_ids is None:
                if max(seen, default=figures.first - 1) >= figures.first:
                    return None  # which new ids were seen cannot be told
                fresh.add(review.id)  # the first new comment is not among the seen
            elif not seen.issuperset(new_ids):
                fresh.add(review.id)
        comments = self._thread(top[0].id, new_comment)
        if comments is None:
            return None
        newest_seen = index.reads.get(top[0].id, (True, frozenset()))[1]
        return FirstScreen(total, top, unread, fresh, comments, newest_seen)

    def _with_new_comments(self, review: Review) -> Review:
        """``review`` with its comment count and last activity counting the new comments."""
        figures = self._figures.get(review.id)
        if figures is None:
            return review
        stored_latest = self.index.latest.get(review.id)
        latest = stored_latest
        if figures.latest is not None and (latest is None or newer(figures.latest, latest)):
            latest = figures.latest
        return dataclasses.replace(
            review,
            comment_count=review.comment_count + figures.live,
            last_activity=latest or review.date,
        )

    def _new_ids(self, review_id: int) -> range | None:
        figures = self._figures.get(review_id)
        return range(0) if figures is None else figures.ids()

    def _thread(
        self, review_id: int, new_comment: Callable[[str], Doc | None]
    ) -> list[Comment] | None:
        """The newest review's comments, stored and new, in id order (None: not known)."""
        new_ids = self._new_ids(review_id)
        if new_ids is None:
            return None
        stored = len(self.index.thread_ids.get(review_id, ()))
        if stored + len(new_ids) > MAX_COMMENTS:
            return None
        thread = list(self.index.comments_of(review_id, cache=False)) if stored else []
        for comment_id in new_ids:
            doc = new_comment(str(comment_id))
            if doc is None or doc.get("review_id") != review_id:
                return None
            thread.append(comment_from_doc(comment_id, doc))
        return thread
