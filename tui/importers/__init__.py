"""Importers: files in the formats reviews reads become ``ParsedReview`` trees.

Each format has a module with ``parse(data, origin) -> list[ParsedReview]``;
this registry reads a source once (refusing it before reading when it is over
the size cap), works out its format from the content, and hands the bytes on.
Importers never open the database and never import Textual: the store merges
what they return.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import tui
from tui.model import ParsedReview
from tui.text import clean

_MODULE_OF = {
    "seed": "seed",
    "blogger": "blogger",
    "wordpress": "wordpress",
    "disqus": "disqus",
    "markdown": "markdown",
    "feed": "feed",
    "json": "json_export",
}
FORMATS: tuple[str, ...] = tuple(_MODULE_OF)
"""The format names ``load_path`` accepts, as ``ParsedReview.source`` spells them."""

MB = 1_000_000
DEFAULT_MAX_BYTES = 200 * MB
"""Sources larger than this are refused before they are read."""

Origin = Path | str
"""Where a source came from: a file, or a feed URL."""

_EXPECTED = (
    "a seed text with a date line, a Blogger, WordPress or Disqus export, an RSS or Atom "
    "feed, Markdown with front matter, or a reviews JSON export"
)
_URL = re.compile(r"^(https?):/+(.*)$", re.IGNORECASE)
_SIDECAR_SUFFIXES = frozenset({".yaml", ".yml"})


def source_name(origin: Origin) -> str:
    """The name of a source as messages show it: a file's name, or the whole URL."""
    return clean(origin.name if isinstance(origin, Path) else origin)


class ImportFailed(Exception):  # noqa: N818 - the name the CLI and the store already use
    """A source that cannot be imported; ``str()`` is ``"<file name>: <reason>"``."""

    def __init__(self, origin: Origin, reason: str) -> None:
        self.path = origin
        self.reason = clean(reason)
        super().__init__(f"{source_name(origin)}: {self.reason}")


def feed_url(origin: Origin) -> str | None:
    """The http(s) URL ``origin`` names, or ``None`` for a file.

    ``Path("https://host/feed")`` collapses the double slash, so it is put back;
    a real local file that happens to be called ``https:`` wins.
    """
    text = str(origin)
    match = _URL.match(text)
    if match is None or (isinstance(origin, Path) and origin.exists()):
        return None
    return f"{match[1].lower()}://{match[2]}"


def _too_big(origin: Origin, size: int | None, max_bytes: int) -> ImportFailed:
    limit = f"{max_bytes / MB:g} MB import limit"
    if size is None:
        return ImportFailed(origin, f"more than {max_bytes / MB:g} MB, over the {limit}")
    return ImportFailed(origin, f"{size / MB:.1f} MB is over the {limit}")


def read_source(origin: Origin, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a file, refused without reading when over ``max_bytes``.

    URLs are not read here: the network is ``tui.sources.http``'s (the caller fetches
    and hands the bytes to ``load_bytes``).
    """
    url = feed_url(origin)
    if url is not None:
        raise ImportFailed(url, "a URL must be fetched first (reviews import does that)")
    path = Path(origin)
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
                raise _too_big(path, info.st_size, max_bytes)
            # Read one byte past the cap: a device or a growing file is caught too.
            data = handle.read(max_bytes + 1)
    except IsADirectoryError as error:
        raise ImportFailed(path, "is a folder (import the files in it instead)") from error
    except OSError as error:
        raise ImportFailed(path, f"cannot read it ({error.strerror or error})") from error
    if len(data) > max_bytes:
        raise _too_big(path, None, max_bytes)
    return data


def _detect(data: bytes, origin: Origin) -> str:
    from tui.importers import safe_xml

    head = data[:65536].removeprefix(b"\xef\xbb\xbf")
    start = head.lstrip()
    if not start:
        raise ImportFailed(origin, "the file is empty")
    if start.startswith(b"<"):
        kind = safe_xml.sniff(head, origin)
        if kind is not None:
            return kind
    elif start.startswith(b"{") and b'"reviews"' in data:
        return "json"
    elif re.match(rb"(?:---[ \t]*(?:js|javascript)?|\+\+\+)[ \t]*\r?\n", start):
        return "markdown"
    elif start.startswith(b"{") and _json_then_text(data):
        return "markdown"  # Hugo's JSON front matter
    elif b"\x00" not in head and _looks_like_seed(head):
        return "seed"
    looks = " (it looks binary)" if b"\x00" in head else ""
    if not looks:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:  # not a character cut at the end of the sample
                byte = head[error.start]
                raise ImportFailed(
                    origin,
                    f"not UTF-8 text (byte 0x{byte:02x} at offset {error.start}); "
                    "save it as UTF-8 and import it again",
                ) from None
    raise ImportFailed(origin, f"not a format reviews can read{looks}; expected {_EXPECTED}")


def _looks_like_seed(head: bytes) -> bool:
    from tui.importers import seed  # on demand: it loads YAML, which XML imports never need

    return seed.looks_like_seed(head.decode("utf-8", errors="replace"))


def _json_then_text(data: bytes) -> bool:
    """Whether ``data`` is a JSON object followed by more text (Hugo's JSON front matter)."""
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace").lstrip()
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):
        return False
    return bool(text[end:].strip())


