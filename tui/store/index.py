"""The store's in-memory view of the tables: reviews as dataclasses, comments on demand.

Built each time the file is (re)loaded from disk, then patched by the store's
own writes, so reading the review list or a long thread never scans or
re-parses the tables.

Loading has to be cheap on a file of 100,000 comments, so it makes no object
per comment: one pass over the raw comment documents records, per review, its
comment ids and its figures (live comments, newest date). ``Comment`` objects
are built from the documents only when a thread or a comment is asked for, and
the last few threads are cached. Every document is still checked: reviews and
read state when loading, the fields of a comment the load pass needs then, its
other fields when it is first built; a bad one raises ``UnreadableFileError``
naming the document and the field, which the store reports as corrupt.
"""

from __future__ import annotations

import dataclasses
import uuid
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from operator import attrgetter, itemgetter
from typing import Any, cast

from tui.model import Comment, Review
from tui.store.packed import PackedReview, compact_review
from tui.store.storage import Tables, UnreadableFileError

Doc = dict[str, Any]

THREAD_CACHE = 16
"""How many reviews' lists of ``Comment`` objects are kept built."""

_MISSING = object()
_NO_TAGS: list[str] = []  # the default of a missing "tags"; never mutated
_OFFSET = itemgetter(slice(19, None))
"""What follows ``YYYY-MM-DDTHH:MM:SS``: fractions and the UTC offset."""


def _field(kind: str, doc_id: int, doc: Doc, name: str, types: Any, default: Any) -> Any:
    value = doc.get(name, default)
    if value is _MISSING:
        raise UnreadableFileError(f"{kind} {doc_id} has no {name!r}")
    # bool is an int in Python; a true/false where a number belongs is still corrupt.
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        raise UnreadableFileError(f"{kind} {doc_id} has a malformed {name!r}")
    return value


def _checked_review(review_id: int, doc: Doc, comment_count: int, latest: str | None) -> Review:
    """The slow path of ``review_from_doc``: field by field, naming the first bad one."""
    tags = _field("review", review_id, doc, "tags", (list, tuple), [])
    if not all(isinstance(tag, str) for tag in tags):
        raise UnreadableFileError(f"review {review_id} has a malformed 'tags'")
    rating = _field("review", review_id, doc, "rating", (int, float, type(None)), None)
    date = _field("review", review_id, doc, "date", (str,), _MISSING)
    made = PackedReview if type(doc.get("body")) is bytes else Review
    return made(
        id=review_id,
        title=_field("review", review_id, doc, "title", (str,), _MISSING),
        date=date,
        author=_field("review", review_id, doc, "author", (str,), ""),
        body=_field("review", review_id, doc, "body", (str, bytes), _MISSING),
        tags=tuple(tags),
        film=_field("review", review_id, doc, "film", (str, type(None)), None),
        year=_field("review", review_id, doc, "year", (int, type(None)), None),
        director=_field("review", review_id, doc, "director", (str, type(None)), None),
        rating=None if rating is None else float(rating),
        source=_field("review", review_id, doc, "source", (str,), ""),
        source_id=_field("review", review_id, doc, "source_id", (str,), ""),
        comment_count=comment_count,
        last_activity=latest or date,
        url=_field("review", review_id, doc, "url", (str,), ""),
    )


def review_from_doc(
    review_id: int, doc: Doc, comment_count: int = 0, latest: str | None = None
) -> Review:
    """A ``Review`` from its stored document and its figures; ``UnreadableFileError`` if bad.

    ``latest`` is the date of its newest live comment; without one, the last
    activity is the review's own date.
    """
    # The fast path: exact type checks in one expression, one construction; only a
    # bad document takes the slow path, which names the bad field.
    get = doc.get
    title, date, author, body = get("title"), get("date"), get("author", ""), get("body")
    tags, film, year, director = get("tags", _NO_TAGS), get("film"), get("year"), get("director")
    rating, source, source_id = get("rating"), get("source", ""), get("source_id", "")
    url = get("url", "")
    made = Review if type(body) is str else PackedReview  # a body the index packed: bytes
    if (
        type(title) is str
        and type(date) is str
        and type(author) is str
        and (made is Review or type(body) is bytes)
        and (type(tags) is list or type(tags) is tuple)  # a tuple: compact_review's
        and (film is None or type(film) is str)
        and (year is None or type(year) is int)
        and (director is None or type(director) is str)
        and (rating is None or type(rating) is float or type(rating) is int)
        and type(source) is str
        and type(source_id) is str
        and type(url) is str
        and all(type(tag) is str for tag in tags)
    ):
        return made(
            review_id,
            title,
            date,
            author,
            cast(str, body),  # or, for a PackedReview, its Packed body
            tuple(tags),
            film,
            year,
            director,
            None if rating is None else float(rating),
            source,
            source_id,
            comment_count,
            latest or date,
            url,
        )
    return _checked_review(review_id, doc, comment_count, latest)


