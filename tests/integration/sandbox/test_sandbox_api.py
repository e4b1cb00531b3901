"""Each call of the Live Commerce API on the sandbox: happy paths and errors."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from seller_console.domain.money import Currency, round_money
from seller_console.sandbox import RunningSandbox, SandboxFaults

from .conftest import live_session, make_orders, product_body

pytestmark = pytest.mark.integration


def assert_problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)


def test_me_needs_the_key(sandbox: RunningSandbox, client: httpx.Client) -> None:
    me = client.get("/v1/me")
    assert me.status_code == 200
    assert me.json()["default_currency"] == "USD"
    with httpx.Client(base_url=sandbox.base_url) as anonymous:
        assert_problem(anonymous.get("/v1/me"), 401, "unauthorized")
        wrong = anonymous.get("/v1/me", headers={"Authorization": "Bearer nope"})
        assert_problem(wrong, 401, "unauthorized")
        assert wrong.headers["www-authenticate"].startswith("Bearer")


def test_the_key_is_random_per_start(sandbox: RunningSandbox) -> None:
    assert len(sandbox.api_key) >= 24
    assert sandbox.base_url.startswith("http://127.0.0.1:")


def test_product_upsert_get_list_delete(client: httpx.Client) -> None:
    created = client.put("/v1/showcase/products/p1", json=product_body(stock=3))
    assert created.status_code == 201
    assert created.json()["price"] == {"amount": "19.99", "currency": "USD"}
    replaced = client.put("/v1/showcase/products/p1", json=product_body(title="New"))
    assert replaced.status_code == 200
    assert client.get("/v1/showcase/products/p1").json()["title"] == "New"
    for pid in ("p2", "p3"):
        client.put(f"/v1/showcase/products/{pid}", json=product_body())
    first = client.get("/v1/showcase/products", params={"limit": 2}).json()
    assert [p["id"] for p in first["items"]] == ["p1", "p2"]
    second = client.get(
        "/v1/showcase/products", params={"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [p["id"] for p in second["items"]] == ["p3"]
    assert second["next_cursor"] is None
    assert client.delete("/v1/showcase/products/p1").status_code == 204
    assert_problem(client.delete("/v1/showcase/products/p1"), 404, "product_not_found")
    assert_problem(client.get("/v1/showcase/products/p1"), 404, "product_not_found")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"price": {"amount": 19.99, "currency": "USD"}}, "invalid_money"),
        ({"price": {"amount": "19.999", "currency": "USD"}}, "invalid_money"),
        ({"price": {"amount": "1.5", "currency": "JPY"}}, "invalid_money"),
        ({"price": {"amount": "10", "currency": "XXY"}}, "invalid_money"),
        ({"commission_rate": 0.15}, "validation_failed"),
        ({"commission_rate": "1.5"}, "validation_failed"),
        ({"sku": ""}, "validation_failed"),
        ({"stock": -1}, "validation_failed"),
        ({"id": "other"}, "id_mismatch"),
    ],
)
def test_product_validation(client: httpx.Client, changes: dict[str, object], code: str) -> None:
    assert_problem(client.put("/v1/showcase/products/p1", json=product_body(**changes)), 422, code)


def test_invalid_json_is_422(client: httpx.Client) -> None:
    response = client.put(
        "/v1/showcase/products/p1", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert_problem(response, 422, "invalid_json")


def test_batch_gives_one_result_per_item(client: httpx.Client) -> None:
    items = [
        {"id": "b1", **product_body()},
        {"id": "b2", **product_body(price={"amount": "x", "currency": "USD"})},
        {**product_body()},
    ]
    response = client.post("/v1/showcase/products:batch", json={"products": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["ok", "error", "error"]
    assert results[0]["created"] is True
    assert results[1]["code"] == "invalid_money"
    too_many = [{"id": f"x{i}", **product_body()} for i in range(501)]
    assert_problem(
        client.post("/v1/showcase/products:batch", json={"products": too_many}),
        422,
        "batch_too_large",
    )


def test_affiliate_links(client: httpx.Client) -> None:
    client.put("/v1/showcase/products/p1", json=product_body())
    link = client.post("/v1/affiliate-links", json={"product_id": "p1"})
    assert link.status_code == 201
    assert link.json()["code"]
    assert link.json()["url"].startswith("https://")
    assert_problem(
        client.post("/v1/affiliate-links", json={"product_id": "nope"}), 404, "product_not_found"
    )


def test_session_lifecycle(client: httpx.Client) -> None:
    created = client.post(
        "/v1/live-sessions", json={"title": "Morning", "scheduled_start": "2030-01-01T09:00:00Z"}
    )
    assert created.status_code == 201
    sid = created.json()["id"]
    assert created.json()["status"] == "scheduled"
    other = client.post("/v1/live-sessions", json={"title": "Evening"}).json()["id"]
    assert_problem(client.post("/v1/live-sessions", json={"title": ""}), 422, "validation_failed")
    assert_problem(
        client.post("/v1/live-sessions", json={"title": "x", "scheduled_start": "tomorrow"}),
        422,
        "validation_failed",
    )
    assert client.post(f"/v1/live-sessions/{sid}/start").json()["status"] == "live"
    assert_problem(client.post(f"/v1/live-sessions/{sid}/start"), 409, "session_already_live")
    live = client.get("/v1/live-sessions", params={"status": "live"}).json()["items"]
    assert [s["id"] for s in live] == [sid]
    scheduled = client.get("/v1/live-sessions", params={"status": "scheduled"}).json()["items"]
    assert [s["id"] for s in scheduled] == [other]
    assert_problem(
        client.get("/v1/live-sessions", params={"status": "x"}), 422, "validation_failed"
    )
    assert client.post(f"/v1/live-sessions/{sid}/end").json()["status"] == "ended"
    assert_problem(client.post(f"/v1/live-sessions/{sid}/end"), 409, "session_not_live")
    assert_problem(client.post(f"/v1/live-sessions/{sid}/start"), 409, "session_ended")
    assert_problem(client.get("/v1/live-sessions/nope"), 404, "session_not_found")
    assert_problem(client.post("/v1/live-sessions/nope/start"), 404, "session_not_found")


def test_bag_pin_and_unpin(client: httpx.Client) -> None:
    client.put("/v1/showcase/products/p1", json=product_body())
    client.put("/v1/showcase/products/p2", json=product_body())
    sid = client.post("/v1/live-sessions", json={"title": "Show"}).json()["id"]
    assert_problem(
        client.put(f"/v1/live-sessions/{sid}/bag", json={"product_ids": ["p1", "zz"]}),
        404,
        "product_not_found",
    )
    bag = client.put(f"/v1/live-sessions/{sid}/bag", json={"product_ids": ["p1"]})
    assert bag.json()["bag"] == ["p1"]
    assert_problem(
        client.put(f"/v1/live-sessions/{sid}/pin", json={"product_id": "p1"}),
        409,
        "session_not_live",
    )
    client.post(f"/v1/live-sessions/{sid}/start")
    assert_problem(
        client.put(f"/v1/live-sessions/{sid}/pin", json={"product_id": "zz"}),
        404,
        "product_not_found",
    )
    assert_problem(
        client.put(f"/v1/live-sessions/{sid}/pin", json={"product_id": "p2", "stock_limit": 0}),
        422,
        "validation_failed",
    )
    pin = client.put(
        f"/v1/live-sessions/{sid}/pin",
        json={"product_id": "p2", "live_price": {"amount": "15.00", "currency": "USD"}},
    )
    assert pin.status_code == 200
    body = pin.json()
    assert body["product_id"] == "p2"
    assert body["version"] == 1
    assert {"pin_id", "pinned_at"} <= set(body)
    state = client.get(f"/v1/live-sessions/{sid}").json()
    assert state["pin"]["pin_id"] == body["pin_id"]
    assert state["bag"] == ["p1", "p2"]
    assert client.delete(f"/v1/live-sessions/{sid}/pin").status_code == 204
    assert client.get(f"/v1/live-sessions/{sid}").json()["pin"] is None
    assert client.get("/_sandbox/stats").json()["pin_changes"] == 2


def test_orders_are_paged_oldest_first_with_half_up_commission(client: httpx.Client) -> None:
    sid = live_session(
        client,
        {"p1": product_body(price={"amount": "9.99", "currency": "USD"}, commission_rate="0.125")},
        pin="p1",
    )
    assert make_orders(client, sid, 25) == 25
    seen: list[dict[str, object]] = []
    after: str | None = None
    for _ in range(10):
        params: dict[str, str | int] = {"limit": 10}
        if after is not None:
            params["after"] = after
        page = client.get(f"/v1/live-sessions/{sid}/orders", params=params).json()
        seen.extend(page["items"])
        after = page["next_cursor"]
        if after is None:
            break
    assert len(seen) == 25
    assert [o["id"] for o in seen] == sorted(str(o["id"]) for o in seen)
    usd = Currency.of("USD")
    for order in seen:
        line = order["lines"][0]  # type: ignore[index]
        total = Decimal(line["unit_price"]["amount"]) * line["quantity"]
        assert order["total"]["amount"] == str(total)  # type: ignore[index]
        expected = round_money(total * Decimal("0.125"), usd)
        assert order["commission"]["amount"]["amount"] == str(expected)  # type: ignore[index]
    assert_problem(
        client.get(f"/v1/live-sessions/{sid}/orders", params={"after": "x"}),
        422,
        "invalid_cursor",
    )
    assert_problem(client.get("/v1/live-sessions/nope/orders"), 404, "session_not_found")


def test_rate_limit_burst_has_retry_after(sandbox: RunningSandbox, client: httpx.Client) -> None:
    sandbox.set_faults(SandboxFaults(rate_limit_burst_every=1, retry_after_s=2))
    limited = client.get("/v1/me")
    assert_problem(limited, 429, "rate_limited")
    assert 1 <= int(limited.headers["retry-after"]) <= 2
    sandbox.set_faults(SandboxFaults())
    assert client.get("/v1/me").status_code == 200


def test_faults_at_runtime_over_http(client: httpx.Client) -> None:
    assert client.get("/_sandbox/faults").json()["error_rate"] == 0.0
    changed = client.put("/_sandbox/faults", json={"error_rate": 1, "latency_ms": 10})
    assert changed.json()["error_rate"] == 1.0
    assert_problem(client.get("/v1/me"), 503, "unavailable")
    assert_problem(client.put("/_sandbox/faults", json={"bogus": 1}), 422, "invalid_faults")
    assert_problem(client.put("/_sandbox/faults", json={"error_rate": 2}), 422, "invalid_faults")
    client.put("/_sandbox/faults", json={"error_rate": 0})
    assert client.get("/v1/me").status_code == 200


def test_unknown_route_is_problem_json(client: httpx.Client) -> None:
    assert_problem(client.get("/v1/nothing"), 404, "not_found")
    assert_problem(client.patch("/v1/me"), 405, "method_not_allowed")


def test_openapi_is_served(sandbox: RunningSandbox) -> None:
    doc = httpx.get(f"{sandbox.base_url}/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert "/v1/live-sessions/{session_id}/pin" in doc["paths"]
