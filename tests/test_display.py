"""``LiteralMarkdown`` skips Rich's own ``Markdown.__init__``: it must stay a faithful one."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.markdown import Markdown

from tui.display import LiteralMarkdown

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
