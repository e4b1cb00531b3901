"""Sandbox throughput: the highest order rate one stream client receives, and the bare ceiling.

Figures printed (never asserted):
- the highest ``--rate`` (orders/s) at which one httpx + httpx-sse client keeps up with the
  sandbox's event stream over ``BENCH_SECONDS`` (default 30): it receives at least 90 % of
  the orders and ends less than half a second behind;
- a bare SSE loop on the same stack (Starlette ``StreamingResponse`` on uvicorn) sending the
  same pre-serialised ``order.created`` block, 100 events a chunk, to the same client;
- the first as a share of the second.

Both servers run in their own process, so the client does not share a GIL with them.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from httpx_sse import connect_sse

from tests.benchmarks._summary import summary

KEY = "bench-key"
PROBE_S = 4.0
KEEP_UP = 0.9
RATES = (500, 1000, 2000, 4000, 8000, 16000, 32000)
BARE_BATCH = 100

_SANDBOX = "from seller_console.sandbox.cli import main; main()"
_BARE = "from tests.benchmarks.bench_sandbox import serve_bare; import sys; serve_bare(sys.argv[1])"


@contextmanager
def _server(args: list[str]) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", *args], stdout=subprocess.PIPE, text=True, cwd=Path.cwd()
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if "http://" not in line:
            raise RuntimeError(f"the server did not start: {line!r}")
        yield line.strip().rsplit(" ", 1)[1]
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def _client(url: str) -> httpx.Client:
    return httpx.Client(
        base_url=url,
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=httpx.Timeout(10.0, read=30.0),
    )


def _setup(client: httpx.Client) -> str:
    product = {
        "sku": "BENCH",
        "title": "Bench product",
        "brand": "Bench",
        "price": {"amount": "19.99", "currency": "USD"},
        "commission_rate": "0.15",
    }
    client.put("/v1/showcase/products/bench", json=product).raise_for_status()
    sid = str(client.post("/v1/live-sessions", json={"title": "bench"}).json()["id"])
    client.post(f"/v1/live-sessions/{sid}/start").raise_for_status()
    client.put(f"/v1/live-sessions/{sid}/pin", json={"product_id": "bench"}).raise_for_status()
    return sid


def _probe(client: httpx.Client, sid: str, rate: int, seconds: float) -> tuple[float, float]:
    """(orders/s received, seconds behind at the end) with the audience at ``rate``."""
    start_id = client.get(f"/v1/live-sessions/{sid}").json()["last_event_id"]
    before = client.get("/_sandbox/stats").json()["orders"]
    received = 0
    headers = {"Last-Event-ID": str(start_id)}
    with connect_sse(client, "GET", f"/v1/live-sessions/{sid}/events", headers=headers) as src:
        client.put("/_sandbox/audience", json={"rate": rate}).raise_for_status()
        started = time.monotonic()
        for sse in src.iter_sse():
            if sse.event == "order.created":
                received += 1
            if time.monotonic() - started >= seconds:
                break
        elapsed = time.monotonic() - started
        client.put("/_sandbox/audience", json={"rate": 0}).raise_for_status()
    made = client.get("/_sandbox/stats").json()["orders"] - before
    behind = max(0, made - received) / rate
    return received / elapsed, behind


def _kept_up(rate: int, got: float, behind: float) -> bool:
    return got >= KEEP_UP * rate and behind < 0.5


def sandbox_rate(seconds: float) -> tuple[int, float, str]:
    """The highest sustained rate, what was received at it, and a sample event's data."""
    with (
        _server([_SANDBOX, "--port", "0", "--key", KEY, "--rate", "0"]) as url,
        _client(url) as client,
    ):
        sid = _setup(client)
        best = 0
        for rate in RATES:
            got, behind = _probe(client, sid, rate, min(PROBE_S, seconds))
            print(f"  probe {rate:>6} orders/s: received {got:>9.0f}/s, {behind:.2f} s behind")
            if not _kept_up(rate, got, behind):
                break
            best = rate
        # Refine between the last rate kept up and the next.
        low, high = best, best * 2 if best else RATES[0]
        for _ in range(2):
            mid = (low + high) // 2
            got, behind = _probe(client, sid, mid, min(PROBE_S, seconds))
            print(f"  probe {mid:>6} orders/s: received {got:>9.0f}/s, {behind:.2f} s behind")
            low, high = (mid, high) if _kept_up(mid, got, behind) else (low, mid)
        final = low
        got, behind = _probe(client, sid, final, seconds)
        while not _kept_up(final, got, behind) and final > RATES[0]:
            final = int(final * 0.85)
            got, behind = _probe(client, sid, final, seconds)
        sample = client.get(f"/v1/live-sessions/{sid}/orders", params={"limit": 1}).json()
        return final, got, json.dumps(sample["items"][0], separators=(",", ":"))


def serve_bare(data_path: str) -> None:
    """A bare SSE endpoint on Starlette + uvicorn: the same block, as fast as possible."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import StreamingResponse
    from starlette.routing import Route

    data = Path(data_path).read_bytes()

    async def body() -> AsyncIterator[bytes]:
        next_id = 1
        while True:
            chunk = b"".join(
                b"id: %d\nevent: order.created\ndata: %s\n\n" % (next_id + n, data)
                for n in range(BARE_BATCH)
            )
            next_id += BARE_BATCH
            yield chunk
            await asyncio.sleep(0)  # let the loop see a disconnect, as the sandbox's stream does

    async def events(_request: Request) -> StreamingResponse:
        return StreamingResponse(body(), media_type="text/event-stream")

    config = uvicorn.Config(
        Starlette(routes=[Route("/events", events)]),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        access_log=False,
    )
    sock = config.bind_socket()
    sock.listen()  # connections wait in the backlog until the server runs: none is refused
    print(f"Bare listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(config).run(sockets=[sock])


def bare_rate(sample: str, seconds: float) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "event.json"
        path.write_text(sample, encoding="utf-8")
        with _server([_BARE, str(path)]) as url, _client(url) as client:
            received = 0
            with connect_sse(client, "GET", "/events") as src:
                started = time.monotonic()
                for sse in src.iter_sse():
                    received += sse.event == "order.created"
                    if time.monotonic() - started >= seconds:
                        break
                return received / (time.monotonic() - started)


def main() -> None:
    seconds = float(os.environ.get("BENCH_SECONDS", "30"))
    print(f"sandbox stream throughput ({seconds:g} s runs, one httpx-sse client)")
    rate, got, sample = sandbox_rate(seconds)
    print(
        f"sandbox: highest sustained rate {rate} orders/s for {seconds:g} s (received {got:.0f}/s)"
    )
    bare = bare_rate(sample, seconds)
    share_pct = 100 * got / bare
    print(f"bare SSE loop, same stack and client: {bare:.0f} events/s")
    print(f"sandbox rate as a share of the bare loop: {share_pct:.1f} %")
    print(
        summary(
            "sandbox",
            {
                "sustained_orders_per_s": rate,
                "events_per_s": got,
                "bare_per_s": bare,
                "share_pct": share_pct,
            },
        )
    )
