"""The simulated audience: determinism, the rate model, stock, refunds, the rate knob."""

from __future__ import annotations

import json
import time
from collections import Counter

import httpx
import pytest

from seller_console.sandbox import SandboxConfig, start_sandbox

from .conftest import live_session, make_client, make_orders, product_body

pytestmark = pytest.mark.integration

CATALOG = {
    "pin": product_body(price={"amount": "30.00", "currency": "USD"}),
    "cheap": product_body(price={"amount": "5.00", "currency": "USD"}),
    "dear": product_body(price={"amount": "200.00", "currency": "USD"}),
}


def orders_of(client: httpx.Client, session_id: str) -> list[dict[str, object]]:
    page = client.get(f"/v1/live-sessions/{session_id}/orders", params={"limit": 500}).json()
    items: list[dict[str, object]] = page["items"]
    return items


def run_show(seed: int) -> list[dict[str, object]]:
    with start_sandbox(SandboxConfig(seed=seed)) as sandbox, make_client(sandbox) as client:
        client.put("/v1/showcase/products/cheap", json=CATALOG["cheap"])
        client.post("/v1/affiliate-links", json={"product_id": "cheap"})
        sid = live_session(client, CATALOG, pin="pin")
        make_orders(client, sid, 200)
        return [{k: v for k, v in o.items() if k != "created_at"} for o in orders_of(client, sid)]


def test_same_seed_same_orders() -> None:
    first, second, other = run_show(11), run_show(11), run_show(12)
    assert len(first) == 200
    assert first == second
    assert first != other


def test_pinned_sells_most_and_cheaper_sells_more() -> None:
    with (
        start_sandbox(SandboxConfig(seed=5, refund_rate=0)) as sandbox,
        make_client(sandbox) as client,
    ):
        sid = live_session(client, CATALOG, pin="pin")
        make_orders(client, sid, 2000)
        by_product = Counter(
            o["lines"][0]["product_id"]  # type: ignore[index]
            for o in orders_of_all(client, sid)
        )
    assert by_product["pin"] > by_product["cheap"] > by_product["dear"]
    assert by_product["pin"] > 1200


def orders_of_all(client: httpx.Client, session_id: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    after: str | None = None
    for _ in range(100):
        params: dict[str, str | int] = {"limit": 500}
        if after is not None:
            params["after"] = after
        page = client.get(f"/v1/live-sessions/{session_id}/orders", params=params).json()
        items.extend(page["items"])
        after = page["next_cursor"]
        if after is None:
            break
    return items


def test_stock_runs_out_and_pin_limit_caps(client: httpx.Client) -> None:
    sid = live_session(client, {"a": product_body(stock=7), "b": product_body(stock=100)})
    pin = client.put(f"/v1/live-sessions/{sid}/pin", json={"product_id": "b", "stock_limit": 4})
    assert pin.status_code == 200
    make_orders(client, sid, 200)
    orders = orders_of(client, sid)
    units = Counter[str]()
    for order in orders:
        line = order["lines"][0]  # type: ignore[index]
        units[line["product_id"]] += line["quantity"]
    assert units["a"] == 7
    assert units["b"] == 4
    assert client.get("/v1/showcase/products/a").json()["stock"] == 0
    session = client.get(f"/v1/live-sessions/{sid}").json()
    assert session["pin"]["sold"] == 4
    with client.stream(
        "GET", f"/v1/live-sessions/{sid}/events", headers={"Last-Event-ID": "0"}
    ) as response:
        text = b""
        for chunk in response.iter_bytes():
            text += chunk
            if text.count(b"event: stock.updated") >= 2:
                break
    assert text.count(b"event: stock.updated") == 2


def test_refunds_come_later_as_order_updated() -> None:
    with (
        start_sandbox(SandboxConfig(seed=2, refund_rate=0.5)) as sandbox,
        make_client(sandbox) as client,
    ):
        sid = live_session(client, CATALOG, pin="pin")
        make_orders(client, sid, 40)
        assert all(o["status"] == "paid" for o in orders_of(client, sid))
        client.post("/_sandbox/clock", json={"seconds": 5})
        client.post("/_sandbox/clock", json={"seconds": 200})
        refunded = [o for o in orders_of(client, sid) if o["status"] == "refunded"]
        assert 5 <= len(refunded) <= 35
        stats = client.get(f"/v1/live-sessions/{sid}").json()["stats"]
        assert stats["refunds"] == len(refunded)
        with client.stream("GET", f"/v1/live-sessions/{sid}/events") as response:
            text = b""
            for chunk in response.iter_bytes():
                text += chunk
                if text.count(b"event: order.updated") >= len(refunded):
                    break
        updates = [
            json.loads(block.split(b"data: ", 1)[1])
            for block in text.split(b"\n\n")
            if b"event: order.updated" in block
        ]
        assert {u["status"] for u in updates} == {"refunded"}


def test_rate_knob_and_viewers_drive_the_stream() -> None:
    with (
        start_sandbox(SandboxConfig(seed=4, time_scale=10.0)) as sandbox,
        make_client(sandbox) as client,
    ):
        sid = live_session(client, CATALOG, pin="pin")
        assert client.put("/_sandbox/audience", json={"rate": 200}).json()["rate"] == 200
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            session = client.get(f"/v1/live-sessions/{sid}").json()
            if session["stats"]["orders"] >= 100 and session["viewers"] > 0:
                break
            time.sleep(0.05)
        assert session["stats"]["orders"] >= 100
        assert session["viewers"] > 0
        client.put("/_sandbox/audience", json={"rate": 0})
        stats = client.get("/_sandbox/stats").json()
        assert stats["orders"] >= 100
        assert stats["events"] > stats["orders"]
