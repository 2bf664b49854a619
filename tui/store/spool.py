"""The new documents of a big import, kept encoded in a private temp file until written.

A 100,000-entry feed makes 100,000 new review documents; held as dicts they
take more memory than the file they came from. ``NewDocs`` holds the first few
thousand as dicts (a small import is written and indexed as before), then
encodes every document to its JSON (what the database file will hold) and
appends it to an unnamed temp file beside the database; only each document's
offset stays in memory. ``fragments`` hands them back, in id order, to the
writer (``storage.serialise_tables``), which copies them into the new file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

IN_MEMORY_DOCS = 5_000
"""New documents held as dicts before they all go to the temp file."""


class SpoolError(OSError):
    """The temp file could not be made, written or read (a full disk): the import stops."""


class NewDocs:
    """New documents by id (a decimal string): dicts at first, then JSON in a temp file."""

    def __init__(self, folder: Path, in_memory: int = IN_MEMORY_DOCS) -> None:
        """Documents beyond ``in_memory`` go to a temp file in ``folder`` (made on demand)."""
        self._folder = folder
        self._limit = in_memory
        self._docs: dict[str, dict[str, Any]] = {}
        self._at: dict[str, tuple[int, int]] = {}
        self._file: IO[bytes] | None = None
        self._end = 0

    @property
    def spilled(self) -> bool:
        """Whether the documents are in the temp file (else all in ``in_memory()``)."""
        return self._file is not None

    def __len__(self) -> int:
        return len(self._docs) + len(self._at)

    def __contains__(self, key: object) -> bool:
        return key in self._docs or key in self._at

    def __setitem__(self, key: str, doc: dict[str, Any]) -> None:
        if self._file is None:
            self._docs[key] = doc
            if len(self._docs) > self._limit:
                self._spill()
            return
        self._append(key, orjson.dumps(doc))

    def get(self, key: str) -> dict[str, Any] | None:
        """The document ``key``, or ``None``."""
        doc = self._docs.get(key)
        if doc is not None or key not in self._at:
            return doc
        decoded: dict[str, Any] = orjson.loads(self._read(key))
        return decoded

    def in_memory(self) -> dict[str, dict[str, Any]]:
        """The documents, when they were never spilled (``spilled`` is false)."""
        assert self._file is None
        return self._docs

    def docs(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every document, decoded (for the rare walk over them all: permalinks)."""
        yield from self._docs.items()
        for key in list(self._at):
            yield key, orjson.loads(self._read(key))

    def fragments(self) -> Iterator[tuple[str, bytes]]:
        """Every document as its JSON, in id order (after a spill; else ``in_memory``)."""
        for key in sorted(self._at, key=int):
            yield key, self._read(key)

    def close(self) -> None:
        """Drop the documents; the temp file (never named on disk, or already unlinked) goes."""
        self._docs = {}
        self._at = {}
        if self._file is not None:
            with contextlib.suppress(OSError):  # unwritten bytes of a failed import: dropped
                self._file.close()
            self._file = None

    def _spill(self) -> None:
        # Unnamed where the system allows it (O_TMPFILE), else unlinked at once: a killed
        # import leaves nothing behind; 0600, in the database's own private folder.
        try:
            self._file = tempfile.TemporaryFile(dir=self._folder, prefix=".import-")  # noqa: SIM115 - closed by close()
        except OSError as error:
            raise SpoolError(error.errno, error.strerror) from error
        docs, self._docs = self._docs, {}
        for key, doc in docs.items():
            self._append(key, orjson.dumps(doc))

    def _append(self, key: str, data: bytes) -> None:
        assert self._file is not None
        try:
            self._file.write(data)
        except OSError as error:
            raise SpoolError(error.errno, error.strerror) from error
        self._at[key] = (self._end, len(data))  # a document put twice: the last one counts
        self._end += len(data)

    def _read(self, key: str) -> bytes:
        assert self._file is not None
        offset, length = self._at[key]
        try:
            self._file.flush()
            data = os.pread(self._file.fileno(), length, offset)
        except OSError as error:
            raise SpoolError(error.errno, error.strerror) from error
        if len(data) != length:
            raise SpoolError(0, "the import's temp file came back short")
        return data

    def __enter__(self) -> NewDocs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
