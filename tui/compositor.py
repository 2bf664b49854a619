"""The reader's screen composes a partial update from the widgets that show in it.

Textual's compositor paints a change (a moved cursor: two rows; a scroll: the
sidebar) by asking every widget whose *container* overlaps the changed area for
*all* of its lines, and then cutting them up front to back, keeping the first
piece for each cell. On the reader that is eight widgets for a sidebar-only
change: the header, the key bar and the reading pane's column (whose containers
span the screen), and the three containers the sidebar covers, each drawn in
full and cut line by line; the cuts from all but the sidebar and its scroll bar
are thrown away. Measured in tmux on 10,000 reviews, composing the `j` frame
took ~3.2 ms, ~1.5 ms of it in that cutting.

Here a widget is asked only for the rows of the changed area, only when what it
shows overlaps that area, and none further back once one widget covers it: a
widget further back cannot show there (the first piece wins, and the cuts follow
widget edges, so no piece in the area reaches outside the covering widget). The
update writes the same, piece for piece (``tests/test_compositor.py``), less
Textual's cursor move to a piece just past the area that it then cuts to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

Render = tuple[Region, Region, list[Strip]]
"""A widget's place, the clip it is seen through, and its lines within the clip."""


class ShownAreaCompositor(Compositor):
    """Textual's compositor, drawing for a partial update only what shows in it."""

    def _get_renders(self, crop: Region | None = None) -> Iterable[Render]:
        # Private Textual API (8.2.8): Compositor._render_chops takes these, front to
        # back, as (region, clip, the lines of region within clip), and keeps the
        # first piece for each cell (tests/test_textual_private.py guards that).
        if crop is None:
            yield from super()._get_renders(crop)
            return
        for widget, (region, clip) in self.visible_widgets.items():
            shown = region.intersection(clip)
            if not shown.overlaps(crop):
                continue
            rows = clip.intersection(Region(clip.x, crop.y, clip.width, crop.height))
            x, y, width, height = region.intersection(rows)
            if not (width and height):
                continue
            yield (
                region,
                rows,
                widget.render_lines(Region(x - region.x, y - region.y, width, height)),
            )
            if shown.contains_region(crop):
                return  # everything further back is hidden here
