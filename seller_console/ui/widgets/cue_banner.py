"""The operator's cue: pin this product in the platform's own app, then confirm.

Shown above the stage while the live session waits for the operator (a platform with no
pin API, or one that refused the pin call): the product, its position in the platform's
bag, the seconds left before the cue expires, and a big "Pinned it" button (Space does
the same). When a flash sale begins or ends, the same banner asks to set the price. Plain
text only: the title comes from a catalog.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from seller_console.ui.numbers import money_text
from seller_console.ui.widgets.text import plain_label

if TYPE_CHECKING:  # the live session's types: imported once a show brings a cue
    from seller_console.services.live_session import Cue


class CueBanner(QFrame):
    confirmed = Signal()  # "Pinned it"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cue_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#cue_banner { background: #fff4d6; } QLabel { color: #3b2f00; }")
        self.text = plain_label("", wrap=True)
        font = self.text.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.text.setFont(font)
        self.button = QPushButton("Pinned it (Space)")
        self.button.setObjectName("cue_confirm")
        self.button.setMinimumHeight(44)
        self.button.clicked.connect(self.confirmed)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._cue: Cue | None = None
        self._timer = QTimer(self, interval=500)
        self._timer.timeout.connect(self._refresh)
        self.hide()

    def show_cue(self, cue: Cue | None) -> None:
        self._cue = cue
        if cue is None:
            self._timer.stop()
            self.hide()
            return
        from seller_console.services.live_session import CueKind

        price = cue.kind is not CueKind.PIN
        self.button.setText("Price set (Space)" if price else "Pinned it (Space)")
        self._refresh()
        self.show()
        self._timer.start()

    def _refresh(self) -> None:
        cue = self._cue
        if cue is None:
            return
        from seller_console.services.live_session import CueKind

        left = max(0, math.ceil((cue.expires_at - datetime.now(UTC)).total_seconds()))
        if cue.kind is not CueKind.PIN:
            to = money_text(cue.price) if cue.price is not None else "its usual price"
            why = "ended" if cue.kind is CueKind.PRICE_BACK else "is on"
            self.text.setText(
                f"The flash sale of “{cue.title}” {why}: set its price to {to} in the "
                f"platform's app, then press Space. {left} s left."
            )
            return
        self.text.setText(
            f"Pin “{cue.title}” in the platform's app (position {cue.bag_position} in the "
            f"bag), then press Space. {left} s left."
        )
