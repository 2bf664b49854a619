"""The reader's screens: the reader, the reply composer, help and the dialogs."""

SHORT_BELOW = 24
"""Rows under which a dialog is ``-short`` (a split pane): it drops its spacing and
extras so that what you type into or choose from keeps its rows."""
