"""What the WordPress client hands back: plain frozen dataclasses and typed errors.

Every error message is one clean line (WordPress's own words where it gave some) and
never holds a password: the client scrubs it before raising.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` with item counts while a pull runs."""


@dataclass(frozen=True)
class Credentials:
    """A WordPress user name and application password (the password is never shown)."""

    user: str
    app_password: str = field(repr=False)


@dataclass(frozen=True)
class BlogUser:
    """The account an application password belongs to (``/wp/v2/users/me``)."""

    id: int
    name: str
    slug: str


@dataclass(frozen=True)
class BlogPost:
    """One published post: title as plain text, content as the blog's HTML."""

    id: int
    link: str
    title: str
    content_html: str
    date_gmt: str
    modified_gmt: str
    author: str
    tags: tuple[str, ...]
    categories: tuple[str, ...]


@dataclass(frozen=True)
class BlogComment:
    """One comment; ``parent`` is 0 for a comment on the post itself."""

    id: int
    post: int
    parent: int
    author_name: str
    date_gmt: str
    content_html: str
    link: str
    status: str


@dataclass(frozen=True)
class SentComment:
    """The blog's answer to a reply, edit, trash or restore: its id, link and status.

    ``status`` is WordPress's word: ``approved``, ``hold`` (awaiting moderation),
    ``spam`` or ``trash``.
    """

    id: int
    link: str
    status: str
    post: int = 0
    parent: int = 0


@dataclass(frozen=True)
class Pull:
    """What changed on a blog since a time, and the time to ask from next.

    ``next_since`` is the server's clock (its ``Date`` header) when the pull began, so
    the next pull's window starts where this one's did, whatever the local clock says.
    """

    posts: tuple[BlogPost, ...]
    comments: tuple[BlogComment, ...]
    next_since: datetime | None
    requests: int


class BlogError(Exception):
    """Anything that went wrong talking to a blog; ``str()`` is one clean line."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


class BlogRejected(BlogError):  # noqa: N818  # the names the issue gives
    """The blog answered and said no (4xx): closed comments, duplicate, flood, bad input.

    ``message`` is WordPress's own message, ``code`` its error code (``rest_comment_closed``,
    ``comment_duplicate``, ...). Nothing was created; the same request will fail again
    until something changes.
    """

    def __init__(self, message: str, code: str, status: int | None) -> None:
        super().__init__(message, status=status)
        self.code = code

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(message={self.message!r}, code={self.code!r}, status={self.status!r})"


class LoginRefused(BlogRejected):
    """The user name or application password was not accepted (HTTP 401/403)."""


class BlogUnreachable(BlogError):  # noqa: N818  # the names the issue gives
    """No answer, a broken one, or a server error (5xx): the outcome of a write is unknown."""

    def __repr__(self) -> str:
        return f"BlogUnreachable(message={self.message!r}, status={self.status!r})"


class InsecureBlog(BlogError):  # noqa: N818  # the names the issue gives
    """A password would be sent over plain http to a host other than this machine."""
