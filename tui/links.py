"""The links in a review's Markdown body, and which of them may be opened.

Links never open by themselves: the reading pane shows their addresses as
text. The links screen lists what this module finds, and only ``http`` and
``https`` addresses may be handed to a browser; ``javascript:``, ``file:``,
``data:`` and the rest are listed but refused, with the reason.

This module is plain Python (markdown-it-py, which Rich already uses); it
never imports Textual.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from tui.text import clean, one_line

OPENABLE_SCHEMES = frozenset({"http", "https"})
"""The only kinds of address a browser is ever asked to open."""

# Names (international ones arrive as punycode, xn--) or IP addresses, v4 or v6.
_HOST = re.compile(r"[a-z0-9._-]+|[0-9a-f:.]+")

MAX_URL_LENGTH = 2000
"""Longer addresses are refused: nobody can check one that long before opening it."""


@dataclass(frozen=True)
class Link:
    """One link (or image) of a body: what it says, where it goes, whether it may open."""

    text: str
    """The link's words on one line (an image's alt text; the address for a bare link)."""
    url: str
    """The address, as markdown-it normalises it (percent-encoded, punycode host)."""
    refused: str = ""
    """Why it may not be opened; empty when it may."""
    image: bool = False

    @property
    def openable(self) -> bool:
        """True when a browser may be asked to open it (after the user confirms)."""
        return not self.refused


class _EveryLink(MarkdownIt):
    """markdown-it that keeps every link: it drops javascript:/file:/data: ones silently,
    and the list should say they are there and refuse them itself."""

    def validateLink(self, url: str) -> bool:  # noqa: N802 - markdown-it's name
        """Every address is parsed as a link; ``why_refused`` judges it."""
        return True


_PARSER = _EveryLink("commonmark", {"html": False, "linkify": True}).enable(
    ["linkify", "strikethrough", "table"]
)


def why_refused(url: str) -> str:
    """Why ``url`` may not be opened, or "" when it may (http/https with a host)."""
    if not url:
        return "it has no address"
    if len(url) > MAX_URL_LENGTH:
        return f"the address is over {MAX_URL_LENGTH} characters"
    if url != clean(url) or any(ch.isspace() for ch in url):
        return "the address holds control characters or spaces"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises on a port that is not a number
    except ValueError:
        return "the address is malformed"
    scheme = parts.scheme.lower()
    if scheme not in OPENABLE_SCHEMES:
        named = f"{one_line(scheme)}:" if scheme else "a relative address"
        return f"only http and https links open, not {named}"
    if not host:
        return "the address names no host"
    if not _HOST.fullmatch(host):
        return "the host name holds characters no host name has"
    if parts.username is not None or parts.password is not None:
        return "the address hides a user name before its host, a common disguise"
    return ""


def _words(tokens: Iterable[Token]) -> str:
    """The visible words of inline tokens (images give their alt text)."""
    out: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline", "image"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return one_line("".join(out))


def _inline_links(children: list[Token]) -> Iterable[Link]:
    index = 0
    while index < len(children):
        token = children[index]
        if token.type == "image":
            src = str(token.attrs.get("src", ""))
            yield Link(
                one_line(token.content) or "(no alt text)", one_line(src), why_refused(src), True
            )
        elif token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            end = index + 1
            while end < len(children) and children[end].type != "link_close":
                end += 1
            inside = children[index + 1 : end]
            yield Link(_words(inside) or one_line(href), one_line(href), why_refused(href))
            # Images inside the link are links of their own.
            for child in inside:
                if child.type == "image":
                    yield from _inline_links([child])
            index = end
        index += 1


def find_links(markdown: str) -> list[Link]:
    """Every link and image of a Markdown body, in reading order, duplicates dropped."""
    found: list[Link] = []
    seen: set[tuple[str, str]] = set()
    for token in _PARSER.parse(clean(markdown)):
        if token.type != "inline" or not token.children:
            continue
        for link in _inline_links(token.children):
            if (link.text, link.url) not in seen:
                seen.add((link.text, link.url))
                found.append(link)
    return found


PERMALINK_TEXT = "This review on the web"
"""How the review's own address is named at the top of its links."""
COMMENT_PERMALINK_TEXT = "This comment on the web"
"""How a comment's own address is named at the top of its links."""


def review_links(
    markdown: str, permalink: str = "", permalink_text: str = PERMALINK_TEXT
) -> list[Link]:
    """The text's own address first (when it has one), then every link of its body."""
    found = find_links(markdown)
    url = one_line(permalink)
    if not url:
        return found
    return [Link(permalink_text, url, why_refused(url))] + [
        link for link in found if link.url != url
    ]
