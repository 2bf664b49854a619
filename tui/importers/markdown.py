"""Markdown files with front matter (Jekyll, Hugo, Eleventy, and our own Markdown export).

Front matter is YAML between ``---`` lines, TOML between ``+++`` lines (Hugo),
or a JSON object at the very top (Hugo).

::

    ---
    title: Her
    date: 2014-03-06
    author: Jane
    tags: [drama, romance]
    film: Her
    year: 2013
    director: Spike Jonze
    rating: 4.5
    comments:
      - author: Sam
        date: 2014-03-07
        body: Lovely review.
        replies:
          - {author: Jane, body: Thank you!}
    ---
    The review, in Markdown.

YAML is read with the safe loader only. A file without a ``date`` may carry it
in its name (``2014-03-06-her.md``, or ``2014-3-6-her.md`` as Jekyll reads it);
one whose date cannot be read at all is imported undated. ``published: false``
or ``draft: true`` marks a draft: it is not imported, and the refusal says so.
Shortcodes and raw HTML blocks in the text are made readable
(``tui.importers.shortcodes``). One without a ``title`` takes its first
heading (taken out of the text), else its first words. A review with no ``source_id`` in its front
matter is known by its file name, so editing the file and importing it again
updates the review instead of adding another.
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from tui.importers import ImportFailed, Origin, source_name
from tui.importers.fields import decode_text
from tui.importers.json_export import review_from
from tui.importers.seed import derived_title
from tui.importers.shortcodes import markdown_leftovers
from tui.model import ParsedReview
from tui.text import one_line

SOURCE = "markdown"
_HEADING = re.compile(r"#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_DATED_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-")
_TOML_FENCE = re.compile(r"^\+\+\+[ \t]*\r?\n(.*?)^\+\+\+[ \t]*$", re.DOTALL | re.MULTILINE)
_JS_FRONT = re.compile(r"---[ \t]*(?:js|javascript)[ \t]*\r?\n")
_NO_FRONT_MATTER = (
    "no front matter (the file must start with a --- (YAML) or +++ (TOML) line, or a JSON object)"
)


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing every alias (``*name``) as soon as it is met.

    Nested aliases expand exponentially (a few hundred bytes become gigabytes,
    the "billion laughs"), and front matter has no use for them.
    """

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases are refused", event.start_mark
            )
        return super().compose_node(parent, index)  # type: ignore[arg-type]


def _front_matter(text: str, origin: Origin) -> tuple[dict[str, Any], str]:
    """The front matter's keys and the text after it, whichever of YAML, TOML or JSON."""
    text = text.strip()
    if text.startswith("+++"):
        return _toml_front_matter(text, origin)
    if text.startswith("{"):
        return _json_front_matter(text, origin)
    if _JS_FRONT.match(text):
        raise ImportFailed(origin, "JavaScript front matter (---js) cannot be read, only run")
    if not re.match(r"---[ \t]*\r?\n", text):
        raise ImportFailed(origin, _NO_FRONT_MATTER)
    return _yaml_front_matter(text, origin)


def _toml_front_matter(text: str, origin: Origin) -> tuple[dict[str, Any], str]:
    match = _TOML_FENCE.match(text)
    if match is None:
        raise ImportFailed(origin, "the TOML front matter has no closing +++ line")
    try:
        metadata = tomllib.loads(match[1])
    except tomllib.TOMLDecodeError as error:
        raise ImportFailed(origin, f"bad TOML front matter ({error})") from error
    return metadata, text[match.end() :].strip()


def _json_front_matter(text: str, origin: Origin) -> tuple[dict[str, Any], str]:
    try:
        metadata, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(
            origin, f"bad JSON front matter ({error.msg} at line {error.lineno})"
        ) from error
    except RecursionError as error:
        raise ImportFailed(origin, "bad JSON front matter (nested too deeply)") from error
    if not isinstance(metadata, dict):
        raise ImportFailed(origin, "bad JSON front matter (not an object of keys)")
    body = text[end:].strip()
    if not body:  # a JSON document on its own is data, not a post
        raise ImportFailed(origin, 'not a reviews JSON export (no "reviews" list)')
    return metadata, body


def _yaml_front_matter(text: str, origin: Origin) -> tuple[dict[str, Any], str]:
    handler = YAMLHandler()  # yaml.SafeLoader: tags like !!python/object are refused
    try:
        front, body = handler.split(text)
    except ValueError as error:
        raise ImportFailed(origin, "the front matter has no closing --- line") from error
    try:
        metadata = handler.load(front, Loader=_NoAliasLoader)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or type(error).__name__
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ImportFailed(origin, f"bad YAML front matter ({problem}{where})") from error
    except RecursionError as error:
        raise ImportFailed(origin, "bad YAML front matter (nested too deeply)") from error
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise ImportFailed(origin, "bad YAML front matter (not a mapping of keys)")
    tags = metadata.get("tags")
    words = tags if isinstance(tags, list) else [tags]
    if not all(t is None or isinstance(t, str | int | float) for t in words):
        raise ImportFailed(origin, "bad YAML front matter ('tags' must be a list of words)")
    return metadata, body.strip()


def _name_date(name: str) -> str | None:
    """The date at the start of a Jekyll post's file name, zero padding optional."""
    match = _DATED_NAME.match(name)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


def _draft_mark(meta: dict[str, Any]) -> str | None:
    """Which front matter key marks the file unpublished, if one does."""
    for key, unpublished in (("published", False), ("draft", True)):
        value = meta.get(key)
        if isinstance(value, str):
            value = {"true": True, "yes": True, "false": False, "no": False}.get(value.lower())
        if value is unpublished:
            return f"{key}: {str(unpublished).lower()}"
    return None


def parse(data: bytes, origin: Origin) -> list[ParsedReview]:
    """The one review in a Markdown file with front matter, and its comment thread."""
    meta, body = _front_matter(decode_text(data, origin), origin)
    if (mark := _draft_mark(meta)) is not None:
        raise ImportFailed(origin, f"a draft ({mark} in its front matter), not imported")
    body = markdown_leftovers(body)
    if not body and not meta:
        raise ImportFailed(origin, "empty front matter and no text: nothing to import")
    name = source_name(origin)
    stem = origin.stem if isinstance(origin, Path) else name
    if meta.get("date") is None and (dated := _name_date(name)):
        meta = {**meta, "date": dated}
    heading = _HEADING.match(body.lstrip())
    title = one_line(heading[1]) if heading else derived_title(body)
    if heading and not meta.get("title"):  # the heading is the title: not twice on screen
        body = body.lstrip()[heading.end() :]
    return [
        review_from(meta, body, origin, source=SOURCE, title=title, source_id=f"markdown:{stem}")
    ]
