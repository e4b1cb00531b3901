"""Run ``seller-console --self-test ...`` as a user does: a subprocess, headless, in a
folder of its own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

OK = re.compile(
    r"^self-test: ok pins=3 orders=\d+ report_rows=\d+ seconds=[0-9.]+ overlay=3 obs=3$"
)


def self_test(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SELLER_CONSOLE_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "seller_console", "--self-test", *extra],
        capture_output=True,
        text=True,
        timeout=110,
        env=env,
        check=False,
    )
