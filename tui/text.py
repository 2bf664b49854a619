"""Cleaning outside text so it can never drive the terminal.

Reviews, comments, names and file names come from the internet. Terminal
control characters in them (ESC, CSI, OSC, DCS, BEL, the C1 block) could
retitle the terminal, write the clipboard or fake hyperlinks if they reached
the screen raw, and Textual passes them through. Every such character other
than newline and tab is replaced here with a visible stand-in, at import and
again at display, so a database written by anything is safe to show.

This module is plain Python: importers and the store use it too.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and newline, DEL, and the C1 block U+0080-U+009F.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Lone surrogates (from JSON "\ud800" escapes) cannot be encoded for the terminal.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SPACE_RUN = re.compile(r"[ \t\n\r]+")
_UNCLEAN = re.compile(r"[\r\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
"""Anything ``clean`` changes; one search, so clean text (nearly all of it) is passed on."""

REPLACEMENT = "\ufffd"


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC, ␇ for BEL
    if code == 0x7F:
        return "\u2421"  # ␡
    return REPLACEMENT


def clean(text: str) -> str:
    """Replace control characters (but newline and tab) with visible symbols.

    Carriage returns become newlines first, so CRLF text keeps its lines.
    """
    if not text or not _UNCLEAN.search(text):
        return text or ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(_picture, text)
    return _SURROGATE.sub(REPLACEMENT, text)


def one_line(text: str) -> str:
    """Clean ``text`` and fold all whitespace runs to single spaces (for titles, names)."""
    if text.isprintable():  # nothing ``clean`` changes, no tab or line break (most text)
        return (_SPACE_RUN.sub(" ", text) if "  " in text else text).strip()
    text = clean(text)
    if "  " in text or "\t" in text or "\n" in text or "\r" in text:
        text = _SPACE_RUN.sub(" ", text)
    return text.strip()


def is_clean(text: str) -> bool:
    """True when ``text`` holds nothing that ``clean`` would change."""
    return not _UNCLEAN.search(text)


def shorten(text: str, width: int) -> str:
    """Cut ``text`` (already one line) to at most ``width`` characters, marking the cut."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)].rstrip() + "…"


class _FoldTable(dict[int, str]):
    """Character -> its folded form, worked out the first time a character is met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        bare = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        folded = bare.casefold()
        # One character for one: a match found in the folded text is at the same place
        # in the original. What folds to more (ß, ligatures) or to nothing stays itself.
        if len(folded) != 1:
            folded = char.lower() if len(char.lower()) == 1 else char
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """``text`` for matching: accents dropped, case folded, one character for one.

    "Amélie" folds to "amelie" and "İ" to "i" (Unicode NFKD without combining marks,
    then casefold), so a match in the folded text has the same span in ``text``.
    """
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)
