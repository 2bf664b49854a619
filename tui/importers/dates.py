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

# Day-only lines people write at the top of a review, in English whatever the locale
# (strptime's %B would follow LC_TIME): "Thursday, 6 March 2014", "March 6, 2014".
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY_MONTH_YEAR = re.compile(
    rf"^{_WEEKDAY}(\d{{1,2}}){_ORDINAL}\s+([a-z]+)\.?,?\s+(\d{{4}})$", re.IGNORECASE
)
_MONTH_DAY_YEAR = re.compile(
    rf"^{_WEEKDAY}([a-z]+)\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})$", re.IGNORECASE
)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _from_datetime(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def day_date(text: str) -> str | None:
    """The ISO date of a day-only line like ``Thursday, 6 March 2014``, else ``None``."""
    line = " ".join(text.split()).rstrip(".")
    if len(line) > 40:
        return None
    if _ISO_DAY.match(line):
        day, month, year = int(line[8:10]), int(line[5:7]), int(line[:4])
    elif match := _DAY_MONTH_YEAR.match(line):
        day, month, year = int(match[1]), _MONTHS.get(match[2].lower(), 0), int(match[3])
    elif match := _MONTH_DAY_YEAR.match(line):
        day, month, year = int(match[2]), _MONTHS.get(match[1].lower(), 0), int(match[3])
    else:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:  # 31 February, or a word that is no month
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


def epoch_seconds(iso: str | None) -> float | None:
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
