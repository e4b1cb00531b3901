"""What the window's start-up loads before its first paint."""

import subprocess
import sys
from importlib.metadata import version

import seller_console


def test_the_version_comes_from_the_package_metadata():
    assert seller_console.__version__ == version("seller-console")


def test_starting_the_window_does_not_load_the_package_metadata_machinery():
    # importlib.metadata (with email and zipfile) costs ~50 ms; the version is read
    # after the first paint instead.
    code = "import sys, seller_console.app; print('importlib.metadata' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert out.stdout.strip() == "False"
