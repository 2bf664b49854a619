"""The database's invariants, checked in one place on every open, and ``reviews check``.

A file can be valid JSON and still not make sense: a comment whose body is
a number, a comment under a review or a parent that does not exist, replies
that answer each other in a circle, an id too big for 64 bits. The store
refuses to open such a file (every command and the reader say the same
thing), and ``reviews check --repair`` fixes what it can without losing a
word, after taking a backup: a stray comment goes under its review, or
under a "Lost and found" review when its review is gone; a body or author
that is a number becomes its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.store.backups import make_backup
from tui.store.checkpoint import read_database, write_database
from tui.store.errors import StoreError, WriteFailed, database_lock, holding
from tui.store.files import read_private, writable
from tui.store.index import comment_doc_is_plain, comment_from_doc, review_from_doc
from tui.store.journal import journal_path
from tui.store.storage import (
    Tables,
    UnreadableFileError,
)

MAX_ID = 2**63 - 1
"""Ids are signed 64-bit integers: anything larger cannot be exported or referred to."""

LOST_AND_FOUND = "Lost and found"
"""The title of the review that takes in comments whose review is gone."""

_TEXT_FIELDS = ("body", "author")


@dataclass(frozen=True)
class Problem:
    """One broken invariant: what is wrong, in one line, and whether a repair can fix it."""

    text: str
    repairable: bool


def _too_big(kind: str, key: str) -> Problem | None:
    if key.isdecimal() and int(key) > MAX_ID:
        return Problem(f"{kind} id {key[:30]} is beyond 64 bits", False)
    return None


def find_problems(tables: Tables) -> list[Problem]:
    """Every broken invariant of parsed tables (empty when the file makes sense)."""
    found: list[Problem] = []
    reviews: dict[str, Any] = tables.get("reviews", {})
    comments: dict[str, Any] = tables.get("comments", {})
    for key, doc in reviews.items():
        if (big := _too_big("review", key)) is not None:
            found.append(big)
            continue
        try:
            review_from_doc(int(key), doc)
        except UnreadableFileError as error:
            found.append(Problem(str(error), False))
    review_ids = {int(key) for key in reviews}
    parents: dict[int, int | None] = {}
    owner: dict[int, int] = {}
    for key, doc in comments.items():
        if not (comment_doc_is_plain(doc) and len(key) < 19):
            problem = _bad_comment(key, doc)
            if problem is not None:
                found.append(problem)
                continue
        comment_id = int(key)
        review_id, parent_id = doc.get("review_id"), doc.get("parent_id")
        owner[comment_id] = review_id
        parents[comment_id] = parent_id
        if review_id not in review_ids:
            found.append(
                Problem(
                    f"comment {comment_id} belongs to review {review_id}, which does not exist",
                    True,
                )
            )
    for comment_id, parent_id in parents.items():
        if parent_id is None:
            continue
        if parent_id not in parents:
            found.append(
                Problem(
                    f"comment {comment_id} answers comment {parent_id}, which does not exist", True
                )
            )
        elif owner[parent_id] != owner[comment_id]:
            found.append(
                Problem(f"comment {comment_id} answers comment {parent_id} of another review", True)
            )
    found.extend(Problem(text, True) for text in _cycles(parents))
    return found


def _bad_comment(key: str, doc: dict[str, Any]) -> Problem | None:
    """What is wrong with one comment document, if anything (the slow path)."""
    if (big := _too_big("comment", key)) is not None:
        return big
    comment_id = int(key)
    try:
        comment_from_doc(comment_id, doc)
    except UnreadableFileError as error:
        numbers = [f for f in _TEXT_FIELDS if isinstance(doc.get(f), int | float)]
        return Problem(str(error), bool(numbers) and _fixed_types_ok(comment_id, doc))
    return None


def _fixed_types_ok(comment_id: int, doc: dict[str, Any]) -> bool:
    """Whether turning number bodies and authors into text makes the comment whole."""
    fixed = {**doc, **{f: str(doc[f]) for f in _TEXT_FIELDS if isinstance(doc.get(f), int | float)}}
    try:
        comment_from_doc(comment_id, fixed)
    except UnreadableFileError:
        return False
    return True


def _cycles(parents: dict[int, int | None]) -> list[str]:
    """One line per circle of replies (each comment answering, in the end, itself)."""
    state: dict[int, int] = {}  # 1: being followed, 2: known to reach the top
    found: list[str] = []
    for start in parents:
        path: list[int] = []
        current: int | None = start
        while current is not None and current in parents and state.get(current) is None:
            state[current] = 1
            path.append(current)
            current = parents[current]
        if current is not None and state.get(current) == 1:
            circle = path[path.index(current) :]
            found.append(
                "comments " + ", ".join(map(str, sorted(circle))) + " answer each other in a circle"
            )
        for seen in path:
            state[seen] = 2
    return found


def repair(tables: Tables) -> list[str]:
    """Fix what can be fixed without losing text, in place; one line per change."""
    done: list[str] = []
    reviews = tables.setdefault("reviews", {})
    comments = tables.setdefault("comments", {})
    for key, doc in comments.items():
        for field in _TEXT_FIELDS:
            if isinstance(doc.get(field), int | float) and not isinstance(doc.get(field), bool):
                doc[field] = str(doc[field])
                done.append(f"comment {key}: its {field} {doc[field]} is now text")
    review_ids = {int(key) for key in reviews if key.isdecimal() and int(key) <= MAX_ID}
    lost: int | None = None
    for key, doc in comments.items():
        if type(doc.get("review_id")) is int and doc["review_id"] not in review_ids:
            if lost is None:
                lost = max(review_ids, default=0) + 1
                reviews[str(lost)] = {
                    "title": LOST_AND_FOUND,
                    "date": "1970-01-01",
                    "author": "reviews check",
                    "body": "Comments whose review had disappeared, found by `reviews check`.",
                    "tags": [],
                    "source": "check",
                    "source_id": "check:lost-and-found",
                }
                review_ids.add(lost)
            done.append(f"comment {key}: moved from missing review {doc['review_id']} to {lost}")
            doc["review_id"] = lost
            doc["parent_id"] = None
    by_id = {int(k): d for k, d in comments.items() if k.isdecimal() and int(k) <= MAX_ID}
    for comment_id, doc in by_id.items():
        parent_id = doc.get("parent_id")
        if parent_id is None or type(parent_id) is not int:
            continue
        parent = by_id.get(parent_id)
        if parent is None or parent.get("review_id") != doc.get("review_id"):
            doc["parent_id"] = None
            done.append(f"comment {comment_id}: now answers its review (parent {parent_id} lost)")
    parents = {i: d.get("parent_id") for i, d in by_id.items()}
    for line in _cycles({i: p if type(p) is int else None for i, p in parents.items()}):
        first = int(line.split()[1].rstrip(","))
        by_id[first]["parent_id"] = None
        done.append(f"comment {first}: now answers its review (it was in a circle of replies)")
    return done


def read_tables(path: Path) -> Tables:
    """A database file's parsed tables, whatever its invariants; ``StoreError`` if unreadable."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file")
    try:
        return read_database(bytearray(read_private(path)), journal_path(path))
    except FileNotFoundError:
        raise StoreError(f"{path} does not exist") from None
    except UnreadableFileError as error:
        raise StoreError(f"{path} is unreadable: {error}; run `reviews restore`") from None
    except OSError as error:
        raise StoreError(f"could not read {path}: {error.strerror or error}") from None


def repair_file(path: Path, *, lock_timeout: float = 5.0) -> tuple[list[str], list[Problem]]:
    """Repair ``path`` under the lock, after a backup: what was changed, what is left."""
    with holding(database_lock(path, lock_timeout), path):
        if not writable(path):
            raise StoreError(f"{path} is read-only; it was not changed")
        tables = read_tables(path)
        if not any(p.repairable for p in find_problems(tables)):
            return [], find_problems(tables)
        done = repair(tables)
        try:
            make_backup(path)
            write_database(path, tables)
        except OSError as error:
            raise WriteFailed(
                f"could not repair {path}: {error.strerror or error}; nothing was changed"
            ) from None
        return done, find_problems(tables)
