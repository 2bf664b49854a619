"""The command line: open the reader, import, export, reply, restore, where."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui import __version__
from tui.cli.check import add_parser as add_check_parser
from tui.text import clean

if TYPE_CHECKING:  # the real imports are deferred: `reviews where` should not load Textual
    from tui.config import Config
    from tui.model import ParsedReview
    from tui.store import Store

EXIT_OK = 0
EXIT_ERROR = 1
OPEN_WAIT = 1.5
"""Seconds the reader waits for the database before showing a loading screen instead."""


class CliError(Exception):
    """A failure the user can act on: printed as one line, no traceback."""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="the database file (default: $REVIEWS_DB, else the user data directory)",
    )
    parser = argparse.ArgumentParser(
        prog="reviews",
        description="A keyboard-first terminal reader for film reviews and their comments.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"reviews {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("open", parents=[common], help="open the reader (the default)")

    imp = sub.add_parser(
        "import", parents=[common], help="import review files or folders into the database"
    )
    imp.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or feed URLs")
    imp.add_argument("--format", dest="fmt", default=None, help="force a format (else detected)")
    imp.add_argument(
        "--max-size",
        type=float,
        default=None,
        metavar="MB",
        help="refuse inputs larger than this many megabytes (default: 200)",
    )

    exp = sub.add_parser("export", parents=[common], help="export every review and comment")
    exp.add_argument("--format", dest="fmt", choices=["json", "markdown"], default="json")
    exp.add_argument(
        "--output", "-o", type=Path, default=None, help="file (json) or folder (markdown)"
    )

    rep = sub.add_parser("reply", parents=[common], help="add a reply from the command line")
    rep.add_argument("review_id", type=int, metavar="REVIEW_ID")
    rep.add_argument("--to", type=int, default=None, metavar="COMMENT_ID", help="the comment")
    rep.add_argument("--text", default=None, help="the reply (default: read from stdin)")
    rep.add_argument("--author", default=None, help="your name (default: from the config)")

    res = sub.add_parser("restore", parents=[common], help="list backups, or restore one")
    res.add_argument("number", type=int, nargs="?", help="the backup to restore (1 = newest)")

    sub.add_parser("where", parents=[common], help="print where the database and config live")
    add_check_parser(sub, common)
    return parser


def _db_path(args: argparse.Namespace) -> Path:
    from tui.store.paths import default_db_path

    path: Path | None = getattr(args, "db", None)
    return path.expanduser() if path is not None else default_db_path()


def _open_store(args: argparse.Namespace, *, seeded: bool = True) -> Store:
    """Open the database; a missing one starts from the bundled reviews when ``seeded``."""
    from tui.importers import bundled_seeds
    from tui.store import Store

    return Store(_db_path(args), seed=bundled_seeds if seeded else None)


def _config() -> Config:
    from tui.config import load_config
    from tui.store.paths import config_path

    return load_config(config_path())


def _bundled_seeds() -> Sequence[ParsedReview]:
    """The bundled reviews, imported only when a new database needs them."""
    from tui.importers import bundled_seeds

    return bundled_seeds()


def cmd_open(args: argparse.Namespace) -> int:
    """Run the reader until the user quits.

    The database starts opening first, in a thread, while Textual is imported
    and the app built; the app then starts on the reader itself if the file
    opened within ``OPEN_WAIT`` seconds, or on a loading screen if not.
    """
    from tui.opening import Opening

    db_path = _db_path(args)
    opening = Opening(db_path, seed=_bundled_seeds)
    from tui.app import ReviewsApp

    config = _config()
    if opening.wait(OPEN_WAIT):
        opening.result()  # a file that cannot be opened is reported before the screen changes
    app = ReviewsApp(db_path, config, seed=_bundled_seeds, opening=opening)
    app.run()
    if app.startup_error:
        raise CliError(app.startup_error)
    # A crash (an unhandled error in the reader) is never reported as success.
    return app.return_code or EXIT_OK


def cmd_where(args: argparse.Namespace) -> int:
    """Print the paths the app uses."""
    from tui.store.backups import backups_dir
    from tui.store.errors import lock_path
    from tui.store.paths import config_path, drafts_path, real_path, state_path

    db = real_path(_db_path(args))
    print(f"database: {clean(str(db))}")
    print(f"config:   {clean(str(config_path()))}")
    print(f"drafts:   {clean(str(drafts_path(db)))}")
    print(f"backups:  {clean(str(backups_dir(db)))}")
    print(f"lock:     {clean(str(lock_path(db)))}")
    print(f"ui state: {clean(str(state_path(db)))}")
    return EXIT_OK


def cmd_reply(args: argparse.Namespace) -> int:
    """Add a reply and print its id once it is on disk."""
    text = args.text if args.text is not None else sys.stdin.read()
    author = args.author or _config().author
    store = _open_store(args)
    try:
        comment = store.add_reply(args.review_id, args.to, author, text)
    finally:
        store.close()
    print(comment.id)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write every review with its thread as JSON (a file or stdout) or a Markdown folder."""
    from tui.exporters import to_json, to_markdown_folder

    store = _open_store(args)
    try:
        data = store.export()
    finally:
        store.close()
    if args.fmt == "markdown":
        folder = args.output or Path("reviews-markdown")
        written = to_markdown_folder(data, folder)
        print(f"wrote {len(written)} review files to {clean(str(folder))}", file=sys.stderr)
        return EXIT_OK
    payload = to_json(data)
    if args.output is None:
        sys.stdout.buffer.write(payload + b"\n")
        sys.stdout.flush()
    else:
        args.output.write_bytes(payload + b"\n")
        print(f"wrote {len(data['reviews'])} reviews to {clean(str(args.output))}", file=sys.stderr)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Read every source, report the bad ones, then merge the rest in one atomic write."""
    from tui.cli.importing import run_import

    # Importing into a new database brings in only what was asked for, not the seeds.
    store = _open_store(args, seeded=False)
    try:
        limit = None if args.max_size is None else int(args.max_size * 1_000_000)
        failures = run_import(store, args.paths, args.fmt, max_bytes=limit)
    finally:
        store.close()
    return EXIT_ERROR if failures else EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """List backups, or restore backup N (1 is the newest)."""
    from tui.store.backups import list_backups, restore_backup
    from tui.store.paths import real_path

    db = real_path(_db_path(args))
    backups = list_backups(db)
    if not backups:
        print(f"no backups of {clean(str(db))} yet (one is kept before each session's first write)")
        return EXIT_OK if args.number is None else EXIT_ERROR
    if args.number is None:
        for number, backup in enumerate(backups, start=1):
            print(f"{number}. {clean(backup.describe())}")
        print("restore one with: reviews restore N")
        return EXIT_OK
    if not 1 <= args.number <= len(backups):
        raise CliError(f"there is no backup {args.number}; there are {len(backups)}")
    chosen = backups[args.number - 1]
    restore_backup(db, chosen)
    print(f"restored {clean(str(db))} from {clean(chosen.describe())}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """List the database's problems (``--repair``: fix them)."""
    from tui.cli.check import cmd_check as check
    from tui.store.paths import real_path

    return check(real_path(_db_path(args)), args.repair)


def _describe(error: Exception) -> str:
    """One line for the user: our own errors as they are, anything else with its kind."""
    from tui.config import ConfigError
    from tui.importers import ImportFailed
    from tui.store import StoreError

    message = " ".join(clean(str(error)).split())
    if isinstance(error, CliError | ConfigError | ImportFailed | StoreError):
        return message
    if isinstance(error, OSError):
        return message or type(error).__name__
    hint = " (set REVIEWS_DEBUG=1 to see the traceback)"
    return f"unexpected {type(error).__name__}: {message}{hint}"


COMMANDS = {
    None: cmd_open,
    "open": cmd_open,
    "where": cmd_where,
    "reply": cmd_reply,
    "export": cmd_export,
    "import": cmd_import,
    "restore": cmd_restore,
    "check": cmd_check,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reviews`` command; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        code = COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if os.environ.get("REVIEWS_DEBUG"):
            raise
        print(f"reviews: error: {_describe(error)}", file=sys.stderr)
        return EXIT_ERROR
    return code


if __name__ == "__main__":
    sys.exit(main())
