"""``python -m tui`` runs the same command line as ``reviews``."""

import sys

from tui.cli import main

sys.exit(main())
