"""Markdown files with YAML front matter (Jekyll, Hugo, and our own Markdown export).

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
in its name (``2014-03-06-her.md``); one without a ``title`` takes its first
heading (taken out of the text), else its first words. A review with no ``source_id`` in its front
matter is known by its file name, so editing the file and importing it again
updates the review instead of adding another.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from tui.importers import ImportFailed, Origin, source_name
from tui.importers.json_export import review_from
from tui.importers.seed import derived_title
from tui.model import ParsedReview
from tui.text import one_line

SOURCE = "markdown"
_HEADING = re.compile(r"#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-")


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


def _decode(data: bytes, origin: Origin) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(
            origin, f"not valid UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from error


def _front_matter(text: str, origin: Origin) -> tuple[dict[str, Any], str]:
    text = text.strip()
    if not re.match(r"---[ \t]*\r?\n", text):
        raise ImportFailed(origin, "no YAML front matter (the file must start with a --- line)")
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


def parse(data: bytes, origin: Origin) -> list[ParsedReview]:
    """The one review in a Markdown file with front matter, and its comment thread."""
    meta, body = _front_matter(_decode(data, origin), origin)
    name = source_name(origin)
    stem = origin.stem if isinstance(origin, Path) else name
    if meta.get("date") is None and (dated := _DATED_NAME.match(name)):
        meta = {**meta, "date": dated[1]}
    heading = _HEADING.match(body.lstrip())
    title = one_line(heading[1]) if heading else derived_title(body)
    if heading and not meta.get("title"):  # the heading is the title: not twice on screen
        body = body.lstrip()[heading.end() :]
    return [
        review_from(meta, body, origin, source=SOURCE, title=title, source_id=f"markdown:{stem}")
    ]
