"""When each source last synced and how it went, in a small file beside the database.

A sync that brings nothing new changes only these few fields of each source (the
time, ``ok`` or the error, how many reviews and comments it added). Rewriting
the whole database (tens of megabytes, a backup and the first-screen snapshot)
for them would make a no-change sync of many feeds cost more than its fetches,
and would make an open reader reload everything. So such a sync writes them
here instead (``<database>.sync.json``, 0600, replaced atomically under the
database's lock), and ``Store.sources()`` lays them over the database's copy
when they are newer. A sync that changes anything else writes the database as
before, these fields included, and drops their entries here; an entry left
behind by a crash between the two is shown only if it is not older.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from tui.store.files import private_dir
from tui.store.storage import atomic_write_bytes

OUTCOME_FIELDS = ("last_sync", "status", "last_error", "new_reviews", "new_comments")
"""The fields of a source document that only say how its last sync went."""


def sync_times_path(db_path: Path) -> Path:
    """The file beside ``db_path`` (its real path) that holds the latest sync outcomes."""
    return db_path.with_name(db_path.name + ".sync.json")


def only_outcome_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether ``new`` differs from ``old`` in nothing but ``OUTCOME_FIELDS``."""
    keys = (set(old) | set(new)).difference(OUTCOME_FIELDS)
    return all(old.get(key) == new.get(key) for key in keys)


def load_sync_times(path: Path) -> dict[str, dict[str, Any]]:
    """Source id -> its URL and latest outcome fields; empty when missing or unreadable."""
    try:
        data: Any = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def save_sync_times(path: Path, docs: Mapping[str, Mapping[str, Any]]) -> None:
    """Record the outcome fields of these source documents (id -> document), keeping the
    other sources' entries; the caller holds the database's lock."""
    entries = load_sync_times(path)
    for key, doc in docs.items():
        entries[key] = {"url": doc.get("url"), **{f: doc.get(f) for f in OUTCOME_FIELDS}}
    private_dir(path.parent)
    atomic_write_bytes(path, orjson.dumps(entries))


def forget_sync_times(path: Path, keys: Iterable[str]) -> None:
    """Drop the entries of these sources (the database now holds their latest outcome)."""
    entries = load_sync_times(path)
    gone = set(keys)
    kept = {k: v for k, v in entries.items() if k not in gone}
    if len(kept) != len(entries):
        atomic_write_bytes(path, orjson.dumps(kept))


def with_latest_outcome(
    key: str, doc: Mapping[str, Any], entries: Mapping[str, Mapping[str, Any]]
) -> Mapping[str, Any]:
    """``doc`` with the outcome fields of its entry when that entry is of the same URL and
    not older than the document's own."""
    entry = entries.get(key)
    if entry is None or entry.get("url") != doc.get("url"):
        return doc
    if _older(entry.get("last_sync"), doc.get("last_sync")):
        return doc
    return {**doc, **{f: entry[f] for f in OUTCOME_FIELDS if f in entry}}


def _older(mine: object, theirs: object) -> bool:
    if not isinstance(mine, str):
        return True
    if not isinstance(theirs, str):
        return False
    try:
        return datetime.fromisoformat(mine) < datetime.fromisoformat(theirs)
    except (TypeError, ValueError):  # TypeError: one naive, one with an offset
        return mine < theirs
