"""``seller-console-sandbox``: prints its URL and key, serves, exits cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx
import pytest

pytestmark = pytest.mark.integration

RUN = "from seller_console.sandbox.cli import main; main()"


def test_cli_prints_url_and_key_and_stops_on_ctrl_c() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN, "--port", "0", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url_line = proc.stdout.readline().strip()
        key_line = proc.stdout.readline().strip()
        assert url_line.startswith("Sandbox listening on http://127.0.0.1:")
        assert key_line.startswith("API key: ")
        url, key = url_line.rsplit(" ", 1)[1], key_line.split(": ", 1)[1]
        me = httpx.get(f"{url}/v1/me", headers={"Authorization": f"Bearer {key}"}, timeout=5)
        assert me.status_code == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    assert "Traceback" not in err
    assert "Sandbox stopped." in out


def test_cli_refuses_a_remote_host_without_the_flag() -> None:
    done = subprocess.run(
        [sys.executable, "-c", RUN, "--host", "192.0.2.10", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert done.returncode == 2
    assert "--allow-remote" in done.stderr