def _checked_comment(comment_id: int, doc: Doc) -> Comment:
    optional = (str, type(None))
    return Comment(
        id=comment_id,
        review_id=_field("comment", comment_id, doc, "review_id", (int,), _MISSING),
        parent_id=_field("comment", comment_id, doc, "parent_id", (int, type(None)), None),
        author=_field("comment", comment_id, doc, "author", (str,), ""),
        date=_field("comment", comment_id, doc, "date", optional, None),
        body=_field("comment", comment_id, doc, "body", (str,), _MISSING),
        local=_field("comment", comment_id, doc, "local", (bool,), False),
        source_id=_field("comment", comment_id, doc, "source_id", (str,), ""),
        edited=_field("comment", comment_id, doc, "edited", optional, None),
        deleted=_field("comment", comment_id, doc, "deleted", optional, None),
        url=_field("comment", comment_id, doc, "url", (str,), ""),
    )


def comment_doc_is_plain(doc: Doc) -> bool:
    """Every field of a comment document has exactly its stored type (the fast path).

    No object is built: this is the hot loop of the checks run on every open. A
    document failing it is looked at field by field (``comment_from_doc`` then
    names the bad field).
    """
    get = doc.get
    parent_id, date = get("parent_id"), get("date")
    edited, deleted = get("edited"), get("deleted")
    return (
        type(get("review_id")) is int
        and (parent_id is None or type(parent_id) is int)
        and type(get("author", "")) is str
        and (date is None or type(date) is str)
        and type(get("body")) is str
        and type(get("local", False)) is bool
        and type(get("source_id", "")) is str
        and (edited is None or type(edited) is str)
        and (deleted is None or type(deleted) is str)
        and type(get("url", "")) is str
    )


def local_reply_doc(
    review_id: int, parent_id: int | None, author: str, body: str, date: str
) -> Doc:
    """The stored document of a reply written here, by the reader or by ``reviews reply``
    (one shape for both ways in), with a ``local:`` source id of its own."""
    return {
        "review_id": review_id,
        "parent_id": parent_id,
        "author": author,
        "date": date,
        "body": body,
        "local": True,
        "source_id": f"local:{uuid.uuid4().hex}",
        "edited": None,
        "deleted": None,
    }


def comment_from_doc(comment_id: int, doc: Doc) -> Comment:
    """A ``Comment`` from its stored document; ``UnreadableFileError`` when a field is wrong."""
    if not comment_doc_is_plain(doc):
        return _checked_comment(comment_id, doc)
    get = doc.get
    return Comment(
        comment_id,
        doc["review_id"],
        get("parent_id"),
        get("author", ""),
        get("date"),
        doc["body"],
        get("local", False),
        get("source_id", ""),
        get("edited"),
        get("deleted"),
        get("url", ""),
    )


def read_from_doc(review_id: int, doc: Doc) -> tuple[bool, frozenset[int]]:
    """``(unread, seen comment ids)`` from a ``reads`` document."""
    unread = _field("read state of review", review_id, doc, "unread", (bool,), True)
    seen = _field("read state of review", review_id, doc, "seen", (list,), [])
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in seen):
        raise UnreadableFileError(f"read state of review {review_id} has a malformed 'seen'")
    return unread, frozenset(seen)


