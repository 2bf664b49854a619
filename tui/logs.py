"""The log file: where a crash's traceback and the debug trail go, never the terminal.

One rotated file in the user log directory (platformdirs), created 0600 in a
0700 directory, because messages can name reviews and files. Only our own
messages are written: review text, replies and secrets are never logged.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

from tui.store.files import private_dir

APP_NAME = "reviews"
DEBUG_ENV = "REVIEWS_DEBUG"
LOG_BYTES = 1_000_000
"""A log file is rotated past this size."""
LOG_BACKUPS = 3
"""Rotated log files kept beside the current one."""

log = logging.getLogger("reviews")


def log_path() -> Path:
    """The log file: ``reviews.log`` in the user log directory."""
    return platformdirs.user_log_path(APP_NAME) / "reviews.log"


def debug_enabled() -> bool:
    """``REVIEWS_DEBUG`` is set to anything but empty or ``0``."""
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


class _PrivateFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating handler whose files are created readable by the user alone."""

    def _open(self) -> io.TextIOWrapper:
        path = Path(self.baseFilename)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
        os.fchmod(fd, 0o600)
        stream = os.fdopen(fd, "a", encoding=self.encoding or "utf-8")
        assert isinstance(stream, io.TextIOWrapper)
        return stream


def start_logging(*, debug: bool = False, path: Path | None = None) -> Path | None:
    """Send the app's log to the rotated file; ``None`` when it cannot be written.

    A log that cannot be opened (read-only home, full disk) never stops the
    reader: logging is then off, silently.
    """
    target = path or log_path()
    level = logging.DEBUG if debug or debug_enabled() else logging.INFO
    log.setLevel(level)
    for handler in log.handlers:
        if isinstance(handler, _PrivateFileHandler) and Path(handler.baseFilename) == target:
            return target
    stop_logging()  # another file (a test's home, a second main() in one process)
    try:
        private_dir(target.parent)  # every folder it makes 0700, as XDG asks
        handler = _PrivateFileHandler(target, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS)
    except OSError:
        log.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.propagate = False
    return target


def stop_logging() -> None:
    """Close the log file (tests start and stop logging more than once per process)."""
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()
