"""The command line: open the reader, import, export, reply, restore, where."""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tui import __version__
from tui.cli import blog, follow
from tui.cli.check import add_parser as add_check_parser
from tui.text import clean

if TYPE_CHECKING:  # the real imports are deferred: `reviews where` should not load Textual
    from tui.config import Config
    from tui.model import ParsedReview
    from tui.store import Store

EXIT_OK = 0
EXIT_ERROR = 1
OPEN_WAIT = 1.5
"""Seconds the reader waits for the database before showing a loading screen instead
(at once then: the app's ``LOADING_DELAY`` counts from the start of the open)."""


ENVIRONMENT_HELP = """\
environment:
  REVIEWS_DB        the database file (default: reviews.json in the user data directory)
  REVIEWS_CONFIG    the config file (default: config.yaml in the user config directory)
  REVIEWS_DEBUG     1: show tracebacks and write debug lines to the log (as --debug)
  VISUAL, EDITOR    the editor ctrl+e and `reply` without --text hand a reply to
  NO_COLOR          any value: no colours

`reviews where` prints every path; `reviews completion bash|zsh|fish` prints tab completion.
"""

SHELLS = ("bash", "zsh", "fish")


class CliError(Exception):
    """A failure the user can act on: printed as one line, no traceback."""


class _Parser(argparse.ArgumentParser):
    """argparse with this command's error style: one line on stderr, exit 1."""

    def error(self, message: str) -> NoReturn:
        """``reviews: <command>: <why>`` instead of a usage block (``--help`` has it)."""
        where = self.prog.removeprefix("reviews").strip()
        what = f"{where}: " if where else ""
        self.exit(EXIT_ERROR, f"reviews: {what}{clean(message)} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="the database file (default: $REVIEWS_DB, else the user data directory)",
    )
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show tracebacks and write debug lines to the log (same as REVIEWS_DEBUG=1)",
    )
    parser = _Parser(
        prog="reviews",
        description="A keyboard-first terminal reader for film reviews and their comments.",
        parents=[common],
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    imp.add_argument(
        "--keep-orphans",
        action="store_true",
        help="keep comment threads (Disqus) that match no review's permalink as reviews",
    )
    imp.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show entries read on stderr (default: only when stderr is a terminal)",
    )

    exp = sub.add_parser("export", parents=[common], help="export every review and comment")
    exp.add_argument(
        "--format",
        dest="fmt",
        choices=["json", "markdown", "opml", "wordpress"],
        default="json",
        help="json (everything), markdown (a folder), opml (the followed feeds),"
        " wordpress (a WXR file for Tools -> Import)",
    )
    exp.add_argument(
        "--output",
        "-o",
        type=Path,
        default=None,
        help="file (json, wordpress) or folder (markdown)",
    )
    exp.add_argument(
        "--source",
        default=None,
        metavar="SOURCE",
        help="wordpress: only the reviews of this followed source (its id or URL)",
    )

    rep = sub.add_parser("reply", parents=[common], help="add a reply from the command line")
    rep.add_argument(
        "review_id",
        type=int,
        metavar="REVIEW_ID",
        help="the review (its id is at the bottom of the reader's review pane)",
    )
    rep.add_argument(
        "--to",
        type=int,
        default=None,
        metavar="COMMENT_ID",
        help="the comment to answer (its id is at the bottom of the comments); "
        "without it the reply answers the review",
    )
    rep.add_argument(
        "--text",
        default=None,
        help="the reply (default: piped stdin; at a terminal $VISUAL / $EDITOR, or a prompt)",
    )
    rep.add_argument(
        "--author",
        default=None,
        help="your name (default: the config's author; a blog you log in to names its own)",
    )

    res = sub.add_parser("restore", parents=[common], help="list backups, or restore one")
    res.add_argument("number", type=int, nargs="?", help="the backup to restore (1 = newest)")

    sub.add_parser("where", parents=[common], help="print where the database and config live")
    from tui.cli.follow import add_commands

    add_commands(sub, common)
    blog.add_commands(sub, common)

    comp = sub.add_parser(
        "completion", help="print a tab-completion script: reviews completion bash|zsh|fish"
    )
    comp.add_argument("shell", choices=SHELLS, help="the shell to complete in")
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
    from tui.idle_gc import hold_collections_for_start, release_after_start

    hold_collections_for_start()  # until the first frame: the app gives them back
    from tui.opening import Opening

    db_path = _db_path(args)
    opening = Opening(db_path, seed=_bundled_seeds)
    from tui.app import ReviewsApp

    config = _config()
    # With a first-screen snapshot the reader starts at once; else as soon as the file opens.
    if opening.first_screen(OPEN_WAIT) is None and opening.wait(OPEN_WAIT):
        opening.result()  # a file that cannot be opened is reported before the screen changes
    app = ReviewsApp(db_path, config, seed=_bundled_seeds, opening=opening)
    try:
        app.run()
    finally:
        release_after_start()  # a start that ended before its first frame
    if app.startup_error:
        raise CliError(app.startup_error)
    from tui.screens.syncing import quit_note

    if note := quit_note(*app.syncing.outbox):  # no reply left behind unsaid
        print(f"reviews: {note}", file=sys.stderr)
    # A crash (an unhandled error in the reader) is never reported as success.
    return app.return_code or EXIT_OK


