"""A followed WordPress site, read through its REST API instead of its feed.

The harvester pulls what changed since the last sync (posts by ``modified_after``,
approved comments by ``after``; two requests when nothing did) and hands the sync the
same shapes a feed gives: posts as reviews, comments that name the comment they
answer (``comment-N``), so the one merge path threads and stores both.

Identities keep the blog's ids: a post is ``wpapi:<site>/?p=<id>`` (WordPress's own
guid, so a post imported from the blog's export or followed as a feed is the same
review), a comment ``wpapi:<site>/?p=<id>#comment-<id>``. The source's ``state``
remembers the API root, where the next pull starts (the server's clock), and each
post's id and link, which the outbox needs to reply.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import httpx

from tui.model import ParsedComment, ParsedReview
from tui.sources.comments import FeedComment
from tui.sources.feeds import FeedPost
from tui.sources.http import USER_AGENT, Fetcher
from tui.sources.sync import Harvest
from tui.sources.tls import verifying_context
from tui.sources.wordpress import WordPressBlog
from tui.sources.wordpress_models import BlogComment, BlogError, BlogPost
from tui.store import Source
from tui.text import one_line

PullProgress = Callable[[Source, int, int], None]
"""Called as ``progress(source, done, total)`` (posts and comments) while a blog is pulled."""

_watchers: list[PullProgress] = []
_watchers_lock = threading.Lock()


@contextmanager
def watching_pulls(progress: PullProgress) -> Iterator[None]:
    """Report the pages of every blog pulled meanwhile (the sync's pool runs them in threads):
    a first sync of a big blog is thousands of items, and a progress bar shows them."""
    with _watchers_lock:
        _watchers.append(progress)
    try:
        yield
    finally:
        with _watchers_lock:
            _watchers.remove(progress)


def _report(source: Source, done: int, total: int) -> None:
    with _watchers_lock:
        watchers = list(_watchers)
    for watcher in watchers:
        watcher(source, done, total)


SOURCE = "wordpress"
"""``ParsedReview.source`` of posts read through the REST API."""
PREFIX = "wpapi:"


def client(deadline: float) -> httpx.Client:
    """An httpx client for one blog: total timeout, no redirects, our user agent, the
    process's one verifying TLS context (``tui.sources.tls``)."""
    return httpx.Client(
        verify=verifying_context(),
        timeout=httpx.Timeout(deadline),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )


def post_identity(site: str, post: int) -> str:
    """The post's identity in the store (its WordPress guid, prefixed)."""
    return f"{PREFIX}{site.rstrip('/')}/?p={post}"


def _date(gmt: str) -> str:
    if not gmt:
        return ""
    return gmt if gmt.endswith(("Z", "+00:00")) else f"{gmt}+00:00"


def _markdown(html: str) -> str:
    # html_to_markdown takes the quick path for plain paragraphs itself.
    from tui.importers.html import html_to_markdown

    return html_to_markdown(html)


def _review(post: BlogPost, identity: str) -> ParsedReview:
    tags = tuple(dict.fromkeys(t for t in (*post.categories, *post.tags) if t))
    return ParsedReview(
        title=post.title or "(untitled)",
        date=_date(post.date_gmt),
        body=_markdown(post.content_html),
        author=post.author or "Anonymous",
        tags=tags,
        source=SOURCE,
        source_id=identity,
        url=post.link,
    )


def _comment(item: BlogComment, post_identity_: str) -> FeedComment:
    identity = f"{post_identity_}#comment-{item.id}"
    parsed = ParsedComment(
        author=item.author_name or "Anonymous",
        date=_date(item.date_gmt) or None,
        body=_markdown(item.content_html),
        source_id=identity,
        url=item.link,
    )
    parent = f"comment-{item.parent}" if item.parent else None
    link = item.link.partition("#")[0]
    return FeedComment(parsed, identity, link, "", f"comment-{item.id}", parent)


def harvest_wordpress(
    source: Source, fetcher: Fetcher, aliases: Mapping[str, str], deadline: float = 30.0
) -> Harvest:
    """Pull what changed on the blog since the last sync (everything the first time)."""
    harvest = Harvest(source)
    state: dict[str, Any] = dict(source.state)
    api = state.get("api")
    if not isinstance(api, str) or not api:
        harvest.error = "the blog's API address is unknown; follow it again"
        return harvest
    since_text = state.get("since")
    since = datetime.fromisoformat(since_text) if isinstance(since_text, str) else None
    posts: dict[str, dict[str, Any]] = {k: dict(v) for k, v in (state.get("posts") or {}).items()}
    by_id = {int(v["id"]): k for k, v in posts.items() if isinstance(v.get("id"), int)}
    try:
        with client(min(deadline, fetcher.deadline)) as http:
            pull = WordPressBlog(http, api).pull(
                since, lambda done, total: _report(source, done, total)
            )
    except BlogError as error:
        harvest.error = one_line(str(error))
        return harvest
    site = source.site or source.url
    dropped = set(state.get("dropped") or ())
    for post in pull.posts:
        own = post_identity(site, post.id)
        raw = own.removeprefix(PREFIX)
        identity = by_id.get(post.id) or aliases.get(raw) or aliases.get(post.link) or own
        if identity in dropped:
            continue
        posts[identity] = {"id": post.id, "link": post.link}
        by_id[post.id] = identity
        harvest.posts.append(FeedPost(_review(post, identity), post.link, None))
    for item in pull.comments:
        on = by_id.get(item.post)
        if on is None or on in dropped:
            continue  # a comment on a page, or on a post not followed
        harvest.comments.setdefault(on, []).append(_comment(item, post_identity(site, item.post)))
    if pull.next_since is not None:
        state["since"] = pull.next_since.isoformat()
    state["posts"] = posts
    state["requests"] = pull.requests
    harvest.fields["state"] = state
    return harvest
