"""The first screen, saved beside the database so the reader can show it before loading.

Parsing a big database is most of the reader's start. With each write the
store also saves ``<db>.first.json``: what the first screen shows (the newest
reviews for the sidebar, the newest review's comments and read marks) and the
identity of the database it was taken from (the file's ``signature`` and the
length of its journal: a small change appended there counts as a new version). At start the
reader shows it at once if that identity is exactly the file's current one,
and loads the whole file meanwhile. Any difference (another program wrote the
file, a crash between the two writes, a hand edit) and the snapshot is not
used: a wrong first screen is worse than a slower one. The database stays the
one source of truth; this file can always be deleted.
"""

from __future__ import annotations

import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from tui.model import Comment, Review
from tui.store.files import create_exclusive, read_private
from tui.store.journal import Identity, database_identity
from tui.store.packed import json_default

if TYPE_CHECKING:  # the storage (and TinyDB) load after the first frame, with the store
    from tui.store.index import StoreIndex

FORMAT = 2
"""Bumped when the layout changes: an older snapshot is then ignored."""
ROWS = 100
"""Reviews saved for the sidebar: a screenful on a tall terminal."""
MAX_COMMENTS = 5_000
"""Past this many comments on the newest review the snapshot is not worth writing."""
ORDER = "date"
"""The sidebar order the snapshot's rows are in (the reader's default, newest first)."""


@dataclass(frozen=True)
class FirstScreen:
    """What the reader's first screen shows, as of one version of the database file."""

    total: int
    """How many reviews the database holds."""
    reviews: list[Review]
    """The first ``ROWS`` reviews, newest first (``Store.reviews()`` order)."""
    unread: set[int]
    """Which of ``reviews`` are unread."""
    fresh: set[int]
    """Which of ``reviews`` are read but have comments not seen yet."""
    comments: list[Comment]
    """The newest review's comments, in id order (tombstones included)."""
    seen: frozenset[int]
    """The newest review's comments already seen."""


def first_screen_path(db_path: Path) -> Path:
    """Where the snapshot of ``db_path`` (the real database file) is kept."""
    return db_path.with_name(db_path.name + ".first.json")


def first_screen_of(index: StoreIndex) -> FirstScreen | None:
    """What the first screen shows of the data in ``index`` (None: not worth a snapshot)."""
    ordered = index.ordered()
    top = ordered[:ROWS]
    if not top:
        return FirstScreen(len(ordered), [], set(), set(), [], frozenset())
    comments = index.comments_of(top[0].id, cache=False)
    if len(comments) > MAX_COMMENTS:
        return None
    reads = index.reads
    unread, fresh = set(), set()
    for review in top:
        is_unread, seen = reads.get(review.id, (True, frozenset()))
        if is_unread:
            unread.add(review.id)
        elif not seen.issuperset(index.thread_ids.get(review.id, ())):
            fresh.add(review.id)
    newest_seen = reads.get(top[0].id, (True, frozenset()))[1]
    return FirstScreen(len(ordered), top, unread, fresh, list(comments), newest_seen)


def encoded(screen: FirstScreen, sig: Identity) -> bytes:
    """The snapshot file's bytes: ``screen``, stamped with the file version ``sig``."""
    return orjson.dumps(
        {
            "format": FORMAT,
            "database": list(sig),
            "order": ORDER,
            "total": screen.total,
            "reviews": screen.reviews,
            "unread": [r.id for r in screen.reviews if r.id in screen.unread],
            "fresh": [r.id for r in screen.reviews if r.id in screen.fresh],
            "comments": screen.comments,
            "seen": sorted(screen.seen),
        },
        default=json_default,  # the store's reviews keep long bodies packed
    )


def snapshot_bytes(index: StoreIndex, sig: Identity) -> bytes | None:
    """The snapshot of the data in ``index``, taken from the file version ``sig``."""
    screen = first_screen_of(index)
    return None if screen is None else encoded(screen, sig)


def save_first_screen(db_path: Path, index: StoreIndex, sig: Identity) -> None:
    """Write the snapshot of ``index`` (file version ``sig``) atomically, ``0600``.

    Best effort: a snapshot that cannot be written is removed if it can be,
    and a stale one is ignored anyway, so no error is raised.
    """
    save_screen(db_path, first_screen_of(index), sig)


def save_screen(db_path: Path, screen: FirstScreen | None, sig: Identity) -> None:
    """Write ``screen`` as the snapshot of file version ``sig`` (None: remove the old one).

    Best effort, as ``save_first_screen``: it runs after the database file was
    written, so no error may come out of it (a text orjson refuses included).
    """
    target = first_screen_path(db_path)
    try:
        if screen is None:
            target.unlink(missing_ok=True)
        else:
            _replace_quickly(target, encoded(screen, sig))
    except (OSError, TypeError):
        with suppress(OSError):
            target.unlink(missing_ok=True)


def _replace_quickly(target: Path, data: bytes) -> None:
    """Replace ``target`` by rename, without ``fsync``: this file is only a shortcut.

    It is written under the database's lock with every save, so it must cost
    next to nothing. After a power cut it may come back empty or cut short: it
    then fails to parse and is ignored, as a stale one is.
    """
    from tui.store.storage import temp_name

    tmp = temp_name(target)
    fd = create_exclusive(tmp)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        tmp.replace(target)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise


def refresh_first_screen(db_path: Path, index: StoreIndex, sig: Identity) -> None:
    """Write the snapshot unless the one on disk already belongs to version ``sig``."""
    from tui.store.storage import remove_stale_temps

    remove_stale_temps(first_screen_path(db_path))
    if _saved_signature(first_screen_path(db_path)) != sig:
        save_first_screen(db_path, index, sig)