def cmd_where(args: argparse.Namespace) -> int:
    """Print the paths the app uses."""
    from tui.logs import log_path
    from tui.store.backups import backups_dir
    from tui.store.errors import lock_path
    from tui.store.ids import ids_path
    from tui.store.journal import journal_path
    from tui.store.paths import config_path, drafts_path, real_path, state_path
    from tui.store.sync_times import sync_times_path

    db = real_path(_db_path(args))
    print(f"database: {clean(str(db))}")
    # Small changes since the last checkpoint, folded into the database now and then.
    print(f"journal:  {clean(str(journal_path(db)))}")
    # The ids a `reviews reply` checks without opening the database (rebuilt when stale).
    print(f"ids:      {clean(str(ids_path(db)))}")
    print(f"config:   {clean(str(config_path()))}")
    print(f"drafts:   {clean(str(drafts_path(db)))}")
    print(f"backups:  {clean(str(backups_dir(db)))}")
    print(f"lock:     {clean(str(lock_path(db)))}")
    print(f"ui state: {clean(str(state_path(db)))}")
    print(f"sync:     {clean(str(sync_times_path(db)))}")  # each source's latest sync outcome
    print(f"log:      {clean(str(log_path()))}")
    from tui.sources.secrets import SecretStore

    # Where blog passwords are kept (the place only, never a password).
    print(f"secrets:  {clean(SecretStore().where())}")
    return EXIT_OK


def cmd_reply(args: argparse.Namespace) -> int:
    """Add a reply and print its id once it is on disk.

    A point write checked by the index of ids beside the database comes first
    (``tui.store.point_reply``: milliseconds however big the file); when that
    index does not name the file as it is, the database is opened whole.
    """
    author = args.author or _config().author
    text = args.text if args.text is not None else _reply_text(args.review_id)
    from tui.store.point_reply import add_reply_at_once

    done = add_reply_at_once(_db_path(args), args.review_id, args.to, author, text)
    if done is not None:
        comment, note = done.comment, done.note
    else:
        store = _open_store(args)
        try:
            comment = store.add_reply(args.review_id, args.to, author, text)
            from tui.cli.blog import reply_note

            note = reply_note(store, args.review_id)
        finally:
            store.close()
    print(comment.id)
    if note:
        print(f"reply {comment.id}: {note}", file=sys.stderr)
    return EXIT_OK


def _reply_text(review_id: int) -> str:
    """The reply from stdin; on a terminal from $VISUAL/$EDITOR (as git commit), else
    typed at a prompt, never a silent wait."""
    if not sys.stdin.isatty():
        return sys.stdin.read()
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        print(
            f"Type your reply to review {review_id}; ctrl+d on a new line saves it,"
            " ctrl+c cancels.",
            file=sys.stderr,
        )
        return sys.stdin.read()
    from tui.cli.editing import edit_in_editor

    return edit_in_editor(editor, review_id)


