"""The reader's screens: the reader, the reply composer, help."""
