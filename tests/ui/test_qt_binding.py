"""The Qt binding keeps Python's reference counts: a long show makes millions of Qt calls.

PySide6 6.12.0 under Python 3.11 dropped a reference to ``None`` on every call that
returns nothing and to ``True``/``False`` on every bool signal; None, True and False are
not immortal before 3.12, so the app died after enough calls. This guards an upgrade.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

CALLS = 5000


class _Emitter(QObject):
    flag = Signal(bool)


def test_void_calls_and_bool_signals_keep_reference_counts(qapp):
    label = QLabel()
    emitter = _Emitter()
    seen: list[bool] = []
    emitter.flag.connect(seen.append)
    counts = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
    for n in range(CALLS):
        label.setText("x")
        label.setVisible(False)
        emitter.flag.emit(n % 2 == 0)
    seen.clear()
    after = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
    drift = [b - a for a, b in zip(counts, after, strict=True)]
    assert all(abs(d) < 10 for d in drift), f"None/True/False references drifted by {drift}"
