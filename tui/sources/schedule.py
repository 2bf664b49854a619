"""When the reader syncs by itself: the followed blogs every ``sync_every`` (config), and a
reply that waits to be sent at each look. Plain Python, no UI, no network: the app asks
:func:`plan` from a thread worker and runs what it says.

Sources are due together: ``sync_every`` after the oldest last sync, at once for a
source never synced (a blog just followed, or an OPML import). ``R`` or a
``reviews sync`` from cron counts as that sync, so the reader does not ask the blogs
again soon after. A reply left ``queued`` (the blog could not be reached) is sent again
at each look, about once a minute, without pulling the blogs: it reaches the blog soon
after the network is back. A reply the blog refused (``failed``) waits for you: only
an edit or ``R`` sends it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.store import Source

LOOK_EVERY = 60.0
"""Seconds between the reader's looks at whether a sync is due (at most)."""

FIRST_LOOK = 5.0
"""Seconds after the reader opens before its first look (its first screen comes first)."""


NEVER = datetime.min.replace(tzinfo=UTC)
"""Due since forever: the earliest time there is, in UTC whatever the local zone."""


class Plan(Enum):
    """What a look decided."""

    NOTHING = "nothing"
    SEND = "send"
    """Send the replies that wait; the blogs are not due."""
    SYNC = "sync"
    """Pull every followed blog, then send what waits."""


def last_synced(source: Source) -> datetime | None:
    """When ``source`` was last synced (tried), ``None`` if never or unreadable."""
    if not source.last_sync:
        return None
    try:
        when = datetime.fromisoformat(source.last_sync)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.astimezone()


def next_sync(sources: Sequence[Source], every: float) -> datetime | None:
    """When the followed blogs are next due: ``every`` seconds after the oldest last sync
    (``NEVER`` when one was never synced); ``None`` when none is followed."""
    if not sources:
        return None
    times = [last_synced(source) for source in sources]
    known = [when for when in times if when is not None]
    if len(known) < len(times):
        return NEVER
    return min(known) + timedelta(seconds=every)


def plan(sources: Sequence[Source], replies_waiting: bool, every: float, now: datetime) -> Plan:
    """What the reader does at a look: sync when the blogs are due, else send the
    replies that wait, else nothing. ``now`` must carry its time zone."""
    due = next_sync(sources, every)
    if due is not None and due <= now:
        return Plan.SYNC
    return Plan.SEND if replies_waiting else Plan.NOTHING


def every_text(seconds: float) -> str:
    """``sync_every`` as people say it: ``30 min``, ``2 h``, ``1 d``, ``90 s``."""
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)} {unit}"
    return f"{int(seconds)} s" if seconds < 3600 else f"{seconds / 3600:.1f} h"


def schedule_line(sources: Sequence[Source], every: float | None, now: datetime) -> str:
    """One line on the sources screen: how often the reader syncs by itself, and when next."""
    if every is None:
        return "The reader syncs only on R (sync_every: off in config.yaml)"
    line = f"The reader syncs by itself every {every_text(every)}"
    due = next_sync(sources, every)
    if due is None:
        return line
    if due <= now:
        return f"{line}; next: within a minute"
    return f"{line}; next: about {due.astimezone(now.tzinfo).strftime('%H:%M')}"
