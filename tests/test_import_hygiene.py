"""The layers point one way, and the data layers never load Textual.

`app/screens/widgets -> store -> model`, `importers -> model`,
`sources -> importers, store, model`. Nothing under model, store, importers or
sources imports Textual; widgets never open the database.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from cpu_audit import over_budget

import tui

ROOT = Path(tui.__file__).parent

UI_FREE_PACKAGES = ["tui.store", "tui.importers", "tui.sources", "tui.exporters"]
UI_FREE_MODULES = [
    "tui.model",
    "tui.text",
    "tui.config",
    "tui.cli",
    "tui.cli.wxr",
    "tui.links",
    "tui.comment_text",
]

ALLOWED: dict[str, tuple[str, ...]] = {
    # a layer: the tui modules (prefixes) it may import
    "tui.model": ("tui.text",),
    "tui.text": (),
    "tui.importers": ("tui.importers", "tui.model", "tui.text"),
    "tui.store": ("tui.store", "tui.model", "tui.text"),
    "tui.sources": ("tui.sources", "tui.importers", "tui.store", "tui.model", "tui.text"),
}


def _modules_of(package: str) -> list[str]:
    path = ROOT / package.removeprefix("tui.").replace(".", "/")
    if not path.is_dir():
        return []
    names = [package]
    names += [f"{package}.{info.name}" for info in pkgutil.iter_modules([str(path)])]
    return names


def _ui_free() -> list[str]:
    names = list(UI_FREE_MODULES)
    for package in UI_FREE_PACKAGES:
        names += _modules_of(package)
    return names


def test_the_layers_exist() -> None:
    """The store and importers are packages of their own (the rooms the layers live in)."""
    for package in ("store", "importers", "cli", "screens", "widgets"):
        assert (ROOT / package / "__init__.py").is_file(), package
    assert len(_modules_of("tui.store")) >= 8


_REPORT_NEW_TEXTUAL = """
import importlib, json, sys
found = {}
for module in sys.argv[1:]:
    before = set(sys.modules)
    importlib.import_module(module)
    found[module] = sorted(m for m in set(sys.modules) - before
                           if m == "textual" or m.startswith("textual."))
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def textual_pulled_in() -> dict[str, list[str]]:
    """For each UI-free module, the Textual modules its import loaded (one child process).

    Modules only accumulate in ``sys.modules``, so if importing all of them one after the
    other loads no Textual, importing any one of them alone loads none either; when one
    does, it is the module whose import brought Textual in that is named.
    """
    out = subprocess.run(
        [sys.executable, "-c", _REPORT_NEW_TEXTUAL, *_ui_free()],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found: dict[str, list[str]] = json.loads(out)
    return found


# One worker takes them all: the module's fixture (a child importing every module, ~0.5 s
# of CPU) then runs once, not once in each xdist worker that got one of them.
@pytest.mark.xdist_group("ui_free_imports")
@pytest.mark.parametrize("module", _ui_free())
def test_module_does_not_import_textual(
    module: str, textual_pulled_in: dict[str, list[str]]
) -> None:
    assert textual_pulled_in[module] == [], f"{module} pulls in {textual_pulled_in[module]}"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return {name for name in names if name == "tui" or name.startswith("tui.")}


def _layer_of(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:2])


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_point_one_way(layer: str) -> None:
    """Each data layer imports only the layers below it (any import, typing ones too)."""
    base = ROOT / layer.removeprefix("tui.").replace(".", "/")
    files = sorted(base.rglob("*.py")) if base.is_dir() else [base.with_suffix(".py")]
    allowed = ALLOWED[layer]
    for path in files:
        if not path.exists():
            continue
        for name in _imports(path):
            # the root package itself (for its version) is below every layer
            ok = name == "tui" or any(name == a or name.startswith(a + ".") for a in allowed)
            assert ok, f"{path.relative_to(ROOT.parent)} imports {name} ({layer} may not)"
        assert _layer_of(path).startswith(layer)


def test_widgets_never_open_the_database() -> None:
    """Only the app shell may hold the store; widgets get data handed down."""
    for path in (ROOT / "widgets").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "tui.store" not in text, f"{path.name} imports the store"
        assert "tinydb" not in text, f"{path.name} imports tinydb"


@over_budget
def test_no_runtime_import_cycle_through_the_app() -> None:
    """Screens name the app for typing only: importing a screen never imports tui.app."""
    # One child for both: if neither import loads tui.app after the other, neither does alone.
    code = (
        "import sys, importlib\n"
        "for screen in ('tui.screens.reader', 'tui.screens.writing'):\n"
        "    importlib.import_module(screen)\n"
        "    print(screen, 'tui.app' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    for line in filter(None, out):
        screen, loaded = line.split()
        assert loaded == "False", f"{screen} imports tui.app at run time"


FIRST_FRAME_NEEDS_NOT = (
    "tui.store.database",  # the store and TinyDB load after the first frame, in the background
    "tui.store.core",
    "tui.store.backups",
    "tui.store.merge",
    "textual.widgets._text_area",  # the reply editor loads with the first reply
    "tui.screens.search",  # each dialog loads with the key that opens it
    "tui.screens.links",
    "tui.screens.tags",
    "tui.screens.help",
    "tui.screens.sources",
    "tui.screens.follow",
    "tui.screens.login",
    "tui.screens.outbox",
    "tui.screens.inbox",
    "tui.screens.listing",
    "tui.screens.asking",
    "tui.sources.following",  # following a blog loads with the dialog that asks for it
    "yaml",  # only read when there is a config file
    "filelock",  # the database's lock is first taken by the load after the first frame
    "tui.store.storage",  # the snapshot and the UI state are read without the storage,
    "tui.store.index",  # the store's index,
    "tui.store.checkpoint",
    "tinydb",  # and TinyDB
    "tui.screens.composer",  # the reply composer loads with the first reply
    "tui.screens.confirm",  # a question loads with the first one asked
)


@over_budget
def test_the_reader_s_first_frame_imports_only_what_it_shows() -> None:
    """Importing the app and starting to open a database (what ``reviews`` does before
    the first frame) loads none of the modules the first frame does without."""
    code = (
        "import sys, json; import tui.cli.main, tui.app, tui.opening, tui.logs, "
        "tui.store.first_screen; "
        f"print(json.dumps([m for m in {list(FIRST_FRAME_NEEDS_NOT)!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(done.stdout) == []


def test_the_store_package_gives_every_name_it_exports() -> None:
    """``tui.store`` loads its re-exports on first use: each is the object its module defines."""
    import importlib

    import tui.store as store

    for name in store.__all__:
        value = getattr(store, name)
        home = importlib.import_module(value.__module__) if hasattr(value, "__module__") else None
        assert home is None or getattr(home, name) is value, name
    assert set(store.__all__) <= set(dir(store))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = store.Nope  # type: ignore[attr-defined]
