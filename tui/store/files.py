"""Private files beside the database: created 0600 in 0700 folders, never through a symlink.

Everything the store writes (database, drafts, backups, UI state, locks,
copies set aside) is the user's private reading and writing, so it is created
as OpenSSH and GnuPG create theirs: files ``0600``, folders ``0700``, whatever
the umask. A file that is replaced keeps its mode (and, for root, its owner);
a copy gets the mode of its original.

A symlink is never followed when creating or copying aside (``O_NOFOLLOW``,
``O_EXCL``): in a shared folder another user could plant one to have a
private file copied somewhere world-readable, or backups written elsewhere.
The database path itself is the user's to choose, so a symlink given as
``--db`` is resolved once, unless it is the kind the kernel's
``protected_symlinks`` rule distrusts (someone else's link in a sticky,
world-writable folder such as ``/tmp``).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
"""The mode of every file the store creates."""

PRIVATE_DIR = 0o700
"""The mode of every folder the store creates."""

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class UnsafePath(OSError):  # noqa: N818  # an OSError, so every write path reports it already
    """A path that would make the store follow a symlink or write somewhere unexpected."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(errno.ELOOP, f"{path} {why}; refusing to use it", str(path))


def private_dir(folder: Path) -> None:
    """Create ``folder`` (and missing parents) as ``0700``; refuse one that is a symlink."""
    missing: list[Path] = []
    current = folder
    while not current.exists() and not current.is_symlink():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for made in reversed(missing):
        with contextlib.suppress(FileExistsError):
            made.mkdir(PRIVATE_DIR)
            made.chmod(PRIVATE_DIR)  # the umask may have taken bits away; never adds any
    st = os.lstat(folder)
    if stat.S_ISLNK(st.st_mode):
        raise UnsafePath(folder, "is a symbolic link")
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafePath(folder, "is not a folder")


def create_exclusive(path: Path, mode: int = PRIVATE_FILE) -> int:
    """A new file opened for writing, with exactly ``mode``; never an existing file or link."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode)
    try:
        os.fchmod(fd, mode)  # the umask only ever removes bits: make it exactly ``mode``
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_for_reading(path: Path) -> int:
    """Open ``path`` read-only without following a symlink; ``UnsafePath`` if it is one."""
    try:
        return os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafePath(path, "is a symbolic link") from None
        raise


def read_private(path: Path) -> bytes:
    """The bytes of ``path``, refusing a symlink (``UnsafePath``)."""
    fd = open_for_reading(path)
    with os.fdopen(fd, "rb") as stream:
        return stream.read()


def write_new(path: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Write ``data`` to a file that must not exist yet (``FileExistsError`` if it does)."""
    fd = create_exclusive(path, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    os.close(fd)


def set_aside(original: Path, data: bytes | None = None) -> Path:
    """Keep a copy of an unreadable file beside it, one per distinct content.

    The copy is ``<name>.corrupt-<digest>``, made with the original's mode,
    never through a symlink; the same content set aside again reuses the copy
    instead of piling up another. ``data`` is the content when already read.
    """
    if data is None:
        data = read_private(original)
    digest = hashlib.sha256(data).hexdigest()[:16]
    copy = original.with_name(f"{original.name}.corrupt-{digest}")
    try:
        mode = stat.S_IMODE(os.lstat(original).st_mode) & 0o777
    except FileNotFoundError:
        mode = PRIVATE_FILE
    with contextlib.suppress(FileExistsError):
        write_new(copy, data, mode)
    if os.lstat(copy).st_size != len(data) or stat.S_ISLNK(os.lstat(copy).st_mode):
        raise UnsafePath(copy, "already exists and is not the same copy")
    return copy


def writable(path: Path) -> bool:
    """Whether the user has left ``path`` writable (its owner's ``w`` bit, and access).

    Root may write anything, so the mode bits are looked at, not just ``access``:
    a file made read-only (``chmod a-w``) is a wish, honoured for root too.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return True
    return bool(st.st_mode & stat.S_IWUSR) and os.access(path, os.W_OK)


def distrusted_link(path: Path) -> bool:
    """Whether ``path`` is a symlink the kernel's ``protected_symlinks`` rule would not follow.

    That is a link in a sticky, world-writable folder (``/tmp``) owned neither
    by us nor by the folder's owner: someone else planted it there.
    """
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        return False
    if not stat.S_ISLNK(link.st_mode):
        return False
    folder = path.parent.stat()
    shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
    return bool(shared) and link.st_uid not in (os.geteuid(), folder.st_uid)


def real_database_path(path: Path) -> Path:
    """The file a database path names, symlinks resolved once; ``UnsafePath`` if distrusted."""
    path = Path.cwd() / path.expanduser()
    current = path
    for _ in range(40):  # as many hops as the kernel allows (ELOOP past that)
        if distrusted_link(current):
            raise UnsafePath(current, "is a symbolic link planted by another user")
        if not current.is_symlink():
            break
        current = current.parent / current.readlink()
    else:
        raise UnsafePath(path, "is a loop of symbolic links")
    return path.resolve()


def keep_mode_and_owner(fd: int, original: os.stat_result | None) -> None:
    """Give a replacement (open as ``fd``) the mode, and for root the owner, of the original."""
    if original is None:
        return
    os.fchmod(fd, stat.S_IMODE(original.st_mode))
    if os.geteuid() == 0:
        with contextlib.suppress(OSError):
            os.fchown(fd, original.st_uid, original.st_gid)
