"""RSS and Atom feeds, read by feedparser, from a file or an http(s) URL.

Entries become reviews. An entry that answers another entry in the same file
becomes a comment on it instead: Atom's ``thr:in-reply-to`` (RFC 4685) names
the entry by its id or link, and WordPress comment items are known by a link
or guid of the form ``<post>#comment-<n>``. Replies to replies are threaded the
same way. Comments whose post is not in the file (a comment feed on its own)
are skipped; a file holding nothing else is reported as such.

The XML is checked by defusedxml first: feedparser's strict parser would expand
entities declared in a DTD. Plain RSS 2.0 and Atom 1.0 in UTF-8 are then read
straight from that tree (``xmlfeed``, ~20x quicker than feedparser); feedparser
reads every other file (RSS 1.0, Atom 0.3, XHTML content, broken XML, other
encodings) and any file where its own guesses would change what is imported.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

from tui.importers import ImportFailed, Origin, safe_xml
from tui.importers.dates import iso_date
from tui.importers.fields import unique_tags
from tui.importers.html import html_to_markdown
from tui.importers.threads import FlatComment, build_thread
from tui.importers.xmlfeed import read_tree
from tui.model import ANONYMOUS, ParsedComment, ParsedReview
from tui.text import clean, one_line

SOURCE = "feed"
THREAD = "{http://purl.org/syndication/thread/1.0}"
_ENTRY_TAGS = frozenset({"item", "entry"})
_OTHER_ENCODING = re.compile(rb"^[^>]*encoding\s*=\s*[\"'](?!utf-?8[\"'])", re.IGNORECASE)
_REPAIRED = re.compile(rb"\xc2[\x80-\x9f]|\xc3[\x82-\xb4]\xc2[\x80-\xbf]|xml:base")
"""What feedparser rewrites: C1 controls (read as cp1252), UTF-8 read as Latin-1 and
decoded twice (it repairs that), and relative links under ``xml:base`` (it resolves them)."""
_ATOM = "{http://www.w3.org/2005/Atom}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_RSS_FIELDS = {
    "channel": frozenset(
        {
            *("title", "link", "description", "language", "copyright", "managingEditor"),
            *("webMaster", "pubDate", "lastBuildDate", "category", "generator", "docs"),
            *("cloud", "ttl", "image", "rating", "textInput", "skipHours", "skipDays", "item"),
            *(f"{_DC}{name}" for name in ("date", "language", "rights")),
            f"{_ATOM}link",
            "{http://purl.org/rss/1.0/modules/syndication/}updatePeriod",
            "{http://purl.org/rss/1.0/modules/syndication/}updateFrequency",
        }
    ),
    "item": frozenset(
        {
            *("title", "link", "guid", "pubDate", "description", "category", "author"),
            *("comments", "enclosure", f"{_DC}creator", f"{_DC}date"),
            "{http://purl.org/rss/1.0/modules/content/}encoded",
            "{http://wellformedweb.org/CommentAPI/}commentRss",
            "{http://purl.org/rss/1.0/modules/slash/}comments",
            f"{THREAD}in-reply-to",
            f"{THREAD}total",
            "{http://search.yahoo.com/mrss/}content",
            "{http://search.yahoo.com/mrss/}thumbnail",
        }
    ),
}
_ATOM_FIELDS = {
    f"{_ATOM}feed": frozenset(
        f"{_ATOM}{name}"
        for name in (
            *("title", "subtitle", "id", "link", "updated", "author", "generator"),
            *("icon", "logo", "rights", "category", "contributor", "entry"),
        )
    )
    | {
        f"{{http://a9.com/-/spec/opensearchrss/1.0/}}{name}"
        for name in ("totalResults", "startIndex", "itemsPerPage")
    },
    f"{_ATOM}entry": frozenset(
        {
            *(f"{_ATOM}{name}" for name in ("id", "title", "link", "published", "updated")),
            *(f"{_ATOM}{name}" for name in ("author", "content", "summary", "category")),
            f"{THREAD}in-reply-to",
            f"{THREAD}total",
        }
    ),
}
"""The elements the tree reader knows, and those feedparser reads into no field we use.
An element outside these (``itunes:summary``, ``dc:subject``, ``media:title``, ...) may
be where feedparser finds a body, tags or an author: such a file goes to feedparser."""
_HTML_LIKE = re.compile(r"</\w+>|&#?\w+;")
"""A plain-text title feedparser would take for HTML (its ``looks_like_html``)."""


def _replies_to(element: ET.Element) -> tuple[str, str]:
    """The ``ref`` and ``href`` of an entry's ``thr:in-reply-to``, or empty strings."""
    reply = element.find(f"{THREAD}in-reply-to")
    if reply is None:
        return "", ""
    return (reply.get("ref") or "").strip(), (reply.get("href") or "").strip()


