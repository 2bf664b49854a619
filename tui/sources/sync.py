"""Syncing followed sources: fetch in a bounded pool, merge everything in one write.

Each source is fetched by the harvester of its kind (``HARVESTERS``; feeds now,
WordPress sites next) in a pool of ``workers`` threads. A source that fails
(DNS, TLS, an error status, bad XML, the deadline) is recorded with its reason
and retried on the next sync; it never stops the others. The harvests are then
assembled into review trees (each post with its stored and new comments, so a
reply whose parent came in an earlier sync still hangs under it) and merged
through the store's import path with the sources' new state, in one write.

``reviews sync`` of many sources harvests in two processes (``processes=2``; the
design is in ``tui.sources.two_processes``), the reader's ``R`` in one. On a first
sync the site-wide comments feed is read too: a new post whose every comment it
lists (its ``slash:comments`` count, exactly) takes its thread from there, and its
own comment feed is not fetched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from tui.importers import ImportFailed
from tui.importers.threads import FlatComment, build_thread
from tui.model import Comment, ParsedComment, ParsedReview, Review
from tui.sources.comments import FeedComment, anchor_of, read_comments
from tui.sources.feeds import FeedPost, read_feed
from tui.sources.http import DEADLINE, Fetcher, FetchError, Turn
from tui.store import Source, SourceUpdate, Store
from tui.text import one_line

WORKERS = 8
"""Sources fetched at once."""

MAX_FEED_BYTES = 50_000_000
"""The largest feed a sync accepts (eight at a time are held in memory)."""

_PARSING = threading.Lock()
"""One feed parsed at a time: parsing is Python under the GIL, so parallel parsers only
queue behind each other, and each one more is one more thread the reader's keys wait
behind. The fetches still overlap."""

Progress = Callable[[int, int], None]


@dataclass
class Harvest:
    """What one source's fetches brought: posts, comments per post, its new state."""

    source: Source
    error: str = ""
    posts: list[FeedPost] = field(default_factory=list)
    comments: dict[str, list[FeedComment]] = field(default_factory=dict)
    """Post identity -> the comments its comment feed lists now."""
    fields: dict[str, Any] = field(default_factory=dict)
    """The source's document fields to change."""


@dataclass(frozen=True)
class SyncOutcome:
    """How one source's sync went, for one line of output."""

    source: Source
    error: str
    new_reviews: int
    new_comments: int
    unchanged: bool
    """Nothing was downloaded but 304s."""

    @property
    def ok(self) -> bool:
        """The source synced."""
        return not self.error


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _resolve(identity: str | None, link: str, aliases: Mapping[str, str]) -> str:
    """The stored identity of a post: an export of the same blog's post if there is one."""
    raw = (identity or f"feed:{link}").removeprefix("feed:")
    return aliases.get(raw) or aliases.get(link) or f"feed:{raw}"


def harvest_feed(source: Source, fetcher: Fetcher, aliases: Mapping[str, str]) -> Harvest:
    """Fetch a feed (conditionally) and the comment feeds of the posts that may have changed."""
    harvest = Harvest(source)
    state = dict(source.state)
    posts: dict[str, dict[str, Any]] = {k: dict(v) for k, v in (state.get("posts") or {}).items()}
    fetched = fetcher.get(source.url, etag=source.etag, last_modified=source.last_modified)
    new_posts: set[str] = set()
    if not fetched.not_modified:
        with _PARSING:
            page = read_feed(fetched.body, fetched.url)
        dropped = set(state.get("dropped") or ())
        for post in page.posts:
            identity = _resolve(post.review.source_id, post.link, aliases)
            if identity in dropped:
                continue  # its keep setting let it go: not brought back
            if identity != post.review.source_id:
                post = replace(post, review=replace(post.review, source_id=identity))
            harvest.posts.append(post)
            entry = posts.setdefault(identity, {})
            if not entry:
                new_posts.add(identity)
            entry.update(link=post.link, comments=post.comments_url)
            if post.comment_count is None:
                entry.pop("count", None)
            else:
                entry["count"] = post.comment_count
        if page.title and not source.title:
            harvest.fields["title"] = page.title
        if page.site and not source.site:
            harvest.fields["site"] = page.site
        if page.comments_url and not state.get("comments_feed"):
            state["comments_feed"] = page.comments_url
    if fetched.not_modified:  # a 304 need not repeat the validators: the stored ones hold
        harvest.fields.update(
            etag=fetched.etag or source.etag,
            last_modified=fetched.last_modified or source.last_modified,
        )
    else:
        harvest.fields.update(etag=fetched.etag, last_modified=fetched.last_modified)
    due, site_wide = _changed_threads(fetcher, state, posts, new_posts)
    due |= {i for i in new_posts if _may_have_comments(posts[i])}
    for identity, found in _covered(posts, new_posts, site_wide).items():
        harvest.comments[identity] = found  # its whole thread is in the site-wide feed
        due.discard(identity)
    for identity in sorted(due):
        entry = posts.get(identity) or {}
        url = entry.get("comments")
        if not url:
            continue
        try:
            got = fetcher.get(url, etag=entry.get("etag"), last_modified=entry.get("modified"))
            if not got.not_modified:
                with _PARSING:
                    harvest.comments[identity] = read_comments(got.body, got.url)
        except (FetchError, ImportFailed):
            continue  # comments closed or a broken comment feed: the posts still sync
        if got.not_modified:
            entry.update(
                etag=got.etag or entry.get("etag"),
                modified=got.last_modified or entry.get("modified"),
            )
        else:
            entry.update(etag=got.etag, modified=got.last_modified)
    state["posts"] = posts
    harvest.fields["state"] = state
    return harvest


