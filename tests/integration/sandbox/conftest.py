"""Fixtures for the sandbox's integration tests: a real server on 127.0.0.1:0."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from seller_console.sandbox import RunningSandbox, SandboxConfig, start_sandbox

PRODUCT = {
    "sku": "SKU-1",
    "title": "Glow serum",
    "brand": "Acme",
    "price": {"amount": "19.99", "currency": "USD"},
    "commission_rate": "0.15",
}


def product_body(**changes: object) -> dict[str, object]:
    return {**PRODUCT, **changes}


def make_client(sandbox: RunningSandbox) -> httpx.Client:
    return httpx.Client(
        base_url=sandbox.base_url,
        headers={"Authorization": f"Bearer {sandbox.api_key}"},
        timeout=httpx.Timeout(10.0),
    )


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    with start_sandbox(SandboxConfig(seed=7, keepalive_s=0.5)) as running:
        yield running


@pytest.fixture
def client(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with make_client(sandbox) as http:
        yield http


def live_session(
    client: httpx.Client, products: dict[str, dict[str, object]], pin: str | None = None
) -> str:
    """Upserts ``products``, creates a session with them in the bag, starts it, pins ``pin``."""
    for product_id, body in products.items():
        assert client.put(f"/v1/showcase/products/{product_id}", json=body).status_code in (
            200,
            201,
        )
    session_id = str(client.post("/v1/live-sessions", json={"title": "Show"}).json()["id"])
    assert (
        client.put(
            f"/v1/live-sessions/{session_id}/bag", json={"product_ids": list(products)}
        ).status_code
        == 200
    )
    assert client.post(f"/v1/live-sessions/{session_id}/start").status_code == 200
    if pin is not None:
        assert (
            client.put(f"/v1/live-sessions/{session_id}/pin", json={"product_id": pin}).status_code
            == 200
        )
    return session_id


def make_orders(client: httpx.Client, session_id: str, count: int) -> int:
    response = client.post(f"/_sandbox/sessions/{session_id}/orders", json={"count": count})
    assert response.status_code == 200, response.text
    return int(response.json()["created"])
