"""Finding a WordPress site's REST API root, and building URLs under it.

A WordPress site names its API root in a ``Link: <...>; rel="https://api.w.org/"``
header on every page and in a ``<link rel="https://api.w.org/">`` element in the page's
head. The root is ``.../wp-json/`` with pretty permalinks and ``.../?rest_route=/``
without; :func:`route_url` builds a route's URL under either form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

import httpx

from tui.sources.wordpress_models import BlogUnreachable
from tui.text import one_line

API_REL = "https://api.w.org/"
_PAGE_CAP = 1_000_000  # the <link> sits in the head; a megabyte is plenty
_REDIRECTS = 5
_LINK_VALUE = re.compile(r"<([^>]*)>([^,<]*)")
_REL = re.compile(r"""\brel\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;,]+))""", re.IGNORECASE)


def api_root_from_link_header(values: Iterable[str]) -> str | None:
    """The target of the first ``rel="https://api.w.org/"`` link among Link header values."""
    for value in values:
        for target, params in _LINK_VALUE.findall(value):
            for rel in _REL.findall(params):
                rels = (rel[0] or rel[1] or rel[2]).split()
                if API_REL in rels:
                    return str(target).strip()
    return None


class _ApiLinkFinder(HTMLParser):
    """Collects the href of the first ``<link rel="https://api.w.org/">`` in a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.href is not None or tag != "link":
            return
        values = {name: value or "" for name, value in attrs}
        if API_REL in values.get("rel", "").split() and values.get("href"):
            self.href = values["href"].strip()


def api_root_from_page(html: str) -> str | None:
    """The href of the page's ``<link rel="https://api.w.org/">``, if it has one."""
    finder = _ApiLinkFinder()
    finder.feed(html)
    finder.close()
    return finder.href


def discover(client: httpx.Client, url: str) -> str | None:
    """The REST API root of the WordPress site at ``url``, or None when it names none.

    Redirects (``http`` to ``https``, to ``www.``) are followed up to five times, never
    from https down to http. Raises :class:`BlogUnreachable` when the page cannot be
    fetched at all.
    """
    for _ in range(_REDIRECTS + 1):
        try:
            found = _look(client, url)
        except httpx.HTTPError as error:
            reason = one_line(str(error)) or type(error).__name__
            raise BlogUnreachable(f"{one_line(url)}: {reason}") from None
        if not isinstance(found, _Redirect):
            return found
        if httpx.URL(url).scheme == "https" and httpx.URL(found.to).scheme != "https":
            raise BlogUnreachable(f"{one_line(url)}: redirects from https to {found.to}")
        if httpx.URL(found.to).scheme not in ("http", "https"):
            raise BlogUnreachable(f"{one_line(url)}: redirects to {one_line(found.to)}")
        url = found.to
    raise BlogUnreachable(f"{one_line(url)}: more than {_REDIRECTS} redirects")


@dataclass(frozen=True)
class _Redirect:
    """A redirect to follow (kept apart from an API root found)."""

    to: str


def _look(client: httpx.Client, url: str) -> str | _Redirect | None:
    with client.stream("GET", url) as response:
        root = api_root_from_link_header(response.headers.get_list("link"))
        location = response.headers.get("location")
        if root is None and response.is_redirect and location:
            return _Redirect(urljoin(str(response.url), location))
        page = b""
        if root is None and response.is_success:
            for chunk in response.iter_bytes():
                page += chunk
                if len(page) >= _PAGE_CAP or b"</head>" in page.lower():
                    break
        base = str(response.url)
        encoding = response.encoding or "utf-8"
    if root is None and page:
        root = api_root_from_page(page.decode(encoding, errors="replace"))
    return urljoin(base, root) if root else None


def route_url(root: str, route: str, params: Iterable[tuple[str, str | int]] = ()) -> str:
    """The URL of ``route`` (``/wp/v2/posts``) under an API root, with query ``params``.

    With a ``?rest_route=/`` root the route goes into that parameter and the others follow
    with ``&``; with a ``/wp-json/`` root it is appended to the path.
    """
    url = httpx.URL(root)
    query = [(key, value) for key, value in url.params.multi_items()]
    plain = [value for key, value in query if key == "rest_route"]
    path = url.path
    if plain:
        query = [(key, value) for key, value in query if key != "rest_route"]
        query.insert(0, ("rest_route", plain[0].rstrip("/") + route))
    else:
        path = path.rstrip("/") + route
    items = [*query, *((key, str(value)) for key, value in params)]
    return str(url.copy_with(path=path, query=urlencode(items, safe="/,:").encode("ascii")))
