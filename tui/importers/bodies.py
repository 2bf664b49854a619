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

_PARAGRAPHS_ONLY = re.compile(r"\s*(?:<p>[^<>]*</p>\s*)+")
_PARAGRAPH = re.compile(r"<p>([^<>]*)</p>")
_NOT_NUMERIC = re.compile(r"&(?!#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};)")
"""An ``&`` that does not start a numeric character reference (named ones are left out)."""
ODD_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Every character ``str.isspace`` knows but the plain space (a test checks the list)."""
_ODD = re.compile(f"[<>&*_\\\\`\\[\\]\ue000{ODD_SPACES}]")
"""After decoding: a character Markdown escapes, the converter's paragraph mark, or any
whitespace but a plain space. One character class: this runs on every paragraph."""
_SPACES = re.compile(r" +")


def plain_markdown(html: str) -> str | None:
    """The Markdown of HTML made only of plain ``<p>`` paragraphs, else ``None``."""
    if not _PARAGRAPHS_ONLY.fullmatch(html):
        return None
    paragraphs = []
    for found in _PARAGRAPH.findall(html):
        if "&" in found:
            if _NOT_NUMERIC.search(found):
                return None
            # Numeric character references (WordPress writes ’ as &#8217;) are decoded.
            found = unescape(found)
        if _ODD.search(found):
            return None  # no-break spaces, an escaped "<" or "*": the converter's own rules
        found = _SPACES.sub(" ", found) if "  " in found else found
        found = found.strip(" ")
        if found:
            paragraphs.append(found)
    return clean("\n\n".join(paragraphs))


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
