"""Blog HTML into readable Markdown, with everything a reader should not see dropped.

Blogs store posts and comments as HTML. The reading pane shows Markdown, so
headings, emphasis, links, lists and paragraphs are converted by markdownify;
scripts, styles, frames, tracking pixels and WordPress block-editor comments
are removed first; images on the web stay Markdown images (shown as
``[image: alt]``), others become their alt text (a terminal shows no pictures).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from tui.importers.bodies import plain_line, plain_markdown
from tui.importers.shortcodes import wordpress_shortcodes
from tui.text import clean

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag
    from markdownify import MarkdownConverter

_DROPPED = ("script", "style", "iframe", "noscript", "object", "embed", "template", "svg")
_WP_BLOCK = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
_BLOCK_TAG = re.compile(r"<(p|div|h[1-6]|ul|ol|blockquote|pre|table|figure)[\s>]", re.IGNORECASE)
_BREAKS = re.compile(r"(?:<br\s*/?>\s*){2,}", re.IGNORECASE)
_PARAGRAPH = "\ue000"  # a private-use mark the converter passes through untouched
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_SAFE_LINK = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)
_WEB_IMAGE = re.compile(r"^https?://", re.IGNORECASE)


@cache
def _converter() -> MarkdownConverter:
    # Imported on first use: BeautifulSoup and markdownify take ~0.1 s to load, and
    # bodies of plain paragraphs (most comments) never need them.
    from markdownify import ATX, BACKSLASH, MarkdownConverter

    return MarkdownConverter(
        heading_style=ATX, bullets="-", newline_style=BACKSLASH, escape_misc=False
    )


def autop(text: str) -> str:
    """WordPress's rule for text with no block markup: blank lines make paragraphs,
    single newlines make line breaks (as ``wpautop`` does when a post is shown)."""
    if _BLOCK_TAG.search(text):
        return text
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return "".join(f"<p>{p.strip().replace(chr(10), '<br>')}</p>" for p in paragraphs if p.strip())


def _is_pixel(img: Tag) -> bool:
    sizes = [str(img.get(attr) or "").strip().removesuffix("px") for attr in ("width", "height")]
    return any(size in {"0", "1"} for size in sizes)


def _tidy(soup: BeautifulSoup) -> None:
    from bs4.element import Comment, NavigableString

    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(_DROPPED):
        tag.decompose()
    for img in soup.find_all("img"):
        alt = " ".join(str(img.get("alt") or "").split())
        src = str(img.get("src") or "").strip()
        if _is_pixel(img):
            img.decompose()
        elif _WEB_IMAGE.match(src):
            # Kept as a Markdown image: the reader shows "[image: alt]", `o` lists it.
            img.attrs = {"src": src, "alt": alt}
        elif alt:
            img.replace_with(NavigableString(alt))
        else:
            img.decompose()
    for link in soup.find_all("a"):
        # javascript: and data: links would be live in the reading pane; keep their text.
        if not _SAFE_LINK.match(str(link.get("href") or "").strip()):
            link.unwrap()
        elif link.find("img") and not link.get_text(strip=True):
            # Blogger wraps each picture in a link to the same picture, bigger: the
            # picture is what the reader sees, so it stays an image, not a link.
            link.unwrap()


def html_to_markdown(html: str, *, wordpress: bool = False) -> str:
    """Markdown for an HTML fragment; ``wordpress`` expands WordPress's shortcodes and
    applies its paragraph rule."""
    if wordpress and (line := plain_line(html)) is not None:
        return line
    html = _WP_BLOCK.sub("", html)
    if wordpress:
        html = autop(wordpress_shortcodes(html))
    quick = plain_markdown(html)
    return converted_markdown(html) if quick is None else quick


def converted_markdown(html: str) -> str:
    """Markdown for an HTML fragment by BeautifulSoup and markdownify, the reference that
    every quicker path is tested against."""
    from bs4 import BeautifulSoup

    # Blogger's editor separates paragraphs with <br /><br />: make them paragraphs.
    html = _BREAKS.sub(_PARAGRAPH, html)
    soup = BeautifulSoup(html, "html.parser")
    _tidy(soup)
    markdown = _converter().convert_soup(soup).replace(_PARAGRAPH, "\n\n")
    markdown = "\n".join(line.rstrip() for line in clean(markdown).split("\n"))
    return _BLANK_LINES.sub("\n\n", markdown).strip()
