"""Test configuration shared by every test.

- Qt runs headless: the offscreen platform is set here, before anything imports Qt.
- The importers' compiled modules must be built from their current source (setup.py).
- A WARNING (or worse) log record from our code fails the test that produced it, unless
  the test declares it expects one with ``@pytest.mark.allow_warning_logs``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import SHARED_CATALOGS, stale_build

os.environ["QT_QPA_PLATFORM"] = "offscreen"


def pytest_sessionstart(session: pytest.Session) -> None:
    """The importers' hot path runs compiled (setup.py): testing a build older than its
    source would pass or fail on code nobody is looking at."""
    problem = stale_build()
    if problem is not None:
        pytest.exit(f"{problem}: run `make` (it compiles them) and test again", returncode=4)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_warning_logs: the test expects WARNING log records from our code"
    )


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("seller_console"):
            self.records.append(record)


@pytest.fixture(autouse=True)
def _fail_on_warning_logs(request: pytest.FixtureRequest) -> Iterator[None]:
    collector = _WarningCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield
    finally:
        root.removeHandler(collector)
    if collector.records and request.node.get_closest_marker("allow_warning_logs") is None:
        lines = "\n".join(f"{r.name}: {r.getMessage()}" for r in collector.records)
        pytest.fail(f"unexpected WARNING log records:\n{lines}")


@pytest.fixture
def shared_catalogs() -> Path:
    """The shared real-world catalogs, read in place; the test is skipped without them.

    The folder has one subfolder per format (``shopify/``, ``google_merchant/`` ...) and a
    ``MANIFEST.md`` with each file's counts; ``shared_catalog_files`` lists the files.
    """
    if not SHARED_CATALOGS.is_dir():
        pytest.skip(f"shared catalogs not present at {SHARED_CATALOGS}")
    return SHARED_CATALOGS
