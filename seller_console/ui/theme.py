"""Light and dark palettes: the system's colour scheme's, or the one chosen in View > Theme;
and the tones every panel shares for good / warning / bad, one set for each."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

from seller_console.settings import Theme

_CHOSEN = "seller_console_theme"  # the application's property that holds the choice

_DARK = {
    QPalette.ColorRole.Window: "#202124",
    QPalette.ColorRole.WindowText: "#e8eaed",
    # Fusion outlines fields in the window's colour, darkened: fields lighter than the
    # window keep a visible edge (a field as dark as its outline had none)
    QPalette.ColorRole.Base: "#2e3034",
    QPalette.ColorRole.AlternateBase: "#34363b",
    QPalette.ColorRole.Text: "#e8eaed",
    QPalette.ColorRole.Button: "#36383d",
    QPalette.ColorRole.ButtonText: "#e8eaed",
    QPalette.ColorRole.Highlight: "#2b66c9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2b2c30",
    QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.PlaceholderText: "#8a8d93",
    QPalette.ColorRole.Link: "#8ab4f8",
}
_LIGHT = {
    QPalette.ColorRole.Window: "#f4f5f7",
    QPalette.ColorRole.WindowText: "#1f2328",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f0f2f5",
    QPalette.ColorRole.Text: "#1f2328",
    QPalette.ColorRole.Button: "#eceef1",
    QPalette.ColorRole.ButtonText: "#1f2328",
    QPalette.ColorRole.Highlight: "#2f6fd6",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#ffffdc",
    QPalette.ColorRole.ToolTipText: "#1f2328",
    QPalette.ColorRole.PlaceholderText: "#6e7781",
    QPalette.ColorRole.Link: "#0969da",
}


def palette(dark: bool) -> QPalette:
    pal = QPalette()
    for role, color in (_DARK if dark else _LIGHT).items():
        pal.setColor(role, QColor(color))
    disabled = QColor("#6b6e74" if dark else "#a0a4aa")
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return pal


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def follow_system(app: QApplication) -> None:
    """Fusion style with our palette, re-applied whenever the system scheme changes while
    the theme is the system's (``apply_theme`` chooses another)."""
    app.setStyle(FusionStyle())
    apply_theme(app, Theme.SYSTEM)
    app.styleHints().colorSchemeChanged.connect(lambda scheme: _scheme_changed(app, scheme))


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Light, dark, or the system's scheme (followed from then on); at once."""
    app.setProperty(_CHOSEN, theme.value)
    dark = system_is_dark() if theme is Theme.SYSTEM else theme is Theme.DARK
    _set_palette(app, palette(dark))


def chosen_theme(app: QApplication) -> Theme:
    return Theme.parse(app.property(_CHOSEN))


def _scheme_changed(app: QApplication, scheme: Qt.ColorScheme) -> None:
    if chosen_theme(app) is Theme.SYSTEM:
        _set_palette(app, palette(scheme == Qt.ColorScheme.Dark))


def _set_palette(app: QApplication, pal: QPalette) -> None:
    """The palette for every widget: one with a style sheet keeps the palette it was
    polished with until its sheet is set again (Qt does not re-polish it)."""
    if pal == app.palette():
        return
    app.setPalette(pal)
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)


# Fusion outlines an unchecked check box or radio button in the window's colour darkened
# (#202124 -> #171719 in the dark palette: no edge at all on the dark window); drawn as if
# the window were this grey, the outline is a mid grey that stands out without glaring.
_DARK_INDICATOR_WINDOW = QColor("#a0a4aa")
_INDICATORS = (
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorRadioButton,
)


class FusionStyle(QProxyStyle):
    """Fusion, with check boxes and radio buttons that keep a visible edge in a dark palette;
    everything else (tables, fields, buttons) as Fusion draws it."""

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element in _INDICATORS and is_dark(option.palette):
            tinted = QPalette(option.palette)
            tinted.setColor(QPalette.ColorRole.Window, _DARK_INDICATOR_WINDOW)
            option = type(option)(option)  # the caller's kind of option, with all its fields
            option.palette = tinted
        super().drawPrimitive(element, option, painter, widget)


class Tone(Enum):
    GOOD = "good"
    WARNING = "warning"
    BAD = "bad"
    ON_AIR = "on_air"


_LIGHT_TONES = {
    Tone.GOOD: "#1e7e34",
    Tone.WARNING: "#a15c00",
    Tone.BAD: "#c5221f",
    Tone.ON_AIR: "#d93025",
}
_DARK_TONES = {
    Tone.GOOD: "#81c995",
    Tone.WARNING: "#fdd663",
    Tone.BAD: "#f28b82",
    Tone.ON_AIR: "#ee675c",
}


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def tone_color(tone: Tone, palette: QPalette | None = None) -> QColor:
    """The colour of ``tone`` readable on ``palette`` (the application's by default)."""
    pal = palette if palette is not None else QGuiApplication.palette()
    return QColor((_DARK_TONES if is_dark(pal) else _LIGHT_TONES)[tone])
