"""The TinyDB store: the only code that opens the database (and the files beside it).

Storage, index, search, backups, drafts and errors live in the modules of this
package; the `Store` and its errors are re-exported here for the rest of the app.
"""

from tui.store.database import (
    MIGRATIONS,
    CorruptDatabase,
    ImportReport,
    NewerSchema,
    NotFound,
    NotYours,
    OutboxEntry,
    ReadState,
    ReplyTarget,
    SearchHit,
    Source,
    SourceCounts,
    SourceUpdate,
    Store,
    StoreBusy,
    StoreError,
    WriteFailed,
    parse_keep,
)

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
