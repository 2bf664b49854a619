"""Blog-engine leftovers in post bodies, turned into text a reader can read.

WordPress keeps shortcodes in the post text (``[caption ...]<img> A caption[/caption]``,
``[gallery ids="1,2"]``, ``[embed]https://...[/embed]``) and Hugo keeps its own
(``{{< youtube id >}}``, ``{{% notice %}}...{{% /notice %}}``); both are
expanded only when the blog renders a page, so an export holds them raw.
Markdown files may also carry raw HTML blocks (``<script>``, ``<style>``,
``<link>``, ``<p>``) that a terminal cannot show. Captions keep their text,
a media shortcode becomes ``[name]``, scripts and styles are dropped, and
fenced code blocks are left exactly as written.
"""

from __future__ import annotations

import html
import re

_WP_NAMES = (
    "caption|wp_caption|gallery|embed|audio|video|playlist|wpvideo|youtube|vimeo|"
    "soundcloud|googlemaps|slideshow|tweet|instagram|spotify"
)
_WP_OPEN = re.compile(rf"\[({_WP_NAMES})\b([^\]]*)\]", re.IGNORECASE)
_WP_CLOSE = re.compile(rf"\[/({_WP_NAMES})\]", re.IGNORECASE)
_WP_ENCLOSING = frozenset({"caption", "wp_caption", "embed"})
_CAPTION_ATTR = re.compile(r"""\bcaption\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)

_HUGO = re.compile(r"\{\{([<%])\s*(/?)\s*([\w.\-/]+)([^}]*?)\s*[>%]\}\}", re.DOTALL)
_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.DOTALL | re.MULTILINE)
_DROPPED_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_DROPPED_TAG = re.compile(r"</?(?:script|style|link|meta)\b[^>]*>", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(?:p|div|section|article|center)\b[^>]*>", re.IGNORECASE)
_INLINE_TAG = re.compile(r"</?(?:span|font)\b[^>]*>", re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _caption(attributes: str) -> str:
    match = _CAPTION_ATTR.search(attributes)
    return "" if match is None else html.escape(match[1] or match[2] or "", quote=False)


def wordpress_shortcodes(text: str) -> str:
    """WordPress post HTML with its shortcodes expanded into plain HTML a reader can read."""
    if "[" not in text:
        return text

    def opening(match: re.Match[str]) -> str:
        name = match[1].lower()
        if name in {"caption", "wp_caption"}:
            return _caption(match[2]) + " "
        if name in _WP_ENCLOSING:
            return ""
        return f"[{name}]"

    return _WP_CLOSE.sub("", _WP_OPEN.sub(opening, text))


def hugo_shortcodes(text: str) -> str:
    """Markdown with Hugo's shortcodes replaced: inner text kept, a figure by its caption,
    anything else as ``[name]``."""
    if "{{" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        closing, name, attributes = match[2], match[3], match[4]
        if closing:
            return ""
        if name == "figure":
            return _caption(attributes) or "[figure]"
        return f"[{name}]"

    return _HUGO.sub(replace, text)


def _readable_html(text: str) -> str:
    text = _DROPPED_BLOCK.sub("", text)
    text = _DROPPED_TAG.sub("", text)
    text = _BREAK.sub("\n", text)
    text = _BLOCK_TAG.sub("\n", _INLINE_TAG.sub("", text))
    return re.sub(r"\n{3,}", "\n\n", text)


def markdown_leftovers(text: str) -> str:
    """A Markdown body without shortcodes or raw HTML blocks, fenced code untouched."""
    if "<" not in text and "{{" not in text:
        return text
    pieces = []
    last = 0
    for fence in _FENCE.finditer(text):
        pieces.append(_readable_html(hugo_shortcodes(text[last : fence.start()])))
        pieces.append(fence[0])
        last = fence.end()
    pieces.append(_readable_html(hugo_shortcodes(text[last:])))
    return "".join(pieces)
