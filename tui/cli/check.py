"""``reviews check [--repair]``: list what does not make sense in the database, fix it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tui.text import clean


def add_parser(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Register ``check`` on the command line."""
    check = sub.add_parser(
        "check", parents=[common], help="list problems in the database (like fsck); --repair fixes"
    )
    check.add_argument(
        "--repair",
        action="store_true",
        help="fix what can be fixed without losing text (a backup is taken first)",
    )


def cmd_check(db: Path, repair: bool) -> int:
    """Print each problem on a line; exit 1 if any is left."""
    from tui.store.check import find_problems, read_tables, repair_file

    shown = clean(str(db))
    if repair:
        done, left = repair_file(db)
        for line in done:
            print(f"repaired: {clean(line)}")
    else:
        left = find_problems(read_tables(db))
    for problem in left:
        hint = "" if problem.repairable else " (cannot be repaired: restore a backup)"
        print(f"{shown}: {clean(problem.text)}{hint}")
    if left:
        return 1
    print(f"{shown}: no problems found")
    return 0
