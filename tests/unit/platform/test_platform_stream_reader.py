"""The event stream reader over httpx.MockTransport: resumes with Last-Event-ID, never yields
a cut block, treats id-only blocks as cursor moves, resyncs from the orders list, and rejects
an event it cannot read without stopping."""

from __future__ import annotations

from typing import TypeVar

import httpx
import pytest

from seller_console.domain.events import (
    CursorMoved,
    Delivery,
    EventRejected,
    OrderCreated,
    OrdersResynced,
    PinChanged,
    ViewersUpdated,
)
from seller_console.platform.errors import AuthError
from tests.stream_fakes import block, client_for, order_doc, sse, take
from tests.support import run

T = TypeVar("T")


def test_it_resumes_after_a_cut_block_and_resyncs_from_the_orders_list() -> None:
    cut = block(3, "order.created", order_doc("o-3"))
    connections = [
        # 1: two events, then the connection ends in the middle of the third block.
        b": keep-alive\n\n"
        + block(1, "order.created", order_doc("o-1"))
        + block(2, "viewers.updated", {"viewers": 7})
        + cut[: len(cut) // 2],
        # 2: (the server hiccups)
        None,
        # 3: the cut event again, a reordered pair without ids, their id-only cursor block,
        #    then a resync the list covers, then the stream goes on.
        block(3, "order.created", order_doc("o-3"))
        + block(None, "order.created", order_doc("o-5"))
        + block(None, "order.created", order_doc("o-4"))
        + b"id: 5\n\n"
        + block(9, "resync-required", {"resume_id": 9})
        + block(10, "pin.changed", {"pin": None}),
    ]
    seen_ids: list[str | None] = []
    lists = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal lists
        if request.url.path.endswith("/orders"):
            lists += 1
            items = [order_doc(f"o-{n}") for n in range(1, 10)]
            return httpx.Response(200, json={"items": items, "next_cursor": None})
        seen_ids.append(request.headers.get("Last-Event-ID"))
        body = connections.pop(0) if connections else b""
        if body is None:
            return httpx.Response(503, headers={"Retry-After": "0"}, json={"code": "unavailable"})
        return sse(body)

    async def go() -> list[Delivery]:
        async with client_for(handler) as client:
            return await take(client, 8, after="0")

    got = run(go())
    assert seen_ids == ["0", "2", "2"]
    assert [(d.cursor, type(d.event).__name__) for d in got] == [
        ("1", "OrderCreated"),
        ("2", "ViewersUpdated"),
        ("3", "OrderCreated"),
        ("3", "OrderCreated"),
        ("3", "OrderCreated"),
        ("5", "CursorMoved"),
        ("9", "OrdersResynced"),
        ("10", "PinChanged"),
    ]
    created = [d.event.order.id for d in got if isinstance(d.event, OrderCreated)]
    assert created == ["o-1", "o-3", "o-5", "o-4"]
    assert isinstance(got[1].event, ViewersUpdated)
    assert got[1].event.viewers == 7
    resynced = got[6].event
    assert isinstance(resynced, OrdersResynced)
    assert len(resynced.orders) == 9
    assert lists == 1
    assert isinstance(got[7].event, PinChanged)
    assert got[7].event.pin is None
    assert isinstance(got[5].event, CursorMoved)


def test_an_unknown_event_type_only_moves_the_cursor() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return sse(block(4, "confetti.launched", {"colour": "gold"}))

    async def go() -> list[Delivery]:
        async with client_for(handler) as client:
            return await take(client, 1)

    assert run(go()) == [Delivery("4", CursorMoved())]


def test_an_unreadable_order_event_is_rejected_and_the_stream_goes_on_past_it() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return sse(
            b"id: 1\nevent: order.created\ndata: {not json\n\n"
            + block(2, "order.created", order_doc("o-2"))
        )

    async def go() -> list[Delivery]:
        async with client_for(handler) as client:
            return await take(client, 2)

    rejected, good = run(go())
    assert rejected.cursor == "1"
    assert isinstance(rejected.event, EventRejected)
    assert (rejected.event.event_id, rejected.event.event_type) == ("1", "order.created")
    assert rejected.event.raw == "{not json"
    assert rejected.event.reason.startswith("The platform sent unusable JSON")
    assert good.cursor == "2"
    assert isinstance(good.event, OrderCreated)
    assert good.event.order.id == "o-2"


def test_a_refused_key_ends_the_stream_with_a_typed_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"status": 401, "code": "unauthorized"})

    async def go() -> list[Delivery]:
        async with client_for(handler) as client:
            return await take(client, 1)

    with pytest.raises(AuthError):
        run(go())


def test_a_204_ends_the_stream() -> None:
    async def go() -> list[Delivery]:
        async with client_for(lambda request: httpx.Response(204)) as client:
            return await take(client, 1)

    assert run(go()) == []
