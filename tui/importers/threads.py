"""Flat comment lists (each naming its parent) into nested ``ParsedComment`` trees.

Exports list comments flat with a parent reference; the model wants trees. The
walk is iterative, because a thread can be deeper than Python's recursion
limit, and it tolerates what hostile or damaged files contain: unknown parents,
a comment that answers itself, cycles and repeated ids.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from tui.importers.dates import epoch_seconds
from tui.model import ParsedComment


class FlatComment(NamedTuple):
    """A comment without its replies, with its own key and its parent's (``None``: the post)."""

    key: str
    parent: str | None
    comment: ParsedComment


def chronological(comments: Sequence[ParsedComment]) -> tuple[ParsedComment, ...]:
    """Siblings oldest first when every one has a date; else in the order given."""
    if len(comments) < 2:
        return tuple(comments)
    times = [epoch_seconds(c.date) for c in comments]
    if any(t is None for t in times):
        return tuple(comments)
    order = sorted(range(len(comments)), key=lambda i: times[i] or 0.0)
    return tuple(comments[i] for i in order)


def build_thread(flat: Sequence[FlatComment], *, by_date: bool = True) -> tuple[ParsedComment, ...]:
    """The top-level comments with their replies nested below them.

    A comment whose parent is unknown (or which sits in a cycle of parents) is
    placed at the top level rather than lost; a repeated key keeps its first comment.
    """
    nodes: dict[str, FlatComment] = {}
    for item in flat:
        nodes.setdefault(item.key, item)
    parent_of = {
        key: (item.parent if item.parent in nodes and item.parent != key else None)
        for key, item in nodes.items()
    }
    children: dict[str | None, list[str]] = defaultdict(list)
    for key, parent in parent_of.items():
        children[parent].append(key)

    # Anything not reachable from the top is in a cycle: cut it loose at its first member.
    reached: set[str] = set()
    stack = list(children[None])
    for start in [None, *nodes]:
        if start is not None:
            if start in reached:
                continue
            stack = _detach(start, parent_of, children)
        while stack:
            current = stack.pop()
            reached.add(current)
            stack.extend(children[current])

    # Post-order: build the replies of a comment before the comment itself.
    built: dict[str, ParsedComment] = {}
    pending: list[tuple[str, bool]] = [(key, False) for key in children[None]]
    while pending:
        key, ready = pending.pop()
        if not ready:
            pending.append((key, True))
            pending.extend((kid, False) for kid in children[key])
            continue
        replies = [built.pop(kid) for kid in children[key]]
        comment = nodes[key].comment
        if replies or comment.replies:
            ordered = chronological(replies) if by_date else tuple(replies)
            comment = dataclasses.replace(comment, replies=ordered)
        built[key] = comment
    top = [built[key] for key in children[None]]
    return chronological(top) if by_date else tuple(top)


def _detach(
    key: str, parent_of: dict[str, str | None], children: dict[str | None, list[str]]
) -> list[str]:
    old = parent_of[key]
    if old is not None:
        children[old].remove(key)
    parent_of[key] = None
    children[None].append(key)
    return [key]
