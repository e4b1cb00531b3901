"""The event stream: keep-alive, replay after Last-Event-ID, drops, faults and resync."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import httpx
import pytest
from httpx_sse import connect_sse

from seller_console.sandbox import RunningSandbox, SandboxConfig, SandboxFaults, start_sandbox

from .conftest import live_session, make_client, make_orders, product_body

pytestmark = pytest.mark.integration

MAX_CONNECTIONS = 200
DEADLINE_S = 10.0


@dataclass
class Received:
    """What a resuming client keeps: its cursor, every data event, and each connection's end."""

    cursor: str | None = None
    events: list[tuple[str | None, str, str]] = field(default_factory=list)
    connections: int = 0
    resyncs: int = 0


def reached(got: Received, until_id: int) -> bool:
    return got.cursor is not None and got.cursor.isdigit() and int(got.cursor) >= until_id


def follow(client: httpx.Client, session_id: str, until_id: int, got: Received) -> None:
    """Reads the stream, reconnecting with Last-Event-ID, until ``until_id`` is the cursor."""
    deadline = time.monotonic() + DEADLINE_S
    while not reached(got, until_id):
        assert got.connections < MAX_CONNECTIONS, "too many reconnects"
        assert time.monotonic() < deadline, "the stream did not catch up in time"
        got.connections += 1
        headers = {"Last-Event-ID": got.cursor} if got.cursor is not None else {}
        with connect_sse(
            client, "GET", f"/v1/live-sessions/{session_id}/events", headers=headers
        ) as source:
            assert source.response.status_code == 200
            for sse in source.iter_sse():
                if sse.data:
                    got.events.append((sse.id or None, sse.event, sse.data))
                if sse.event == "resync-required":
                    got.resyncs += 1
                if sse.id:
                    got.cursor = sse.id
                if reached(got, until_id):
                    return


def last_event_id(client: httpx.Client, session_id: str) -> int:
    return int(client.get(f"/v1/live-sessions/{session_id}").json()["last_event_id"])


def test_keep_alive_comments_fill_silence(sandbox: RunningSandbox, client: httpx.Client) -> None:
    sid = client.post("/v1/live-sessions", json={"title": "Quiet"}).json()["id"]
    started = time.monotonic()
    seen = b""
    with client.stream("GET", f"/v1/live-sessions/{sid}/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for chunk in response.iter_bytes():
            seen += chunk
            if seen.count(b": keep-alive\n\n") >= 3 or time.monotonic() - started > 5:
                break
    assert seen.count(b": keep-alive\n\n") >= 3
    assert time.monotonic() - started < 5


def test_stream_errors(sandbox: RunningSandbox, client: httpx.Client) -> None:
    assert client.get("/v1/live-sessions/nope/events").status_code == 404
    with httpx.Client(base_url=sandbox.base_url) as anonymous:
        assert anonymous.get("/v1/live-sessions/nope/events").status_code == 401


def test_drops_and_resume_deliver_every_event_once_in_order(
    sandbox: RunningSandbox, client: httpx.Client
) -> None:
    sid = live_session(client, {"p1": product_body(), "p2": product_body()}, pin="p1")
    make_orders(client, sid, 400)
    last = last_event_id(client, sid)
    sandbox.set_faults(SandboxFaults(drop_every=(15, 40)))
    got = Received()
    follow(client, sid, last, got)
    ids = [int(i) for i, _, _ in got.events if i is not None and int(i) <= last]
    assert ids == list(range(1, last + 1))
    assert got.connections > 5  # it was really cut
    orders = [json.loads(d)["id"] for i, e, d in got.events if e == "order.created"]
    assert len(orders) == 400 == len(set(orders))


def test_duplicates_and_reordering_never_skip_an_event(
    sandbox: RunningSandbox, client: httpx.Client
) -> None:
    sid = live_session(client, {"p1": product_body()}, pin="p1")
    make_orders(client, sid, 300)
    last = last_event_id(client, sid)
    sandbox.set_faults(SandboxFaults(drop_every=(10, 30), duplicate_rate=0.2, reorder_window=5))
    got = Received()
    follow(client, sid, last, got)
    orders = [json.loads(d)["id"] for _, e, d in got.events if e == "order.created"]
    assert len(orders) > 300  # duplicates and replays arrived ...
    assert len(set(orders)) == 300  # ... and nothing is missing


def test_resync_when_last_event_id_is_too_old() -> None:
    with (
        start_sandbox(SandboxConfig(seed=3, event_retention=20)) as sandbox,
        make_client(sandbox) as client,
    ):
        sid = live_session(client, {"p1": product_body()}, pin="p1")
        make_orders(client, sid, 100)
        last = last_event_id(client, sid)
        for stale in ("1", "not-a-number", str(last + 50)):
            with connect_sse(
                client,
                "GET",
                f"/v1/live-sessions/{sid}/events",
                headers={"Last-Event-ID": stale},
            ) as source:
                first = next(source.iter_sse())
            assert first.event == "resync-required"
            assert first.id == str(last)
            assert json.loads(first.data)["resume_id"] == last
        # A cursor that is still held replays without a resync.
        got = Received(cursor=str(last - 5))
        order = make_orders(client, sid, 1)
        follow(client, sid, last + order, got)
        assert got.resyncs == 0
        replayed = [int(i or 0) for i, _, _ in got.events]
        assert replayed[:6] == list(range(last - 4, last + 2))


def test_stop_ends_open_streams(client: httpx.Client, sandbox: RunningSandbox) -> None:
    sid = client.post("/v1/live-sessions", json={"title": "Open"}).json()["id"]
    with client.stream("GET", f"/v1/live-sessions/{sid}/events") as response:
        chunks = response.iter_bytes()
        assert next(chunks).startswith(b": keep-alive")
        started = time.monotonic()
        sandbox.stop()
        assert time.monotonic() - started < 3
        assert b"".join(chunks) in (b"", b": keep-alive\n\n")
