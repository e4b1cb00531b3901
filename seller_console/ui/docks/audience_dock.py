"""Who is watching: viewers, likes and the newest comments, where the platform gives them.

Comments are viewers' text: shown as plain text (list items never render rich text),
newest at the bottom, at most the live state's last few.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget, QLabel, QListWidget, QVBoxLayout, QWidget

from seller_console.services.live_session import LiveState
from seller_console.ui.numbers import count_text
from seller_console.ui.widgets.text import plain_label


class AudienceDock(QDockWidget):
    def __init__(self) -> None:
        super().__init__("Audience")
        self.setObjectName("audience_dock")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        self.figures: QLabel = plain_label("")
        self.figures.setObjectName("audience_figures")
        layout.addWidget(self.figures)
        self.comments = QListWidget()
        self.comments.setObjectName("audience_comments")
        self.comments.setWordWrap(True)
        self.comments.setAlternatingRowColors(True)
        layout.addWidget(self.comments, 1)
        self.setWidget(body)
        self._shown: tuple[str, ...] = ()
        self.show_state(LiveState())

    def show_state(self, state: LiveState) -> None:
        caps = state.capabilities
        if caps is not None and not caps.viewers and not caps.comments:
            self.figures.setText("This platform reports no viewers or comments.")
        else:
            viewers = state.viewers
            parts = [f"{count_text(viewers)} watching" if viewers is not None else "—"]
            if state.likes is not None:
                parts.append(f"{count_text(state.likes)} likes")
            self.figures.setText("   ".join(parts))
        lines = tuple(f"{c.author}: {c.text}" for c in state.comments)
        if lines == self._shown:
            return
        self._shown = lines
        self.comments.clear()
        self.comments.addItems(list(lines))  # plain text, as the viewers wrote it
        self.comments.scrollToBottom()
        self.setWindowTitle(f"Audience ({len(lines)} comments)" if lines else "Audience")
