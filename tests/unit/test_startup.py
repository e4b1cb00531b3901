"""What the window's start-up loads before its first paint."""

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

import seller_console

# The app as ``python -m seller_console`` starts it, in a fresh interpreter: at the first
# Paint event, the painted window's name and the modules loaded so far; then, once the
# window has made what comes after the first paint, the modules loaded by then.
_FIRST_PAINT = """
import json, os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

found = {}

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if "painted" not in found and event.type() == QEvent.Type.Paint:
            found["painted"] = obj.window().objectName()
            found["at_paint"] = sorted(sys.modules)
            QTimer.singleShot(0, after)
        return False

def after(tries=[0]):
    tries[0] += 1
    if "seller_console.ui.viewmodels.live_vm" not in sys.modules and tries[0] < 500:
        QTimer.singleShot(10, after)
        return
    found["after"] = sorted(sys.modules)
    print(json.dumps(found), flush=True)
    os._exit(0)

qapp = QApplication([sys.argv[0]])
qapp.installEventFilter(FirstPaint(qapp))
from seller_console.app import main
sys.exit(main([]))
"""

# The app as above, with a bug in what runs just after the first paint, before the app's
# loop starts: what the user sees (the dialogs shown) once the window has started.
_BUG_AT_START = """
import json, os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
import seller_console.ui.main_window as main_window

def bug(self):
    raise RuntimeError("a bug at start")

def shown():
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    return [b.windowTitle() for b in boxes if b.isVisible()]

def report():
    print(json.dumps(shown()), flush=True)
    os._exit(0)

def seen(tries=[0]):
    tries[0] += 1
    if not shown() and tries[0] < 1000:
        QTimer.singleShot(20, seen)
    else:  # a moment more, for any other dialog
        QTimer.singleShot(300, report)

main_window.MainWindow._build_stage = bug
qapp = QApplication([sys.argv[0]])
QTimer.singleShot(0, seen)
from seller_console.app import main
sys.exit(main([]))
"""

# What the window can do without until just after its first paint: asyncio and qasync
# (with ssl and concurrent.futures: the app's loop starts once the window has painted);
# logging.handlers (with socket) until the first record is logged; hashlib (with OpenSSL's
# library) until an image is downloaded; importlib.metadata (with email and zipfile,
# ~50 ms) for the version; the import worker until a big catalog is opened; the dialogs
# until they are opened, the host view until its first F11, the on-air stage; the live
# side (its view-model, the live session, the live engine and its process handle,
# multiprocessing, the live panels and tables); the platform's interface (a rundown is
# planned without it; the window only catches its error); the shows commands.
LATER = (
    "asyncio",
    "concurrent.futures",
    "hashlib",
    "importlib.metadata",
    "logging.handlers",
    "multiprocessing",
    "qasync",
    "seller_console.domain.events",
    "seller_console.domain.on_air",
    "seller_console.domain.platform_port",
    "seller_console.domain.product_columns",
    "seller_console.domain.stage",
    "seller_console.live_engine",
    "seller_console.live_link",
    "seller_console.services.import_worker",
    "seller_console.services.live_process",
    "seller_console.services.live_session",
    "seller_console.services.on_air_feed",
    "seller_console.shows_cli",
    "seller_console.ui.dialogs.column_map",
    "seller_console.ui.dialogs.import_options",
    "seller_console.ui.dialogs.import_report",
    "seller_console.ui.dialogs.obs_dialog",
    "seller_console.ui.dialogs.past_shows",
    "seller_console.ui.dialogs.profiles_dialog",
    "seller_console.ui.dialogs.show_report",
    "seller_console.ui.docks.audience_dock",
    "seller_console.ui.docks.live_docks",
    "seller_console.ui.host_view",
    "seller_console.ui.models.feed_model",
    "seller_console.ui.models.live_tables",
    "seller_console.ui.viewmodels.live_state",
    "seller_console.ui.viewmodels.live_vm",
    "seller_console.ui.widgets.live_stage",
    "socket",
    "ssl",
)


def test_the_version_comes_from_the_package_metadata():
    assert seller_console.__version__ == version("seller-console")


def _started(script: str, home: Path) -> object:
    """What ``script`` prints last (JSON), run as the app starts: a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={
            "QT_QPA_PLATFORM": "offscreen",
            "PATH": "/usr/bin:/bin",
            "SELLER_CONSOLE_HOME": str(home),
        },
    )
    return json.loads(out.stdout.splitlines()[-1])


def test_the_first_paint_is_the_main_window_without_what_it_needs_only_later(tmp_path: Path):
    found = _started(_FIRST_PAINT, tmp_path)
    assert isinstance(found, dict)
    assert found["painted"] == "main_window"
    at_paint, after = set(found["at_paint"]), set(found["after"])
    assert "seller_console.ui.main_window" in at_paint
    assert sorted(at_paint.intersection(LATER)) == []
    # ... and the live side is made right after the first paint, with nothing asked
    assert "seller_console.ui.viewmodels.live_vm" in after
    assert "seller_console.services.live_session" in after


def test_a_bug_before_the_apps_loop_runs_is_logged_and_shown_as_one_dialog(tmp_path: Path):
    assert _started(_BUG_AT_START, tmp_path) == ["Something went wrong"]
    log = (tmp_path / "data" / "logs" / "seller-console.log").read_text(encoding="utf-8")
    assert "CRITICAL seller_console.ui.errors: unexpected error" in log
    assert "RuntimeError: a bug at start" in log


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is X11's")
def test_without_a_display_the_reason_is_said_once_on_stderr_and_logged(tmp_path: Path):
    """Qt would abort the process (often naming the wrong library): the app exits instead."""
    out = subprocess.run(
        [sys.executable, "-m", "seller_console"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "SELLER_CONSOLE_HOME": str(tmp_path)},  # no display
    )
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr.count("there is no display") == 1
    assert "Aborted" not in out.stderr
    log = (tmp_path / "data" / "logs" / "seller-console.log").read_text(encoding="utf-8")
    assert "there is no display (DISPLAY is not set)" in log
