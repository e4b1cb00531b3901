"""``seller-console --self-test --platform shopee|tiktok --overlay --obs ...`` as a seller runs
it (a subprocess, no window) against a practice platform and the fake obs-websocket, all on
loopback: every take reaches the overlay's event stream within a second and is read back
from OBS, with the probes the window's self-test uses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from seller_console.sandbox.shopee import start_shopee
from seller_console.sandbox.tiktok import start_practice_tiktok
from tests.broadcast.fake_obs import DEBIAN_KINDS, FakeObs, ObsInThread
from tests.integration.live.test_platform_self_test import (
    SHOPEE_OK,
    TIKTOK_OK,
    _shopee_config,
    _tiktok_config,
    _tiktok_creds,
    last_line,
    self_test,
)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(200)]
PASSWORD = "platform-self-test-obs"
OVERLAY = re.compile(r"^overlay: http://127\.0\.0\.1:\d+/overlay/[\w-]{20,}$")


@pytest.fixture
def obs() -> Iterator[FakeObs]:
    with ObsInThread(FakeObs(password=PASSWORD, kinds=DEBIAN_KINDS)) as fake:
        yield fake


def test_tiktok_self_test_checks_the_overlay_and_drives_obs(tmp_path: Path, obs: FakeObs) -> None:
    secret = tmp_path / "obs-password"
    secret.write_text(PASSWORD + "\n")
    with start_practice_tiktok(_tiktok_config()) as tiktok:
        result = self_test(
            tmp_path,
            "tiktok",
            tiktok.base_url,
            _tiktok_creds(tiktok),
            "--overlay",
            "--obs",
            obs.url,
            "--obs-password-file",
            str(secret),
        )
    line = last_line(result)
    assert result.returncode == 0, (line, result.stderr)
    assert TIKTOK_OK.match(line), line
    assert " overlay=3 obs=3 report_rows=" in line
    assert OVERLAY.match(result.stdout.splitlines()[0])
    title = obs.inputs["Seller Console title"]
    assert title["kind"] == "text_ft2_source_v2"
    assert title["settings"]["text"]  # the last take's product
    assert obs.auth_failures == 0
    assert PASSWORD not in result.stdout + result.stderr


def test_shopee_self_test_checks_the_overlay(tmp_path: Path) -> None:
    with start_shopee(_shopee_config()) as shopee:
        result = self_test(tmp_path, "shopee", shopee.base_url, shopee.credentials, "--overlay")
    line = last_line(result)
    assert result.returncode == 0, (line, result.stderr)
    assert SHOPEE_OK.match(line), line
    assert " overlay=3 " in line
    assert "obs=" not in line
    assert OVERLAY.match(result.stdout.splitlines()[0])


def test_a_wrong_obs_password_fails_the_platform_self_test_with_the_reason(
    tmp_path: Path, obs: FakeObs
) -> None:
    secret = tmp_path / "obs-password"
    secret.write_text("not-the-password\n")
    with start_shopee(_shopee_config()) as shopee:
        result = self_test(
            tmp_path,
            "shopee",
            shopee.base_url,
            shopee.credentials,
            "--obs",
            obs.url,
            "--obs-password-file",
            str(secret),
        )
    line = last_line(result)
    assert result.returncode == 1, line
    assert line.startswith("self-test: FAILED: ")
    assert "OBS" in line
    assert "Traceback" not in result.stdout + result.stderr
    assert "not-the-password" not in result.stdout + result.stderr
