"""The command line: `reviews` and `python -m tui` (argparse; one module per command group)."""

from tui.cli.main import main

__all__ = ["main"]