def _may_have_comments(entry: Mapping[str, Any]) -> bool:
    """The post has a comment feed, and its feed does not say it has no comments."""
    return bool(entry.get("comments")) and entry.get("count") != 0


def _changed_threads(
    fetcher: Fetcher, state: dict[str, Any], posts: Mapping[str, Any], new_posts: set[str]
) -> tuple[set[str], dict[str, list[FeedComment]]]:
    """The posts whose comments may have changed (all of them, unless a site-wide comments
    feed says which; a 304 from it: none), and the site-wide feed's comments per post."""
    everything = {i for i, entry in posts.items() if _may_have_comments(entry)}
    url = state.get("comments_feed")
    if not url:
        return everything, {}
    try:
        got = fetcher.get(
            url, etag=state.get("comments_etag"), last_modified=state.get("comments_modified")
        )
        if got.not_modified:
            return set(), {}
        comments = []
        if everything:  # else no post has comments: nothing to learn from it
            with _PARSING:
                comments = read_comments(got.body, got.url)
    except (FetchError, ImportFailed):
        return everything, {}
    state.update(comments_etag=got.etag, comments_modified=got.last_modified)
    by_link = {entry.get("link"): i for i, entry in posts.items()}
    per_post: dict[str, list[FeedComment]] = {}
    for c in comments:
        found = by_link.get(c.post_link) or (f"feed:{c.post_ref}" if c.post_ref else None)
        if found is not None and found in posts:
            per_post.setdefault(found, []).append(c)
    if everything <= new_posts:  # a first sync: every thread is new, none "changed"
        return everything, per_post
    return set(per_post), per_post


def _covered(
    posts: Mapping[str, Any], new_posts: set[str], site_wide: Mapping[str, list[FeedComment]]
) -> dict[str, list[FeedComment]]:
    """The new posts whose every comment the site-wide comments feed lists: the count their
    post feed gave in this sync (``slash:comments``) equals the comments listed for them
    there (WordPress's lists the blog's last 10), so their own comment feed would say no
    more. Only an exact count: anything else (no count, more, fewer) is fetched."""
    covered: dict[str, list[FeedComment]] = {}
    for identity, found in site_wide.items():
        count = (posts.get(identity) or {}).get("count")
        if identity not in new_posts or not isinstance(count, int) or count <= 0:
            continue
        if len({c.identity for c in found}) == len(found) == count:
            covered[identity] = found
    return covered


def harvest_wordpress(source: Source, fetcher: Fetcher, aliases: Mapping[str, str]) -> Harvest:
    """A WordPress site through its REST API (``tui.sources.wordpress_sync``)."""
    from tui.sources.wordpress_sync import harvest_wordpress as harvest

    return harvest(source, fetcher, aliases)


HARVESTERS: dict[str, Callable[[Source, Fetcher, Mapping[str, str]], Harvest]] = {
    "feed": harvest_feed,
    "wordpress": harvest_wordpress,
}
"""Source kind -> the function that fetches it."""


