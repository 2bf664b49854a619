"""Dates from every source as ISO 8601 strings.

A source that gives a time gets a date-time (with its offset when it has one);
a source that gives only a day gets a plain date. Nothing is invented: a naive
time stays naive rather than being guessed into some zone.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, date, datetime, timedelta, timezone
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
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) ([1-9]\d{3}) "
    r"(\d\d):(\d\d):(\d\d) (GMT|UTC?|Z|[+-]\d{4})"
)
"""The one shape of RFC 822 date nearly every RSS feed writes (``Sun, 13 Sep 2020 12:26:40
GMT``): read directly, as ``parsedate_to_datetime`` would read it, for speed."""


def _from_datetime(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _rss_date(text: str) -> str | None:
    """The common RFC 822 date as ISO 8601; ``None`` for any other shape (or a bad date)."""
    found = _RFC822.fullmatch(text)
    if found is None:
        return None
    month = _MONTHS.get(found[2].lower())
    zone = found[7]
    if month is None or zone == "-0000":  # -0000: no known zone, left to the full parser
        return None
    minutes = 0
    if zone[0] in "+-":
        minutes = int(zone[1:3]) * 60 + int(zone[3:5])
        minutes = -minutes if zone[0] == "-" else minutes
    try:
        value = datetime(
            int(found[3]),
            month,
            int(found[1]),
            int(found[4]),
            int(found[5]),
            int(found[6]),
            tzinfo=timezone(timedelta(minutes=minutes)),
        )
    except ValueError:
        return None
    return _from_datetime(value)


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
    quick = _rss_date(text)
    if quick is not None:
        return quick
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
    text = one_line(text)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        if len(text) == 19 and text[4] == text[7] == "-" and text[13] == text[16] == ":":
            # The shape WordPress writes, checked by the parse: already what is returned.
            return f"{text[:10]}T{text[11:]}+00:00"
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
