"""Post and comment bodies as Markdown, with a quick path for the plainest HTML.

Most blog comments, and many posts, are nothing but ``<p>`` paragraphs of
ordinary one-line text (numeric character references allowed, as WordPress
writes its curly quotes), with now and then a word in ``<em>``/``<strong>`` or
a plain web link. Their Markdown is those paragraphs, whitespace folded, one
blank line between them, ``*em*``, ``**strong**`` and ``[text](url)``: exactly
what the importer's converter (BeautifulSoup and markdownify, ~0.5 ms a body)
makes of them, at a hundredth of the cost. Any other HTML (another tag, an
attribute, an entity, a character Markdown would escape, nesting) goes through
the importer's converter as before.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from tui.text import clean

_INLINE_TAG = r"</?(?:em|strong|b|i)>|<a href=\"[^\"<>]*\">|<a href='[^'<>]*'>|</a>"
_PARAGRAPHS_ONLY = re.compile(rf"\s*+(?:<p>(?:[^<>]++|{_INLINE_TAG})*+</p>\s*+)++")
_PARAGRAPH = re.compile(rf"<p>((?:[^<>]++|{_INLINE_TAG})*+)</p>")
_SPAN = re.compile(
    r"<(em|strong|b|i)>([^<>]*)</\1>"
    r"|<a href=([\"'])(https?://[A-Za-z0-9._~:/?#@!$+,;=%-]+)\3>([^<>]*)</a>"
)
"""An inline element the quick path writes itself: emphasis, or a link to a web page."""
_MARK = {"em": "*", "i": "*", "strong": "**", "b": "**"}
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


def _text(html: str) -> str | None:
    """Text without tags, decoded, when the converter would pass it through as is."""
    if "&" in html:
        if _NOT_NUMERIC.search(html):
            return None
        # Numeric character references (WordPress writes ’ as &#8217;) are decoded.
        html = unescape(html)
    if _ODD.search(html):
        return None  # no-break spaces, an escaped "<" or "*": the converter's own rules
    return html


def _span(match: re.Match[str]) -> str | None:
    text = _text(match[2] if match[1] else match[5])
    if not text or text.strip(" ") != text:
        return None  # empty, or spaces the converter would move outside the marks
    if match[1]:
        return f"{_MARK[match[1]]}{text}{_MARK[match[1]]}"
    if text == match[4]:
        return None  # the converter writes <url> for these
    return f"[{text}]({match[4]})"


def _paragraph(html: str) -> str | None:
    """A paragraph's Markdown, or ``None`` when it is not for the quick path."""
    if "<" not in html:
        return _text(html)
    pieces = []
    last = 0
    for match in _SPAN.finditer(html):
        between, span = _text(html[last : match.start()]), _span(match)
        if between is None or span is None:
            return None  # also a stray or nested tag: "<" is odd text
        pieces += [between, span]
        last = match.end()
    rest = _text(html[last:])
    if rest is None:
        return None
    pieces.append(rest)
    return "".join(pieces)


def plain_markdown(html: str) -> str | None:
    """The Markdown of HTML made only of plain ``<p>`` paragraphs, else ``None``."""
    if not _PARAGRAPHS_ONLY.fullmatch(html):
        return None
    paragraphs = []
    for found in _PARAGRAPH.findall(html):
        markdown = _paragraph(found)
        if markdown is None:
            return None
        markdown = _SPACES.sub(" ", markdown) if "  " in markdown else markdown
        markdown = markdown.strip(" ")
        if markdown:
            paragraphs.append(markdown)
    return clean("\n\n".join(paragraphs))


def plain_line(text: str) -> str | None:
    """The Markdown of a WordPress body that is one line of plain text (a short comment),
    else ``None``.

    Without a tag, an entity, a shortcode, a line break or a character Markdown escapes,
    WordPress's paragraph rule makes it one ``<p>`` and ``plain_markdown`` gives its text
    back, spaces folded: that text, without the two passes."""
    if _ODD.search(text) or not text.strip(" "):
        return None
    return clean(_SPACES.sub(" ", text).strip(" ") if "  " in text else text.strip(" "))


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
