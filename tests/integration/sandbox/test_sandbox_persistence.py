"""--state FILE: showcase, sessions and orders survive a restart; ids keep growing."""

from __future__ import annotations

from pathlib import Path

import pytest
from httpx_sse import connect_sse

from seller_console.sandbox import SandboxConfig, start_sandbox

from .conftest import live_session, make_client, make_orders, product_body

pytestmark = pytest.mark.integration


def test_state_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.sqlite3"
    config = SandboxConfig(seed=9, state_path=state, api_key="k")
    with start_sandbox(config) as sandbox, make_client(sandbox) as client:
        sid = live_session(client, {"p1": product_body(stock=50)}, pin="p1")
        make_orders(client, sid, 10)
        before = client.get(f"/v1/live-sessions/{sid}").json()
        orders = client.get(f"/v1/live-sessions/{sid}/orders").json()["items"]
    with start_sandbox(config) as sandbox, make_client(sandbox) as client:
        after = client.get(f"/v1/live-sessions/{sid}").json()
        assert after["status"] == "live"
        assert after["pin"] == before["pin"]
        assert after["stats"] == before["stats"]
        assert after["last_event_id"] >= before["last_event_id"]
        assert client.get(f"/v1/live-sessions/{sid}/orders").json()["items"] == orders
        assert client.get("/v1/showcase/products/p1").json()["stock"] == 50 - sum(
            o["lines"][0]["quantity"] for o in orders
        )
        with connect_sse(
            client, "GET", f"/v1/live-sessions/{sid}/events", headers={"Last-Event-ID": "3"}
        ) as source:
            assert next(source.iter_sse()).event == "resync-required"
        make_orders(client, sid, 1)
        newest = client.get(f"/v1/live-sessions/{sid}/orders").json()["items"][-1]
        assert newest["id"] not in {o["id"] for o in orders}
        assert (
            client.get(f"/v1/live-sessions/{sid}").json()["last_event_id"] > before["last_event_id"]
        )
