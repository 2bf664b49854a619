"""Followed sources (feeds now, WordPress sites later) and their sync state, in a ``sources`` table.

One document per source: its ``kind`` (``"feed"``; the sync dispatches on it),
URL, title, when it was added and last synced, the status of the last sync
(``ok`` or the error in one line), the HTTP validators (ETag, Last-Modified)
for conditional GETs, a ``keep`` setting, and ``state``: what the kind's syncer
remembers between syncs (for feeds, each post's comment feed and validators).

``SourcesStore`` adds the methods to ``tui.store.Store`` (which derives from it). Synced items are
merged through the same ``plan_import`` as file imports, so read state and the
user's replies are never touched; the sources' new state goes in the same write.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tui.model import Comment, ParsedReview, Review
from tui.store.core import StoreCore
from tui.store.errors import NotFound, StoreError, WriteFailed
from tui.store.index import StoreIndex, comment_from_doc, utc_sort_key
from tui.store.merge import ImportReport, plan_import
from tui.store.storage import Tables
from tui.store.sync_times import (
    forget_sync_times,
    load_sync_times,
    only_outcome_changed,
    save_sync_times,
    sync_times_path,
    with_latest_outcome,
)
from tui.text import one_line

KINDS = ("feed", "wordpress")
"""The kinds of source the sync knows: feeds, and WordPress sites read through their REST API."""

_KEEP = re.compile(r"^\s*(\d+)\s*(d|days?)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """A followed source and how its last sync went."""

    id: int
    kind: str
    url: str
    title: str = ""
    site: str = ""
    """The site's own address, when known."""
    added: str = ""
    last_sync: str | None = None
    """ISO time of the last attempt, ``None`` before the first."""
    status: str = "new"
    """``new`` (never synced), ``ok`` or ``failed``."""
    last_error: str = ""
    etag: str | None = None
    last_modified: str | None = None
    keep: str | None = None
    """``"30d"`` (days) or ``"200"`` (items); ``None`` keeps everything."""
    new_reviews: int = 0
    """Reviews the last sync added."""
    new_comments: int = 0
    """Comments the last sync added."""
    state: Mapping[str, Any] = field(default_factory=dict)
    """What the kind's syncer remembers between syncs (JSON)."""
    user: str = ""
    """The user replies are sent as (a WordPress login; the password is not here)."""
    name: str = ""
    """The name the blog shows for ``user`` (from the login check), ``""`` if unknown."""

    def describe_status(self) -> str:
        """``ok``, ``never synced`` or the last error, for one line of a listing."""
        if self.status == "failed":
            return f"failed: {self.last_error}"
        return "never synced" if self.status == "new" else "ok"


ANSWERS = 200
"""At most this many answers to your replies are listed (the newest)."""


@dataclass(frozen=True)
class Answer:
    """A comment from someone else that answers one of your replies."""

    comment: Comment
    title: str
    """Its review's title."""
    seen: bool
    """You have had it on screen."""


@dataclass(frozen=True)
class SourceUpdate:
    """What one sync learnt about a source: its new fields (the others are kept)."""

    source_id: int
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class SourceCounts:
    """How many reviews and comments of a source the database holds."""

    reviews: int
    comments: int


def parse_keep(text: str) -> str | None:
    """``"30d"`` / ``"200"`` checked; ``"all"`` (or empty) is ``None``; ``StoreError`` if bad."""
    if text.strip().lower() in {"", "all"}:
        return None
    match = _KEEP.match(text)
    if match is None or int(match[1]) <= 0:
        raise StoreError(f"keep {one_line(text)!r} is not a number of days (30d) or items (200)")
    return f"{int(match[1])}d" if match[2] else str(int(match[1]))


