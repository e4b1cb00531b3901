"""Debian's Chromium, driven by Playwright's Python package (which downloads no browser
here: it is pointed at the system's executable). Shared by the tests and bench_overlay."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

# Debian's /usr/bin/chromium is a shell wrapper; Playwright needs the binary itself.
_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    """The path of a Chromium executable, or None when none is installed."""
    override = os.environ.get("SELLER_CONSOLE_CHROMIUM")
    for name in (override, *_CANDIDATES) if override else _CANDIDATES:
        if name and Path(name).is_file() and os.access(name, os.X_OK):
            return name
        found = shutil.which(name) if name else None
        if found:
            return found
    return None


NO_CHROMIUM = "no Chromium found (apt-get install chromium, or set SELLER_CONSOLE_CHROMIUM)"


@contextmanager
def chromium() -> Iterator[Browser]:
    path = find_chromium()
    if path is None:
        raise RuntimeError(NO_CHROMIUM)
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=args, headless=True)
        try:
            yield browser
        finally:
            browser.close()
