"""The TinyDB store: the only code that opens the database (and the files beside it).

Storage, index, search, backups, drafts and errors live in the modules of this
package; the `Store` and its errors are re-exported here for the rest of the app.

The re-exports are loaded on first use (PEP 562): importing one light module of
the package (the first-screen snapshot, the paths, the errors) must not import
TinyDB, the lock and the whole store, so the reader's first frame does not wait
for them (they load in the background while it shows).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.model import ReadState
    from tui.store.core import MIGRATIONS
    from tui.store.database import Store
    from tui.store.errors import (
        CorruptDatabase,
        NewerSchema,
        NotFound,
        NotYours,
        StoreBusy,
        StoreError,
        WriteFailed,
    )
    from tui.store.merge import ImportReport
    from tui.store.outbox import OutboxEntry, PendingEntry
    from tui.store.reply_targets import ReplyTarget
    from tui.store.search import SearchHit
    from tui.store.sources import (
        Answer,
        Source,
        SourceCounts,
        SourceUpdate,
        parse_keep,
    )

_HOMES = {
    "Answer": "sources",
    "MIGRATIONS": "core",
    "CorruptDatabase": "errors",
    "ImportReport": "merge",
    "NewerSchema": "errors",
    "NotFound": "errors",
    "NotYours": "errors",
    "OutboxEntry": "outbox",
    "PendingEntry": "outbox",
    "ReadState": "model",
    "ReplyTarget": "reply_targets",
    "SearchHit": "search",
    "Source": "sources",
    "SourceCounts": "sources",
    "SourceUpdate": "sources",
    "Store": "database",
    "StoreBusy": "errors",
    "StoreError": "errors",
    "WriteFailed": "errors",
    "parse_keep": "sources",
}
"""Each re-exported name -> the module of this package that defines it."""

__all__ = [
    "MIGRATIONS",
    "Answer",
    "CorruptDatabase",
    "ImportReport",
    "NewerSchema",
    "NotFound",
    "NotYours",
    "OutboxEntry",
    "PendingEntry",
    "ReadState",
    "ReplyTarget",
    "SearchHit",
    "Source",
    "SourceCounts",
    "SourceUpdate",
    "Store",
    "StoreBusy",
    "StoreError",
    "WriteFailed",
    "parse_keep",
]


def __getattr__(name: str) -> Any:
    """Load a re-exported name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = "tui.model" if home == "model" else f"{__name__}.{home}"
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    """The module's names, the lazily loaded ones included."""
    return sorted({*globals(), *_HOMES})
