"""``LiteralMarkdown`` skips Rich's own ``Markdown.__init__``: it must stay a faithful one."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.markdown import Markdown

from tui.display import LiteralMarkdown, markdown_words

BODY = """# A heading

Some *emphasis*, some **strong**, ~~struck~~ and `code`, a [link](https://example.org/).

- a list
- with items
  1. and a numbered one
  2. inside

> a quote

```python
print("a code block")
```

| a | table |
|---|-------|
| 1 | 2     |
"""


def _rendered(renderable: object) -> str:
    console = Console(file=StringIO(), width=60, color_system="truecolor", force_terminal=True)
    console.print(renderable)
    output = console.file
    assert isinstance(output, StringIO)
    return output.getvalue()


def test_literal_markdown_has_every_setting_rich_gives_a_markdown() -> None:
    ours = vars(LiteralMarkdown(BODY))
    rich_own = vars(Markdown(BODY, hyperlinks=False))
    assert set(ours) == set(rich_own)
    for name in rich_own.keys() - {"parsed"}:
        assert ours[name] == rich_own[name], name


def test_literal_markdown_draws_what_rich_draws_for_plain_markdown() -> None:
    # Nothing here is changed by the literal rules (no images, no autolinks, no HTML).
    ours = _rendered(LiteralMarkdown(BODY))
    assert "a numbered one" in ours and "a code block" in ours
    assert ours == _rendered(Markdown(BODY, hyperlinks=False))


def test_markdown_words_is_what_a_reader_reads_on_one_line() -> None:
    body = (
        "# A heading\n\n- one *item*\n- [a link](https://example.org/long/address) \u2013 end\n\n"
        "![poster](p.png) <https://auto.example> `code` and [bold]markup[/]\n\n    a block\n"
    )
    assert markdown_words(body) == (
        "A heading one item a link \u2013 end [image: poster] https://auto.example code and "
        "[bold]markup[/] a block"
    )
    # A control character is shown as its symbol (tui.text.clean), never sent raw.
    assert markdown_words("plain\x1b[31m text\n\nagain") == "plain\u241b[31m text again"
