"""``seller-console --self-test --platform shopee|tiktok``: the command a seller runs to
check a platform, run as a subprocess against a practice Shopee or TikTok on loopback
whose shop sells the demo catalog's rundown products."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from seller_console.importers import ImportOptions, import_catalog
from seller_console.live_link import demo_rundown_products
from seller_console.paths import resources_dir
from seller_console.sandbox.shopee import (
    ShopeeFaults,
    ShopeeSandboxConfig,
    items_from_products,
    start_shopee,
)
from seller_console.sandbox.tiktok import (
    PracticeConfig,
    PracticeFaults,
    PracticeProduct,
    start_practice_tiktok,
)
from seller_console.services.demo import demo_catalog_path

pytestmark = [pytest.mark.integration, pytest.mark.timeout(150)]

CATALOG = demo_catalog_path(resources_dir())
SHOPEE_OK = re.compile(
    r"^self-test: ok platform=shopee pins=(\d+)( pin_mode=operator)? "
    r"metrics=orders:(\d+),gmv:[0-9.]+,"
)
TIKTOK_OK = re.compile(
    r"^self-test: ok platform=tiktok pins=(\d+)( pin_mode=operator)? orders=(\d+) "
    r"gmv=([0-9.]+) commission=([0-9.]+) currency=USD "
)


def self_test(tmp_path: Path, platform: str, url: str, creds: dict[str, object], *extra: str):
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps(creds))
    return self_test_with(tmp_path, platform, url, credentials, *extra)


def self_test_with(tmp_path: Path, platform: str, url: str, credentials: Path, *extra: str):
    env = dict(os.environ)
    for name in ("HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / "home")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "seller_console",
            "--self-test",
            "--platform",
            platform,
            "--base-url",
            url,
            "--credentials",
            str(credentials),
            "--catalog",
            str(CATALOG),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=140,
        env=env,
        check=False,
    )


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stdout.strip().splitlines()
    assert lines, result.stderr
    return lines[-1]


def _expire_every(stop: threading.Event, expire: object, seconds: float) -> None:
    while not stop.wait(seconds):
        expire()  # type: ignore[operator]


@pytest.fixture
def expiring() -> Iterator[list[threading.Event]]:
    stops: list[threading.Event] = []
    yield stops
    for stop in stops:
        stop.set()


def _shopee_config() -> ShopeeSandboxConfig:
    return ShopeeSandboxConfig(
        token_ttl_s=20,
        items=items_from_products(demo_rundown_products()),
        faults=ShopeeFaults(rate_limit_every=25, rate_limit_burst_s=0.5),
    )


def test_shopee_self_test_passes_with_20_s_tokens_expired_mid_show(
    tmp_path: Path, expiring: list[threading.Event]
) -> None:
    with start_shopee(_shopee_config()) as shopee:
        stop = threading.Event()
        expiring.append(stop)
        threading.Thread(
            target=_expire_every, args=(stop, shopee.world.expire_access_tokens, 2.0), daemon=True
        ).start()
        result = self_test(tmp_path, "shopee", shopee.base_url, shopee.credentials)
        stop.set()
        counters = shopee.world.counters
    line = last_line(result)
    assert result.returncode == 0, (line, result.stderr)
    match = SHOPEE_OK.match(line)
    assert match is not None, line
    assert int(match.group(1)) >= 3
    assert int(match.group(3)) > 0  # the shop sold while the items were shown
    assert counters.bad_signatures == 0
    assert counters.refreshes >= 1  # the expired tokens were refreshed, and the show went on
    # the file's refresh tokens are spent: the new sets were written back to it
    written = json.loads((tmp_path / "credentials.json").read_text())
    assert "written back to" in result.stderr
    assert written["refresh_token"] != shopee.credentials["refresh_token"]
    assert written["partner_key"] == shopee.credentials["partner_key"]


def test_a_failed_shopee_self_test_leaves_the_file_a_token_set_the_next_run_accepts(
    tmp_path: Path,
) -> None:
    """Only two of the catalog's SKUs are in the shop, so the run fails at matching, after
    the expired tokens were refreshed: the next run, on the same file, is refused for the
    same reason, not for a spent refresh token."""
    catalog = import_catalog(CATALOG, ImportOptions(currency="SGD")).catalog
    config = ShopeeSandboxConfig(items=items_from_products(demo_rundown_products()[:2]))
    credentials = tmp_path / "credentials.json"
    with start_shopee(config) as shopee:
        credentials.write_text(json.dumps(shopee.credentials))
        runs = []
        for _ in range(2):
            shopee.world.expire_access_tokens()
            runs.append(self_test_with(tmp_path, "shopee", shopee.base_url, credentials))
        counters = shopee.world.counters
    refused = re.compile(
        r"^self-test: FAILED: only 2 of the (\d+) variants in stock with a price \(of the "
        r"catalog's (\d+) products, (\d+) variants\) match a product on the platform"
    )
    for result in runs:
        assert result.returncode == 1
        match = refused.match(last_line(result))
        assert match is not None, (last_line(result), result.stderr)
        assert int(match.group(2)) == len(catalog.products)
        assert int(match.group(3)) == catalog.variant_count
        assert 2 < int(match.group(1)) <= catalog.variant_count
        assert "written back to" in result.stderr
    assert counters.refreshes >= 2
    written = json.loads(credentials.read_text())
    assert written["shop_refresh_token"] != shopee.credentials["shop_refresh_token"]
    assert written["refresh_token"] == shopee.credentials["refresh_token"]  # not refreshed


def test_shopee_self_test_without_shop_tokens_uses_the_users_and_says_so(
    tmp_path: Path,
) -> None:
    with start_shopee(_shopee_config()) as shopee:
        creds = dict(shopee.credentials)
        del creds["shop_access_token"], creds["shop_refresh_token"]
        result = self_test(tmp_path, "shopee", shopee.base_url, creds)
    # The practice Shopee keeps the user's and the shop's tokens apart, as Shopee does:
    # the user's token is refused for the shop's product calls, and the failure says why.
    assert "the user's tokens are used for the shop's product calls" in result.stderr
    line = last_line(result)
    assert result.returncode == 1
    assert line.startswith("self-test: FAILED: ")
    assert "Traceback" not in result.stdout + result.stderr


def _tiktok_config(*, refuse_pins: bool = False) -> PracticeConfig:
    products = tuple(
        PracticeProduct(
            str(1_729_000_000_000_000_201 + n), p.title, p.sku, p.price.amount, rate=1500
        )
        for n, p in enumerate(demo_rundown_products())
    )
    return PracticeConfig(
        products=products,
        rate=5.0,
        access_ttl_s=20,
        faults=PracticeFaults(rate_limit_every=15, refuse_pins=refuse_pins),
    )


def _tiktok_creds(tiktok: object) -> dict[str, object]:
    world = tiktok.world  # type: ignore[attr-defined]
    tokens = world.issue_tokens()
    return {
        "app_key": world.app_key,
        "app_secret": world.app_secret,
        "access_token": tokens["access_token"],
        "refresh_token": tokens["refresh_token"],
        "shop_cipher": world.config.shop_cipher,
    }


def test_tiktok_self_test_pins_by_api_and_counts_the_affiliate_orders(tmp_path: Path) -> None:
    with start_practice_tiktok(_tiktok_config()) as tiktok:
        creds = _tiktok_creds(tiktok)
        result = self_test(tmp_path, "tiktok", tiktok.base_url, creds)
        stats = tiktok.stats()
    # the first call refreshed the file's set (it gives no expiry): the new one is in the file
    written = json.loads((tmp_path / "credentials.json").read_text())
    assert written["refresh_token"] != creds["refresh_token"]
    assert written["app_secret"] == creds["app_secret"]
    assert "written back to" in result.stderr
    line = last_line(result)
    assert result.returncode == 0, (line, result.stderr)
    match = TIKTOK_OK.match(line)
    assert match is not None, line
    assert int(match.group(1)) >= 3
    assert int(match.group(3)) > 0
    assert stats["pins"] >= 3
    assert stats["bad_signatures"] == 0
    assert "its LIVE is started (and ended) through" in result.stderr


def test_tiktok_self_test_with_manual_pins_cues_and_confirms_each_pin(tmp_path: Path) -> None:
    with start_practice_tiktok(_tiktok_config()) as tiktok:
        result = self_test(
            tmp_path, "tiktok", tiktok.base_url, _tiktok_creds(tiktok), "--manual-pins"
        )
        stats = tiktok.stats()
    line = last_line(result)
    assert result.returncode == 0, (line, result.stderr)
    match = TIKTOK_OK.match(line)
    assert match is not None, line
    assert int(match.group(1)) >= 3
    assert match.group(2) == " pin_mode=operator"
    assert stats["pins"] == 0  # no pin call: the operator pins in TikTok's own app
    assert stats["bad_signatures"] == 0


def test_refused_pins_fail_the_api_self_test_and_pass_with_manual_pins(tmp_path: Path) -> None:
    with start_practice_tiktok(_tiktok_config(refuse_pins=True)) as tiktok:
        refused = self_test(tmp_path, "tiktok", tiktok.base_url, _tiktok_creds(tiktok))
        manual = self_test(
            tmp_path, "tiktok", tiktok.base_url, _tiktok_creds(tiktok), "--manual-pins"
        )
    line = last_line(refused)
    assert refused.returncode == 1
    assert line.startswith("self-test: FAILED: the platform refused the pin call")
    assert "--manual-pins" in line
    assert manual.returncode == 0, (last_line(manual), manual.stderr)
    assert TIKTOK_OK.match(last_line(manual)) is not None


def test_self_test_with_a_wrong_secret_fails_with_a_reason(tmp_path: Path) -> None:
    with start_practice_tiktok(_tiktok_config()) as tiktok:
        creds = _tiktok_creds(tiktok) | {"app_secret": "not-the-secret"}
        result = self_test(tmp_path, "tiktok", tiktok.base_url, creds)
    line = last_line(result)
    assert result.returncode == 1
    assert line.startswith("self-test: FAILED: ")
    assert "Traceback" not in result.stdout + result.stderr
