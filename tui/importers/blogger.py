"""The blogger importer (being written)."""

from __future__ import annotations

from tui.importers import ImportFailed, Origin
from tui.model import ParsedReview


def parse(data: bytes, origin: Origin) -> list[ParsedReview]:
    """Not available yet."""
    raise ImportFailed(origin, "this format is not supported yet")
