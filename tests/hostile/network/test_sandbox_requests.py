"""Hostile HTTP requests to the sandbox, over a real loopback socket: every one gets a 4xx
with the contract's problem+json body, none a 500, none blocks the server, and a client
that stalls cannot lock others out."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from seller_console.sandbox import RunningSandbox, SandboxConfig, start_sandbox
from seller_console.sandbox.app import MAX_BODY_BYTES
from seller_console.sandbox.cli import main as sandbox_main
from seller_console.sandbox.errors import SandboxConfigError
from tests.hostile.network.support import RATIO_HIGH, RATIO_LOW, cost_ratio, deep_json

pytestmark = pytest.mark.integration

PRODUCT = {
    "sku": "SKU-1",
    "title": "Glow serum",
    "brand": "Acme",
    "price": {"amount": "19.99", "currency": "USD"},
    "commission_rate": "0.15",
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    with start_sandbox(SandboxConfig(seed=3, keepalive_s=0.5, header_timeout_s=0.5)) as running:
        yield running


@pytest.fixture
def client(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=sandbox.base_url,
        headers={"Authorization": f"Bearer {sandbox.api_key}"},
        timeout=httpx.Timeout(10.0),
    ) as http:
        yield http


def problem(response: httpx.Response, status: int, code: str) -> str:
    """Checks the answer is the contract's problem+json with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    return str(body["detail"])


def session_id(client: httpx.Client) -> str:
    return str(client.post("/v1/live-sessions", json={"title": "Show"}).json()["id"])


# ------------------------------------------------------------------ query and headers
@pytest.mark.parametrize(
    "limit", ["\u00b2", "\u0663", "9" * 5000, "-1", "1e3", "0"], ids=lambda v: v[:8]
)
def test_a_hostile_limit_is_a_422(client: httpx.Client, limit: str) -> None:
    detail = problem(
        client.get("/v1/showcase/products", params={"limit": limit}), 422, "validation_failed"
    )
    assert "from 1 to 500" in detail


@pytest.mark.parametrize("cursor", ["\u00b2", "9" * 5000])
def test_a_hostile_orders_cursor_is_a_422(client: httpx.Client, cursor: str) -> None:
    sid = session_id(client)
    response = client.get(f"/v1/live-sessions/{sid}/orders", params={"after": cursor})
    problem(response, 422, "invalid_cursor")


@pytest.mark.parametrize(
    "header", [b"\xc2\xb2", b"\xb2", b"1" * 300, b"a\x01b"], ids=["utf8", "latin1", "long", "ctl"]
)
def test_a_hostile_last_event_id_is_a_422(client: httpx.Client, header: bytes) -> None:
    sid = session_id(client)
    response = client.get(f"/v1/live-sessions/{sid}/events", headers=[(b"Last-Event-ID", header)])
    assert "printable ASCII" in problem(response, 422, "invalid_last_event_id")


# ------------------------------------------------------------------ bodies
@pytest.mark.parametrize(
    "body",
    [
        deep_json(100_000).encode(),
        b'{"title": "x", "n": ' + b"7" * 5000 + b"}",
        b'{"title": NaN}',
        b'{"title": "\xff"}',
    ],
    ids=["100000-deep", "5000-digits", "nan", "invalid-utf8"],
)
def test_an_unreadable_body_is_a_422(client: httpx.Client, body: bytes) -> None:
    response = client.post(
        "/v1/live-sessions", content=body, headers={"Content-Type": "application/json"}
    )
    problem(response, 422, "invalid_json")


