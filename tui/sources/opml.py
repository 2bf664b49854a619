"""OPML, the outline file every feed reader imports and exports: the feeds to follow."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from tui.importers import ImportFailed, safe_xml
from tui.store import Source
from tui.text import one_line


@dataclass(frozen=True)
class Outline:
    """One feed in an OPML file."""

    url: str
    title: str


def is_opml(path: Path) -> bool:
    """Whether ``path`` is an OPML file (by its name, else by its first bytes)."""
    if path.suffix.lower() == ".opml":
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return False
    return b"<opml" in head.lower()


def read_opml(data: bytes, origin: Path) -> list[Outline]:
    """The feeds an OPML file lists (outlines with ``xmlUrl``, at any depth), in order."""
    root = safe_xml.parse(data, origin)
    if safe_xml.local_name(root.tag).lower() != "opml":
        raise ImportFailed(origin, "not an OPML file (its root is not <opml>)")
    found: list[Outline] = []
    seen: set[str] = set()
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if url and url not in seen:
            seen.add(url)
            title = outline.get("title") or outline.get("text") or ""
            found.append(Outline(url, one_line(title)))
    return found


def write_opml(sources: Sequence[Source]) -> bytes:
    """The followed feeds as an OPML 2.0 document."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "Blogs followed in reviews"
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC))
    body = ET.SubElement(root, "body")
    for source in sources:
        if source.kind != "feed":
            continue
        title = source.title or source.url
        attributes = {"type": "rss", "text": title, "title": title, "xmlUrl": source.url}
        if source.site:
            attributes["htmlUrl"] = source.site
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + text + b"\n"
