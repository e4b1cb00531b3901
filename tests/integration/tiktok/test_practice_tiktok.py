"""The practice TikTok's own rules, over loopback with a plain HTTP client: signatures over
the exact body bytes, single-use refresh tokens, expiring access tokens, bag and pin rules,
and the ``--dialect tiktok`` command."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any

import httpx
import pytest

from seller_console.platform.tiktok.signing import sign
from seller_console.sandbox.tiktok import PracticeConfig, RunningTikTok, start_practice_tiktok

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]
BAG = "/affiliate/202309/live_rooms/products"
SERUM, LIP, MASK = "1729000000000000101", "1729000000000000102", "1729000000000000105"


class Caller:
    """Signs requests the documented way; ``body`` is sent exactly as given."""

    def __init__(self, tiktok: RunningTikTok, token: str) -> None:
        self.tiktok = tiktok
        self.token = token
        self.http = httpx.Client(base_url=tiktok.base_url, timeout=10)

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        *,
        signed_body: bytes | None = None,
        params: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        query = {
            **(params or {}),
            "app_key": self.tiktok.app_key,
            "timestamp": str(int(time.time())),
        }
        signed = body if signed_body is None else signed_body
        query["sign"] = sign(path, query, signed, self.tiktok.app_secret)
        response = self.http.request(
            method,
            path,
            params=query,
            content=body,
            headers={"x-tts-access-token": self.token, "Content-Type": "application/json"},
        )
        return response.status_code, response.json()


@pytest.fixture
def tiktok() -> Any:
    with start_practice_tiktok(PracticeConfig(seed=1, rate=0.0, access_ttl_s=2)) as running:
        yield running


OPEN: list[Caller] = []


@pytest.fixture(autouse=True)
def _close_callers() -> Any:
    yield
    while OPEN:
        OPEN.pop().http.close()


def caller(tiktok: RunningTikTok, token: str | None = None) -> Caller:
    made = Caller(tiktok, token or tiktok.world.issue_tokens()["access_token"])
    OPEN.append(made)
    return made


def test_a_body_sent_other_than_it_was_signed_is_refused_and_counted(tiktok: RunningTikTok) -> None:
    c = caller(tiktok)
    tiktok.world.schedule_live()
    compact = json.dumps({"product_ids": [SERUM]}, separators=(",", ":")).encode()
    spaced = json.dumps({"product_ids": [SERUM]}).encode()  # the same JSON, other bytes
    status, doc = c.call("POST", BAG, spaced, signed_body=compact)
    assert (status, doc["code"]) == (401, 106001)
    assert tiktok.stats()["bad_signatures"] == 1
    assert tiktok.world.bag()["products"] == []
    status, doc = c.call("POST", BAG, compact)
    assert (status, doc["code"], doc["data"]) == (200, 0, {"errors": []})
    assert tiktok.stats()["bad_signatures"] == 1


def test_access_tokens_expire_and_refresh_tokens_work_once(tiktok: RunningTikTok) -> None:
    tokens = tiktok.world.issue_tokens()
    c = caller(tiktok, tokens["access_token"])
    assert c.call("GET", "/affiliate/202309/live_rooms")[1]["code"] == 0
    time.sleep(2.2)
    status, doc = c.call("GET", "/affiliate/202309/live_rooms")
    assert (status, str(doc["code"])[:3]) == (401, "105")
    query = {
        "app_key": tiktok.app_key,
        "app_secret": tiktok.app_secret,
        "refresh_token": tokens["refresh_token"],
        "grant_type": "refresh_token",
    }
    first = httpx.get(f"{tiktok.base_url}/api/v2/token/refresh", params=query, timeout=5).json()
    assert first["code"] == 0
    assert first["data"]["access_token"] != tokens["access_token"]
    again = httpx.get(f"{tiktok.base_url}/api/v2/token/refresh", params=query, timeout=5)
    assert again.status_code == 401
    assert again.json()["code"] != 0
    wrong_grant = {
        **query,
        "refresh_token": first["data"]["refresh_token"],
        "grant_type": "authorized_code",
    }
    assert (
        httpx.get(f"{tiktok.base_url}/api/v2/token/refresh", params=wrong_grant, timeout=5).json()[
            "code"
        ]
        != 0
    )


def test_pin_and_unpin_rules(tiktok: RunningTikTok) -> None:
    c = caller(tiktok)
    tiktok.world.schedule_live()
    add = json.dumps({"product_ids": [SERUM, LIP, MASK, "404"]}, separators=(",", ":")).encode()
    _status, doc = c.call("POST", BAG, add)
    failed = {e["detail"]["product_id"] for e in doc["data"]["errors"]}
    assert failed == {MASK, "404"}  # not in the showcase; no such product
    assert c.call("POST", f"{BAG}/{MASK}/pin")[0] == 400  # only a product in the bag
    assert c.call("POST", f"{BAG}/{SERUM}/unpin")[0] == 400  # not pinned
    assert c.call("POST", f"{BAG}/{SERUM}/pin")[1]["code"] == 0
    assert c.call("POST", f"{BAG}/{LIP}/pin")[1]["code"] == 0  # replaces the pinned product
    assert c.call("GET", BAG)[1]["data"]["pinned_product_id"] == LIP
    assert c.call("POST", f"{BAG}/{SERUM}/unpin")[0] == 400
    assert c.call("POST", f"{BAG}/{LIP}/unpin")[1]["code"] == 0
    top = json.dumps({"product_ids": [LIP]}, separators=(",", ":")).encode()
    assert c.call("POST", f"{BAG}/top", top)[1]["code"] == 0
    assert [p["id"] for p in c.call("GET", BAG)[1]["data"]["products"]] == [LIP, SERUM]


def test_the_bag_holds_at_most_100_products() -> None:
    from seller_console.sandbox.tiktok import PracticeProduct

    products = tuple(
        PracticeProduct(str(10**18 + i), f"P{i}", f"S{i}", Decimal(1)) for i in range(101)
    )
    config = PracticeConfig(rate=0.0, products=products)
    with start_practice_tiktok(config) as tiktok:
        c = caller(tiktok)
        tiktok.world.schedule_live()
        ids = [p.id for p in products]
        _status, doc = c.call("POST", BAG, json.dumps({"product_ids": ids}).encode())
        assert [e["detail"]["product_id"] for e in doc["data"]["errors"]] == [ids[100]]
        assert len(c.call("GET", BAG)[1]["data"]["products"]) == 100


def test_the_cli_prints_the_app_key_secret_and_tokens_and_stops_on_ctrl_c() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from seller_console.sandbox.cli import main; main()",
            "--dialect",
            "tiktok",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(4)]
        assert lines[0].startswith("Sandbox listening on http://127.0.0.1:")
        url = lines[0].rsplit(" ", 1)[1]
        secret = lines[2].split(": ", 1)[1]
        tokens = json.loads(lines[3].split(": ", 1)[1])
        assert lines[1].startswith("App key: ")
        assert tokens["access_token"]
        stats = httpx.get(
            f"{url}/_sandbox/stats", headers={"Authorization": f"Bearer {secret}"}, timeout=5
        )
        assert stats.json()["bad_signatures"] == 0
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    assert "Traceback" not in err
    assert "Sandbox stopped." in out
