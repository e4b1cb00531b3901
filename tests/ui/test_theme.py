"""The light and the dark palette are both readable: text against its background, and a
field's edge against the field (Fusion draws it in the window's colour, darkened)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QMenu

from seller_console.app import Console
from seller_console.settings import Theme
from seller_console.ui.theme import palette, system_is_dark

from .conftest import close_console

Role = QPalette.ColorRole


def _luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("dark", [False, True])
def test_text_is_readable_on_every_background(qapp, dark):
    pal = palette(dark)
    for text, background in (
        (Role.WindowText, Role.Window),
        (Role.Text, Role.Base),
        (Role.Text, Role.AlternateBase),
        (Role.ButtonText, Role.Button),
        (Role.HighlightedText, Role.Highlight),
        (Role.ToolTipText, Role.ToolTipBase),
    ):
        ratio = contrast(pal.color(text), pal.color(background))
        assert ratio >= 4.5, (dark, text, background, ratio)  # WCAG AA for body text
    assert contrast(pal.color(Role.PlaceholderText), pal.color(Role.Base)) >= 3.0


@pytest.mark.parametrize("dark", [False, True])
def test_a_field_has_a_visible_edge(qapp, dark):
    pal = palette(dark)
    outline = pal.color(Role.Window).darker(140)  # Fusion's outline for fields and boxes
    assert contrast(outline, pal.color(Role.Base)) >= 1.3, dark
    disabled = pal.color(QPalette.ColorGroup.Disabled, Role.Text)
    assert disabled != pal.color(Role.Text)  # a disabled editor looks disabled


def test_view_theme_applies_at_once_and_at_the_next_start(qapp, qtbot, run, app_paths):
    """View > Theme: Light and Dark apply at once, the choice is kept with the window's
    state and applied when the app starts again; System follows the system's scheme."""
    before = QPalette(qapp.palette())
    window_bg = Role.Window
    try:
        console = Console(qapp, app_paths)
        console.window.show()
        try:
            window = console.window
            menu = window.findChild(QMenu, "theme_menu")
            assert menu is not None
            assert [a.text() for a in menu.actions()] == ["&System", "&Light", "&Dark"]
            assert window.theme_actions[Theme.SYSTEM].isChecked()  # a first start
            window.theme_actions[Theme.DARK].trigger()
            assert window.theme_actions[Theme.DARK].isChecked()
            assert not window.theme_actions[Theme.SYSTEM].isChecked()
            assert qapp.palette().color(window_bg) == palette(True).color(window_bg)
            dark_bg = palette(True).color(window_bg)
            qtbot.waitUntil(lambda: window.stage.palette().color(window_bg) == dark_bg)
            # a panel with a style sheet (the rundown's editor) follows too: its labels are
            # written in the dark palette's text colour, not the light one's (unreadable)
            editor = window.rundown_dock.editor
            assert editor.styleSheet()
            label = editor.findChildren(QLabel)[0]
            text = palette(True).color(Role.WindowText)
            active = QPalette.ColorGroup.Active
            qtbot.waitUntil(lambda: label.palette().color(active, Role.WindowText) == text)
            # the live card's muted captions take the dark palette's muted colour
            muted = palette(True).color(Role.PlaceholderText)
            caption = window.stage.sales.caption
            qtbot.waitUntil(lambda: caption.palette().color(active, Role.WindowText) == muted)
            window.theme_actions[Theme.LIGHT].trigger()
            assert qapp.palette().color(window_bg) == palette(False).color(window_bg)
            window.theme_actions[Theme.DARK].trigger()
        finally:
            close_console(console, run)
        qapp.setPalette(palette(False))  # as the app starts: the system's (light here)

        again = Console(qapp, app_paths)
        try:
            window = again.window
            assert window.theme_actions[Theme.DARK].isChecked()
            assert qapp.palette().color(window_bg) == palette(True).color(window_bg)
            window.theme_actions[Theme.SYSTEM].trigger()
            system = palette(system_is_dark()).color(window_bg)
            assert qapp.palette().color(window_bg) == system
        finally:
            close_console(again, run)
    finally:
        qapp.setPalette(before)
        qapp.setProperty("seller_console_theme", None)


def test_a_saved_theme_that_is_not_known_is_the_systems():
    assert Theme.parse("dark") is Theme.DARK
    assert Theme.parse("sepia") is Theme.SYSTEM
    assert Theme.parse(None) is Theme.SYSTEM
