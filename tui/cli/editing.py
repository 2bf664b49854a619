"""Writing a reply in the user's own editor from the command line, as ``git commit`` does."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

HINT = (
    "# Write your reply above. Lines starting with '#' are left out; an empty reply is not saved."
)


def edit_in_editor(editor: str, review_id: int) -> str:
    """Open ``editor`` on a temporary file and return what was written, hint lines left out.

    Raises OSError when the editor cannot run or exits with an error.
    """
    handle, name = tempfile.mkstemp(prefix="reviews-reply-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(f"\n{HINT}\n# The reply is to review {review_id}.\n")
        result = subprocess.run([*shlex.split(editor), str(path)], check=False)
        if result.returncode != 0:
            raise OSError(f"the editor ({editor}) exited with status {result.returncode}")
        text = path.read_text(encoding="utf-8", errors="replace")
    finally:
        path.unlink(missing_ok=True)
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return "\n".join(lines).strip("\n")
