"""`reviews import`: read every source, report bad files, merge the rest in one write.

A local RSS or Atom feed is streamed (``tui.importers.feed_stream``): its
entries are merged as they are read and never all held in memory, so a feed of
100,000 entries imports in flat memory. A feed that cannot be streamed after
all (it needs feedparser, or it is broken XML) is read whole instead, and the
merge starts again without what the attempt placed: nothing is written before
every source has been read.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from tui.importers import (
    DEFAULT_MAX_BYTES,
    ImportFailed,
    Origin,
    feed_url,
    iter_sources,
    load_bytes,
    load_path,
    source_name,
    stream_path,
)
from tui.model import ParsedReview
from tui.store import ImportReport, Store
from tui.text import clean, one_line


class ImportProgress:
    """``Importing big.xml: 42,000 entries…`` on stderr, updated in place with ``\\r``.

    Shown when stderr is a terminal, or when forced (``--progress``); silent
    otherwise, so scripts and pipes see only the summary.
    """

    EVERY = 0.1
    """Seconds between two updates of the line."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        """Write to ``stream`` (stderr) only when ``enabled``."""
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.terminal = self.stream.isatty()
        self.entries = 0
        self._shown = 0.0
        self._written = False

    def show(self, text: str, *, now: bool = True) -> None:
        """Put ``text`` (one line) in place of the last update."""
        if not self.enabled:
            return
        moment = time.monotonic()
        if not now and moment - self._shown < self.EVERY:
            return
        self._shown = moment
        self.stream.write(f"\r{one_line(text)}\x1b[K" if self.terminal else f"\r{one_line(text)}")
        self.stream.flush()
        self._written = True

    def reading(self, origin: Origin, entries: int, *, now: bool = True) -> None:
        """How far the reading of ``origin`` has got."""
        noun = "entry" if entries == 1 else "entries"
        self.show(f"Importing {source_name(origin)}: {entries:,} {noun}…", now=now)

    def finish(self) -> None:
        """Take the line away (a terminal) or end it (a forced progress into a file)."""
        if self.enabled and self._written:
            self.stream.write("\r\x1b[K" if self.terminal else "\n")
            self.stream.flush()
            self._written = False


_Source = tuple[int, Origin, list[ParsedReview] | None]
"""A source to merge: its place among the sources, where it is, its reviews if read whole."""


class _Unfetched(Exception):  # noqa: N818 - a signal between two functions of this module
    """A feed URL that could not be fetched; ``str()`` is the fetcher's one-line reason."""


class _StreamStopped(Exception):  # noqa: N818 - a signal between two functions of this module
    """A streamed source stopped: it must be read whole, or it is skipped."""

    def __init__(self, place: int, origin: Origin, error: Exception) -> None:
        self.place = place
        self.origin = origin
        self.error = error
        super().__init__(str(error))


