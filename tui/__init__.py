"""reviews: a keyboard-first terminal reader for film reviews and their comment threads."""

import os

__version__ = "0.1.0"

# Textual paints at most FRAMES_PER_SECOND frames a second (its default is 60), read
# once when Textual is imported, so it is set here, before any module imports it. A
# key in the sidebar paints the cursor at once and the review in the next frame: at
# 60 that frame waits up to 17 ms for its turn, at 240 up to 4 ms. A TEXTUAL_FPS the
# user set wins.
FRAMES_PER_SECOND = 240
os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_PER_SECOND))
