"""The app's log file: what is logged reaches it, and one that cannot be written is said."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from seller_console.paths import configure_logging


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, given back as it was (configure_logging adds its handlers)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield root
    finally:
        for handler in root.handlers:
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)


def test_records_from_info_up_reach_the_log_file(root_logger: logging.Logger, tmp_path: Path):
    log_file = tmp_path / "logs" / "app.log"
    configure_logging(log_file.parent, log_file.name)
    assert log_file.is_file()  # made at once, as the folder is, before anything is logged
    logging.getLogger("seller_console.test").info("catalog %s opened", "a.csv")
    logging.getLogger("seller_console.test").debug("not kept")
    for handler in root_logger.handlers:
        handler.flush()
    lines = log_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("INFO seller_console.test: catalog a.csv opened")


@pytest.mark.allow_warning_logs
def test_a_log_folder_that_cannot_be_made_is_said(
    root_logger: logging.Logger, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    blocked = tmp_path / "a file"
    blocked.write_text("", encoding="utf-8")
    configure_logging(blocked / "logs", "app.log")
    assert any(r.getMessage().startswith("no log file") for r in caplog.records)
