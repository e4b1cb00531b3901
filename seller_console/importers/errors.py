"""Why a whole file could not be imported. Row-level problems go in the report instead."""

from __future__ import annotations

from pathlib import Path


class CatalogImportError(Exception):
    """The file cannot be imported at all: unreadable, unknown format, or too large.

    The message names the file and says what is wrong in words a brand rep understands.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


class ImportCancelledError(CatalogImportError):
    def __init__(self, path: Path) -> None:
        super().__init__(path, "the import was cancelled")


class UnknownFormatError(CatalogImportError):
    """No row near the top is the header of a format the console knows: the file can
    still be imported as a generic CSV, given a column mapping."""