def detect_format(path: Origin, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The format of a source, judged from its content; ``ImportFailed`` when unknown."""
    return _detect(read_source(path, max_bytes), path)


Parser = Callable[[bytes, Origin], list[ParsedReview]]


_MODULES: dict[str, str] = {name: f"tui.importers.{module}" for name, module in _MODULE_OF.items()}
"""Format name -> the module whose ``parse`` reads it (imported on demand: a seed import
need not load feedparser or markdownify)."""


def _parser(fmt: str, origin: Origin) -> Parser:
    module = _MODULES.get(fmt)
    if module is None:
        raise ImportFailed(origin, f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    parse: Parser = importlib.import_module(module).parse
    return parse


def load_path(
    path: Origin, fmt: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[ParsedReview]:
    """Read one file (or feed URL) as ``fmt``, else as the format its content shows."""
    forced = None if fmt is None else _parser(fmt, path)  # a bad name fails before reading
    data = read_source(path, max_bytes)
    parse = forced or _parser(_detect(data, path), path)
    try:
        return parse(data, path)
    except ImportFailed:
        raise
    except Exception as error:  # a bug or a quirk no importer foresaw: this file only
        reason = " ".join(str(error).split()) or "no details"
        raise ImportFailed(path, f"cannot be read ({type(error).__name__}: {reason})") from error


def stream_path(
    path: Origin, fmt: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[ParsedReview] | None:
    """The reviews of a local feed file one at a time (``feed_stream``), else ``None``.

    ``None`` for a URL, a file of another format, anything but a regular file (a
    pipe such as ``<(cat feed.xml)`` can be read only once), or one that cannot be
    opened: ``load_path`` reads those (and reports what is wrong). The stream
    itself may raise ``feed_stream.NotStreamable`` at any point: then
    ``load_path`` reads it.
    """
    if feed_url(path) is not None or fmt not in (None, "feed"):
        return None
    try:
        with Path(path).open("rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            head = handle.read(65536)
    except OSError:
        return None
    if fmt is None:
        try:
            if _detect(head, path) != "feed":
                return None
        except ImportFailed:
            return None
    from tui.importers import feed_stream

    return feed_stream.stream(Path(path), max_bytes)


def load_bytes(data: bytes, origin: Origin, fmt: str | None = None) -> list[ParsedReview]:
    """Parse bytes already read (a fetched feed) as ``fmt``, else as their content shows."""
    parse = _parser(fmt, origin) if fmt is not None else _parser(_detect(data, origin), origin)
    return parse(data, origin)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def iter_sources(paths: Iterable[Path]) -> Iterator[Path]:
    """The files to import: each path as given, folders expanded (recursively, sorted).

    Inside folders, hidden files and folders and sidecar ``.yaml`` files (metadata
    for a seed beside them, never a source) are skipped.
    """
    for path in paths:
        if feed_url(path) is not None or not path.is_dir():
            yield path
            continue
        for found in sorted(path.rglob("*")):
            if (
                found.is_file()
                and not _hidden(found, path)
                and found.suffix.lower() not in _SIDECAR_SUFFIXES
            ):
                yield found


def seeds_dir() -> Path:
    """Where the bundled seed reviews live: inside the package when installed from a
    wheel (``tui/_seeds``), else the repository's ``seeds/`` beside the package."""
    package = Path(tui.__file__).parent
    shipped = package / "_seeds"
    return shipped if shipped.is_dir() else package.parent / "seeds"


def bundled_seeds() -> list[ParsedReview]:
    """Every review shipped with the app, to create a new database from."""
    folder = seeds_dir()
    if not folder.is_dir():
        return []
    reviews: list[ParsedReview] = []
    for path in iter_sources([folder]):
        reviews.extend(load_path(path, "seed"))
    return reviews
