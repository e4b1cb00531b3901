"""Who is watching: viewers, likes and the newest comments, where the platform gives them.

Comments are viewers' text: shown as plain text (list items never render rich text; the
tooltip with a long comment's whole text is escaped), one line each folded from whatever
blanks and line breaks they hold and cut at ``COMMENT_CHARS``. Newest at the bottom, at
most the live state's last few (so the dock's memory is bounded), each comment id once.
The list follows the newest comment unless the reader has scrolled up to read an older
one; it is updated in place, so reading is never interrupted by a reset.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.events import CommentPosted
from seller_console.domain.text import clean_text
from seller_console.ui.numbers import count_text
from seller_console.ui.widgets.text import escaped_tooltip, plain_label

if TYPE_CHECKING:
    from seller_console.services.live_session import LiveState

COMMENT_CHARS = 280
"""A comment longer than this is cut (with "…") in the list; its tooltip has it whole."""


def comment_line(comment: CommentPosted) -> str:
    """``author: text`` on one line, cut at ``COMMENT_CHARS``."""
    line = f"{clean_text(comment.author) or 'viewer'}: {clean_text(comment.text)}"
    return line if len(line) <= COMMENT_CHARS else line[: COMMENT_CHARS - 1] + "…"


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
        self._shown: tuple[str, ...] = ()  # the window shows the live side's first state
        # Whether the list follows the newest comment: the reader's choice, kept here and
        # not read off the scroll bar when comments arrive, since a list that is hidden (a
        # tab behind another dock) has no scroll range yet and would seem scrolled up.
        self._following = True
        bar = self.comments.verticalScrollBar()
        bar.valueChanged.connect(self._scrolled)
        bar.rangeChanged.connect(self._range_changed)

    def _scrolled(self, value: int) -> None:
        self._following = value >= self.comments.verticalScrollBar().maximum()

    def _range_changed(self, _minimum: int, maximum: int) -> None:
        if self._following:
            self.comments.verticalScrollBar().setValue(maximum)

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
        self._show_comments(state.comments)

    def _show_comments(self, comments: tuple[CommentPosted, ...]) -> None:
        """Drop the rows that left the state's window, append the new ones, in place."""
        ids = tuple(c.comment_id for c in comments)
        if ids == self._shown:
            return
        kept = set(ids)
        while self.comments.count() and self._shown and self._shown[0] not in kept:
            self.comments.takeItem(0)
            self._shown = self._shown[1:]
        shown = set(self._shown)
        added: list[str] = []
        for comment in comments:
            if comment.comment_id in shown:
                continue
            shown.add(comment.comment_id)
            row = QListWidgetItem(comment_line(comment))  # plain text, as the viewer wrote it
            whole = f"{comment.author}: {comment.text}"
            tip = escaped_tooltip(whole)
            if tip is not None and (len(whole) > COMMENT_CHARS or "\n" in comment.text):
                row.setToolTip(tip)
            self.comments.addItem(row)
            added.append(comment.comment_id)
        self._shown += tuple(added)
        if self._following:
            self.comments.scrollToBottom()
        count = self.comments.count()
        self.setWindowTitle(
            f"Audience ({count} comment{'s' if count != 1 else ''})" if count else "Audience"
        )