def cmd_export(args: argparse.Namespace) -> int:
    """Write every review with its thread as JSON (a file or stdout) or a Markdown folder."""
    from tui.exporters import to_json, to_markdown_folder

    if args.fmt == "opml":
        return _with_store(args, lambda store: follow.export_opml(store, args.output))
    if args.fmt == "wordpress":
        from tui.cli.wxr import export_wordpress

        author = _config().author
        return _with_store(
            args, lambda store: export_wordpress(store, args.output, args.source, author)
        )
    if args.source is not None:
        raise CliError("--source: only --format wordpress exports one source")
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
        from tui.cli.output import write_output

        write_output(args.output, payload + b"\n")
        print(f"wrote {len(data['reviews'])} reviews to {clean(str(args.output))}", file=sys.stderr)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Read every source, report the bad ones, then merge the rest in one atomic write."""
    from tui.cli.importing import run_import
    from tui.importers import FORMATS
    from tui.sources.opml import is_opml

    if args.fmt is not None and args.fmt not in FORMATS:
        raise CliError(f"--format: there is no format '{args.fmt}' (known: {', '.join(FORMATS)})")
    # Importing into a new database brings in only what was asked for, not the seeds.
    store = _open_store(args, seeded=False)
    # An import allocates hundreds of thousands of objects that all live until the one
    # write: the collector's passes over them find nothing to free (~5 % of the CPU of a
    # 10,000-post export). It collects rarely meanwhile, and never what came before.
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    try:
        # An OPML file is a list of feeds to follow (what every feed reader exports).
        opml = [Path(p) for p in args.paths if args.fmt is None and is_opml(Path(p))]
        others = [p for p in args.paths if Path(p) not in opml]
        code = follow.import_opml(store, opml) if opml else EXIT_OK
        limit = None if args.max_size is None else int(args.max_size * 1_000_000)
        failures = (
            run_import(
                store,
                others,
                args.fmt,
                max_bytes=limit,
                keep_orphans=args.keep_orphans,
                progress=args.progress,
            )
            if others
            else []
        )
    finally:
        gc.set_threshold(*thresholds)
        store.close()
    return EXIT_ERROR if failures or code else EXIT_OK


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


def cmd_completion(args: argparse.Namespace) -> int:
    """Print the shell code that gives ``reviews`` tab completion in bash, zsh or fish."""
    from argcomplete.shell_integration import shellcode

    print(shellcode(["reviews"], shell=args.shell))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """List the database's problems (``--repair``: fix them)."""
    from tui.cli.check import cmd_check as check
    from tui.store.paths import real_path

    return check(real_path(_db_path(args)), args.repair)


def _describe(error: Exception, log_file: Path | None = None) -> str:
    """One line for the user: our own errors as they are, anything else with its kind."""
    from tui.config import ConfigError
    from tui.importers import ImportFailed
    from tui.sources.http import FetchError
    from tui.store import StoreError

    message = " ".join(clean(str(error)).split())
    if isinstance(error, CliError | ConfigError | ImportFailed | StoreError | FetchError):
        return message
    if isinstance(error, OSError):
        return message or type(error).__name__
    where = f"the traceback is in {clean(str(log_file))}" if log_file else "run with --debug"
    hint = f" ({where})"
    return f"unexpected {type(error).__name__}: {message}{hint}"


def _with_store(args: argparse.Namespace, run: Callable[[Store], int]) -> int:
    """Run ``run`` on the database (a new one starts empty), closing it afterwards."""
    store = _open_store(args, seeded=False)
    try:
        return run(store)
    finally:
        store.close()


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_open,
    "open": cmd_open,
    "where": cmd_where,
    "reply": cmd_reply,
    "export": cmd_export,
    "import": cmd_import,
    "restore": cmd_restore,
    "completion": cmd_completion,
    "follow": lambda a: _with_store(a, lambda s: follow.follow_urls(s, a.urls, a.keep)),
    "sources": lambda a: _with_store(a, follow.list_sources),
    "unfollow": lambda a: _with_store(a, lambda s: follow.unfollow(s, a.source)),
    "sync": lambda a: _with_store(a, lambda s: follow.sync_sources(s, a.sources, a.timeout)),
    "keep": lambda a: _with_store(a, lambda s: follow.set_keep(s, a.source, a.keep)),
    "login": lambda a: _with_store(a, lambda s: blog.login(s, a.source, a.user)),
    "logout": lambda a: _with_store(a, lambda s: blog.logout(s, a.source)),
    "outbox": lambda a: _with_store(a, lambda s: blog.list_outbox(s)),
    "check": cmd_check,
}


def _reader_gone() -> int:
    """Whoever read the output stopped reading (``reviews sources | head -3``): stop
    quietly, as a command the pipe's SIGPIPE ended would, with its exit code."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # the interpreter's last flush goes nowhere
    os.close(devnull)
    return 128 + signal.SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reviews`` command; returns the exit code."""
    parser = _parser()
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions: answer, then exit
        import argcomplete

        argcomplete.autocomplete(parser)
    args = parser.parse_args(argv)
    from tui.logs import DEBUG_ENV, debug_enabled, log, start_logging

    debug = bool(getattr(args, "debug", False)) or debug_enabled()
    if debug:
        os.environ[DEBUG_ENV] = "1"
    log_file = start_logging(debug=debug)
    log.debug("reviews %s: %s", __version__, args.command or "open")
    try:
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # here, so that a reader gone away is caught below
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _reader_gone()
    except Exception as error:
        log.exception("reviews %s failed", args.command or "open")
        if debug:
            raise
        print(f"reviews: error: {_describe(error, log_file)}", file=sys.stderr)
        return EXIT_ERROR
    return code


if __name__ == "__main__":
    sys.exit(main())
