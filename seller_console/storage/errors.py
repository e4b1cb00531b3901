"""SQLite failures, typed: known (the environment: tell the user) or bugs (ours: report).

The primary result code decides (qutebrowser's ``misc/sql.py`` does the same):
FULL, READONLY, PERM, BUSY/LOCKED, CORRUPT/NOTADB, CANTOPEN and IOERR are known;
anything else (a constraint we broke, SQL that does not parse ...) is a bug.
"""

from __future__ import annotations

import sqlite3
from typing import Final

from seller_console.domain.storage_port import StorageError, StorageErrorKind


class StorageKnownError(StorageError):
    """The environment is at fault; ``user_message`` says what happened and what to do."""

    known = True


class StorageBug(StorageError):
    """The app is at fault: log it and report it."""

    known = False
    kind = StorageErrorKind.BUG


_KNOWN: Final[dict[int, tuple[StorageErrorKind, str]]] = {
    sqlite3.SQLITE_FULL: (
        StorageErrorKind.DISK_FULL,
        "The disk is full, so {what} could not be saved. Free some space; "
        "the show's data will be saved again from where it stopped.",
    ),
    sqlite3.SQLITE_READONLY: (
        StorageErrorKind.READ_ONLY,
        "The app's data file is read-only, so {what} could not be saved. "
        "Check the permissions of the app's data folder.",
    ),
    sqlite3.SQLITE_PERM: (
        StorageErrorKind.READ_ONLY,
        "The app may not write its data file, so {what} could not be saved. "
        "Check the permissions of the app's data folder.",
    ),
    sqlite3.SQLITE_BUSY: (
        StorageErrorKind.LOCKED,
        "The app's data file is locked by another program, so {what} failed. "
        "Close any other copy of the app and try again.",
    ),
    sqlite3.SQLITE_LOCKED: (
        StorageErrorKind.LOCKED,
        "The app's data file is locked, so {what} failed. Try again in a moment.",
    ),
    sqlite3.SQLITE_CORRUPT: (
        StorageErrorKind.DAMAGED,
        "The app's data file is damaged ({what} failed). Restore it from a backup "
        "or move it away to start afresh.",
    ),
    sqlite3.SQLITE_NOTADB: (
        StorageErrorKind.DAMAGED,
        "The app's data file is not a database ({what} failed). Move it away to start afresh.",
    ),
    sqlite3.SQLITE_CANTOPEN: (
        StorageErrorKind.CANNOT_OPEN,
        "The app's data file cannot be opened ({what} failed). Check that its folder exists "
        "and can be written.",
    ),
    sqlite3.SQLITE_IOERR: (
        StorageErrorKind.CANNOT_OPEN,
        "The disk failed while {what}. Check the disk and try again.",
    ),
}


def translate(exc: sqlite3.Error, what: str) -> StorageError:
    """The typed error for ``exc``, raised while doing ``what`` ("saving orders")."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        known = _KNOWN.get(code & 0xFF)
        if known is not None:
            kind, text = known
            return StorageKnownError(text.format(what=what), kind)
    return StorageBug(f"Saving failed unexpectedly while {what} ({type(exc).__name__}: {exc}).")
