"""`reviews follow / sources / unfollow / sync / keep`, and OPML in and out.

Each command prints one line per URL or source; errors are one line on stderr
(``reviews: <url>: <why>``) and make the exit code 1, the others still done.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.text import clean, one_line

if TYPE_CHECKING:
    from tui.store import Source, Store

EXIT_OK = 0
EXIT_ERROR = 1


def add_commands(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Register the commands on the main parser."""
    fol = sub.add_parser(
        "follow",
        parents=[common],
        help="follow blogs: a feed URL, or a site URL (its feed is found); fetched at once",
    )
    fol.add_argument("urls", nargs="+", metavar="URL")
    fol.add_argument(
        "--keep", default=None, metavar="N|Nd", help="keep N posts or N days of unread posts"
    )
    sub.add_parser(
        "sources", parents=[common], help="list followed sources: id, kind, URL, last sync, status"
    )
    unf = sub.add_parser("unfollow", parents=[common], help="stop following a source (id or URL)")
    unf.add_argument("source", metavar="SOURCE")
    syn = sub.add_parser(
        "sync", parents=[common], help="fetch what is new from every (or the named) source"
    )
    syn.add_argument("sources", nargs="*", metavar="SOURCE", help="ids or URLs (default: all)")
    syn.add_argument(
        "--timeout", type=float, default=30.0, metavar="S", help="total seconds per request"
    )
    kee = sub.add_parser(
        "keep", parents=[common], help="how much of a source to keep: N posts, Nd days, or all"
    )
    kee.add_argument("source", metavar="SOURCE")
    kee.add_argument("keep", metavar="N|Nd|all")


def _fail(message: str) -> None:
    print(f"reviews: {one_line(message)}", file=sys.stderr)


def _when(stamp: str | None) -> str:
    return "never" if not stamp else stamp.replace("T", " ")[:16]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def follow_urls(store: Store, urls: Sequence[str], keep: str | None = None) -> int:
    """Follow each URL (found, added, fetched at once); 0 when every one was followed."""
    from tui.sources.following import follow
    from tui.sources.http import Fetcher, FetchError
    from tui.sources.sync import sync
    from tui.store import parse_keep

    keep_value = parse_keep(keep) if keep is not None else None
    failed = 0
    added: list[Source] = []
    with Fetcher() as fetcher:
        for url in urls:
            try:
                followed = follow(store, url, fetcher, keep_value)
            except FetchError as error:
                _fail(str(error))
                failed += 1
                continue
            if followed.new:
                added.append(followed.source)
            else:
                old = followed.source
                print(f"already following {one_line(old.url)} (source {old.id})")
    if added:
        from tui.cli.blog import pull_progress

        with pull_progress():
            outcomes = sync(store, added)
        for outcome in outcomes:
            s = outcome.source
            name = f"{one_line(s.url)} (source {s.id}, {one_line(s.title or s.url)})"
            if outcome.ok:
                print(
                    f"following {name}: {_plural(outcome.new_reviews, 'new review')}, "
                    f"{_plural(outcome.new_comments, 'new comment')}"
                )
                if s.kind == "wordpress" and not s.user:
                    print(f"  to reply there: reviews login {s.id} --user NAME")
            else:
                print(f"following {name}; the first fetch failed, retried on the next sync")
                _fail(f"{s.url}: {outcome.error}")
    return EXIT_ERROR if failed else EXIT_OK


def list_sources(store: Store) -> int:
    """One line per source: id, kind, URL, last sync, status, counts."""
    sources = store.sources()
    if not sources:
        print("no followed sources yet; follow a blog with: reviews follow URL")
        return EXIT_OK
    counts = store.source_counts()
    for s in sources:
        c = counts.get(s.id)
        held = f"{_plural(c.reviews, 'review')}, {_plural(c.comments, 'comment')}" if c else ""
        keep = f", keep {s.keep}" if s.keep else ""
        print(
            f"{s.id}\t{s.kind}\t{one_line(s.url)}\t{_when(s.last_sync)}\t"
            f"{one_line(s.describe_status())}\t{held}{keep}"
        )
    return EXIT_OK


