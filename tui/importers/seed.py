"""The seed text format: the plain review documents the app ships with.

::

    Thursday, 6 March 2014          <- a date line (an optional title line before or after)

    First paragraph ...

    Last paragraph ...

      1. A reader's comment ...     <- a trailing numbered list: the comments
      2. Another, which may run
         over several lines.

A sidecar ``<name>.yaml`` beside the file may add ``title``, ``author``, ``film``,
``year``, ``director``, ``tags``, ``rating`` (and ``date``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from tui.importers import ImportFailed, Origin
from tui.importers.dates import day_date, iso_date
from tui.importers.fields import decode_text
from tui.importers.json_export import review_from
from tui.model import ANONYMOUS, ParsedComment, ParsedReview
from tui.text import clean, one_line

SOURCE = "seed"
TITLE_WORDS = 8
"""A title made from the text is its first sentence cut to this many words."""

_ITEM = re.compile(r"^\s*(\d{1,6})[.)](?:\s+(.*))?$")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")
_TITLE_MAX = 80
_SIDECAR_KEYS = frozenset({"title", "author", "film", "year", "director", "tags", "rating", "date"})


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in clean(text).split("\n")]


def looks_like_seed(text: str) -> bool:
    """True when one of the first two non-empty lines of ``text`` is a date line."""
    firsts = [line for line in _lines(text[:4096]) if line.strip()][:2]
    return any(day_date(line) for line in firsts)


def _blocks(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    return blocks


def _comment_start(lines: list[str]) -> int:
    """Where the trailing numbered list begins, or ``len(lines)`` when there is none.

    The list is the last ``1.`` from which every numbered line counts up by one to
    the end, so a numbered list inside the body is not taken for comments.
    """
    numbers = [(i, int(m[1])) for i, line in enumerate(lines) if (m := _ITEM.match(line))]
    start = len(lines)
    expected = None
    for i, number in reversed(numbers):
        if expected is not None and number != expected - 1:
            break
        expected = number
        if number == 1:
            start = i
            break
    return start


def _comments(lines: list[str]) -> tuple[ParsedComment, ...]:
    items: list[list[str]] = []
    for line in lines:
        match = _ITEM.match(line)
        if match:
            items.append([match[2] or ""])
        elif items:
            items[-1].append(line.strip())
    comments = []
    for item in items:
        body = "\n\n".join("\n".join(block) for block in _blocks(item))
        if body:
            comments.append(ParsedComment(author=ANONYMOUS, date=None, body=body))
    return tuple(comments)


def _is_title(block: list[str]) -> bool:
    line = block[0].strip()
    return (
        len(block) == 1
        and len(line) <= _TITLE_MAX
        and len(line.split()) <= 12
        and not line.endswith((".", ",", ";", ":"))
    )


def derived_title(body: str) -> str:
    """A short title from the text: its first sentence, cut at a few words."""
    sentence = _SENTENCE_END.split(one_line(body), maxsplit=1)[0]
    words = sentence.split()
    if len(words) <= TITLE_WORDS:
        return sentence.rstrip(".") or "Untitled review"
    return " ".join(words[:TITLE_WORDS]).rstrip(",;:-–—") + "…"


def _sidecar(origin: Origin) -> dict[str, Any]:
    if not isinstance(origin, Path):
        return {}
    for suffix in (".yaml", ".yml"):
        path = origin.with_suffix(suffix)
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_bytes())
        except (OSError, yaml.YAMLError) as error:
            raise ImportFailed(
                origin, f"its sidecar {path.name} is unreadable ({error})"
            ) from error
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise ImportFailed(origin, f"its sidecar {path.name} is not a mapping of keys")
        return data
    return {}


def parse(data: bytes, origin: Origin) -> list[ParsedReview]:
    """The one review in a seed text, its comments and its sidecar's metadata."""
    lines = _lines(decode_text(data, origin))
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        raise ImportFailed(origin, "the file is empty")
    title: str | None = None
    date_at = filled[0]
    date = day_date(lines[date_at])
    if date is None and len(filled) > 1:
        title, date_at = one_line(lines[filled[0]]), filled[1]
        date = day_date(lines[date_at])
    if date is None:
        raise ImportFailed(
            origin, "no date line (a seed text starts with a date like 'Thursday, 6 March 2014')"
        )
    rest = lines[date_at + 1 :]
    split = _comment_start(rest)
    paragraphs = ["\n".join(block) for block in _blocks(rest[:split])]
    if title is None and len(paragraphs) > 1 and _is_title(paragraphs[0].split("\n")):
        title = one_line(paragraphs.pop(0))
    if not paragraphs:
        raise ImportFailed(origin, "no text after the date line")
    body = "\n\n".join(paragraphs)
    identity = hashlib.sha256(f"{lines[date_at].strip()}\n{body}".encode()).hexdigest()[:16]

    meta = {key: value for key, value in _sidecar(origin).items() if key in _SIDECAR_KEYS}
    try:
        review = review_from(
            {**meta, "date": iso_date(meta.get("date")) or date},
            body,
            origin,
            source=SOURCE,
            title=title or derived_title(body),
            source_id=f"seed:{identity}",
        )
    except ImportFailed as error:
        raise ImportFailed(origin, f"sidecar {error.reason}") from error
    return [dataclasses.replace(review, comments=_comments(rest[split:]))]