def patch_first_screen(db_path: Path, before: Identity, after: Identity, comment: Comment) -> None:
    """Take in a reply appended by ``reviews reply``'s point write (``tui.store.point_reply``),
    which holds no index to take a snapshot from.

    Only a snapshot of the version just before the append (``before``) is
    patched, into the one ``snapshot_bytes`` would take of version ``after``: the
    review's row counts one more comment, with its newer last activity, and is
    "fresh" unless unread (the reply is not seen yet); the newest review's
    comments get the reply. Any other snapshot, or a case the snapshot cannot
    tell (no dated comment in a row), is left as it is: stale, so never shown.
    Best effort: never raises.
    """
    path = first_screen_path(db_path)
    try:
        data = orjson.loads(read_private(path))
        if _signature_of(data) != before or data.get("order") != ORDER:
            return
        if not _with_reply(data, comment):
            return
        data["database"] = list(after)
        _replace_quickly(path, orjson.dumps(data))
    except (OSError, orjson.JSONDecodeError, TypeError, ValueError, KeyError, AttributeError):
        return


def _with_reply(data: dict[str, Any], comment: Comment) -> bool:
    """Patch a snapshot's data with a new reply (see ``patch_first_screen``); False: cannot."""
    from tui.store.index import newer  # with the point write, not before the first frame

    rows = data["reviews"]
    for row in rows:
        if row["id"] != comment.review_id:
            continue
        date = comment.date or ""
        if row["comment_count"] == 0 or (date and newer(date, row["last_activity"])):
            row["last_activity"] = date or row["date"]
        elif row["last_activity"] == row["date"]:
            return False  # the review's own date, or its newest comment's: cannot tell
        row["comment_count"] += 1
        if row["id"] not in data["unread"] and row["id"] not in data["fresh"]:
            data["fresh"].append(row["id"])
        break
    if rows and rows[0]["id"] == comment.review_id:
        if len(data["comments"]) >= MAX_COMMENTS:
            return False
        data["comments"].append(comment)
    return True


def _saved_signature(path: Path) -> Identity | None:
    try:
        data = orjson.loads(read_private(path))
        return _signature_of(data)
    except (OSError, orjson.JSONDecodeError, TypeError, ValueError):
        return None


def _signature_of(data: Any) -> Identity | None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    found = data.get("database")
    if not isinstance(found, list) or len(found) != 4 or not all(_is_int(n) for n in found):
        return None
    return (found[0], found[1], found[2], found[3])


def load_first_screen(db_path: Path) -> FirstScreen | None:
    """The snapshot of ``db_path`` (the real file) if it belongs to the file as it is now.

    None when there is none, it is a symlink or not ours to trust, unreadable,
    of another format, or taken from another version of the database file.
    """
    path = first_screen_path(db_path)
    try:
        st = os.lstat(path)
        if st.st_uid != os.geteuid():
            return None  # someone else's file is not a first screen we show
        raw = read_private(path)
        current = database_identity(db_path)
        data = orjson.loads(raw)
    except (OSError, orjson.JSONDecodeError):
        return None
    if _signature_of(data) != current or data.get("order") != ORDER:
        return None
    try:
        return _first_screen(data)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None


def _first_screen(data: dict[str, Any]) -> FirstScreen | None:
    total = data["total"]
    reviews = [_review(doc) for doc in data["reviews"]]
    comments = [_comment(doc) for doc in data["comments"]]
    ids = {r.id for r in reviews}
    unread = {int(i) for i in data["unread"] if _is_int(i)}
    fresh = {int(i) for i in data["fresh"] if _is_int(i)}
    seen = frozenset(int(i) for i in data["seen"] if _is_int(i))
    if not _is_int(total) or total < len(reviews) or not unread | fresh <= ids:
        return None
    if not reviews or any(c.review_id != reviews[0].id for c in comments):
        return None
    return FirstScreen(total, reviews, unread, fresh, comments, seen)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_REVIEW_TYPES: dict[str, tuple[type, ...]] = {
    "id": (int,),
    "title": (str,),
    "date": (str,),
    "author": (str,),
    "body": (str,),
    "film": (str, type(None)),
    "year": (int, type(None)),
    "director": (str, type(None)),
    "rating": (int, float, type(None)),
    "source": (str,),
    "source_id": (str,),
    "comment_count": (int,),
    "last_activity": (str,),
    "url": (str,),
}
_COMMENT_TYPES: dict[str, tuple[type, ...]] = {
    "id": (int,),
    "review_id": (int,),
    "parent_id": (int, type(None)),
    "author": (str,),
    "date": (str, type(None)),
    "body": (str,),
    "local": (bool,),
    "source_id": (str,),
    "edited": (str, type(None)),
    "deleted": (str, type(None)),
    "url": (str,),
}


def _checked(doc: Any, types: dict[str, tuple[type, ...]]) -> dict[str, Any]:
    """``doc``'s fields, each of the type the dataclass holds; ``ValueError`` if not."""
    if not isinstance(doc, dict):
        raise ValueError("not an object")
    fields = {}
    for name, allowed in types.items():
        value = doc[name]
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            raise ValueError(f"a malformed {name!r}")
        fields[name] = value
    return fields


def _review(doc: Any) -> Review:
    fields = _checked(doc, _REVIEW_TYPES)
    tags = doc["tags"]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError("malformed tags")
    return Review(**fields, tags=tuple(tags))


def _comment(doc: Any) -> Comment:
    return Comment(**_checked(doc, _COMMENT_TYPES))
