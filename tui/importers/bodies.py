"""Post and comment bodies as Markdown, with a quick path for the plainest HTML.

Most blog comments, and many posts, are nothing but ``<p>`` paragraphs of
ordinary one-line text (numeric character references allowed, as WordPress
writes its curly quotes). Their Markdown is those paragraphs, whitespace
folded, one blank line between them: exactly what the importer's converter (BeautifulSoup and
markdownify, ~0.5 ms a body) makes of them, at a hundredth of the cost. Any
other HTML (a tag, an entity, a character Markdown would escape) goes through
the importer's converter as before.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from tui.text import clean

_TEXT = r"(?:[^<>&*_\\`\[\]\n\r\t\f\v]|&#[0-9]{1,7};|&#[xX][0-9a-fA-F]{1,6};)*"
_PLAIN_PARAGRAPHS = re.compile(rf"\s*(?:<p>{_TEXT}</p>\s*)+")
_PARAGRAPH = re.compile(r"<p>([^<>]*)</p>")
_ODD = re.compile(r"[<>&*_\\`\[\]]|[^\S ]")
"""After decoding: a character Markdown escapes, or any whitespace but a plain space."""
_SPACES = re.compile(r" +")


def plain_markdown(html: str) -> str | None:
    """The Markdown of HTML made only of plain ``<p>`` paragraphs, else ``None``."""
    if not _PLAIN_PARAGRAPHS.fullmatch(html):
        return None
    # Numeric character references (WordPress writes ’ as &#8217;) are decoded first.
    found = [unescape(p) for p in _PARAGRAPH.findall(html)]
    if any(_ODD.search(p) for p in found):
        return None  # no-break spaces, an escaped "<" or "*": the converter's own rules
    paragraphs = (_SPACES.sub(" ", p).strip(" ") for p in found)
    return clean("\n\n".join(p for p in paragraphs if p))


def html_body(detail: Any, value: str) -> str:
    """Like the importer's ``_html``: HTML content as Markdown, text as cleaned text."""
    from tui.importers.feed import _html

    kind = str(getattr(detail, "type", "") or "") if detail is not None else ""
    if "html" in kind:
        quick = plain_markdown(value)
        if quick is not None:
            return quick
    return _html(detail, value)


def entry_body(entry: Any) -> str:
    """Like the importer's ``_body``: the content, else the summary, as Markdown."""
    for content in entry.get("content") or []:
        if content.get("value"):
            return html_body(content, str(content["value"]))
    summary = str(entry.get("summary") or "")
    return html_body(entry.get("summary_detail"), summary) if summary else ""
