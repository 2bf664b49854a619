"""A big RSS 2.0 or Atom 1.0 feed read from its file an entry at a time.

``tui.importers.feed`` reads the whole file into memory, builds the whole tree
and every entry before the first review is made: a 140 MB feed of 100,000
entries took ~700 MB. Here the file is fed to the parser a megabyte at a time,
each ``<item>`` or ``<entry>`` becomes its ``ParsedReview`` as soon as it has
been read, and is then dropped from the tree, so memory stays flat whatever the
size of the feed.

Only the feeds the tree reader (``xmlfeed``) would read exactly as
``feed.parse`` does are streamed: plain RSS 2.0 or Atom 1.0 in UTF-8, every
element one the tree reader knows, no entry answering another (a comment), no
title feedparser would take for HTML. Anything else, found before the first
entry or halfway through the file, raises ``NotStreamable``; the caller then
reads the file the ordinary way (``feed.parse``, feedparser for broken XML),
having kept nothing from the attempt.

The hostile-input guarantees are ``safe_xml``'s: a DTD or an entity
declaration can only come before the root element, so a file whose first
megabyte holds a ``<!DOCTYPE`` or ``<!ENTITY``, or no root element, is not
streamed (``safe_xml`` refuses or reads it). Without a DTD the C parser has no
entity to expand.
"""

from __future__ import annotations

import os
import re
import stat
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from tui.importers import ImportFailed, Origin, safe_xml
from tui.importers.feed import (
    _ATOM_FIELDS,
    _HTML_LIKE,
    _OTHER_ENCODING,
    _REPAIRED,
    _RSS_FIELDS,
    _author,
    _replies_to,
    _review,
)
from tui.importers.second_process import shared_stream
from tui.importers.xmlfeed import ATOM, Entry, _atom_entry, _person, _rss_author, _rss_item, _text
from tui.model import ParsedReview

CHUNK = 1 << 20
"""Bytes handed to the parser at a time."""
HEAD = 65536
"""Bytes looked at before parsing: the XML declaration, the prolog and the root."""
_ENTRIES = ("item", "entry")
"""Local names of an entry, in any namespace."""
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_OVERLAP = 16
"""Bytes of one chunk kept in front of the next, so no pattern is missed across the cut."""


class NotStreamable(Exception):  # noqa: N818 - a signal to the caller, not an error
    """This feed must be read the ordinary way (``feed.parse``); the reason says why."""