def utc_sort_key(date: str) -> str:
    """A sort key for an ISO date or time: times with an offset are moved to UTC.

    Plain string order would put ``23:00-05:00`` before ``01:00+00:00`` of the
    next day; dates and times without an offset compare as written.
    """
    try:
        parsed = datetime.fromisoformat(date)
    except ValueError:
        return date
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed.isoformat()


def newer(a: str, b: str) -> bool:
    """Whether ISO date/time ``a`` is later than ``b``."""
    # Same length and same offset: plain text order is time order, and no parsing
    # is needed; that is almost every comparison within one review's thread.
    if len(a) == len(b) and a[19:] == b[19:]:
        return a > b
    return utc_sort_key(a) > utc_sort_key(b)


def newest(dates: Sequence[str]) -> str:
    """The latest of some ISO dates or times (the first of equal ones)."""
    # One shape (length, fractions, offset) for all: text order is time order, and
    # the checks and the max run in C. Mixed shapes are parsed, one by one.
    if len(dates) > 1 and (len(set(map(len, dates))) > 1 or len(set(map(_OFFSET, dates))) > 1):
        return max(dates, key=utc_sort_key)
    return max(dates)


def _bad_comment(comment_id: int, doc: Doc) -> UnreadableFileError:
    try:
        _checked_comment(comment_id, doc)
    except UnreadableFileError as error:
        return error
    return UnreadableFileError(f"comment {comment_id} is malformed")  # pragma: no cover


