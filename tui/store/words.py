"""Markdown bodies as the words a reader sees, for search to find what is on screen.

Review bodies and imported comments are stored as Markdown, and the reader shows
them as their words (``tui.comment_text``, Rich's renderer): "See [the site](url)
and **this**" reads "See the site (url) and this". Search looks in the words, so
typing what is on the screen finds it, and a hit's snippet reads as the text does.

This is a handful of regular expressions, not a Markdown parser: a hundred thousand
comments are turned into words when the first search builds its index, and
markdown-it takes ~0.1 ms a comment, ten seconds for those. The expressions cover
what blogs' HTML becomes (links, images, emphasis, code, escapes, entities, heading,
quote and list marks); rarer constructs keep some of their marks, which only makes
a search for them by their marks still work. The thread shows a comment with inline
marks only through these same expressions (``tui.comment_text``), tested to give the
words markdown-it gives.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_LINK = re.compile(
    r"\[([^\]\n]*)\]\(\s*<?([^\s<>()]*)>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)"
)
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*)>")
_CODE = re.compile(r"(?<!\\)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
# Each starts with its literal mark, which the regex engine finds at C speed; what
# may come before the mark is checked by ``_unescaped`` (a lookbehind first would make
# the engine try every position: 30 µs a comment instead of 3).
_STRONG = {
    mark: re.compile(re.escape(mark) + r"(?=\S)(.+?)(?<=\S)" + re.escape(mark))
    for mark in ("**", "__", "~~")
}
_EM_STAR = re.compile(r"\*(?=[^\s*])([^*\n]*?[^\s*\\])\*(?!\*)")
_EM_UNDERSCORE = re.compile(r"_(?=[^\s_])([^_\n]*?[^\s_\\])_(?!\w)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~\n])")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BLOCK_MARK = re.compile(
    r"[ \t]*(?:#{1,6}(?=[ \t]|$)|(?:> ?)+|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]*"
)
_FENCE = re.compile(
    r"^ {0,3}(`{3,}|~{3,})[^\n]*\n(.*?)(?:^ {0,3}\1[ \t]*$|\Z)", re.MULTILINE | re.DOTALL
)
_RULE = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})")
RULE = "───"
"""A thematic break (``---``), as the thread shows it."""
_TABLE_RULE = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?)?[ \t]*")
_LINE_STARTS = frozenset("#>-+*0123456789 ")
"""What a line holding a heading, quote or list mark starts with."""


def _unescaped(before: str) -> Callable[[re.Match[str]], str]:
    """A replacement keeping a mark's words, unless the mark follows one of ``before``."""

    def words(match: re.Match[str]) -> str:
        at = match.start()
        if at and match.string[at - 1] in before:
            return match[0]
        return match[1]

    return words


_AFTER_STRONG = _unescaped("\\")
_AFTER_STAR = _unescaped("\\*")
_AFTER_UNDERSCORE = _unescaped(
    "\\_0123456789" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


# An image's brackets while links are read: an image inside a link ([![alt](src)](url))
# must not end the link's words. NUL never survives ``clean``, so no text holds these.
_OPEN, _CLOSE = "\x00(", "\x00)"


def _image(match: re.Match[str]) -> str:
    alt = " ".join(match[1].split())
    return f"{_OPEN}image: {alt}{_CLOSE}" if alt else f"{_OPEN}image{_CLOSE}"


def _link(match: re.Match[str]) -> str:
    words, address = match[1], match[2]
    if not address or words == address:
        return address or words
    return f"{words} ({address})"


def _unmarked_lines(text: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line[:1] in _LINE_STARTS and _RULE.fullmatch(line):
            lines[i] = RULE
            continue
        if line[:1] in _LINE_STARTS and (mark := _BLOCK_MARK.match(line)) is not None:
            line = lines[i] = line[mark.end() :]
        if "|" in line:  # a table's row, as the thread shows it: "a | b", no rule row
            lines[i] = "" if _TABLE_RULE.fullmatch(line) else line.strip(" \t|")
    return "\n".join(lines)


def searchable(markdown: str) -> str:
    """``markdown`` as its words: marks dropped, a link as ``words (address)``; a fenced
    code block's lines as they are written.

    Each expression runs only when the character it starts with is in the text, so
    a plain comment costs a few ``in`` tests.
    """
    if "```" not in markdown and "~~~" not in markdown:
        return _words(markdown)
    out: list[str] = []
    done = 0
    for fence in _FENCE.finditer(markdown):
        out += [_words(markdown[done : fence.start()]), fence[2]]
        done = fence.end()
    out.append(_words(markdown[done:]))
    return "".join(out)


def _words(markdown: str) -> str:
    text = markdown
    if text[:1] in _LINE_STARTS or "\n" in text or "|" in text:
        text = _unmarked_lines(text)
    if "[" in text:
        text = _LINK.sub(_link, _IMAGE.sub(_image, text))
        text = text.replace(_OPEN, "[").replace(_CLOSE, "]")
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
    if "`" in text:
        text = _CODE.sub(r"\2", text)
    for mark, strong in _STRONG.items():
        if mark in text:
            text = strong.sub(_AFTER_STRONG, text)
    if "*" in text:
        text = _EM_STAR.sub(_AFTER_STAR, text)
    if "_" in text:
        text = _EM_UNDERSCORE.sub(_AFTER_UNDERSCORE, text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m[0]), text)
    return text
