"""Storage failures as services and the UI see them, without importing ``storage``.

``seller_console.storage`` raises subclasses: ``StorageKnownError`` when the environment is
at fault (disk full, read-only, locked, damaged: ``known`` is True and ``user_message``
says what to do) and ``StorageBug`` when the app is (``known`` is False: log it, crash
dialog). The split follows qutebrowser's ``misc/sql.py`` KnownError/BugError.
"""

from __future__ import annotations

import enum


class StorageErrorKind(enum.Enum):
    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"
    LOCKED = "locked"
    DAMAGED = "damaged"
    CANNOT_OPEN = "cannot_open"
    TOO_NEW = "too_new"  # written by a newer version of the app
    NOT_FOUND = "not_found"  # a show (or other record) that is not stored
    BUG = "bug"


class StorageError(Exception):
    """A storage operation that failed; ``user_message`` is safe to show."""

    kind: StorageErrorKind = StorageErrorKind.BUG
    known: bool = False

    def __init__(self, user_message: str, kind: StorageErrorKind | None = None) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        if kind is not None:
            self.kind = kind
