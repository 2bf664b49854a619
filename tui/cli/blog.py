"""`reviews login / logout / outbox`, and what `follow`, `sync` and `reply` add for blogs.

A WordPress site is followed through its REST API when its page names one; logging
in checks the application password against the site (``/wp/v2/users/me``) before it
is stored (system keyring, else a 0600 file); ``sync`` sends the outbox after pulling.
Errors are one line on stderr (``reviews: <what>: <why>``) and exit code 1.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tui.text import one_line

if TYPE_CHECKING:
    from tui.store import Source, Store

EXIT_OK = 0
EXIT_ERROR = 1
PASSWORD_ENV = "REVIEWS_PASSWORD"  # noqa: S105 - the variable's name, not a password


def add_commands(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Register login, logout and outbox on the main parser."""
    log = sub.add_parser(
        "login",
        parents=[common],
        help="log in to a followed WordPress site with an application password "
        f"(from ${PASSWORD_ENV}, a prompt, or one line of stdin)",
    )
    log.add_argument("source", metavar="SOURCE", help="the source's id or URL")
    log.add_argument("--user", required=True, metavar="NAME", help="your WordPress user name")
    out = sub.add_parser("logout", parents=[common], help="forget a source's password")
    out.add_argument("source", metavar="SOURCE")
    sub.add_parser(
        "outbox", parents=[common], help="replies, edits and deletes not sent yet, and why"
    )


def _fail(message: str) -> int:
    print(f"reviews: {one_line(message)}", file=sys.stderr)
    return EXIT_ERROR


def _read_password() -> str:
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env.strip()
    if sys.stdin.isatty():
        return getpass.getpass("Application password: ").strip()
    return sys.stdin.readline().strip()


def _blog_source(store: Store, name: str) -> Source:
    from tui.cli.main import CliError
    from tui.sources.login import LoginError, blog_source

    try:
        return blog_source(store.find_source(name))
    except LoginError as error:
        raise CliError(str(error)) from None


def login(store: Store, name: str, user: str) -> int:
    """Check the password against the site, then store it; a wrong one stores nothing."""
    from tui.sources.login import LoginError, log_in

    source = _blog_source(store, name)
    password = _read_password()
    if not password:
        return _fail(f"login: {source.url}: no password given (${PASSWORD_ENV}, or type it)")
    try:
        done = log_in(store, source, user, password)
    except LoginError as error:
        return _fail(f"login: {error}")
    print(
        f"logged in to {one_line(source.url)} as {done.name}; replies to its reviews are sent "
        f"there (password kept in {done.where})"
    )
    return EXIT_OK


def logout(store: Store, name: str) -> int:
    """Forget the password of a source; its replies stay, queued ones wait."""
    from tui.sources.login import LoginError, log_out

    source = _blog_source(store, name)
    try:
        had = log_out(store, source)
    except LoginError as error:
        return _fail(f"logout: {error}")
    if had:
        print(f"logged out of {one_line(source.url)}; your replies there stay local from now on")
    else:
        print(f"{one_line(source.url)}: was not logged in")
    return EXIT_OK


def list_outbox(store: Store) -> int:
    """One line per entry still to send or failed: id, what, state, reason."""
    pending = store.pending_outbox()
    if not pending:
        print("the outbox is empty: nothing is waiting to be sent to a blog")
        return EXIT_OK
    for p in pending:
        e = p.entry
        preview = one_line(e.content)[:40]
        print(
            f"{e.id}\t{e.op}\t{one_line(e.describe())}\treply {e.comment_id} on "
            f"{one_line(p.title or '?')!r}\t{preview}"
        )
    return EXIT_OK


def send_after_sync(store: Store, timeout: float) -> int:
    """Send the outbox (after a sync's pull): one line of what happened; 1 on problems."""
    if not any(e.state in ("queued", "sending") for e in store.outbox()):
        return EXIT_OK  # nothing to send: the sender (keyring, WordPress client) stays unloaded
    from tui.sources.outbox import send_outbox

    report = send_outbox(store, deadline=timeout)
    if not report.anything:
        return EXIT_OK
    print(report.summary())
    for problem in report.problems:
        _fail(f"outbox: {problem}")
    for refusal in report.refusals:
        _fail(f"outbox: {refusal}")
    return EXIT_ERROR if report.problems or report.failed else EXIT_OK


@contextmanager
def pull_progress() -> Iterator[None]:
    """A progress bar on stderr (a terminal only) while WordPress blogs are pulled."""
    if not sys.stderr.isatty():
        yield
        return
    from tui.sources.wordpress_sync import watching_pulls

    shown = [False]

    def draw(source: Source, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "█" * filled + "·" * (width - filled)
        line = f"\r{one_line(source.url)[:40]} {bar} {done:,}/{total:,} posts and comments"
        sys.stderr.write(line + "\x1b[K")
        sys.stderr.flush()
        shown[0] = True

    with watching_pulls(draw):
        try:
            yield
        finally:
            if shown[0]:
                sys.stderr.write("\r\x1b[K")
                sys.stderr.flush()


def reply_note(store: Store, review_id: int) -> str:
    """What happens to a new reply: queued for the blog, or why it stays local."""
    from tui.store.reply_targets import reply_note as note

    return note(store.reply_target(review_id), store.why_local(review_id))