class StoreIndex:
    """Reviews and read state as objects, comment ids per review, and the lookups.

    It holds the parsed tables themselves (the storage's cached dict), so a
    comment is built from the very document that was last written or read.
    """

    def __init__(self, tables: Tables, *, compact: bool = False) -> None:
        """Index the parsed tables; ``UnreadableFileError`` if a document is bad.

        ``compact``: review documents are made small in place as they are indexed
        (``compact_review``: long bodies packed), for a store kept open (the reader).
        """
        self._tables = tables
        self.compact = compact
        self.reviews: dict[int, Review] = {}
        self.review_by_source: dict[str, int] = {}
        self.reads: dict[int, tuple[bool, frozenset[int]]] = {}
        self.thread_ids: dict[int, list[int]] = {}
        """Review id -> its comment ids (tombstones included) in id order; a review
        with no comments has no entry (a feed's 10,000 empty lists are 0.6 MB)."""
        self.counts: dict[int, int] = {}
        """Review id -> how many of its comments are not deleted (no entry: none)."""
        self.latest: dict[int, str] = {}
        """Review id -> the date of its newest live comment that has one."""
        self._threads: OrderedDict[int, list[Comment]] = OrderedDict()
        self._aliases: dict[int, str] | None = None
        self._comment_by_source: dict[tuple[int, str], int] | None = None
        self._order: list[Review] | None = None
        self._position: dict[int, int] | None = None
        """Review id -> its place in ``_order``: built when first needed (a search, a
        review's new figures), not with the order (0.6 MB on 10,000 reviews)."""

        review_docs = tables.get("reviews", {})
        review_ids = list(map(int, review_docs))
        self.thread_ids = {review_id: [] for review_id in review_ids}
        self.max_comment_id = self._scan_comments()
        for review_id, doc in zip(review_ids, review_docs.values(), strict=True):
            latest = self.latest.get(review_id)
            if self.compact:
                compact_review(doc)
            review = review_from_doc(review_id, doc, self.counts.get(review_id, 0), latest)
            self.reviews[review_id] = review
            if review.source_id:
                self.review_by_source[review.source_id] = review_id
        for key, doc in tables.get("reads", {}).items():
            self.reads[int(key)] = read_from_doc(int(key), doc)
        self.max_review_id = max(self.reviews, default=0)

    def _scan_comments(self) -> int:
        """The one pass over the comment documents at load; returns the highest id."""
        docs = self._docs()
        ids = list(map(int, docs))
        threads = self.thread_ids
        dates: dict[int, list[str]] = {}
        tombstones: dict[int, int] = {}
        # The hot loop of loading a big file: as few operations per document as can be.
        for comment_id, doc in zip(ids, docs.values(), strict=True):
            review_id = doc.get("review_id")
            deleted = doc.get("deleted")
            if type(review_id) is not int:
                raise _bad_comment(comment_id, doc)
            try:
                threads[review_id].append(comment_id)
            except KeyError:
                continue  # its review is gone: reachable by id, shown nowhere
            if deleted is None:
                date = doc.get("date")
                if date:
                    if type(date) is not str:
                        raise _bad_comment(comment_id, doc)
                    dates.setdefault(review_id, []).append(date)
            elif type(deleted) is str:
                tombstones[review_id] = tombstones.get(review_id, 0) + 1
            else:
                raise _bad_comment(comment_id, doc)
        if ids != sorted(ids):
            # Only a hand-edited file lists documents out of id order.
            for review_id, thread in threads.items():
                thread.sort()
                self._recount(review_id)
        else:
            for review_id, thread in threads.items():
                if thread:
                    self.counts[review_id] = len(thread) - tombstones.get(review_id, 0)
            for review_id, found in dates.items():
                self.latest[review_id] = newest(found)
        self.thread_ids = {review_id: thread for review_id, thread in threads.items() if thread}
        return max(ids, default=0)

    # -- comments, built on demand ----------------------------------------------

    def _docs(self) -> dict[str, Doc]:
        return self._tables.get("comments", {})

    def answers_to_local(self) -> list[int]:
        """Ids of the comments from others that answer a reply written here (neither
        deleted), in id order: two passes over the comment documents."""
        docs = self._docs()
        mine = {
            int(key)
            for key, doc in docs.items()
            if doc.get("local") is True and doc.get("deleted") is None
        }
        return sorted(
            int(key)
            for key, doc in docs.items()
            if doc.get("parent_id") in mine
            and doc.get("local") is not True
            and doc.get("deleted") is None
        )

    def comment_key(self, comment_id: int) -> str | None:
        """The key of a comment's document in the table (``None`` if there is none)."""
        key = str(comment_id)
        if key in self._docs():
            return key
        if self._aliases is None:
            # A hand-edited file may spell an id "007": map such keys once, on a miss.
            self._aliases = {int(k): k for k in self._docs() if k != str(int(k))}
        return self._aliases.get(comment_id)

    def _doc(self, comment_id: int) -> Doc:
        docs = self._docs()
        doc = docs.get(str(comment_id))
        if doc is None:
            key = self.comment_key(comment_id)
            if key is None:
                raise UnreadableFileError(f"comment {comment_id} has disappeared")
            doc = docs[key]
        return doc

    def comment(self, comment_id: int) -> Comment | None:
        """One comment, built from its document; ``None`` if there is none."""
        key = self.comment_key(comment_id)
        return None if key is None else comment_from_doc(comment_id, self._docs()[key])

    def comments_of(self, review_id: int, *, cache: bool = True) -> list[Comment]:
        """A review's comments in id order (a cached list: copy it before handing it out)."""
        built = self._threads.get(review_id)
        if built is not None:
            self._threads.move_to_end(review_id)
            return built
        built = [comment_from_doc(i, self._doc(i)) for i in self.thread_ids.get(review_id, ())]
        if cache:
            self._threads[review_id] = built
            if len(self._threads) > THREAD_CACHE:
                self._threads.popitem(last=False)
        return built

    def live_comment_bodies(self, review_id: int) -> Iterator[tuple[int, str, bool]]:
        """``(id, body, local)`` of a review's comments that are not deleted, in id order."""
        for comment_id in self.thread_ids.get(review_id, ()):
            doc = self._doc(comment_id)
            get = doc.get
            body, deleted = get("body"), get("deleted")
            if type(body) is not str:
                raise _bad_comment(comment_id, doc)
            if deleted is None:
                yield comment_id, body, get("local") is True

    def comment_by_source(self) -> dict[tuple[int, str], int]:
        """``(review id, source id) -> comment id``, built on first use (only imports need it)."""
        if self._comment_by_source is None:
            found: dict[tuple[int, str], int] = {}
            for key, doc in self._docs().items():
                review_id, source_id = doc.get("review_id"), doc.get("source_id", "")
                if type(review_id) is not int or type(source_id) is not str:
                    raise _bad_comment(int(key), doc)
                if source_id:
                    found[(review_id, source_id)] = int(key)
            self._comment_by_source = found
        return self._comment_by_source

    # -- the store's own writes -------------------------------------------------

    def put_comments(self, comments: Iterable[Comment]) -> None:
        """Take in comments just written (new or changed), keeping the reviews' figures right."""
        recount: set[int] = set()
        touched: set[int] = set()
        for comment in comments:
            review_id = comment.review_id
            self.max_comment_id = max(self.max_comment_id, comment.id)
            thread = self.thread_ids.setdefault(review_id, [])
            built = self._threads.get(review_id)
            at = bisect_left(thread, comment.id)
            if at < len(thread) and thread[at] == comment.id:
                if built is not None:
                    built[at] = comment
                recount.add(review_id)  # a deletion can lower the newest date: rescan
            else:
                thread.insert(at, comment.id)  # at the end, unless the file was hand-edited
                if built is not None:
                    built.insert(at, comment)
                if review_id not in recount:
                    self._count_in(review_id, comment.date, comment.deleted)
            if self._comment_by_source is not None and comment.source_id:
                self._comment_by_source[(review_id, comment.source_id)] = comment.id
            touched.add(review_id)
        for review_id in recount:
            self._recount(review_id)
        for review_id in touched:
            review = self.reviews.get(review_id)
            if review is not None:
                self._set_review(self._filled(review))

    def put_reviews(self, docs: dict[str, Doc]) -> None:
        """Take in review documents just written (new or changed)."""
        for key, doc in docs.items():
            review_id = int(key)
            if self.compact:
                compact_review(doc)
            review = review_from_doc(
                review_id, doc, self.counts.get(review_id, 0), self.latest.get(review_id)
            )
            old = self.reviews.get(review_id)
            if old is not None and old.source_id and old.source_id != review.source_id:
                self.review_by_source.pop(old.source_id, None)
            self.reviews[review_id] = review
            if review.source_id:
                self.review_by_source[review.source_id] = review_id
            self.max_review_id = max(self.max_review_id, review_id)
        self._order = None

    def _count_in(self, review_id: int, date: str | None, deleted: str | None) -> None:
        """Take a new comment into its review's count and newest date."""
        if deleted is not None:
            return
        self.counts[review_id] = self.counts.get(review_id, 0) + 1
        if date:
            latest = self.latest.get(review_id)
            if latest is None or newer(date, latest):
                self.latest[review_id] = date

    def _recount(self, review_id: int) -> None:
        count = 0
        dates: list[str] = []
        for comment_id in self.thread_ids.get(review_id, ()):
            doc = self._doc(comment_id)
            if doc.get("deleted") is None:
                count += 1
                date = doc.get("date")
                if date:
                    dates.append(date)
        self.counts[review_id] = count
        if dates:
            self.latest[review_id] = newest(dates)
        else:
            self.latest.pop(review_id, None)

    def _filled(self, review: Review) -> Review:
        """The review with the index's figures: comment count, last activity."""
        latest = self.latest.get(review.id)
        return dataclasses.replace(
            review,
            comment_count=self.counts.get(review.id, 0),
            last_activity=latest or review.date,
        )

    def _set_review(self, review: Review) -> None:
        self.reviews[review.id] = review
        if self._order is not None:
            # New figures do not move the review: patch it in place, no re-sort.
            self._order[self._places()[review.id]] = review

    # -- the review list ----------------------------------------------------------

    def ordered(self) -> list[Review]:
        """Reviews newest first (date desc, then id desc); sorted once, then cached."""
        if self._order is None:
            # Two stable sorts with C-level keys: by id, then by date (ties keep id order).
            order = sorted(self.reviews.values(), key=attrgetter("id"), reverse=True)
            order.sort(key=attrgetter("date"), reverse=True)
            self._order = order
            self._position = None
        return self._order

    def _places(self) -> dict[int, int]:
        order = self.ordered()
        if self._position is None:
            self._position = {r.id: i for i, r in enumerate(order)}
        return self._position

    def position(self, review_id: int) -> int:
        """Where a review sits in ``ordered()`` (past the end if unknown)."""
        places = self._places()
        return places.get(review_id, len(places))
