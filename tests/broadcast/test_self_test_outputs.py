"""``seller-console --self-test --overlay --obs ...`` as a user runs it (a subprocess, the
window headless, the live engine in its own process) against the fake obs-websocket on
loopback: every take reaches the overlay's event stream and is read back from OBS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.broadcast.fake_obs import DEBIAN_KINDS, FakeObs, ObsInThread
from tests.broadcast.selftest_run import OK, self_test

PASSWORD = "self-test-obs-pass"


@pytest.fixture
def obs() -> Iterator[FakeObs]:
    with ObsInThread(FakeObs(password=PASSWORD, kinds=DEBIAN_KINDS)) as fake:
        yield fake


@pytest.mark.timeout(240)
def test_the_self_test_checks_the_overlay_and_drives_obs(tmp_path: Path, obs: FakeObs) -> None:
    secret = tmp_path / "obs-password"
    secret.write_text(PASSWORD + "\n")
    result = self_test(tmp_path, "--overlay", "--obs", obs.url, "--obs-password-file", str(secret))
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert re.match(r"^overlay: http://127\.0\.0\.1:\d+/overlay/[\w-]{20,}$", lines[0])
    assert OK.match(lines[-1]), lines[-1]
    # The engine made its sources in the scene and showed each take there.
    title = obs.inputs["Seller Console title"]
    assert title["kind"] == "text_ft2_source_v2"
    assert title["settings"]["text"]  # the last take's product
    assert obs.auth_failures == 0
    assert PASSWORD not in result.stdout + result.stderr
    # Only this run used OBS: no settings file keeps it.
    kept = [p for p in (tmp_path / "home").rglob("settings.json") if '"obs"' in p.read_text()]
    assert kept == []


@pytest.mark.timeout(240)
def test_a_wrong_obs_password_fails_the_self_test_with_the_reason(
    tmp_path: Path, obs: FakeObs
) -> None:
    secret = tmp_path / "obs-password"
    secret.write_text("not-the-password")
    result = self_test(tmp_path, "--obs", obs.url, "--obs-password-file", str(secret))
    assert result.returncode == 1
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("self-test: FAILED: OBS: "), last
    assert "Traceback" not in result.stderr
