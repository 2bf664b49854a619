"""Well-formed RSS 2.0 and Atom 1.0 read straight from the checked XML tree.

A sync or an import parses thousands of entries, and feedparser (pure Python,
a second parse of the XML, its own HTML sanitising pass before ours) was most
of their time. The tree the checked parse has already built holds everything
a post or comment needs, so for the two formats blogs actually serve the
entries are read from it here, shaped as feedparser shapes them (so the
importer's field readers apply unchanged). Anything else (RSS 1.0, Atom 0.3,
XHTML content, broken XML) goes to feedparser: ``read_tree`` answers ``None``
for it; the importer also sends feedparser the files where its own rewriting
would change what is imported (``tui.importers.feed``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
WFW = "{http://wellformedweb.org/CommentAPI/}commentRss"
SLASH = "{http://purl.org/rss/1.0/modules/slash/}comments"
_HTML = "text/html"


class Entry(dict[str, Any]):
    """A dict that also answers attribute access, as feedparser's dicts do."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class Parsed:
    """What ``feedparser.parse`` gives, for the parts the sync reads."""

    def __init__(self, version: str, feed: Entry, entries: list[Entry]) -> None:
        self.version = version
        self.feed = feed
        self.entries = entries

    def get(self, key: str, default: Any = None) -> Any:
        """``version``, ``bozo`` and ``feed`` as feedparser's result answers them."""
        known = {"version": self.version, "bozo": False, "feed": self.feed}
        return known.get(key, default)


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    if len(element) == 0:  # no child elements (nearly always): its text is all of it
        return (element.text or "").strip()
    return "".join(element.itertext()).strip()


def _detail(kind: str, value: str) -> Entry:
    return Entry(type=kind, value=value)


_EMAIL = re.compile(
    r"(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"
    r"([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"
)
"""feedparser's idea of an e-mail address inside an RSS author."""


def _rss_author(item: ET.Element, tag: str = "author") -> str:
    return _text(item.find(DC_CREATOR)) or _text(item.find(tag))


def _person(author: str) -> Entry:
    """The ``author_detail`` feedparser makes of ``mail@example.org (Name)`` and the like."""
    email = _EMAIL.search(author)
    if email is None:
        return Entry(name=author)
    name = author.replace(email[0], "").replace("()", "").replace("<>", "")
    name = name.replace("&lt;&gt;", "").strip()
    name = name.removeprefix("(").removesuffix(")").strip()
    return Entry(name=name) if name else Entry()


def _rss_item(item: ET.Element) -> Entry:
    entry = Entry()
    title = _text(item.find("title"))
    if title:
        entry["title"] = title
        entry["title_detail"] = _detail("text/plain", title)
    link = _text(item.find("link"))
    if link:
        entry["link"] = link
    guid = _text(item.find("guid"))
    if guid:
        entry["id"] = guid
    for key, tag in (("published", "pubDate"), ("updated", DC_DATE)):
        value = _text(item.find(tag))
        if value:
            entry[key] = value
    author = _rss_author(item)
    if author:
        entry["author"] = author
        entry["author_detail"] = _person(author)
    content = item.findtext(CONTENT)
    if content:
        entry["content"] = [_detail(_HTML, content)]
    summary = item.findtext("description")
    if summary:
        entry["summary"] = summary
        entry["summary_detail"] = _detail(_HTML, summary)
    tags = [Entry(term=_text(c)) for c in item.findall("category") if _text(c)]
    if tags:
        entry["tags"] = tags
    comments = _text(item.find(WFW))
    if comments:
        entry["wfw_commentrss"] = comments
    count = _text(item.find(SLASH))
    if count:
        entry["slash_comments"] = count
    return entry


def _atom_kind(element: ET.Element) -> str | None:
    """feedparser's content type for an Atom text construct; ``None`` for XHTML."""
    kind = (element.get("type") or "text").lower()
    if kind == "xhtml":
        return None
    return _HTML if kind == "html" else ("text/plain" if kind == "text" else kind)


def _atom_entry(element: ET.Element) -> Entry | None:
    entry = Entry()
    title = element.find(f"{ATOM}title")
    if title is not None:
        kind = _atom_kind(title)
        if kind is None:
            return None
        entry["title"] = title.text or ""
        entry["title_detail"] = _detail(kind, entry["title"])
    ident = _text(element.find(f"{ATOM}id"))
    if ident:
        entry["id"] = ident
    links = []
    for link in element.findall(f"{ATOM}link"):
        rel, href = link.get("rel") or "alternate", (link.get("href") or "").strip()
        links.append(Entry(rel=rel, type=link.get("type") or "", href=href))
        if rel == "alternate" and href and "link" not in entry:
            entry["link"] = href
    entry["links"] = links
    for key in ("published", "updated"):
        value = _text(element.find(f"{ATOM}{key}"))
        if value:
            entry[key] = value
    name = _text(element.find(f"{ATOM}author/{ATOM}name"))
    if name:
        entry["author"] = name
        entry["author_detail"] = Entry(name=name)
    for key, tag in (("content", "content"), ("summary", "summary")):
        found = element.find(f"{ATOM}{tag}")
        if found is None:
            continue
        kind = _atom_kind(found)
        if kind is None:
            return None
        if key == "content":
            entry["content"] = [_detail(kind, found.text or "")]
        else:
            entry["summary"] = found.text or ""
            entry["summary_detail"] = _detail(kind, entry["summary"])
    tags = [
        Entry(term=(c.get("term") or "").strip(), label=c.get("label"))
        for c in element.findall(f"{ATOM}category")
        if (c.get("term") or "").strip()
    ]
    if tags:
        entry["tags"] = tags
    return entry


def read_tree(root: ET.Element) -> Parsed | None:
    """The feed in ``root`` when it is RSS 2.0 or Atom 1.0 we can read as is, else ``None``."""
    if root.tag == "rss" and (root.get("version") or "").startswith("2."):
        channel = root.find("channel")
        if channel is None:
            return None
        feed = Entry(
            title=_text(channel.find("title")),
            link=_text(channel.find("link")),
            generator=_text(channel.find("generator")),
        )
        author = _rss_author(channel, "managingEditor")
        if author:
            feed["author"] = author
            feed["author_detail"] = _person(author)
        return Parsed("rss20", feed, [_rss_item(i) for i in channel.findall("item")])
    if root.tag == f"{ATOM}feed":
        entries = []
        for element in root.findall(f"{ATOM}entry"):
            entry = _atom_entry(element)
            if entry is None:
                return None
            entries.append(entry)
        site = ""
        for link in root.findall(f"{ATOM}link"):
            if (link.get("rel") or "alternate") == "alternate":
                site = (link.get("href") or "").strip()
                break
        generator = root.find(f"{ATOM}generator")
        feed = Entry(
            title=_text(root.find(f"{ATOM}title")),
            link=site,
            generator=_text(generator),
            generator_detail=Entry(href=generator.get("uri") if generator is not None else ""),
        )
        name = _text(root.find(f"{ATOM}author/{ATOM}name"))
        if name:
            feed["author"] = name
            feed["author_detail"] = Entry(name=name)
        return Parsed("atom10", feed, entries)
    return None