def _threading(root: ET.Element | None, count: int) -> list[tuple[str, str]]:
    if root is None:
        return [("", "")] * count
    elements = [e for e in root.iter() if safe_xml.local_name(e.tag) in _ENTRY_TAGS]
    if len(elements) != count:  # not the entries feedparser saw: do not guess
        return [("", "")] * count
    return [_replies_to(e) for e in elements]


def _html(detail: Any, value: str) -> str:
    kind = str(getattr(detail, "type", "") or "") if detail is not None else ""
    if "html" in kind:
        return html_to_markdown(value)
    return clean(value).strip()


def _title(entry: Any) -> str:
    title = str(entry.get("title") or "")
    if "html" in str(entry.get("title_detail", {}).get("type", "")):
        from bs4 import BeautifulSoup

        title = BeautifulSoup(title, "html.parser").get_text()
    return one_line(title)


def _body(entry: Any) -> str:
    for content in entry.get("content") or []:
        if content.get("value"):
            return _html(content, str(content["value"]))
    summary = str(entry.get("summary") or "")
    return _html(entry.get("summary_detail"), summary) if summary else ""


def _date(entry: Any) -> str | None:
    for key in ("published", "updated", "created"):
        date = iso_date(entry.get(key))
        if date:
            return date
    for key in ("published_parsed", "updated_parsed"):
        if entry.get(key):
            return iso_date(entry[key])
    return None


def _author(entry: Any, fallback: str = ANONYMOUS) -> str:
    """The entry's author, else ``fallback`` (the feed's own author, RFC 4287 §4.2.1)."""
    detail = entry.get("author_detail") or {}
    return one_line(str(detail.get("name") or entry.get("author") or "")) or fallback


def _target(
    i: int, entry: Any, thread: tuple[str, str], by_id: dict[str, int], by_link: dict[str, int]
) -> tuple[bool, int | None]:
    """Whether entry ``i`` is a reply, and the index of the entry it answers if in the file."""
    ref, href = thread
    if ref or href:
        found = by_id.get(ref, by_link.get(href))
        return True, found if found != i else None
    for key, index in ((entry.get("id"), by_id), (entry.get("link"), by_link)):
        base, mark, _ = str(key or "").partition("#comment-")
        if mark:
            found = index.get(base)
            return True, found if found != i else None
    return False, None


def _known_fields(root: ET.Element) -> bool:
    """Whether every element of the channel or feed and its entries is one the tree
    reader reads as feedparser would (and every Atom author has a name)."""
    fields = _ATOM_FIELDS if root.tag == f"{_ATOM}feed" else _RSS_FIELDS
    parents = [root] if root.tag == f"{_ATOM}feed" else root.findall("channel")
    for parent in parents:
        for child in parent:
            if child.tag not in fields[parent.tag]:
                return False
            if child.tag in fields and any(f.tag not in fields[child.tag] for f in child):
                return False
    return all(a.find(f"{_ATOM}name") is not None for a in root.iter(f"{_ATOM}author"))


