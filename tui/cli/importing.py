"""`reviews import`: read every source, report bad files, merge the rest in one write."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tui.importers import (
    DEFAULT_MAX_BYTES,
    ImportFailed,
    Origin,
    feed_url,
    iter_sources,
    load_bytes,
    load_path,
    source_name,
)
from tui.model import ParsedReview
from tui.sources.http import Fetcher, FetchError
from tui.store import ImportReport, Store
from tui.text import clean


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def run_import(
    store: Store,
    sources: Sequence[str],
    fmt: str | None,
    *,
    max_bytes: int | None = None,
    keep_orphans: bool = False,
) -> list[str]:
    """Import ``sources`` into ``store``; print a report; return the failures' messages.

    Every file is read in full before anything is written, and all of them are
    merged in one atomic write. A file that cannot be read is reported on a line
    of its own (``skipped <name>: <reason>``) and the others are still merged.
    Comment threads that match no review are listed, or kept with ``keep_orphans``.
    """
    console = Console(stderr=True, highlight=False, markup=False)
    failures: list[str] = []
    parsed: list[ParsedReview] = []
    # A URL stays a string: Path("https://host/feed/") would drop its trailing slash.
    paths: list[Origin] = []
    for s in sources:
        paths += [s] if feed_url(s) is not None else list(iter_sources([Path(s)]))
    with _progress(console) as progress:
        reading = progress.add_task("reading", total=len(paths))
        for path in paths:
            try:
                parsed.extend(_load(path, fmt, max_bytes))
            except (ImportFailed, FetchError) as error:
                failures.append(str(error))
            except OSError as error:
                failures.append(f"{source_name(path)}: {clean(error.strerror or str(error))}")
            except Exception as error:  # noqa: BLE001 - one bad file never stops the others
                reason = " ".join(clean(str(error)).split()) or "no details"
                failures.append(f"{source_name(path)}: {type(error).__name__}: {reason}")
            progress.advance(reading)
        merging = progress.add_task("merging", total=max(len(parsed), 1))

        def advance(done: int, total: int) -> None:
            progress.update(merging, completed=done, total=max(total, 1))

        report = (
            store.import_reviews(parsed, progress=advance, keep_orphans=keep_orphans)
            if parsed
            else None
        )
    for failure in failures:
        print(f"skipped {failure}", file=sys.stderr)
    for link, count in report.orphans if report is not None else ():
        noun = "comment was" if count == 1 else "comments were"
        print(
            f"no review has the permalink {clean(link)}: its {count} {noun} not imported "
            "(--keep-orphans keeps them as a review of their own)",
            file=sys.stderr,
        )
    print(_summary(report, len(paths) - len(failures), len(failures)))
    return failures


def _load(path: Origin, fmt: str | None, max_bytes: int | None) -> list[ParsedReview]:
    """A file read from disk, or a feed URL fetched by the hardened fetcher."""
    cap = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    url = feed_url(path)
    if url is None:
        return load_path(path, fmt, max_bytes=cap)
    with Fetcher(max_bytes=cap) as fetcher:
        return load_bytes(fetcher.get(url).body, url, fmt)


def _summary(report: ImportReport | None, files: int, failed: int) -> str:
    noun = "file" if files == 1 else "files"
    head = f"read {files} {noun}" + (f", {failed} skipped" if failed else "")
    if report is None:
        return head + "; nothing to import"
    return (
        f"{head}; reviews: {report.added_reviews} added, {report.updated_reviews} updated, "
        f"{report.unchanged_reviews} unchanged; comments: {report.added_comments} added, "
        f"{report.unchanged_comments} unchanged"
    )
