"""The light and the dark palette are both readable: text against its background, and a
field's edge against the field (Fusion draws it in the window's colour, darkened)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette

from seller_console.ui.theme import palette

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