@pytest.mark.parametrize("stock", [b"1e1000000", b"1e400", b"1E+30", b"9" * 90])
def test_a_huge_stock_is_a_422_at_once(client: httpx.Client, stock: bytes) -> None:
    body = json.dumps(PRODUCT)[:-1].encode() + b', "stock": ' + stock + b"}"
    response = client.put(
        "/v1/showcase/products/p-1", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["code"] in ("invalid_json", "validation_failed")


def raw_post(sandbox: RunningSandbox, head: bytes, body: bytes) -> tuple[bytes, dict[str, object]]:
    """Sends a request's head and part of a body, never the rest, and reads the answer: it
    comes only if the server refused without waiting for (or holding) the whole body."""
    request = b"POST /v1/live-sessions HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n"
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(request + body)
        answer = _read_response(sock)
    status_line, _, rest = answer.partition(b"\r\n")
    return status_line, json.loads(rest.partition(b"\r\n\r\n")[2])


def auth(sandbox: RunningSandbox) -> bytes:
    return f"Authorization: Bearer {sandbox.api_key}\r\n".encode()


def test_a_body_declared_over_the_cap_is_a_413_before_it_is_read(sandbox: RunningSandbox) -> None:
    status, body = raw_post(sandbox, auth(sandbox) + b"Content-Length: 1000000000000\r\n", b"{")
    assert status.startswith(b"HTTP/1.1 413")
    assert body["code"] == "body_too_large"
    assert f"{MAX_BODY_BYTES:,} byte limit" in str(body["detail"])


def test_a_chunked_body_over_the_cap_is_a_413_while_it_streams(sandbox: RunningSandbox) -> None:
    chunk = b"100000\r\n" + b" " * 0x100000 + b"\r\n"  # 1 MiB chunks, no last chunk
    status, body = raw_post(sandbox, auth(sandbox) + b"Transfer-Encoding: chunked\r\n", chunk * 5)
    assert status.startswith(b"HTTP/1.1 413")
    assert body["code"] == "body_too_large"


def test_a_body_that_is_not_authenticated_is_never_read(sandbox: RunningSandbox) -> None:
    status, body = raw_post(sandbox, b"Content-Length: 1000000000000\r\n", b"{")
    assert status.startswith(b"HTTP/1.1 401")
    assert body["code"] == "unauthorized"


def test_parsing_a_body_costs_linear_time(client: httpx.Client) -> None:
    def make(count: int) -> bytes:
        ids = ",".join(f'"p-{i}"' for i in range(count))
        return f'{{"product_ids": [{ids}], "n": [{",".join(["1.5e300"] * count)}]}}'.encode()

    def work(body: bytes) -> None:
        from seller_console.sandbox.wire import parse_json

        assert isinstance(parse_json(body), dict)

    assert RATIO_LOW <= cost_ratio(make, work, 1_000, repeats=9) <= RATIO_HIGH


# ------------------------------------------------------------------ knobs
@pytest.mark.parametrize(
    ("knobs", "named"),
    [
        ({"error_rate": 1e300}, "error_rate must be from 0 to 1"),
        ({"latency_ms": 10**12}, "latency_ms must be from 0 to 60000"),
        ({"retry_after_s": 10**9}, "retry_after_s must be from 1 to 3600"),
        ({"reorder_window": 10**9}, "reorder_window must be from 0 to 10000"),
        ({"drop_every": [1, 10**15]}, "high <= 1000000000"),
    ],
)
def test_a_fault_knob_out_of_bounds_is_a_422_naming_the_bound(
    client: httpx.Client, knobs: dict[str, object], named: str
) -> None:
    assert named in problem(client.put("/_sandbox/faults", json=knobs), 422, "invalid_faults")
    assert client.get("/_sandbox/faults").json()["latency_ms"] == 0  # nothing was changed


def test_a_rate_of_1e400_is_refused_and_the_simulation_goes_on(client: httpx.Client) -> None:
    for rate in (b"1e400", b"1e300", b"100000.5", b"-1"):
        response = client.put(
            "/_sandbox/audience",
            content=b'{"rate": ' + rate + b"}",
            headers={"Content-Type": "application/json"},
        )
        assert "from 0 to 10000" in problem(response, 422, "validation_failed")
    response = client.put("/_sandbox/audience", json={"rate": 10**30})
    assert "from 0 to 10000" in problem(response, 422, "validation_failed")
    assert client.get("/_sandbox/audience").json()["rate"] == 0.0


def test_a_clock_jump_of_1e15_s_is_refused_and_the_clock_still_works(client: httpx.Client) -> None:
    detail = problem(
        client.post("/_sandbox/clock", json={"seconds": 10**15}), 422, "validation_failed"
    )
    assert "from 0 to 31622400" in detail
    assert client.post("/_sandbox/clock", json={"seconds": 60}).status_code == 200
    assert client.get("/_sandbox/stats").status_code == 200


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--rate", "1e400"], "rate must be from 0 to 100000"),
        (["--time-scale", "nan"], "time_scale must be from"),
        (["--latency-ms", str(10**12)], "latency_ms must be from 0 to 60000"),
        (["--drop-every", "\u00b2"], "expected N or LOW,HIGH"),
    ],
)
def test_a_cli_knob_out_of_bounds_exits_2_naming_the_bound(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        sandbox_main(["--port", "0", *argv])
    assert caught.value.code == 2
    assert named in capsys.readouterr().err


def test_the_config_refuses_an_infinite_rate() -> None:
    with pytest.raises(SandboxConfigError, match="rate must be from 0 to 100000"):
        SandboxConfig(rate=float("inf"))


# ------------------------------------------------------------------ the connection
def test_a_malformed_request_gets_a_problem_json_400(sandbox: RunningSandbox) -> None:
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
        answer = _read_all(sock)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"application/problem+json" in head
    assert json.loads(body)["code"] == "bad_request"


def test_headers_over_16_kib_get_a_problem_json_400(sandbox: RunningSandbox) -> None:
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(b"GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"p" * 40_000)  # no end
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 400")
    assert b'"code":"bad_request"' in answer


def test_half_open_requests_are_cut_and_cannot_lock_others_out(
    sandbox: RunningSandbox, client: httpx.Client
) -> None:
    stalled: list[socket.socket] = []
    try:
        for _ in range(200):
            sock = socket.create_connection((sandbox.host, sandbox.port), timeout=5)
            sock.sendall(b"GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # never finished
            stalled.append(sock)
        assert client.get("/v1/me").status_code == 200  # others still get answers
        deadline = time.monotonic() + 10
        closed = 0
        for sock in stalled:  # each is closed by the server at its header deadline
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            closed += sock.recv(1) == b""
        assert closed == len(stalled)
        assert client.get("/v1/me").status_code == 200
    finally:
        for sock in stalled:
            sock.close()


def _read_response(sock: socket.socket) -> bytes:
    """One answer with a Content-Length body (the connection may stay open)."""
    data = b""
    while b"\r\n\r\n" not in data:
        more = sock.recv(65536)
        assert more, data
        data += more
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    while len(body) < length:
        more = sock.recv(65536)
        assert more
        body += more
    return head + b"\r\n\r\n" + body


def _read_all(sock: socket.socket) -> bytes:
    chunks: list[bytes] = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)
