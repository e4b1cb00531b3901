"""Helpers shared by several test folders (no fixtures: those live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_CATALOGS = REPO_ROOT.parent / "shared" / "testdata" / "catalogs"


def shared_catalog_files(folder: Path) -> list[Path]:
    """Every catalog file below ``folder`` (one subfolder per format), in a stable order."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name != "MANIFEST.md" and not p.name.startswith(".")
    )
