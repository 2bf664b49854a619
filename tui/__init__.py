"""reviews: a keyboard-first terminal reader for film reviews and their comment threads."""

__version__ = "0.1.0"
