"""A test over the code: no widget is handed a markup string built from data.

Textual and Rich parse console markup in plain strings given to Static, Label,
Button, Option, notify, border titles and the command palette, so a comment
holding ``[/`` crashes the reader and ``[@click=app.quit]`` becomes a live
link. Outside text must reach widgets as ``Content`` (``tui.display``) or with
``markup=False``. This walks the AST of every module under ``tui/`` and flags
the shapes that break that rule; it is precise rather than clever: a string is
"built" when the code visibly builds one (f-string, ``+``/``%`` with a string,
``str()``, ``.format()``, a method of a string literal).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from cpu_audit import over_budget

TUI = Path(__file__).resolve().parent.parent / "tui"

MARKUP_WIDGETS = frozenset({"Static", "Label", "Button", "Option", "Tree", "Pretty", "Link"})
"""Constructors whose text argument is parsed as markup unless ``markup=False``."""
ALWAYS_MARKUP = frozenset({"Option", "SystemCommand", "Hit", "DiscoveryHit", "DataTable"})
"""Where a string is always parsed as markup: only constants or escaped text may go."""
MARKUP_ATTRIBUTES = frozenset({"border_title", "border_subtitle", "tooltip"})
"""Attributes that parse a string assigned to them as markup."""
ESCAPERS = frozenset({"markup_escaped"})
"""Calls whose result is safe to hand to a markup-only API."""
FORBIDDEN_CALLS = frozenset({"from_markup", "render_markup"})
"""``Content.from_markup`` / ``Text.from_markup`` / ``rich.markup.render``: never on data."""


@dataclass(frozen=True)
class Finding:
    """One place that breaks the rule."""

    path: str
    line: int
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.why}"


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def builds_string(node: ast.expr) -> bool:
    """True when ``node`` visibly builds a string from other values."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return any(
            builds_string(side) or (isinstance(side, ast.Constant) and isinstance(side.value, str))
            for side in (node.left, node.right)
        )
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if name in ("str", "repr", "format"):
            return True
        if isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            if name == "format":
                return True
            if isinstance(receiver, ast.Constant) and isinstance(receiver.value, str):
                return True
    if isinstance(node, ast.IfExp):
        return builds_string(node.body) or builds_string(node.orelse)
    return False


def _is_constant_str(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return not builds_string(node)
    if isinstance(node, ast.IfExp):
        return _is_constant_str(node.body) and _is_constant_str(node.orelse)
    return False


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _markup_off(call: ast.Call) -> bool:
    value = _keyword(call, "markup")
    return isinstance(value, ast.Constant) and value.value is False


def _on_super(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Call)
        and _name(func.value.func) == "super"
    )


def _escaped(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in ESCAPERS


class _Checker(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []

    def _flag(self, node: ast.AST, why: str) -> None:
        self.findings.append(Finding(self.path, getattr(node, "lineno", 0), why))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        names = {alias.name for alias in node.names}
        if node.module == "textual.widgets" and names & {"Markdown", "MarkdownViewer"}:
            self._flag(node, "Textual's Markdown widget opens links on a click; use the pane's")
        if node.module == "rich.markdown" and not self.path.endswith("display.py"):
            self._flag(node, "Rich Markdown outside tui/display.py: use literal_markdown()")
        self.generic_visit(node)

    def visit_keyword(self, node: ast.keyword) -> None:
        value = node.value
        if node.arg == "markup" and isinstance(value, ast.Constant) and value.value is True:
            self._flag(value, "markup=True")
        if node.arg == "hyperlinks" and not (
            isinstance(value, ast.Constant) and value.value is False
        ):
            self._flag(value, "hyperlinks other than False: links would open on a click")
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr in MARKUP_ATTRIBUTES
                and builds_string(node.value)
            ):
                self._flag(node, f"{target.attr} = a built string (parsed as markup); use Content")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _name(node.func)
        if name in FORBIDDEN_CALLS:
            self._flag(node, f"{name}(): markup parsing of text")
        elif name == "notify":
            self._check_notify(node, node.args[0] if node.args else _keyword(node, "message"))
        elif name == "call_from_thread" and node.args and _name(node.args[0]) == "notify":
            self._check_notify(node, node.args[1] if len(node.args) > 1 else None)
        elif name in ALWAYS_MARKUP:
            for arg in node.args[:2]:
                if not (_is_constant_str(arg) or _escaped(arg)) and builds_string(arg):
                    self._flag(node, f"{name}() parses strings as markup: pass Content or escape")
        elif name in MARKUP_WIDGETS and node.args and builds_string(node.args[0]):
            if not _markup_off(node):
                self._flag(node, f"{name}() given a built string without markup=False")
        elif name == "update" and node.args and builds_string(node.args[0]):
            self._flag(node, ".update() given a built string: pass Content from tui.display")
        self.generic_visit(node)

    def _check_notify(self, call: ast.Call, message: ast.expr | None) -> None:
        if message is None or _is_constant_str(message) or _markup_off(call):
            return
        if _on_super(call):
            return  # an override passing its caller's arguments on
        self._flag(call, "notify() of a non-constant message without markup=False")


def check_source(source: str, path: str = "<snippet>") -> list[Finding]:
    """Every finding in one module's source."""
    checker = _Checker(path)
    checker.visit(ast.parse(source, filename=path))
    return checker.findings


def check_package(root: Path = TUI) -> list[Finding]:
    """Every finding under ``tui/``."""
    findings: list[Finding] = []
    for path in sorted(root.rglob("*.py")):
        findings += check_source(path.read_text(encoding="utf-8"), str(path.relative_to(root)))
    return findings


@over_budget
def test_no_widget_gets_markup_built_from_data() -> None:
    findings = check_package()
    assert not findings, "\n".join(map(str, findings))


@pytest.mark.parametrize(
    "snippet",
    [
        "self.notify(f'Could not save {error}')",
        "self.notify(str(error), severity='error')",
        "self.notify(message)",
        "app.call_from_thread(app.notify, reason)",
        "Static(f'by {review.author}')",
        "Label('by ' + review.author)",
        "Static('{}'.format(title))",
        "widget.update(f'{comment.body}')",
        "widget.update('Title: %s' % title)",
        "pane.border_title = f'{review.title}'",
        "pane.border_subtitle = 'from ' + name",
        "Content.from_markup(text)",
        "Text.from_markup('[b]x[/b]')",
        "Static(text, markup=True)",
        "Option(f'{review.title}')",
        "SystemCommand(f'{title} (x)', 'help', run)",
        "from textual.widgets import Markdown",
        "RichMarkdown(body, hyperlinks=True)",
    ],
)
def test_the_check_catches(snippet: str) -> None:
    assert check_source(snippet), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "self.notify('Reply saved.')",
        "self.notify(f'Could not save {error}', markup=False)",
        "self.notify('Marked unread.' if unread else 'Marked read.')",
        "app.call_from_thread(app.notify, str(error), markup=False)",
        "Static(literal_line(review.title))",
        "Static(f'by {author}', markup=False)",
        "Static(id='review-body', markup=False)",
        "Button(Content(label))",
        "widget.update(join(('by ', 'dim'), literal_line(author)))",
        "tables['reviews'].update(plan.reviews)",
        "pane.border_title = 'Review'",
        "pane.border_title = Content(f'Comments ({shown})')",
        "Option(Content.styled('All reviews', 'italic'))",
        "SystemCommand(markup_escaped(f'{title} (x)'), 'help', run)",
        "literal_markdown(body)",
    ],
)
def test_the_check_lets_pass(snippet: str) -> None:
    assert not check_source(snippet), snippet
