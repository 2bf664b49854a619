"""Guards for the places that still lean on Textual internals (8.2.8), with no public way.

If one of these fails, Textual changed the thing the reader relies on: read the
module named in the failing test before upgrading Textual.
(``tests/test_scrolling.py`` guards ``ScrollView._size_updated`` the same way.)
"""

from __future__ import annotations

import inspect

from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input

from tui.widgets.filter_box import FilterBox
from tui.widgets.footer import KeyBar


def test_the_footer_still_has_the_flag_the_key_bar_sets() -> None:
    # tui/widgets/footer.py: KeyBar sets Footer._bindings_ready (private) in its own
    # bindings_changed, as Footer's does, and reads it before working out its keys.
    flag = Footer.__dict__.get("_bindings_ready")
    assert isinstance(flag, Reactive), "Footer._bindings_ready is gone"
    assert "self._bindings_ready = True" in inspect.getsource(Footer.bindings_changed)
    assert "_bindings_ready" in inspect.getsource(Footer.compose)
    assert list(inspect.signature(Footer.bindings_changed).parameters) == ["self", "screen"]
    assert KeyBar.bindings_changed is not Footer.bindings_changed
    # The signal KeyBar's override answers is still Screen's.
    assert hasattr(Screen, "bindings_updated_signal") or "bindings_updated_signal" in (
        inspect.getsource(Screen.__init__)
    )


def test_the_filter_box_still_overrides_a_layout_reactive() -> None:
    # tui/widgets/filter_box.py redefines Widget.virtual_size without layout=True, so
    # typing in the filter lays nothing out. That only helps while Input assigns its
    # virtual size on every key and Widget's reactive asks for a layout.
    widget_size = Widget.__dict__["virtual_size"]
    assert isinstance(widget_size, Reactive) and widget_size._layout
    assert "self.virtual_size = " in inspect.getsource(Input._watch_value)
    box_size = FilterBox.__dict__["virtual_size"]
    assert isinstance(box_size, Reactive) and not box_size._layout


def test_pilot_key_presses_still_wait_for_idle_through_textual_app() -> None:
    # tests/conftest.py (quick_pilot_keys) replaces textual.app.wait_for_idle, which
    # App._press_keys calls twice per key, with one of 5 ms steps; that only works while
    # _press_keys calls it by that module-level name.
    import textual.app

    assert "from textual._wait import wait_for_idle" in inspect.getsource(textual.app)
    assert "await wait_for_idle(0)" in inspect.getsource(textual.app.App._press_keys)


def test_the_shared_css_cache_still_matches_textuals_parse() -> None:
    # tests/conftest.py (share_css_parses) wraps Stylesheet._parse_rules with one cache
    # for every App, keyed like Textual's own per-stylesheet cache plus the variables.
    # That only holds while the parse depends on nothing else and has this signature.
    from conftest import CSS_PARSES
    from textual.css.stylesheet import Stylesheet

    wrapped = Stylesheet._parse_rules
    assert getattr(wrapped, "shared", False), "the shared CSS cache is not installed"
    original = wrapped.original  # type: ignore[attr-defined]
    assert list(inspect.signature(original).parameters) == [
        "self", "css", "read_from", "is_default_rules", "tie_breaker", "scope",
    ]  # fmt: skip
    source = inspect.getsource(original)
    assert "cache_key = (css, read_from, is_default_rules, tie_breaker, scope)" in source
    assert "variable_tokens=self._variable_tokens" in source
    assert "self._variable_tokens" in inspect.getsource(Stylesheet)
    # Parsed for different variables, the same text gives different cache entries.
    css = "Widget { color: $text-probe; }"
    for colour in ("red", "blue"):
        sheet = Stylesheet(variables={"text-probe": colour})
        sheet.add_source(css, read_from=("probe", ""))
        sheet.parse()
    probes = [rules for key, rules in CSS_PARSES.items() if key[0] == css]
    assert len(probes) == 2 and probes[0] is not probes[1]


def test_the_linux_driver_still_writes_to_stderr_through_write_alone() -> None:
    # tui/frame_driver.py: FrameDriver overrides LinuxDriver.write to write at once to
    # sys.__stderr__, the stream LinuxDriver hands its writer thread. That is right only
    # while LinuxDriver writes there, and only through write (no other method queues for
    # the writer thread, which would put its bytes out of order with ours).
    from textual.drivers.linux_driver import LinuxDriver

    from tui.frame_driver import FrameDriver

    source = inspect.getsource(LinuxDriver)
    assert "self._file = sys.__stderr__" in inspect.getsource(LinuxDriver.__init__)
    assert source.count("_writer_thread.write(") == 1
    assert "self._writer_thread.write(data)" in inspect.getsource(LinuxDriver.write)
    assert list(inspect.signature(LinuxDriver.write).parameters) == ["self", "data"]
    assert FrameDriver.write is not LinuxDriver.write