def _read(data: bytes, root: ET.Element | None) -> Any:
    """The feed as feedparser shapes it: from the tree when nothing in the file needs
    feedparser's own rules, else from feedparser."""
    plain = (
        root is not None
        and not _OTHER_ENCODING.match(data)
        and not _REPAIRED.search(data)
        and _known_fields(root)
    )
    fast = read_tree(root) if plain and root is not None else None
    if fast is not None and not any(_HTML_LIKE.search(e.get("title", "")) for e in fast.entries):
        return fast
    import feedparser  # on demand: ~0.1 s to load, and plain feeds never need it

    return feedparser.parse(data)


def parse(data: bytes, origin: Origin) -> list[ParsedReview]:
    """Every entry of a feed as a review, entries answering others as their comments."""
    data = safe_xml.readable(data, origin)
    root = safe_xml.check(data, origin)
    result = _read(data, root)
    entries = list(result.entries)
    if not entries:
        if result.get("bozo"):
            raise ImportFailed(origin, f"not a readable feed ({result.get('bozo_exception')})")
        return []
    by_id = {str(e.get("id")): i for i, e in reversed(list(enumerate(entries))) if e.get("id")}
    by_link = {
        str(e.get("link")): i for i, e in reversed(list(enumerate(entries))) if e.get("link")
    }
    threads = _threading(root, len(entries))
    parent: dict[int, int | None] = {}
    for i, entry in enumerate(entries):
        is_reply, target = _target(i, entry, threads[i], by_id, by_link)
        if is_reply:
            parent[i] = target
    return _assemble(entries, parent, origin, _author(result.get("feed") or {}))


def _post_of(i: int, parent: dict[int, int | None]) -> int | None:
    seen = set()
    while i in parent:
        if i in seen:
            return None
        seen.add(i)
        up = parent[i]
        if up is None:
            return None
        i = up
    return i


def _identity(entry: Any) -> str | None:
    """``feed:`` and the entry's id (else link); ``None`` lets the store hash the content."""
    ident = one_line(str(entry.get("id") or entry.get("link") or ""))
    return f"feed:{ident}" if ident else None


def _tags(entry: Any) -> tuple[str, ...]:
    return unique_tags(str(t.get("term") or t.get("label") or "") for t in entry.get("tags") or [])


def _url(entry: Any) -> str:
    return one_line(str(entry.get("link") or ""))


def _review(entry: Any, feed_author: str, comments: tuple[ParsedComment, ...] = ()) -> ParsedReview:
    """One post of the feed as a review (the whole-file and the streamed reader share it)."""
    return ParsedReview(
        title=_title(entry) or "Untitled review",
        date=_date(entry) or "",
        body=_body(entry),
        author=_author(entry, feed_author),
        tags=_tags(entry),
        source=SOURCE,
        source_id=_identity(entry),
        comments=comments,
        url=_url(entry),
    )


def _assemble(
    entries: list[Any], parent: dict[int, int | None], origin: Origin, feed_author: str
) -> list[ParsedReview]:
    comments: dict[int, list[FlatComment]] = defaultdict(list)
    for i in parent:
        post = _post_of(i, parent)
        entry = entries[i]
        body = _body(entry)
        if post is None or not body:
            continue
        up = parent[i]
        comment = ParsedComment(
            _author(entry), _date(entry), body, source_id=_identity(entry), url=_url(entry)
        )
        comments[post].append(FlatComment(str(i), None if up == post else str(up), comment))
    reviews = []
    for i, entry in enumerate(entries):
        if i in parent:
            continue
        reviews.append(_review(entry, feed_author, build_thread(comments.get(i, []))))
    if not reviews:
        said = (
            "its comment answers a post"
            if len(parent) == 1
            else (f"its {len(parent)} comments answer posts")
        )
        raise ImportFailed(origin, f"a comment feed: {said} not in this file")
    return reviews
