"""Idempotency-Key on the sandbox: replay, reuse refused, lost responses, 24 h expiry."""

from __future__ import annotations

import httpx
import pytest

from seller_console.sandbox import RunningSandbox, SandboxFaults

from .conftest import live_session, product_body

pytestmark = pytest.mark.integration


def test_same_key_same_body_replays_the_first_result(client: httpx.Client) -> None:
    headers = {"Idempotency-Key": "create-1"}
    first = client.post("/v1/live-sessions", json={"title": "A"}, headers=headers)
    again = client.post("/v1/live-sessions", json={"title": "A"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.content == again.content
    assert again.headers["idempotent-replayed"] == "true"
    assert len(client.get("/v1/live-sessions").json()["items"]) == 1


def test_same_key_other_body_is_422(client: httpx.Client) -> None:
    headers = {"Idempotency-Key": "create-2"}
    client.post("/v1/live-sessions", json={"title": "A"}, headers=headers)
    reused = client.post("/v1/live-sessions", json={"title": "B"}, headers=headers)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    elsewhere = client.put("/v1/showcase/products/p1", json=product_body(), headers=headers)
    assert elsewhere.json()["code"] == "idempotency_key_reused"


def test_lost_response_retry_does_not_act_twice(
    sandbox: RunningSandbox, client: httpx.Client
) -> None:
    sid = live_session(client, {"p1": product_body(), "p2": product_body()})
    sandbox.set_faults(SandboxFaults(lost_response_rate=1.0))
    headers = {"Idempotency-Key": "pin-p2"}
    lost = client.put(f"/v1/live-sessions/{sid}/pin", json={"product_id": "p2"}, headers=headers)
    assert lost.status_code == 500
    assert lost.json()["code"] == "internal_error"
    sandbox.set_faults(SandboxFaults())
    retried = client.put(f"/v1/live-sessions/{sid}/pin", json={"product_id": "p2"}, headers=headers)
    assert retried.status_code == 200
    assert retried.json()["product_id"] == "p2"
    assert retried.json()["version"] == 1
    assert client.get("/_sandbox/stats").json()["pin_changes"] == 1


def test_errors_are_not_kept_so_a_key_can_be_retried(
    sandbox: RunningSandbox, client: httpx.Client
) -> None:
    headers = {"Idempotency-Key": "upsert-1"}
    sandbox.set_faults(SandboxFaults(error_rate=1.0))
    assert (
        client.put("/v1/showcase/products/p1", json=product_body(), headers=headers).status_code
        == 503
    )
    sandbox.set_faults(SandboxFaults())
    ok = client.put("/v1/showcase/products/p1", json=product_body(), headers=headers)
    assert ok.status_code == 201


def test_keys_expire_after_24_hours_of_sandbox_time(client: httpx.Client) -> None:
    headers = {"Idempotency-Key": "create-3"}
    client.post("/v1/live-sessions", json={"title": "A"}, headers=headers)
    client.post("/_sandbox/clock", json={"seconds": 23 * 3600})
    still = client.post("/v1/live-sessions", json={"title": "B"}, headers=headers)
    assert still.status_code == 422
    client.post("/_sandbox/clock", json={"seconds": 2 * 3600})
    fresh = client.post("/v1/live-sessions", json={"title": "B"}, headers=headers)
    assert fresh.status_code == 201
