"""``reviews export --format wordpress``: the reviews as a WXR file for WordPress's importer."""

from __future__ import annotations

import sys
from pathlib import Path

from tui.cli.output import write_output
from tui.exporters.wordpress import to_wxr
from tui.store import Store
from tui.text import clean

EXIT_OK = 0


def export_wordpress(store: Store, output: Path | None, source: str | None, author: str) -> int:
    """Write every review (or one followed source's) as WXR 1.2 to ``output`` or stdout.

    ``author`` is the configured name the user's own replies are exported under.
    """
    data = store.export()
    site = title = ""
    if source is not None:
        followed = store.find_source(source)  # NotFound names the source: one line, exit 1
        posts = set((followed.state.get("posts") or {}) if followed.state else ())
        data = {**data, "reviews": [r for r in data["reviews"] if r.get("source_id") in posts]}
        site, title = followed.site or followed.url, followed.title
    payload = to_wxr(data, author=author, site=site, title=title)
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return EXIT_OK
    write_output(output, payload)
    count = len(data["reviews"])
    noun = "review" if count == 1 else "reviews"
    print(f"wrote {count} {noun} to {clean(str(output))} (WordPress WXR)", file=sys.stderr)
    return EXIT_OK
