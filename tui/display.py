"""The one place where outside text becomes something a widget may show.

Widgets are given ``Content`` built here, never a string that Textual or Rich
would parse as markup, and every piece of text passes ``tui.text.clean`` on
the way, so neither markup nor terminal control sequences survive.

Markdown bodies become a ``LiteralMarkdown``: Rich's renderer with no live
links, no HTML and images shown as their alt text.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.markdown import Markdown
from textual.content import Content

from tui.text import clean, one_line


def literal(text: str, style: str = "") -> Content:
    """Multi-line outside text, shown exactly as written (control characters made visible)."""
    return Content.styled(clean(text), style) if style else Content(clean(text))


def literal_line(text: str, style: str = "") -> Content:
    """Outside text folded to one line (titles, names, tags, file names)."""
    return Content.styled(one_line(text), style) if style else Content(one_line(text))


def join(*parts: Content | tuple[str, str]) -> Content:
    """Join Content pieces and (our own text, style) pairs into one Content."""
    out = Content("")
    for part in parts:
        out = out + (part if isinstance(part, Content) else Content.styled(*part))
    return out


def markup_escaped(text: str) -> str:
    """Text on one line for the few Textual APIs that take only markup (the command palette).

    Every ``[`` is escaped, which Textual's parser reads back as exactly the text
    given (``textual.markup.escape`` leaves ``a [/ b`` as a crashing closing tag).
    """
    return one_line(text).replace("[", "\\[")


def display_date(iso: str | None) -> str:
    """A stored ISO date as people read it: ``2014-03-06`` or ``2014-03-06 21:15``."""
    if not iso:
        return ""
    text = one_line(iso)
    if "T" in text:
        day, _, rest = text.partition("T")
        return f"{day} {rest[:5]}"
    return text


def _markdown_parser() -> MarkdownIt:
    # html=False: raw HTML is shown as the characters it is, never interpreted.
    return MarkdownIt("commonmark", {"html": False}).enable(["strikethrough", "table"])


_MARKDOWN = _markdown_parser()

CODE_THEME = "monokai"
"""The Pygments theme of code blocks (Rich's default)."""


def _plain_inline(children: list[Token]) -> list[Token]:
    """Inline tokens with images as their alt text and autolinks as plain text."""
    out: list[Token] = []
    for token in children:
        if token.type == "image":
            alt = one_line(token.content)
            out.append(Token("text", "", 0, content=f"[image: {alt}]" if alt else "[image]"))
        elif token.type in ("link_open", "link_close") and token.markup == "autolink":
            continue  # <http://x> would read "http://x (http://x)"; the address is the text
        else:
            out.append(token)
    return out


class LiteralMarkdown(Markdown):
    """A review body rendered by Rich: no live links, no HTML, images as alt text.

    Links show their address after their words and never open on a click
    (``hyperlinks=False``, so no terminal hyperlink is ever written); the links
    screen opens them, after asking.
    """

    def __init__(self, body: str) -> None:
        # Not ``Markdown.__init__``: it builds a parser of its own (~0.5-1 ms, compiling
        # its rules) on every call, only to parse the text given. These are the settings
        # it would set (tests/test_display.py checks the two agree).
        self.markup = clean(body)
        tokens = _MARKDOWN.parse(self.markup)
        for token in tokens:
            if token.type == "inline" and token.children:
                token.children = _plain_inline(token.children)
        self.parsed = tokens
        self.code_theme = CODE_THEME
        self.justify = None
        self.style = "none"
        self.hyperlinks = False
        self.inline_code_lexer = None
        self.inline_code_theme = CODE_THEME


def markdown_words(body: str) -> str:
    """A Markdown body as the words a reader sees, on one line: link and emphasis marks,
    list bullets, headings' hashes and addresses left out, images as ``[image: alt]``
    (the composer's quote of what is answered; the pane shows the body itself)."""
    words: list[str] = []
    for token in _MARKDOWN.parse(clean(body)):
        if token.type in ("code_block", "fence"):
            words.append(token.content)
        elif token.type == "inline":
            for child in _plain_inline(token.children or []):
                if child.type in ("text", "code_inline"):
                    words.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    words.append(" ")
        if token.type.endswith("_close") or token.type in ("code_block", "fence", "hr"):
            words.append(" ")
    return one_line("".join(words))


def literal_markdown(body: str) -> LiteralMarkdown:
    """A Markdown body (outside text) as a renderable the reading pane may show."""
    return LiteralMarkdown(body)
