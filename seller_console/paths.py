"""Where the app keeps its files: per-OS folders from platformdirs, or one folder for tests.

``SELLER_CONSOLE_HOME`` puts everything under one folder (tests, screenshots, a portable
install); otherwise config, data and cache go where the OS expects them.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "SellerConsole"
HOME_ENV = "SELLER_CONSOLE_HOME"


@dataclass(frozen=True, slots=True)
class AppPaths:
    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @classmethod
    def default(cls) -> AppPaths:
        home = os.environ.get(HOME_ENV)
        if home:
            root = Path(home)
            return cls(root / "config", root / "data", root / "cache")
        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        )

    @property
    def log_folder(self) -> Path:
        return self.data_dir / "logs"

    @property
    def show_database(self) -> Path:
        """Every show, its orders and its journal (and the embedded sandbox's beside it)."""
        return self.data_dir / "shows.sqlite3"

    @property
    def autosave_file(self) -> Path:
        return self.data_dir / "autosave.showplan.json"

    @property
    def image_cache_dir(self) -> Path:
        return self.cache_dir / "images"

    @property
    def window_state_file(self) -> Path:
        return self.config_dir / "window.ini"


def resources_dir() -> Path:
    """The bundled ``resources/`` folder, from a source checkout or a frozen build."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def configure_logging(folder: Path, name: str) -> None:
    """INFO and up to a rotating file ``folder/name`` (one per process: the window's and
    the live engine's), WARNING and up to standard error."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    root.addHandler(console)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).open("a", encoding="utf-8").close()  # unwritable: said at once
    except OSError as exc:
        logging.getLogger(__name__).warning("no log file: %s", exc.strerror)
        return
    root.addHandler(_LogFile(folder / name))


class _LogFile(logging.Handler):
    """The rotating log file, opened at the first record: ``logging.handlers`` (with
    socket, selectors, pickle and queue, ~10 ms) loads then, which for the window is
    after its first paint, unless something goes wrong sooner."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            import logging.handlers

            try:
                self._file = logging.handlers.RotatingFileHandler(
                    self._path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
                )
            except OSError:
                self.handleError(record)  # as a file handler that cannot write does
                return
            self._file.setFormatter(
                logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
            )
        self._file.handle(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()
