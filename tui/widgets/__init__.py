"""The reader's widgets: review list, reading pane, comment thread."""