def _source(key: str, doc: Mapping[str, Any]) -> Source:
    state = doc.get("state")
    return Source(
        id=int(key),
        kind=str(doc.get("kind") or "feed"),
        url=str(doc.get("url") or ""),
        title=str(doc.get("title") or ""),
        site=str(doc.get("site") or ""),
        added=str(doc.get("added") or ""),
        last_sync=doc.get("last_sync") if isinstance(doc.get("last_sync"), str) else None,
        status=str(doc.get("status") or "new"),
        last_error=str(doc.get("last_error") or ""),
        etag=doc.get("etag") if isinstance(doc.get("etag"), str) else None,
        last_modified=(
            doc.get("last_modified") if isinstance(doc.get("last_modified"), str) else None
        ),
        keep=doc.get("keep") if isinstance(doc.get("keep"), str) else None,
        new_reviews=int(doc.get("new_reviews") or 0),
        new_comments=int(doc.get("new_comments") or 0),
        state=state if isinstance(state, dict) else {},
        user=str(doc.get("user") or ""),
        name=str(doc.get("name") or ""),
    )


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class SourcesStore(StoreCore):
    """The followed sources' part of ``Store`` (the table is ``sources``)."""

    def sources(self) -> list[Source]:
        """Every followed source, by id."""
        with self._reading():
            docs = self._tables().get("sources", {})
            times = load_sync_times(sync_times_path(self.path)) if docs else {}
            found = (_source(k, with_latest_outcome(k, d, times)) for k, d in docs.items())
            return sorted(found, key=lambda s: s.id)

    def find_source(self, name: str) -> Source:
        """The source with id or URL ``name``; ``NotFound`` (naming it) if none."""
        for source in self.sources():
            if name.strip() in {str(source.id), source.url}:
                return source
        raise NotFound(f"no followed source is {one_line(name)!r} (see `reviews sources`)")

    def add_source(
        self,
        kind: str,
        url: str,
        *,
        title: str = "",
        site: str = "",
        comments: str | None = None,
        state: Mapping[str, Any] | None = None,
    ) -> Source:
        """Follow ``url`` (``comments``: its site-wide comments feed; ``state``: what its
        kind's syncer starts from); an already followed URL gives back its source unchanged."""
        if kind not in KINDS:
            raise StoreError(f"unknown kind of source {kind!r} (known: {', '.join(KINDS)})")
        with self._writing() as (_index, tables):
            docs = tables.get("sources", {})
            for key, doc in docs.items():
                if doc.get("url") == url:
                    return _source(key, doc)
            new_id = max(map(int, docs), default=0) + 1
            doc = {
                "kind": kind,
                "url": url,
                "title": one_line(title),
                "site": one_line(site),
                "added": _now(),
                "status": "new",
                "state": {**({"comments_feed": comments} if comments else {}), **(state or {})},
            }
            self._put(tables, {"sources": {str(new_id): doc}})
            return _source(str(new_id), doc)

    def remove_source(self, source_id: int) -> Source:
        """Stop following a source; its reviews and your replies stay."""
        with self._writing() as (_index, tables):
            docs = tables.get("sources", {})
            doc = docs.get(str(source_id))
            if doc is None:
                raise NotFound(f"there is no source {source_id}")
            gone = _source(str(source_id), doc)

            def write() -> None:
                del docs[str(source_id)]
                self._storage.write(tables)

            self._commit(write)
            return gone

    def set_keep(self, source_id: int, keep: str | None) -> Source:
        """Change how much of a source is kept (``None``: everything)."""
        with self._writing() as (_index, tables):
            doc = tables.get("sources", {}).get(str(source_id))
            if doc is None:
                raise NotFound(f"there is no source {source_id}")
            new = {**doc, "keep": keep}
            self._put(tables, {"sources": {str(source_id): new}})
            return _source(str(source_id), new)

    def source_counts(self) -> dict[int, SourceCounts]:
        """Reviews and live comments each source brought (its posts still in the database)."""
        with self._reading() as index:
            counts = {}
            for key, doc in self._tables().get("sources", {}).items():
                posts = (doc.get("state") or {}).get("posts") or {}
                ids = [index.review_by_source.get(i) for i in posts]
                found = [i for i in ids if i is not None]
                comments = sum(index.counts.get(i, 0) for i in found)
                counts[int(key)] = SourceCounts(len(found), comments)
            return counts

    def source_review_ids(self, source_id: int) -> frozenset[int] | None:
        """The reviews a source brought that are still in the database; ``None`` when it
        is not followed (any more)."""
        with self._reading() as index:
            doc = self._tables().get("sources", {}).get(str(source_id))
            if doc is None:
                return None
            posts = (doc.get("state") or {}).get("posts") or {}
            found = (index.review_by_source.get(identity) for identity in posts)
            return frozenset(i for i in found if i is not None)

    def known_reviews(self, identities: Sequence[str]) -> dict[str, tuple[Review, list[Comment]]]:
        """The stored reviews with these identities (``source_id``), with their comments."""
        with self._reading() as index:
            found = {}
            for identity in identities:
                review_id = index.review_by_source.get(identity)
                if review_id is not None:
                    found[identity] = (
                        index.reviews[review_id],
                        list(index.comments_of(review_id, cache=False)),
                    )
            return found

    def identity_aliases(self) -> dict[str, str]:
        """Each stored review's identity without its format prefix -> the identity.

        A post followed in a feed (``feed:<guid>``) is the same post as one imported
        from the blog's export (``wordpress:<guid>``, ``blogger:<id>``), or one whose
        permalink is the post's link: the sync matches them by this, so nothing is
        added twice.
        """
        with self._reading() as index:
            aliases: dict[str, str] = {}
            for identity, review_id in index.review_by_source.items():
                prefix, sep, rest = identity.partition(":")
                if sep and prefix != "hash" and rest:
                    aliases.setdefault(rest, identity)
                # The permalink, once reviews carry one (issue 12 adds ``Review.url``).
                url = getattr(index.reviews[review_id], "url", "")
                if isinstance(url, str) and url:
                    aliases.setdefault(url, identity)
            return aliases

    def apply_sync(
        self, parsed: Sequence[ParsedReview], updates: Sequence[SourceUpdate]
    ) -> ImportReport:
        """Merge synced reviews and comments and the sources' new state in one write.

        Local replies and read state are never changed; sources with a ``keep``
        setting then drop their old unread posts (never one you replied to or starred).
        A sync that changed nothing but how the sync went (its time and status) writes
        only those, beside the database (``tui.store.sync_times``).
        """
        with self._writing() as (index, tables):
            plan = plan_import(index, parsed)
            docs = tables.get("sources", {})
            changes = {
                str(u.source_id): {**docs[str(u.source_id)], **u.fields}
                for u in updates
                if str(u.source_id) in docs
            }
            if (
                not plan.reviews
                and not plan.comments
                and all(only_outcome_changed(docs[k], doc) for k, doc in changes.items())
                and not any(_to_drop(index, tables, changes).values())
            ):
                try:
                    save_sync_times(sync_times_path(self.path), changes)
                except OSError as error:
                    raise WriteFailed(
                        f"could not save the sync times beside {self.path}: "
                        f"{error.strerror or error}; nothing was changed"
                    ) from None
                return plan.report()
            self._put(
                tables,
                {"reviews": plan.reviews, "comments": plan.comments, "sources": changes},
            )
            with suppress(OSError):  # left behind, an entry is shown only if not older
                forget_sync_times(sync_times_path(self.path), changes)
            index.put_comments(comment_from_doc(int(k), d) for k, d in plan.comments.items())
            index.put_reviews(plan.reviews)
            self._search = None
            dropped = _to_drop(index, tables, changes)
            if any(dropped.values()):
                self._drop(index, tables, dropped)
            return plan.report()

    def _drop(self, index: StoreIndex, tables: Tables, dropped: Mapping[str, set[int]]) -> None:
        review_ids = {i for ids in dropped.values() for i in ids}
        keys = {str(i) for i in review_ids}
        sources = tables["sources"]
        # Remembered, so a later change of the feed does not bring the post back.
        changed = {}
        for key, ids in dropped.items():
            state = dict(sources[key].get("state") or {})
            gone = set(state.get("dropped") or ())
            gone |= {index.reviews[i].source_id for i in ids}
            state["dropped"] = sorted(gone)
            changed[key] = {**sources[key], "state": state}

        def write() -> None:
            sources.update(changed)
            for key in keys:
                tables["reviews"].pop(key, None)
                tables.get("reads", {}).pop(key, None)
            comments = tables.get("comments", {})
            for key in [k for k, d in comments.items() if d.get("review_id") in review_ids]:
                del comments[key]
            self._storage.write(tables)

        self._commit(write)
        # Rare (a keep setting): rebuilt, not patched.
        self._index = StoreIndex(tables, compact=self._storage.compact)
        self._search = None

    def answers_to_you(self, limit: int = ANSWERS) -> list[Answer]:
        """Comments from others that answer one of your replies, newest first (at most
        ``limit``), each with its review's title and whether you have seen it."""
        with self._reading() as index:
            found = []
            for comment_id in reversed(index.answers_to_local()):
                comment = index.comment(comment_id)
                review = index.reviews.get(comment.review_id) if comment else None
                if comment is None or review is None:
                    continue
                _unread, seen = index.reads.get(review.id, (True, frozenset()))
                found.append(Answer(comment, review.title, comment_id in seen))
                if len(found) >= limit:
                    break
            return found

    def reviews_with_new_comments(self) -> set[int]:
        """Reviews you have read that have comments you have not seen (the sidebar marks them)."""
        with self._reading() as index:
            found = set()
            for review_id, (unread, seen) in index.reads.items():
                thread = index.thread_ids.get(review_id)
                if not unread and thread and not seen.issuperset(thread):
                    found.add(review_id)
            return found


