"""The light and the dark palette are both readable: text against its background, and a
field's edge against the field (Fusion draws it in the window's colour, darkened)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QLineEdit,
    QMenu,
    QRadioButton,
    QStyle,
    QStyleFactory,
    QStyleOptionButton,
)

from seller_console.app import Console
from seller_console.settings import Theme
from seller_console.ui.theme import FusionStyle, palette, system_is_dark

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


def _edges(image: QImage, rect: QRect) -> list[list[QColor]]:
    """The pixels of each side of ``rect``: top, bottom, left, right."""
    xs = range(rect.left(), rect.right() + 1)
    ys = range(rect.top(), rect.bottom() + 1)
    return [
        [image.pixelColor(x, rect.top()) for x in xs],
        [image.pixelColor(x, rect.bottom()) for x in xs],
        [image.pixelColor(rect.left(), y) for y in ys],
        [image.pixelColor(rect.right(), y) for y in ys],
    ]


def _distance(a: QColor, b: QColor) -> int:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue()))


@pytest.mark.parametrize(
    ("kind", "indicator"),
    [
        (QCheckBox, QStyle.SubElement.SE_CheckBoxIndicator),
        (QRadioButton, QStyle.SubElement.SE_RadioButtonIndicator),
    ],
)
def test_an_unchecked_choice_has_a_visible_edge_in_the_dark(qapp, kind, indicator):
    """QA: on the dark window an unchecked check box or radio button (the Platform
    dialog's choices, "In stock only") had an edge a few levels off the window's colour."""
    style = FusionStyle()
    pal = palette(True)
    button: QCheckBox | QRadioButton = kind("In stock only")
    button.setStyle(style)
    button.setPalette(pal)
    button.resize(button.sizeHint())
    option = QStyleOptionButton()
    button.initStyleOption(option)
    rect = style.subElementRect(indicator, option, button)
    image = button.grab().toImage()
    window = pal.color(Role.Window)
    for side in _edges(image, rect):
        assert max(_distance(pixel, window) for pixel in side) >= 48, side


def test_fields_look_as_fusion_draws_them(qapp):
    """The indicators' outline is the only change: a field is drawn as plain Fusion does."""
    images = []
    for style in (QStyleFactory.create("Fusion"), FusionStyle()):
        field = QLineEdit("Sea Fennel Gel Cleanser")
        field.setStyle(style)
        field.setPalette(palette(True))
        field.resize(200, 30)
        images.append(field.grab().toImage())
    assert images[0] == images[1]


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
