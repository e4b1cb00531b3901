"""The real app, as a user starts it: renders its window and exits 0 without a warning."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QImage


def test_screenshot_run_starts_and_shuts_down_cleanly(tmp_path):
    target = tmp_path / "window.png"
    env = dict(os.environ, SELLER_CONSOLE_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-W", "default", "-m", "seller_console", "--screenshot", str(target)],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no Qt warning, no pending task, no destroyed thread
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1440, 860)
