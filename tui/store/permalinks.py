"""Web addresses as keys: comment threads kept elsewhere (Disqus) find their review by them.

Two addresses name the same page when they differ only in scheme, a leading
``www.``, a trailing slash, the query or the fragment, or the case of the host:
``https://www.example.org/2014/her/?utm=x#comments`` is ``example.org/2014/her``.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from tui.text import one_line


def permalink_key(url: str) -> str:
    """The part of ``url`` that names the page, for matching; ``""`` when there is none."""
    text = one_line(url)
    if not text or any(ch.isspace() for ch in text):
        return ""
    try:
        parts = urlsplit(text if "//" in text else f"//{text}")
        number = parts.port
    except ValueError:  # a port that is not a number, a malformed IPv6 host
        return ""
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{number}" if number and number not in {80, 443} else ""
    path = parts.path.rstrip("/")
    return f"{host}{port}{path}" if host else ""


def permalink_index(pages: Iterable[tuple[int, str]]) -> dict[str, int]:
    """Normalised address -> review id, from ``(review id, url)`` pairs; the first review wins."""
    found: dict[str, int] = {}
    for review_id, url in pages:
        key = permalink_key(url)
        if key:
            found.setdefault(key, review_id)
    return found
