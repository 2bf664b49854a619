"""Review bodies kept compressed in memory while the file stays plain TinyDB JSON.

A loaded database holds every review's body, and on a big feed the bodies are
most of the data: 12 MB of 23 MB for 10,000 reviews of ~1.2 KB, all kept as
Python strings although one review is on screen at a time. The store keeps a
body of ``PACK_AT`` characters or more as its UTF-8 bytes compressed with
Zstandard (about a third of the size), in the table's document and in the
``Review`` the index hands out, the same bytes object for both; ``Review.body``
decompresses it when asked (~7 microseconds for such a body). The same pass
shares the short texts every document repeats (the author, the source).

Zstandard, not the standard library's zlib: at its level 1 it packs review
prose as small as zlib's fastest level in 2.3-2.6x less time (10,000 bodies:
0.08-0.12 s against 0.19-0.31 s), and packing is part of every whole-file load.

Nothing outside the process sees a packed body. JSON has no bytes, so a bytes
value in a document can only be one of these, and ``json_default`` (given to
every ``orjson.dumps`` that may meet a stored document) writes it back as the
text it stands for: the file, the journal and the snapshot are byte for byte
what they were.
"""

from __future__ import annotations

import threading
from operator import attrgetter
from sys import intern
from typing import Any, overload

import zstandard

from tui.model import Review

PACK_AT = 256
"""Bodies shorter than this stay text: the frame's own overhead would eat most of the gain."""

LEVEL = 1
"""Zstandard's level 1: as small as zlib's level 1 on review prose, faster than level 3."""

SHARE_BELOW = 100
"""Authors and sources shorter than this are shared between documents (``sys.intern``)."""

Packed = bytes
"""A body as a Zstandard frame of its UTF-8 (``pack``); a document's body is ``str | Packed``."""


class _Codecs(threading.local):
    """A compressor and a decompressor per thread (neither may be shared between threads)."""

    def __init__(self) -> None:
        self.pack = zstandard.ZstdCompressor(level=LEVEL).compress
        self.unpack = zstandard.ZstdDecompressor().decompress


_CODECS = _Codecs()


def pack(text: str) -> str | Packed:
    """``text`` compressed when that is worth it (long enough, and smaller), else itself."""
    if len(text) < PACK_AT:
        return text
    framed = _CODECS.pack(text.encode("utf-8", "surrogatepass"))
    # Copied: python-zstandard hands back its worst-case buffer (1,270 bytes held for
    # a 350-byte frame of a 1.2 KB body), only marked shorter. The copy is exact.
    packed = memoryview(framed).tobytes()
    return packed if len(packed) < len(text) else text


def compact_review(doc: dict[str, Any]) -> None:
    """Make a review document smaller in memory, in place, without changing its JSON:
    its body packed (when worth it), its tags a tuple (shared with its ``Review``), its
    author and source shared with every other document that has the same
    (``sys.intern``: a feed's 10,000 posts have one author)."""
    get = doc.get
    body, author, source, tags = get("body"), get("author"), get("source"), get("tags")
    if type(body) is str:
        doc["body"] = pack(body)
    if type(tags) is list:
        # A tuple is written as the same JSON array, and the Review's tags are then
        # this very tuple (most are empty: the one shared empty tuple).
        doc["tags"] = tuple(tags)
    if type(author) is str and len(author) < SHARE_BELOW:
        doc["author"] = intern(author)
    if type(source) is str and len(source) < SHARE_BELOW:
        doc["source"] = intern(source)


def unpack(body: str | Packed) -> str:
    """The text of a body, packed or not."""
    if isinstance(body, str):
        return body
    text: bytes = _CODECS.unpack(body)
    return text.decode("utf-8", "surrogatepass")


_SLOT = Review.__dict__["body"]
"""The ``body`` slot of ``Review`` itself, where a ``PackedReview`` keeps its packed body."""


class _Body:
    """``PackedReview.body``: stores a body packed (``pack``), gives it back as text."""

    @overload
    def __get__(self, review: None, owner: type[Review]) -> _Body: ...
    @overload
    def __get__(self, review: Review, owner: type[Review]) -> str: ...
    def __get__(self, review: Review | None, owner: type[Review]) -> _Body | str:
        if review is None:
            return self
        return unpack(_SLOT.__get__(review, owner))

    def __set__(self, review: Review, body: str | Packed) -> None:
        _SLOT.__set__(review, pack(body) if type(body) is str else body)


_NAMES = tuple(Review.__dataclass_fields__)
_FIELDS = attrgetter(*_NAMES)


class PackedReview(Review):
    """A ``Review`` whose body is kept packed; ``body`` gives the text, as for any review.

    Built like a ``Review`` (a text body is packed, a ``Packed`` one kept as it
    is), it equals and hashes as the plain ``Review`` with the same fields.
    """

    __slots__ = ()

    body = _Body()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Review):
            return bool(_FIELDS(self) == _FIELDS(other))
        return NotImplemented

    __hash__ = Review.__hash__


def json_default(value: Any) -> str | dict[str, Any]:
    """orjson's ``default`` hook: a packed body is written as its text, a ``PackedReview``
    as orjson writes a ``Review``; nothing else is taken (orjson's own ``TypeError``
    then says what could not be encoded)."""
    if type(value) is bytes:
        return unpack(value)
    if type(value) is PackedReview:
        return dict(zip(_NAMES, _FIELDS(value), strict=True))
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")