def _harvest(source: Source, fetcher: Fetcher, aliases: Mapping[str, str]) -> Harvest:
    harvester = HARVESTERS.get(source.kind)
    if harvester is None:
        return Harvest(source, error=f"this version cannot sync a {source.kind!r} source")
    try:
        return harvester(source, fetcher, aliases)
    except FetchError as error:
        return Harvest(source, error=error.reason)
    except ImportFailed as error:
        return Harvest(source, error=error.reason)
    except Exception as error:  # noqa: BLE001 - one source's surprise must not stop the others
        return Harvest(source, error=f"unexpected {type(error).__name__}: {one_line(str(error))}")


def _harvest_in_turn(
    turn: Turn, source: Source, fetcher: Fetcher, aliases: Mapping[str, str]
) -> Harvest:
    """``_harvest`` taking turns with the other workers (given up while each waits on the
    network): one worker at a time runs Python, beside the reader's thread."""
    with turn:
        return _harvest(source, fetcher, aliases)


def _stored_review(review: Review) -> ParsedReview:
    return ParsedReview(
        title=review.title,
        date=review.date,
        body=review.body,
        author=review.author,
        tags=review.tags,
        film=review.film,
        year=review.year,
        director=review.director,
        rating=review.rating,
        source=review.source,
        source_id=review.source_id,
        url=review.url,
    )


def _thread(
    stored: Sequence[Comment], new: Sequence[FeedComment], post: str
) -> tuple[tuple[ParsedComment, ...], int]:
    """The post's whole thread (stored comments and new ones, threaded), and how many are new."""
    flat: list[FlatComment] = []
    key_of = {c.id: c.source_id for c in stored}
    by_rest: dict[str, str] = {}
    by_anchor: dict[str, str] = {}
    mine: set[str] = set()
    for c in stored:
        if c.local:
            # The user's replies stay as they are, where they are; one the blog has (its
            # link names it) is its copy there, and the blog's replies to it hang below it.
            anchor = anchor_of(c.url) if c.url else None
            if anchor:
                mine.add(anchor)
                by_anchor.setdefault(anchor, c.source_id)
                parent = key_of.get(c.parent_id) if c.parent_id is not None else None
                own = ParsedComment(c.author, c.date, c.body, source_id=c.source_id, local=True)
                flat.append(FlatComment(c.source_id, parent, own))
            continue
        parent = key_of.get(c.parent_id) if c.parent_id is not None else None
        parsed = ParsedComment(c.author, c.date, c.body, source_id=c.source_id)
        flat.append(FlatComment(c.source_id, parent, parsed))
        by_rest.setdefault(c.source_id.partition(":")[2], c.source_id)
        anchor = anchor_of(c.source_id)
        if anchor:
            by_anchor.setdefault(anchor, c.source_id)
    known = {f.key for f in flat}
    for item in new:  # anchors of this batch first: a reply may answer one of the same batch
        key = by_rest.get(item.identity.partition(":")[2], item.identity)
        if item.anchor:
            by_anchor.setdefault(item.anchor, key)
    added = 0
    post_raw = post.partition(":")[2]
    for item in new:
        key = by_rest.get(item.identity.partition(":")[2], item.identity)
        if key in known or (item.anchor is not None and item.anchor in mine):
            continue
        parent = None
        if item.parent_anchor:
            parent = by_anchor.get(item.parent_anchor)
        elif item.post_ref and item.post_ref != post_raw:
            parent = by_rest.get(item.post_ref, f"feed:{item.post_ref}")
        comment = item.comment
        if comment.source_id != key:
            comment = replace(comment, source_id=key)
        flat.append(FlatComment(key, parent, comment))
        known.add(key)
        added += 1
    return build_thread(flat), added


