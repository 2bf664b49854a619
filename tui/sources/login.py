"""Logging in to a followed WordPress blog, and out: no UI, no printing. `reviews login`
and the reader's login dialog (``S``, then ``l``) both come here.

The application password is checked against the blog (``GET /wp/v2/users/me``) before
anything is kept; then it goes to the system keyring, else a 0600 file
(``tui.sources.secrets``), never into the database, and the source records the user
name and the name the blog shows for it (new replies are stored under that name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.text import one_line

if TYPE_CHECKING:
    from tui.sources.secrets import SecretStore
    from tui.store import Source, Store


class LoginError(Exception):
    """Why a login (or logout) did not happen, on one line; nothing was stored."""


@dataclass(frozen=True)
class LoggedIn:
    """A login that took."""

    name: str
    """The name the blog shows for the account."""
    where: str
    """Where the password is kept (the keyring's name, or the file's path)."""


def blog_source(source: Source) -> Source:
    """``source``, if it takes a login; ``LoginError`` saying why not otherwise."""
    if source.kind != "wordpress":
        raise LoginError(
            f"{source.url}: a {source.kind} source takes no login "
            "(only WordPress sites followed through their API do)"
        )
    return source


def log_in(
    store: Store, source: Source, user: str, password: str, secrets: SecretStore | None = None
) -> LoggedIn:
    """Check ``user``/``password`` against the blog, then keep them; ``LoginError`` (and
    nothing kept) when the blog refuses them, cannot be reached, or the secret cannot be
    stored."""
    from tui.sources.outbox import secret_key
    from tui.sources.secrets import SecretStore, SecretStoreError
    from tui.sources.wordpress import WordPressBlog
    from tui.sources.wordpress_models import BlogError
    from tui.sources.wordpress_sync import client

    blog_source(source)
    user, password = user.strip(), password.strip()
    if not user:
        raise LoginError(f"{source.url}: no user name given")
    if not password:
        raise LoginError(f"{source.url}: no password given")
    api = str(source.state.get("api") or "")
    try:
        with client(30.0) as http:
            me = WordPressBlog(http, api).check_login(user, password)
    except BlogError as error:
        raise LoginError(f"{error}; nothing was stored") from None
    secrets = secrets or SecretStore()
    try:
        secrets.save(secret_key(source), password)
    except SecretStoreError as error:
        raise LoginError(str(error)) from None
    store.set_login(source.id, user, me.name)
    return LoggedIn(one_line(me.name or user), secrets.where())


def log_out(store: Store, source: Source, secrets: SecretStore | None = None) -> bool:
    """Forget the source's password and user; whether it was logged in. Its replies stay,
    and those still queued wait for the next login."""
    from tui.sources.outbox import secret_key
    from tui.sources.secrets import SecretStore, SecretStoreError

    blog_source(source)
    try:
        had = (secrets or SecretStore()).delete(secret_key(source))
    except SecretStoreError as error:
        raise LoginError(str(error)) from None
    store.set_login(source.id, None)
    return had or bool(source.user)
