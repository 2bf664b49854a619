"""XML from outside, parsed without DTDs, entity expansion or network access.

Blogger and WordPress exports and feeds are XML, and XML can declare entities
that expand a few kilobytes into gigabytes ("billion laughs") or pull in local
files (``<!ENTITY x SYSTEM "file:///etc/passwd">``). defusedxml refuses both;
we also refuse any DTD, which no export or feed we read needs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

from tui.importers import ImportFailed, Origin

REFUSED = "refused: the XML declares a DTD or entities (possible XML bomb or file disclosure)"

_COMMENT = re.compile(rb"<!--.*?(?:-->|$)", re.DOTALL)
_ROOT = re.compile(rb"<(?![?!/])(?:[\w.\-]+:)?([\w.\-]+)([^>]*)")
_WXR_NAMESPACE = re.compile(
    rb"""xmlns:[\w.\-]+\s*=\s*["']https?://wordpress\.org/export/1\.\d+/["']"""
)
_BLOGGER_KIND = b"schemas.google.com/blogger/2008/kind#"


def sniff(head: bytes, origin: Origin) -> str | None:
    """The format of XML from its first bytes: blogger, wordpress, feed, or ``None``.

    A document that declares a DTD is refused here already, whatever its root.
    """
    text = _COMMENT.sub(b"", head)
    root = _ROOT.search(text)
    prolog = text[: root.start()] if root else text
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
        raise ImportFailed(origin, REFUSED)
    if root is None:
        return None
    name, attributes = root[1], root[2]
    if name == b"feed":
        return "blogger" if _BLOGGER_KIND in head else "feed"
    if name == b"rss":
        return "wordpress" if _WXR_NAMESPACE.search(attributes) else "feed"
    if name == b"RDF":
        return "feed"
    return None


def parse(data: bytes, origin: Origin) -> ET.Element:
    """The root element of ``data``; ``ImportFailed`` for a DTD, entities or bad XML."""
    try:
        root: ET.Element = fromstring(data, forbid_dtd=True)
    except (DTDForbidden, EntitiesForbidden) as error:
        raise ImportFailed(origin, REFUSED) from error
    except ExternalReferenceForbidden as error:
        raise ImportFailed(origin, "refused: the XML refers to external entities") from error
    except ET.ParseError as error:
        raise ImportFailed(origin, f"not well-formed XML ({error})") from error
    return root


def text_of(element: ET.Element | None) -> str:
    """The text inside an element (its children's too), ``""`` when it is missing."""
    return "" if element is None else "".join(element.itertext())


def local_name(tag: str) -> str:
    """A tag without its ``{namespace}``."""
    return tag.rpartition("}")[2]


def check(data: bytes, origin: Origin) -> ET.Element | None:
    """Like ``parse``, but ``None`` for XML that is merely broken (and declares no DTD),
    for readers such as feedparser that recover what they can from broken documents."""
    try:
        return parse(data, origin)
    except ImportFailed as error:
        if error.reason.startswith("refused"):
            raise
        lowered = data.lower()
        if b"<!doctype" in lowered or b"<!entity" in lowered:
            raise ImportFailed(origin, REFUSED) from error
        return None