def _to_drop(index: StoreIndex, tables: Tables, changed: Mapping[str, Any]) -> dict[str, set[int]]:
    """Per source: its old, unread, unreplied, unstarred posts its ``keep`` says to drop."""
    found: dict[str, set[int]] = {}
    for source_key, doc in changed.items():
        drop = found.setdefault(source_key, set())
        keep = doc.get("keep")
        if not isinstance(keep, str):
            continue
        posts = (doc.get("state") or {}).get("posts") or {}
        ids = [i for i in (index.review_by_source.get(p) for p in posts) if i is not None]
        ids.sort(key=lambda i: (utc_sort_key(index.reviews[i].date), i), reverse=True)
        if keep.endswith("d"):
            cutoff = (datetime.now().astimezone() - timedelta(days=int(keep[:-1]))).isoformat()
            old = [i for i in ids if utc_sort_key(index.reviews[i].date) < utc_sort_key(cutoff)]
        else:
            old = ids[int(keep) :]
        reads = tables.get("reads", {})
        for review_id in old:
            read = reads.get(str(review_id), {})
            if not index.reads.get(review_id, (True,))[0] or read.get("starred"):
                continue
            if any(c.local for c in index.comments_of(review_id, cache=False)):
                continue
            drop.add(review_id)
    return found
