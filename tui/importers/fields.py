"""How review fields are read, the same way in every format: text, numbers, tags, titles.

Each importer used to carry its own copy of these; one place keeps the rules
(and their error messages) the same whichever file a review came from.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from tui.importers import ImportFailed, Origin
from tui.text import one_line

_TAG = re.compile(r"<[^>]*>")


def decode_text(data: bytes, origin: Origin) -> str:
    """UTF-8 text (a BOM is dropped); ``ImportFailed`` naming the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(
            origin, f"not valid UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from error


def number(value: Any, kind: type[int] | type[float], key: str, origin: Origin) -> Any:
    """``value`` as an int or float, ``None`` when absent; ``ImportFailed`` when not a number."""
    if value is None or value == "":
        return None
    refusal = f"{key} '{one_line(str(value))[:40]}' is not a number"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ImportFailed(origin, refusal)
    try:
        return kind(value)
    except ValueError as error:
        raise ImportFailed(origin, refusal) from error


def unique_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags cleaned to one line, blanks dropped, repeats (any case) dropped: first spelling wins."""
    seen: set[str] = set()
    kept = []
    for tag in tags:
        text = one_line(tag)
        folded = text.casefold()
        if text and folded not in seen:
            seen.add(folded)
            kept.append(text)
    return tuple(kept)


def tag_list(value: Any) -> tuple[str, ...]:
    """Tags given as a list or a comma-separated string, cleaned, blanks and repeats dropped."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        items = [items]
    return unique_tags(str(item) for item in items)


def plain_title(text: str) -> str:
    """A title written as HTML as the reader sees it: tags removed, entities decoded, one line.

    ``Markup: Title <em>With</em> <b>Mark<sup>up</sup></b>`` -> ``Markup: Title With Markup``.
    """
    if "<" not in text and "&" not in text:
        return one_line(text)
    return one_line(html.unescape(_TAG.sub("", text)))
