"""Checking the user's keymap against the bindings that exist, before applying it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding, BindingType

SCREEN_SCOPE = "reader"
PANE_SCOPES = ("sidebar", "reading", "comments")


def binding_ids(scopes: Mapping[str, Iterable[BindingType]]) -> dict[str, str]:
    """Every binding id in ``scopes`` (scope name -> its BINDINGS) -> the scope holding it."""
    ids: dict[str, str] = {}
    for scope, bindings in scopes.items():
        for binding in bindings:
            if isinstance(binding, Binding) and binding.id:
                ids[binding.id] = scope
    return ids


def check_keymap(
    keymap: Mapping[str, str], scopes: Mapping[str, Iterable[BindingType]]
) -> tuple[dict[str, str], list[str]]:
    """Split ``keymap`` into what can be applied and one message per problem.

    Problems: an id no binding has, and two bindings of the same scope (or a
    scope and the reader screen above it) ending up on the same key.
    """
    ids = binding_ids(scopes)
    good: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in ids:
            problems.append(f"keymap: there is no binding '{binding_id}'")
        else:
            good[binding_id] = keys
    # The keys each binding has once the keymap is applied: (scope, key) -> binding ids.
    placed: dict[tuple[str, str], list[str]] = {}
    for scope, bindings in scopes.items():
        for binding in bindings:
            if isinstance(binding, Binding) and binding.id:
                keys = good.get(binding.id, binding.key)
                for key in (k.strip() for k in keys.split(",") if k.strip()):
                    placed.setdefault((scope, key), []).append(binding.id)
    for (scope, key), owners in placed.items():
        # A pane's key shadows the same key on the screen it sits on.
        above = placed.get((SCREEN_SCOPE, key), []) if scope in PANE_SCOPES else []
        together = list(dict.fromkeys(owners + above))
        if len(together) > 1 and any(b in good for b in together):
            problems.append(f"keymap: '{key}' would do all of: {', '.join(together)}")
    return good, sorted(set(problems))