class Assembly:
    """Review trees to merge and, per source, how many reviews and comments are new: built
    from the harvests as they come (a sync in two processes assembles while the child
    still harvests)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.parsed: list[ParsedReview] = []
        self.counts: dict[int, tuple[int, int]] = {}

    def add(self, harvests: Sequence[Harvest]) -> None:
        """Assemble these harvests (those that failed bring nothing)."""
        harvests = [h for h in harvests if not h.error]
        wanted = [p.review.source_id or "" for h in harvests for p in h.posts]
        wanted += [i for h in harvests for i in h.comments]
        stored = self.store.known_reviews(sorted(set(wanted)))
        parsed = self.parsed
        for h in harvests:
            incoming = {p.review.source_id or "": p.review for p in h.posts}
            new_reviews = new_comments = 0
            for identity in dict.fromkeys([*incoming, *h.comments]):
                review, comments = stored.get(identity, (None, []))
                if review is not None and not identity.startswith(("feed:", "wpapi:")):
                    base = _stored_review(review)  # from an export: the export's text stays
                elif identity in incoming:
                    base = incoming[identity]
                elif review is not None:
                    base = _stored_review(review)
                else:
                    continue
                new_reviews += review is None
                fresh = h.comments.get(identity)
                if not comments and not fresh:  # no thread at all (most posts)
                    parsed.append(base if not base.comments else replace(base, comments=()))
                    continue
                thread, added = _thread(comments, fresh or [], identity)
                new_comments += added
                parsed.append(replace(base, comments=thread))
            self.counts[h.source.id] = (new_reviews, new_comments)


MIN_SHARED = 8
"""Fewer sources than this are harvested in one process (a fork costs more than it saves)."""


def _harvest_here(
    chosen: Sequence[Source],
    aliases: Mapping[str, str],
    workers: int,
    deadline: float,
    progress: Progress | None,
) -> list[Harvest]:
    """Every source's harvest, in this process's pool of ``workers`` threads."""
    harvests: list[Harvest] = []
    turn = Turn()
    with (
        Fetcher(deadline=deadline, max_bytes=MAX_FEED_BYTES, workers=workers, turn=turn) as fetcher,
        ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="sync") as pool,
    ):
        futures = [pool.submit(_harvest_in_turn, turn, s, fetcher, aliases) for s in chosen]
        for done, future in enumerate(as_completed(futures), start=1):
            harvests.append(future.result())
            if progress is not None:
                progress(done, len(chosen))
    return harvests


def _harvest_all(
    chosen: Sequence[Source],
    aliases: Mapping[str, str],
    assembly: Assembly,
    workers: int,
    deadline: float,
    processes: int,
    progress: Progress | None,
) -> list[Harvest]:
    """Every source's harvest, assembled: in two processes when asked, there are enough
    sources and no thread runs yet (a fork copies only the thread that forks); else in
    this one (and assembled once all are in: the reader's keys wait behind no more)."""
    if processes > 1 and len(chosen) >= MIN_SHARED and threading.active_count() == 1:
        from tui.sources.two_processes import harvest_in_two_processes

        return harvest_in_two_processes(
            chosen,
            aliases,
            _harvest,
            workers=workers,
            deadline=deadline,
            max_bytes=MAX_FEED_BYTES,
            progress=progress,
            arrived=lambda harvest: assembly.add([harvest]),
        )
    harvests = _harvest_here(chosen, aliases, workers, deadline, progress)
    assembly.add(harvests)
    return harvests


def sync(
    store: Store,
    sources: Iterable[Source] | None = None,
    *,
    workers: int = WORKERS,
    deadline: float = DEADLINE,
    progress: Progress | None = None,
    processes: int = 1,
) -> list[SyncOutcome]:
    """Sync ``sources`` (default: every followed one); one write merges what came in.

    ``processes=2`` harvests in this process and a forked child
    (``tui.sources.two_processes``): only from a process with no other thread yet,
    for ``MIN_SHARED`` sources or more; the reader, whose app has threads, uses one.
    """
    chosen = list(store.sources() if sources is None else sources)
    if not chosen:
        return []
    aliases = store.identity_aliases()
    if progress is not None:
        progress(0, len(chosen))
    assembly = Assembly(store)
    harvests = _harvest_all(chosen, aliases, assembly, workers, deadline, processes, progress)
    parsed, counts = assembly.parsed, assembly.counts
    stamp = _now()
    updates = []
    outcomes = []
    for h in sorted(harvests, key=lambda h: h.source.id):
        new_reviews, new_comments = counts.get(h.source.id, (0, 0))
        if h.error:
            fields: dict[str, Any] = {"last_sync": stamp, "status": "failed", "last_error": h.error}
        else:
            fields = {
                **h.fields,
                "last_sync": stamp,
                "status": "ok",
                "last_error": "",
                "new_reviews": new_reviews,
                "new_comments": new_comments,
            }
        updates.append(SourceUpdate(h.source.id, fields))
        unchanged = not h.error and not h.posts and not h.comments
        outcomes.append(SyncOutcome(h.source, h.error, new_reviews, new_comments, unchanged))
    store.apply_sync(parsed, updates)
    return outcomes