def unfollow(store: Store, name: str) -> int:
    """Stop following a source; its reviews and your replies stay."""
    source = store.find_source(name)
    counts = store.source_counts().get(source.id)
    store.remove_source(source.id)
    kept = f"; its {_plural(counts.reviews, 'review')} stay" if counts and counts.reviews else ""
    print(f"unfollowed {one_line(source.url)} (source {source.id}){kept}")
    return EXIT_OK


def sync_sources(store: Store, names: Sequence[str], timeout: float = 30.0) -> int:
    """Sync every (or the named) source; 1 when any failed (the rest still synced)."""
    from tui.sources.sync import sync

    chosen = [store.find_source(n) for n in names] if names else store.sources()
    if not chosen:
        print("no followed sources yet; follow a blog with: reviews follow URL")
        return EXIT_OK
    from tui.cli.blog import pull_progress

    # A first sync allocates tens of thousands of objects that all live until the one
    # write: the collector's passes over them find nothing to free (about 5 % of the
    # sync's CPU). This short-lived process collects rarely, and never the startup's.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    with pull_progress():
        # Harvesting is Python under the GIL: a second process uses the second core.
        from tui.importers.second_process import cores

        processes = 2 if cores() > 1 else 1
        outcomes = sync(store, chosen, deadline=timeout, processes=processes)
    failed = 0
    for o in outcomes:
        if not o.ok:
            failed += 1
            _fail(f"{o.source.url}: {o.error}")
        elif o.unchanged:
            print(f"{o.source.id} {one_line(o.source.url)}: unchanged")
        else:
            print(
                f"{o.source.id} {one_line(o.source.url)}: "
                f"{_plural(o.new_reviews, 'new review')}, {_plural(o.new_comments, 'new comment')}"
            )
    new_reviews = sum(o.new_reviews for o in outcomes)
    new_comments = sum(o.new_comments for o in outcomes)
    failures = f", {failed} failed" if failed else ""
    print(
        f"synced {_plural(len(outcomes) - failed, 'source')}{failures}: "
        f"{_plural(new_reviews, 'new review')}, {_plural(new_comments, 'new comment')}"
    )
    from tui.cli.blog import send_after_sync

    sent = send_after_sync(store, timeout)
    return EXIT_ERROR if failed or sent else EXIT_OK


def set_keep(store: Store, name: str, keep: str) -> int:
    """Change a source's keep setting; applied at its next sync."""
    from tui.store import parse_keep

    source = store.set_keep(store.find_source(name).id, parse_keep(keep))
    shown = source.keep or "everything"
    print(f"source {source.id} keeps {shown} (old unread posts go at its next sync)")
    return EXIT_OK


def import_opml(store: Store, paths: Sequence[Path]) -> int:
    """Follow every feed listed in OPML files."""
    from tui.importers import ImportFailed, read_source
    from tui.sources.opml import read_opml

    urls: list[str] = []
    failed = 0
    for path in paths:
        try:
            urls += [o.url for o in read_opml(read_source(path), path)]
        except ImportFailed as error:
            _fail(str(error))
            failed += 1
    code = follow_urls(store, urls) if urls else EXIT_OK
    if not urls and not failed:
        print("the OPML lists no feeds")
    return EXIT_ERROR if failed else code


def export_opml(store: Store, output: Path | None) -> int:
    """Write the followed feeds as OPML to ``output`` (or stdout)."""
    from tui.sources.opml import write_opml

    sources = store.sources()
    data = write_opml(sources)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        from tui.cli.output import write_output

        write_output(output, data)
        print(f"wrote {_plural(len(sources), 'feed')} to {clean(str(output))}", file=sys.stderr)
    return EXIT_OK