def _check_head(head: bytes, origin: Origin) -> None:
    """Refuse a DTD in the prolog; ``NotStreamable`` for anything but plain UTF-8 RSS/Atom."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        raise NotStreamable("UTF-16")
    kind = safe_xml.sniff(head.removeprefix(b"\xef\xbb\xbf"), origin)  # refuses a DTD
    if kind != "feed":
        raise NotStreamable(f"not an RSS or Atom feed ({kind})")
    if _OTHER_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf")):
        raise NotStreamable("not UTF-8")


def _chunks(path: Path, max_bytes: int) -> Iterator[bytes]:
    """The file's bytes a chunk at a time; refused past ``max_bytes`` like ``read_source``."""
    from tui.importers import _too_big

    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
                raise _too_big(path, info.st_size, max_bytes)
            total = 0
            while chunk := handle.read(CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise _too_big(path, None, max_bytes)
                yield chunk
    except IsADirectoryError as error:
        raise ImportFailed(path, "is a folder (import the files in it instead)") from error
    except OSError as error:
        raise ImportFailed(path, f"cannot read it ({error.strerror or error})") from error


def _repaired(window: bytes) -> bool:
    """Whether feedparser would rewrite some of these bytes (``feed._REPAIRED``).

    Both byte patterns start with ``\\xc2`` or hold one, absent from most feeds:
    looked for first, the regular expression (~10 ms a megabyte) rarely runs.
    """
    return b"xml:base" in window or (b"\xc2" in window and _REPAIRED.search(window) is not None)


class _Feed:
    """What is known of the feed itself while its entries stream past."""

    def __init__(self, root: ET.Element) -> None:
        if root.tag == "rss":
            if not (root.get("version") or "").startswith("2."):
                raise NotStreamable("RSS other than 2.0")
            self.fields = _RSS_FIELDS
            self.entry_tag = "item"
        elif root.tag == f"{ATOM}feed":
            self.fields = _ATOM_FIELDS
            self.entry_tag = f"{ATOM}entry"
        else:
            raise NotStreamable("RSS 1.0 or another kind of feed")
        self.root = root
        self.parent: ET.Element | None = root if root.tag == f"{ATOM}feed" else None
        self.author: str | None = None

    def author_now(self) -> str:
        """The feed's own author from what has been read of the feed so far."""
        if self.parent is None:
            return _author({})
        if self.parent.tag == "channel":
            name = _rss_author(self.parent, "managingEditor")
            return _author({"author": name, "author_detail": _person(name)} if name else {})
        name = _text(self.parent.find(f"{ATOM}author/{ATOM}name"))
        return _author({"author": name} if name else {})

    def entry(self, element: ET.Element) -> Entry:
        """The entry as feedparser shapes it; ``NotStreamable`` where only feedparser reads it."""
        known = self.fields[element.tag]
        if any(child.tag not in known for child in element):
            raise NotStreamable("an entry has elements only feedparser reads")
        if self.entry_tag == "item":
            entry = _rss_item(element)
        else:
            authors = element.iter(f"{ATOM}author")
            if any(a.find(f"{ATOM}name") is None for a in authors):
                raise NotStreamable("an Atom author without a name")
            atom = _atom_entry(element)
            if atom is None:
                raise NotStreamable("XHTML content")
            entry = atom
        if _HTML_LIKE.search(entry.get("title", "")):
            raise NotStreamable("a title feedparser would read as HTML")
        ref, href = _replies_to(element)
        if ref or href or any("#comment-" in str(entry.get(k) or "") for k in ("id", "link")):
            raise NotStreamable("an entry answers another")
        return entry

    def finish(self) -> None:
        """At the end of the file: the feed's own elements checked, its author unchanged."""
        if self.parent is None:
            raise NotStreamable("RSS without a channel")
        known = self.fields[self.parent.tag]
        if any(child.tag not in known for child in self.parent):
            raise NotStreamable("the feed has elements only feedparser reads")
        if self.parent.tag == "channel" and self.root.findall("channel") != [self.parent]:
            raise NotStreamable("more than one channel")
        authors = self.parent.iter(f"{ATOM}author")
        if any(a.find(f"{ATOM}name") is None for a in authors):
            raise NotStreamable("an Atom author without a name")
        if self.author is not None and self.author != self.author_now():
            raise NotStreamable("the feed names its author after its first entries")


SHARED_BYTES = 2_000_000
"""Feeds this big or bigger are read with a second process (``second_process``)."""


def stream(path: Path, max_bytes: int) -> Iterator[ParsedReview]:
    """The feed's entries as reviews, one at a time, as ``feed.parse`` would make them.

    ``ImportFailed`` for a refused or unreadable file; ``NotStreamable`` (possibly
    after some reviews were yielded) when the file must be read whole instead. A big
    feed is read in two processes (``second_process.shared_stream``) when that is safe:
    both read the file, each makes the reviews of every other block of entries.
    """
    head = b""
    size = 0
    for chunk in _chunks(path, max_bytes):
        head = chunk[:HEAD]
        size = path.stat().st_size
        break
    if not head.strip():
        raise NotStreamable("empty")
    _check_head(head, path)
    reading = _Reading(path, max_bytes)
    if size >= SHARED_BYTES:
        yield from shared_stream(reading.entries, reading.review)
    else:
        for element in reading.entries():
            yield reading.review(element)


class _Reading:
    """One reading of the file: the state of the feed as its entries go past."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.feed: _Feed | None = None

    def review(self, element: ET.Element) -> ParsedReview:
        """The review of one entry element; ``NotStreamable`` where only feedparser reads it."""
        assert self.feed is not None and self.feed.author is not None
        return _review(self.feed.entry(element), self.feed.author)

    def entries(self) -> Iterator[ET.Element]:
        """Every entry's element as it is read, dropped from the tree; the feed checked
        at the end of the file."""
        parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
        feed: _Feed | None = None
        entry_tag = ""
        tail = b""
        try:
            for chunk in _chunks(self.path, self.max_bytes):
                if _repaired(tail + chunk):
                    raise NotStreamable("feedparser would repair some of its text")
                tail = chunk[-_OVERLAP:]
                if feed is None and _DTD.search(chunk):
                    # Before the root element: a DTD is safe_xml's to refuse (or to read).
                    raise NotStreamable("a DTD or entities")
                parser.feed(chunk)
                # Lean: this loop sees two events for each of the millions of elements.
                for pair in parser.read_events():
                    event, element = cast(tuple[str, ET.Element], pair)  # start and end only
                    if event == "start":
                        if feed is None:
                            feed = self.feed = _Feed(element)
                            entry_tag = feed.entry_tag
                        elif feed.parent is None and element.tag == "channel":
                            # The first channel to start; if it is not the root's child, the
                            # items are not its children and cannot be removed from it below.
                            feed.parent = element
                        continue
                    tag = element.tag
                    if tag != entry_tag:
                        if tag.endswith(_ENTRIES) and safe_xml.local_name(tag) in _ENTRIES:
                            raise NotStreamable("an entry of another kind")
                        continue
                    assert feed is not None
                    try:
                        # Read: dropped, so the tree never grows. The entry is the list's
                        # own child, or this fails (an item nested anywhere else).
                        if feed.parent is None:
                            raise ValueError
                        feed.parent.remove(element)
                    except ValueError:
                        raise NotStreamable("an entry outside the feed's list of entries") from None
                    if feed.author is None:
                        feed.author = feed.author_now()
                    yield element
                if feed is None:
                    # No root element in the first megabyte: the prolog was not all checked.
                    raise NotStreamable("a prolog too long to check")
            parser.close()
        except ET.ParseError as error:
            # Broken XML is feedparser's to recover what it can, as for a file read whole.
            raise NotStreamable(f"not well-formed XML ({error})") from None
        if feed is None:
            raise NotStreamable("no root element")
        feed.finish()
