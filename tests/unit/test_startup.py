"""What the window's start-up loads before its first paint."""

import subprocess
import sys
from importlib.metadata import version

import seller_console


def test_the_version_comes_from_the_package_metadata():
    assert seller_console.__version__ == version("seller-console")


def test_starting_the_window_does_not_load_what_it_needs_only_later():
    # importlib.metadata (with email and zipfile) costs ~50 ms: the version is read
    # after the first paint; the import worker only when a big catalog is opened; the
    # dialogs where they are opened, the host view on its first F11, the on-air stage
    # right after the first paint.
    later = (
        "importlib.metadata",
        "seller_console.services.import_worker",
        "seller_console.domain.product_columns",
        "seller_console.ui.dialogs.import_options",
        "seller_console.ui.dialogs.import_report",
        "seller_console.ui.dialogs.obs_dialog",
        "seller_console.ui.dialogs.past_shows",
        "seller_console.ui.dialogs.profiles_dialog",
        "seller_console.ui.dialogs.show_report",
        "seller_console.ui.host_view",
        "seller_console.ui.widgets.live_stage",
    )
    code = f"import sys, seller_console.app; print(any(m in sys.modules for m in {later!r}))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert out.stdout.strip() == "False"
