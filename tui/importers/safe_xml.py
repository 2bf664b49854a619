"""XML from outside, parsed without DTDs, entity expansion or network access.

Blogger and WordPress exports and feeds are XML, and XML can declare entities
that expand a few kilobytes into gigabytes ("billion laughs") or pull in local
files (``<!ENTITY x SYSTEM "file:///etc/passwd">``). defusedxml refuses both;
we also refuse any DTD, which no export or feed we read needs.
"""

from __future__ import annotations

import codecs
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
_BLOGGER_2018 = b"schemas.google.com/blogger/2018"


def sniff(head: bytes, origin: Origin) -> str | None:
    """The format of XML from its first bytes: blogger, wordpress, disqus, feed, or ``None``.

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
        blogger = _BLOGGER_KIND in head or _BLOGGER_2018 in attributes
        return "blogger" if blogger else "feed"
    if name == b"rss":
        return "wordpress" if _WXR_NAMESPACE.search(attributes) else "feed"
    if name == b"RDF":
        return "feed"
    if name == b"disqus":
        return "disqus"
    return None


_DECLARATION = re.compile(
    rb"""^(\xef\xbb\xbf)?(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])([A-Za-z0-9._\-]+)\3"""
)
_EXPAT_ENCODINGS = frozenset({"utf-8", "utf-16", "utf-16-le", "utf-16-be", "ascii", "latin-1"})
"""Encodings expat reads itself; any other multi-byte one it refuses, so we decode those."""


def readable(data: bytes, origin: Origin) -> bytes:
    """``data`` as UTF-8 when its XML declaration names an encoding the parser cannot read
    (EUC-KR, Shift_JIS, Big5, GBK, ...); unchanged otherwise."""
    match = _DECLARATION.match(data[:512])
    if match is None:
        return data
    declared = match[4].decode("ascii")
    try:
        codec = codecs.lookup(declared).name
    except LookupError as error:
        raise ImportFailed(origin, f"declares an unknown encoding {declared!r}") from error
    if codec in _EXPAT_ENCODINGS or codec.startswith(("iso8859", "cp125")):
        return data
    try:
        text = data[match.end(0) :].decode(codec)
    except UnicodeDecodeError as error:
        at = match.end(0) + error.start
        raise ImportFailed(
            origin, f"not valid {declared} text (byte 0x{data[at]:02x} at offset {at})"
        ) from error
    return match[2] + b'"UTF-8"' + text.encode("utf-8")


def _cannot_declare_entities(data: bytes) -> bool:
    """Whether ``data`` has no DTD, so no entity but XML's five can be in it.

    Entities (billion laughs, external files) can only be declared in a DTD, and a
    DTD only in ``<!DOCTYPE``. In UTF-8, ASCII and the one-byte encodings those
    bytes are the same; UTF-16 (a BOM, a zero byte, or declared) is left to defusedxml.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4]:
        return False
    declared = _DECLARATION.match(data[:512])
    if declared is not None and declared[4].lower().startswith((b"utf-16", b"utf16")):
        return False
    return b"<!DOCTYPE" not in data and b"<!ENTITY" not in data


def parse(data: bytes, origin: Origin) -> ET.Element:
    """The root element of ``data``; ``ImportFailed`` for a DTD, entities or bad XML."""
    data = readable(data, origin)
    if _cannot_declare_entities(data):
        # No DTD: the C parser (~2x quicker than defusedxml's Python one) is as safe.
        try:
            return ET.fromstring(data)  # noqa: S314 - no DTD, so no entities to expand
        except ET.ParseError as error:
            raise ImportFailed(origin, f"not well-formed XML ({error})") from error
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
    if element is None:
        return ""
    if len(element) == 0:  # a leaf, as nearly every field is: no walk, no join
        return element.text or ""
    return "".join(element.itertext())


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
