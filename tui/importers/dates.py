"""Dates from every source as ISO 8601 strings.

A source that gives a time gets a date-time (with its offset when it has one);
a source that gives only a day gets a plain date. Nothing is invented: a naive
time stays naive rather than being guessed into some zone.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from tui.text import one_line

# Day-only forms people write at the top of a review; English month names.
_DAY_FORMATS = (
    "%A, %d %B %Y",  # Thursday, 6 March 2014
    "%A %d %B %Y",
    "%d %B %Y",  # 6 March 2014
    "%d %b %Y",
    "%B %d, %Y",  # March 6, 2014
    "%b %d, %Y",
    "%A, %B %d, %Y",  # Thursday, March 6, 2014
    "%Y-%m-%d",
)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HAS_YEAR = re.compile(r"\b\d{4}\b")


def _from_datetime(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def day_date(text: str) -> str | None:
    """The ISO date of a day-only line like ``Thursday, 6 March 2014``, else ``None``."""
    line = " ".join(text.split()).rstrip(".")
    if len(line) > 40 or not _HAS_YEAR.search(line):
        return None
    for fmt in _DAY_FORMATS:
        try:
            return datetime.strptime(line, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def iso_date(value: object) -> str | None:
    """``value`` (text, ``date``, ``datetime`` or ``time.struct_time`` in UTC) as ISO 8601.

    ``None`` when it cannot be read as a date.
    """
    if isinstance(value, datetime):
        return _from_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time.struct_time):
        return _from_datetime(datetime.fromtimestamp(calendar.timegm(value), UTC))
    if not isinstance(value, str):
        return None
    text = one_line(value)
    if not text:
        return None
    if _ISO_DAY.match(text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    try:
        return _from_datetime(datetime.fromisoformat(text))
    except ValueError:
        pass
    try:
        return _from_datetime(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    return day_date(text)


def utc_date(text: str) -> str | None:
    """A naive ``YYYY-MM-DD HH:MM:SS`` known to be UTC (WordPress ``*_gmt``) as ISO 8601.

    ``None`` for WordPress's ``0000-00-00 00:00:00`` (never published) or anything unreadable.
    """
    try:
        value = datetime.fromisoformat(one_line(text))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return _from_datetime(value)


def instant(iso: str | None) -> float | None:
    """Seconds since the epoch of an ISO date, to order dates with different offsets.

    Naive values and plain dates are taken as UTC: close enough to order comments.
    """
    if iso is None:
        return None
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()
