"""Small helpers for importer tests: write a file exactly as given, import it."""

from __future__ import annotations

from pathlib import Path

from seller_console.importers import ImportOptions, ImportResult, import_catalog


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def load(path: Path, **options: object) -> ImportResult:
    return import_catalog(path, ImportOptions(**options))  # type: ignore[arg-type]


def reasons(result: ImportResult) -> list[str]:
    return [p.reason for p in result.report.rejected]


def warning_kinds(result: ImportResult) -> list[str]:
    return [w.kind.value for w in result.report.warnings if w.kind is not None]
