"""The ``reviews`` command for CLI tests: in a child process as a user runs it, or in-process.

``run_reviews`` starts the real command (``python -m tui``): for what is about the process
itself (exit codes as the shell sees them, signals, a real stdin, start-up). ``run_in_process``
calls ``tui.cli.main.main`` here with the same arguments, environment and stdin, and
returns what it printed and its exit code in the same shape: for what a command does, at
a fraction of a child's cost (a child spends ~0.3 s of CPU starting Python and the package).
Each command keeps at least one test through ``run_reviews``.
"""

from __future__ import annotations

import gc
import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout


def run_reviews(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tui ARGS`` and return what it printed and its exit code."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=timeout,
    )


def _text_stream(data: str = "") -> io.TextIOWrapper:
    """A pipe-like text stream with a ``buffer`` (commands write bytes to stdout)."""
    return io.TextIOWrapper(io.BytesIO(data.encode()), encoding="utf-8", newline=None)


def _read_back(stream: io.TextIOWrapper) -> str:
    stream.flush()
    raw = stream.buffer
    assert isinstance(raw, io.BytesIO)
    return raw.getvalue().decode("utf-8").replace("\r\n", "\n")


def run_in_process(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``reviews ARGS`` through ``tui.cli.main.main`` in this process, as ``run_reviews``
    reports it: stdout, stderr and the exit code (argparse's ``SystemExit`` included).

    stdin is a pipe holding ``stdin`` (empty when ``None``), as with ``input=`` for a child;
    the environment is put back afterwards (``--debug`` sets a variable, as in a child).
    """
    from tui.cli.main import main
    from tui.logs import stop_logging

    out, err = _text_stream(), _text_stream()
    saved_stdin, saved_environ = sys.stdin, dict(os.environ)
    # import and sync raise the collector's thresholds for their one-off process (and put
    # them back only on some paths): here the worker's own are put back for later tests.
    saved_thresholds = gc.get_threshold()
    sys.stdin = _text_stream(stdin or "")
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    finally:
        sys.stdin = saved_stdin
        gc.set_threshold(*saved_thresholds)
        os.environ.clear()
        os.environ.update(saved_environ)
        stop_logging()  # the log file of this test's home, closed as a child's would be
    return subprocess.CompletedProcess(["reviews", *args], code, _read_back(out), _read_back(err))
