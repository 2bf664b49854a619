"""Following a URL: a WordPress site through its REST API, else a feed, or a site whose
page names its feed. No UI and no printing: `reviews follow` and the reader's follow
dialog (``S``, then ``a``) both come here, then sync what they added.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.text import one_line

if TYPE_CHECKING:
    from tui.sources.http import Fetcher
    from tui.store import Source, Store


@dataclass(frozen=True)
class Followed:
    """The source a URL is followed as."""

    source: Source
    new: bool
    """False: it was followed already (nothing was added)."""


def wordpress_api(url: str, timeout: float = 30.0) -> tuple[str, str, str] | None:
    """(API root, site home, site name) when ``url`` is a WordPress site, else None."""
    from tui.sources.wordpress import discover
    from tui.sources.wordpress_models import BlogError
    from tui.sources.wordpress_sync import client

    try:
        with client(timeout) as http:
            root = discover(http, url)
            if root is None:
                return None
            response = http.get(root)
            data = response.json() if response.is_success else {}
    except (BlogError, ValueError, OSError):
        return None
    except Exception:  # noqa: BLE001 - httpx errors: then it is followed as a feed
        return None
    home = data.get("home") if isinstance(data, dict) else None
    name = data.get("name") if isinstance(data, dict) else None
    return root, one_line(str(home or url)), one_line(str(name or ""))


def follow(store: Store, url: str, fetcher: Fetcher, keep: str | None = None) -> Followed:
    """Follow ``url`` (``keep``: as ``parse_keep`` gives it, for a new source); not synced
    yet. ``FetchError`` (one line, naming the URL) when it cannot be read or is no feed."""
    from tui.sources.discovery import discover

    url = url.strip()
    if "://" not in url:
        url = f"https://{url}"  # "blog.example.org", as people say an address
    existing = {s.url: s for s in store.sources()}
    found = wordpress_api(url)
    if found is not None:
        api, home, name = found
        for source in existing.values():  # "site", "site/" and "site/?p=1": one blog, one API
            if source.url == url or source.state.get("api") == api:
                return Followed(source, new=False)
        source = store.add_source("wordpress", url, title=name, site=home, state={"api": api})
    else:
        feed = discover(fetcher, url)
        if feed.feed_url in existing:
            return Followed(existing[feed.feed_url], new=False)
        source = store.add_source(
            "feed", feed.feed_url, title=feed.title, site=feed.site, comments=feed.comments_url
        )
    if keep is not None:
        source = store.set_keep(source.id, keep)
    return Followed(source, new=True)