def test_the_compositor_still_composes_renders_front_to_back_first_piece_wins() -> None:
    # tui/compositor.py: ShownAreaCompositor overrides Compositor._get_renders, and
    # ReaderScreen.__init__ replaces Screen._compositor with one. Right only while
    # _render_chops takes (region, clip, lines of region within clip) front to back and
    # keeps the first piece per cut, and Screen makes its compositor in __init__.
    from textual._compositor import Compositor

    from tui.compositor import ShownAreaCompositor
    from tui.screens.reader import ReaderScreen

    chops = inspect.getsource(Compositor._render_chops)
    assert "renders = self._get_renders(crop)" in chops
    assert "for region, clip, strips in renders:" in chops
    assert "render_region = intersection(region, clip)" in chops
    assert "if get_chops_line(cut) is None:" in chops
    assert list(inspect.signature(Compositor._get_renders).parameters) == ["self", "crop"]
    assert "visible_widgets.sort(key=itemgetter(0), reverse=True)" in inspect.getsource(Compositor)
    assert "self._compositor = Compositor()" in inspect.getsource(Screen.__init__)
    assert "self._compositor = ShownAreaCompositor()" in inspect.getsource(ReaderScreen)
    assert ShownAreaCompositor._get_renders is not Compositor._get_renders


def test_the_screens_focused_reactive_is_still_a_plain_repainting_one() -> None:
    # tui/screens/reader.py redefines Screen.focused without repaint (a focus change
    # repainted all the screen). That is all it changes while Textual's is a plain
    # Reactive (no layout, no init, no compute) whose watcher refreshes the bindings.
    from tui.screens.reader import ReaderScreen

    textuals = Screen.__dict__["focused"]
    ours = ReaderScreen.__dict__["focused"]
    assert type(textuals) is Reactive and type(ours) is Reactive
    assert textuals._repaint and not ours._repaint
    for flag in ("_default", "_layout", "_init", "_always_update", "_recompose", "_bindings"):
        assert getattr(ours, flag) == getattr(textuals, flag), flag
    assert "refresh_bindings" in inspect.getsource(Screen._watch_focused)
    assert not hasattr(Screen, "compute_focused") and not hasattr(Screen, "validate_focused")


def test_the_key_bar_s_keys_are_still_footer_keys_made_by_footer_compose() -> None:
    # tui/widgets/footer.py: KeyBar turns each FooterKey that Footer.compose makes (from
    # the private textual.widgets._footer) into a BarKey before it mounts, and gives both
    # a virtual size without layout: that only saves a layout while Widget._size_updated
    # sets virtual_size through the reactive during a layout.
    from textual.widgets._footer import FooterKey

    from tui.widgets.footer import BarKey

    assert issubclass(BarKey, FooterKey) and "__slots__" not in vars(BarKey)
    assert "FooterKey(" in inspect.getsource(Footer.compose)
    assert "self.virtual_size = virtual_size" in inspect.getsource(Widget._size_updated)
    assert not BarKey.__dict__["virtual_size"]._layout
    assert not KeyBar.__dict__["virtual_size"]._layout
    assert isinstance(FooterKey.__dict__.get("compact"), Reactive)


def test_scroll_bars_are_still_made_and_drawn_as_the_steady_bar_expects() -> None:
    # tui/widgets/scrolling.py: SteadyBars turns the ScrollBar that Widget.vertical_scrollbar
    # makes into a SteadyScrollBar, which skips a whole repaint when nothing that
    # ScrollBar.render reads changed. Needed while a scroll bar colour set again,
    # unchanged, refreshes the bars; safe while render reads only what _look lists.
    from textual.css._style_properties import ScrollbarColorProperty
    from textual.scrollbar import ScrollBar

    from tui.widgets.scrolling import SteadyScrollBar

    assert "ScrollBar(" in inspect.getsource(Widget.__dict__["vertical_scrollbar"].fget)
    assert "vertical_scrollbar.refresh()" in inspect.getsource(ScrollbarColorProperty.__set__)
    assert "__slots__" not in vars(SteadyScrollBar)
    render = inspect.getsource(ScrollBar.render) + inspect.getsource(ScrollBar._render_bar)
    look = inspect.getsource(SteadyScrollBar._look)
    for name in (
        "grabbed",
        "mouse_over",
        "scrollbar_background_active",
        "scrollbar_color_active",
        "scrollbar_background_hover",
        "scrollbar_color_hover",
        "background_colors",
        "window_size",
        "window_virtual_size",
        "position",
        "thickness",
    ):
        assert name in render and name in look, name
