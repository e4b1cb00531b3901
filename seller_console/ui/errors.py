"""One place for what went wrong: unexpected errors are logged and shown once, never a traceback.

Known problems (a file that cannot be read, a plan that cannot be saved) are reported by
the view-models as messages. Anything else reaching ``sys.excepthook``,
``threading.excepthook`` or the event loop's handler is a bug: it is logged with its
traceback and the user sees one plain dialog that says their work is autosaved.
"""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QMessageLogContext,
    QObject,
    Qt,
    QtMsgType,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QMessageBox, QWidget

if TYPE_CHECKING:
    import asyncio  # the loop is given to watch(): it loads after the window's first paint

log = logging.getLogger(__name__)


class ErrorReporter(QObject):
    bug_reported = Signal(str)

    def __init__(self, parent_window: QWidget | None = None) -> None:
        super().__init__()
        self._window = parent_window
        self._showing = False
        self.bug_reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        """Before the window is made: what goes wrong while it starts is reported too."""
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_hook

    def watch(self, loop: asyncio.AbstractEventLoop) -> None:
        """The event loop's unhandled errors too, once it runs (after the first paint)."""
        loop.set_exception_handler(self._loop_handler)

    def set_window(self, window: QWidget) -> None:
        self._window = window

    def _excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            return
        log.critical("unexpected error", exc_info=(kind, exc, tb))
        self.bug_reported.emit(f"{kind.__name__}: {exc}")

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self._excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def _loop_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, BaseException):
            self._excepthook(type(exc), exc, exc.__traceback__)
        else:
            log.error("event loop: %s", context.get("message"))

    def _show(self, summary: str) -> None:
        if self._showing:
            return
        self._showing = True
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Something went wrong",
            "Seller Console hit an unexpected error. Your show plan is "
            "autosaved; the details are in the log.",
            parent=self._window,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDetailedText(summary)
        box.finished.connect(self._closed)
        box.open()

    def _closed(self) -> None:
        self._showing = False


# Qt's own notes that say nothing about our program (offscreen and headless platforms).
BENIGN_QT_MESSAGES = ("This plugin does not support propagateSizeHints()",)
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
_qt_log = logging.getLogger("seller_console.qt")


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if message in BENIGN_QT_MESSAGES:
        return
    _qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def route_qt_messages() -> None:
    """Qt's warnings go to our log, where a test or a user can see them."""
    qInstallMessageHandler(_qt_message)
