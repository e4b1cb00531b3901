"""``seller-console-sandbox --dialect shopee``: prints what a client needs, serves signed
calls, reads the shop from a file, and the adapter notices a pin changed in Shopee's app."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from seller_console.domain.events import PinChanged
from seller_console.domain.platform_port import PinRequest, new_idempotency_key
from seller_console.sandbox.shopee import ShopeeSandboxConfig, start_shopee
from tests.integration.shopee.support import Raw, make_adapter, product, seeded_store
from tests.support import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

RUN = "from seller_console.sandbox.cli import main; main()"


def test_cli_prints_partner_and_tokens_that_sign_a_working_call(tmp_path: Path) -> None:
    items = tmp_path / "shop.json"
    items.write_text(
        json.dumps(
            [
                {
                    "item_id": 42,
                    "name": "Mug",
                    "sku": "MUG-1",
                    "price": "9.90",
                    "image_url": "https://img/42",
                }
            ]
        )
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            RUN,
            "--dialect",
            "shopee",
            "--port",
            "0",
            "--token-ttl",
            "20",
            "--items",
            str(items),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(7)]
        assert lines[0].startswith("Sandbox listening on http://127.0.0.1:")
        url = lines[0].rsplit(" ", 1)[1]
        partner_id = int(lines[1].split(": ", 1)[1])
        key = lines[2].split(": ", 1)[1]
        shop_id = int(lines[3].rsplit(": ", 1)[1])
        shop_access = lines[5].split()[3]
        assert "expire in 20 s" in lines[6]
        path = "/api/v2/product/get_item_base_info"
        ts = int(time.time())
        sign = hmac.new(
            key.encode(), f"{partner_id}{path}{ts}{shop_access}{shop_id}".encode(), hashlib.sha256
        ).hexdigest()
        query: dict[str, str | int] = {
            "partner_id": partner_id,
            "timestamp": ts,
            "access_token": shop_access,
            "shop_id": shop_id,
            "sign": sign,
            "item_id_list": "42",
        }
        answer = httpx.get(url + path, params=query, timeout=5).json()
        assert answer["error"] == ""
        assert answer["response"]["item_list"][0]["item_sku"] == "MUG-1"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    assert "Traceback" not in err
    assert "Sandbox stopped." in out


def test_cli_says_what_is_wrong_with_a_bad_items_file(tmp_path: Path) -> None:
    bad = tmp_path / "shop.json"
    bad.write_text('[{"item_id": 1}]')
    done = subprocess.run(
        [sys.executable, "-c", RUN, "--dialect", "shopee", "--port", "0", "--items", str(bad)],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert done.returncode == 2
    assert "item 1" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_pin_changed_in_shopee_app_is_reported_and_mapped_to_our_product() -> None:
    with start_shopee(ShopeeSandboxConfig(seed=4, comment_rate=0)) as shopee:
        raw = Raw(shopee)

        async def go() -> list[PinChanged]:
            adapter = make_adapter(shopee, await seeded_store(shopee), metrics_interval_s=0.3)
            seen: list[PinChanged] = []
            try:
                await adapter.upsert_products(
                    [product("serum", "SER-30", "24.9"), product("cream", "CRM-50", "32")]
                )
                session = await adapter.create_session("App pins")
                await adapter.set_bag(
                    session.id, ["serum", "cream"], idempotency_key=new_idempotency_key()
                )
                await adapter.start_session(session.id, idempotency_key=new_idempotency_key())
                await adapter.pin(
                    session.id, PinRequest("serum"), idempotency_key=new_idempotency_key()
                )
                show = f"/_sandbox/sessions/{session.id}/show"
                raw.control("PUT", show, {"item_id": 800002})  # the streamer, in Shopee's app
                async with contextlib.aclosing(adapter.events(session.id)) as feed:
                    async for delivery in feed:
                        if isinstance(delivery.event, PinChanged):
                            seen.append(delivery.event)
                            if len(seen) == 2:
                                break
                            raw.control("PUT", show, {"item_id": None})
            finally:
                await adapter.aclose()
            return seen

        try:
            changes = run(go(), timeout=30)
        finally:
            raw.close()
    assert changes[0].pin is not None
    assert changes[0].pin.product_id == "cream"  # Shopee's item 800002, in our ids
    assert changes[1].pin is None
