"""Where an export goes: one file, written whole, readable by you alone."""

from __future__ import annotations

from pathlib import Path

from tui.text import clean


def write_output(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (a temp file renamed over it: a crash leaves the
    old file or the new one), ``0600`` when new; one clear line when it cannot be
    written (the temp file's name never shows)."""
    from tui.cli.main import CliError
    from tui.store.storage import atomic_write_bytes

    shown = clean(str(path))
    if path.is_dir():
        raise CliError(f"--output {shown}: is a folder; name a file")
    if not path.parent.is_dir():
        raise CliError(f"--output {shown}: there is no folder {clean(str(path.parent))}")
    try:
        atomic_write_bytes(path, data)
    except OSError as error:
        raise CliError(f"--output {shown}: {error.strerror or error}") from None
