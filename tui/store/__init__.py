"""The TinyDB store: the only code that opens the database (and the files beside it).

Storage, index, search, backups, drafts and errors live in the modules of this
package; the `Store` and its errors are re-exported here for the rest of the app.
"""

from tui.store.core import MIGRATIONS
from tui.store.database import ReadState, Store
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
from tui.store.outbox import OutboxEntry, ReplyTarget
from tui.store.search import SearchHit
from tui.store.sources import Source, SourceCounts, SourceUpdate, parse_keep

__all__ = [
    "MIGRATIONS",
    "CorruptDatabase",
    "ImportReport",
    "NewerSchema",
    "NotFound",
    "NotYours",
    "OutboxEntry",
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