def run_import(
    store: Store,
    sources: Sequence[str],
    fmt: str | None,
    *,
    max_bytes: int | None = None,
    keep_orphans: bool = False,
    progress: bool | None = None,
) -> list[str]:
    """Import ``sources`` into ``store``; print a report; return the failures' messages.

    Every file is read before anything is written, and all of them are merged in
    one atomic write. A file that cannot be read is reported on a line of its
    own (``skipped <name>: <reason>``) and the others are still merged. Comment
    threads that match no review are listed, or kept with ``keep_orphans``.
    ``progress`` forces the progress line on (or off); by default it is shown
    when stderr is a terminal.
    """
    shown = ImportProgress(sys.stderr.isatty() if progress is None else progress)
    failures: dict[int, str] = {}  # by the source's place, so they are listed in order
    cap = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    # A URL stays a string: Path("https://host/feed/") would drop its trailing slash.
    paths: list[Origin] = []
    for s in sources:
        paths += [s] if feed_url(s) is not None else list(iter_sources([Path(s)]))
    # Each source (its place among them all): its reviews read whole, or None: streamed
    # while merging.
    loaded: list[_Source] = []
    for place, path in enumerate(paths):
        if stream_path(path, fmt, max_bytes=cap) is not None:
            loaded.append((place, path, None))
            continue
        shown.show(f"Importing {source_name(path)}…")
        reviews = _read_whole(path, fmt, cap, failures, place)
        if reviews is not None:
            loaded.append((place, path, reviews))
            shown.reading(path, len(reviews))
    report, entries = None, 0
    try:
        while loaded:
            counted = [0]
            try:
                report = store.import_stream(
                    _entries(loaded, fmt, cap, shown, counted), keep_orphans=keep_orphans
                )
                entries = counted[0]
                break
            except _StreamStopped as stopped:
                # Nothing was written: read that source whole (or skip it), merge again.
                at = next(i for i, source in enumerate(loaded) if source[0] == stopped.place)
                if isinstance(stopped.error, ImportFailed):
                    failures[stopped.place] = str(stopped.error)
                    del loaded[at]
                    continue
                reviews = _read_whole(stopped.origin, fmt, cap, failures, stopped.place)
                if reviews is None:
                    del loaded[at]
                else:
                    loaded[at] = (stopped.place, stopped.origin, reviews)
    finally:
        shown.finish()
    for _, failure in sorted(failures.items()):
        print(f"skipped {failure}", file=sys.stderr)
    for link, count in report.orphans if report is not None else ():
        noun = "comment was" if count == 1 else "comments were"
        print(
            f"no review has the permalink {clean(link)}: its {count} {noun} not imported "
            "(--keep-orphans keeps them as a review of their own)",
            file=sys.stderr,
        )
    print(_summary(report if entries else None, len(paths) - len(failures), len(failures)))
    return [failure for _, failure in sorted(failures.items())]


def _entries(
    loaded: list[_Source],
    fmt: str | None,
    cap: int,
    shown: ImportProgress,
    counted: list[int],
) -> Iterator[ParsedReview]:
    """Every source's reviews in order, the streamed ones read as they are merged."""
    for place, path, reviews in loaded:
        if reviews is not None:
            counted[0] += len(reviews)
            yield from reviews
            continue
        done = 0
        try:
            stream = stream_path(path, fmt, max_bytes=cap)
            if stream is None:  # the file changed since it was looked at: read it whole
                raise ValueError("no longer a feed")
            for review in stream:
                done += 1
                if done % 256 == 0:
                    shown.reading(path, done, now=False)
                yield review
        except Exception as error:  # read whole instead (or skipped, if refused)
            raise _StreamStopped(place, path, error) from error
        shown.reading(path, done)
        counted[0] += done
    shown.show("Writing the database…")


def _read_whole(
    path: Origin, fmt: str | None, cap: int, failures: dict[int, str], place: int
) -> list[ParsedReview] | None:
    """The reviews of one source read whole; ``None`` (its failure noted at ``place``)
    if it cannot be read."""
    try:
        return _load(path, fmt, cap)
    except (ImportFailed, _Unfetched) as error:
        failures[place] = str(error)
    except OSError as error:
        failures[place] = f"{source_name(path)}: {clean(error.strerror or str(error))}"
    except Exception as error:  # noqa: BLE001 - one bad file never stops the others
        reason = " ".join(clean(str(error)).split()) or "no details"
        failures[place] = f"{source_name(path)}: {type(error).__name__}: {reason}"
    return None


def _load(path: Origin, fmt: str | None, cap: int) -> list[ParsedReview]:
    """A file read from disk, or a feed URL fetched by the hardened fetcher."""
    url = feed_url(path)
    if url is None:
        return load_path(path, fmt, max_bytes=cap)
    # The network's code (httpx, ~50 ms to load) only when a URL is imported.
    from tui.sources.http import Fetcher, FetchError

    try:
        with Fetcher(max_bytes=cap) as fetcher:
            data = fetcher.get(url).body
    except FetchError as error:
        raise _Unfetched(str(error)) from error
    return load_bytes(data, url, fmt)


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
