"""The sandbox's ASGI app (Starlette): the Live Commerce API v1 and the /_sandbox/ knobs.

Every ``/v1/`` call goes through one gate, in this order: bearer key (401), the fault
knobs (latency, 429 bursts, 5xx), the body (JSON read with Decimal), the
``Idempotency-Key`` for mutating calls (replay, or 422 ``idempotency_key_reused``), the
handler, then the lost-response fault. Handlers are plain functions that run with no
``await`` between the idempotency lookup and the save, so two requests with one key
cannot both act.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from seller_console.sandbox import events
from seller_console.sandbox.clock import MAX_ADVANCE_S, MAX_ELAPSED_S, SandboxClock
from seller_console.sandbox.config import MAX_RATE, SandboxConfig, SandboxFaults
from seller_console.sandbox.errors import ApiError, SandboxConfigError, invalid
from seller_console.sandbox.idempotency import (
    MAX_KEY_LENGTH,
    IdempotencyKeyReusedError,
    IdempotencyStore,
    StoredResponse,
    fingerprint,
)
from seller_console.sandbox.store import SandboxStore
from seller_console.sandbox.wire import (
    JsonObject,
    as_object,
    check_id,
    count,
    is_ascii_number,
    money,
    page_limit,
    parse_json,
    rate,
    required_text,
    string_list,
    text,
    timestamp,
)
from seller_console.sandbox.world import Product, World

log = logging.getLogger(__name__)

JSON = "application/json"
PROBLEM = "application/problem+json"
PROBLEM_BASE = "https://seller-console.invalid/problems/"
MAX_BATCH = 500
TICK_S = 0.02
SESSION_STATUSES = ("scheduled", "live", "ended")


@dataclass(slots=True)
class Reply:
    status: int
    body: object | None


@dataclass(eq=False)
class Runtime:
    """What the app shares between requests. ``faults`` may be swapped from any thread."""

    config: SandboxConfig
    api_key: str
    faults: SandboxFaults
    clock: SandboxClock
    world: World | None = None
    loop: asyncio.AbstractEventLoop | None = None
    idempotency: IdempotencyStore = field(default_factory=IdempotencyStore)
    fault_rng: random.Random = field(default_factory=random.Random)
    calls: int = 0
    burst_until: float = 0.0

    def get_world(self) -> World:
        if self.world is None:
            raise ApiError(503, "starting", "the sandbox is starting", headers={"Retry-After": "1"})
        return self.world

    def get_faults(self) -> SandboxFaults:
        return self.faults


MAX_BODY_BYTES = 4 * 1024 * 1024
"""The largest request body read (a full batch of 500 products is well under it)."""
BODY_TIMEOUT_S = 30.0
"""How long a request body may take to arrive once its headers have (a slow body is a 408)."""


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request's body, refused with 413 ``body_too_large`` as soon as it is known to be
    over ``limit``: from ``Content-Length`` before a byte is read, or while it streams in
    (chunked), so an oversized body is never held whole. A body that trickles in for longer
    than ``BODY_TIMEOUT_S`` is a 408 ``body_timeout``."""
    too_large = ApiError(
        413, "body_too_large", f"the request body is larger than the {limit:,} byte limit"
    )
    declared = request.headers.get("content-length", "")
    if declared and (not is_ascii_number(declared, 18) or int(declared) > limit):
        raise too_large
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise too_large
                chunks.append(chunk)
    except TimeoutError as exc:
        raise ApiError(
            408, "body_timeout", f"the request body did not arrive within {BODY_TIMEOUT_S:g} s"
        ) from exc
    except ClientDisconnect as exc:  # the client went away mid-body: nobody to answer
        raise ApiError(400, "body_incomplete", "the client left before its body arrived") from exc
    return b"".join(chunks)


def problem_body(error: ApiError) -> bytes:
    """The RFC 9457 problem+json document of an error answer."""
    return _dumps(
        {
            "type": PROBLEM_BASE + error.code,
            "title": error.code.replace("_", " ").capitalize(),
            "status": error.status,
            "detail": error.detail,
            "code": error.code,
        }
    )


def problem(error: ApiError) -> Response:
    return Response(problem_body(error), error.status, headers=error.headers, media_type=PROBLEM)


def _dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


async def _api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return problem(exc)


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return problem(ApiError(exc.status_code, code, str(exc.detail), headers=exc.headers))


# ---------------------------------------------------------------------- the gate
Handler = Callable[[Request, World, object], Reply]
Endpoint = Callable[[Request], Awaitable[Response]]


def _check_auth(runtime: Runtime, request: Request) -> None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(
        token.strip().encode(), runtime.api_key.encode()
    ):
        raise ApiError(
            401,
            "unauthorized",
            "a valid 'Authorization: Bearer <key>' header is required",
            headers={"WWW-Authenticate": 'Bearer realm="sandbox"'},
        )


async def _apply_faults(runtime: Runtime) -> None:
    faults = runtime.faults
    if faults.latency_ms:
        await asyncio.sleep(faults.latency_ms / 1000)
    runtime.calls += 1
    now = time.monotonic()
    if faults.rate_limit_burst_every is not None:
        if now >= runtime.burst_until and runtime.calls % faults.rate_limit_burst_every == 0:
            runtime.burst_until = now + faults.retry_after_s
        if now < runtime.burst_until:
            wait = max(1, round(runtime.burst_until - now + 0.499))
            raise ApiError(
                429,
                "rate_limited",
                "too many requests (sandbox fault)",
                headers={"Retry-After": str(wait)},
            )
    if faults.error_rate and runtime.fault_rng.random() < faults.error_rate:
        raise ApiError(
            503,
            "unavailable",
            "the platform is unavailable (sandbox fault)",
            headers={"Retry-After": "0"},
        )


def api(
    runtime: Runtime, handler: Handler, *, mutating: bool, body: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        _check_auth(runtime, request)
        await _apply_faults(runtime)
        payload: object = None
        if body:
            payload = parse_json(await read_body(request))
        world = runtime.get_world()
        key = request.headers.get("idempotency-key") if mutating else None
        if key is not None:
            if not 1 <= len(key) <= MAX_KEY_LENGTH:
                raise invalid(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters")
            print_ = fingerprint(request.method, request.url.path, payload)
            now = world.clock.elapsed()
            try:
                stored = runtime.idempotency.lookup(key, print_, now)
            except IdempotencyKeyReusedError as exc:
                raise ApiError(
                    422,
                    "idempotency_key_reused",
                    "this Idempotency-Key was used for another request",
                ) from exc
            if stored is not None:
                return Response(
                    stored.body or None,
                    stored.status,
                    media_type=stored.content_type or None,
                    headers={"Idempotent-Replayed": "true"},
                )
        reply = handler(request, world, payload)
        content = _dumps(reply.body) if reply.body is not None else b""
        media = JSON if reply.body is not None else ""
        if key is not None and 200 <= reply.status < 300:
            runtime.idempotency.save(
                key, print_, StoredResponse(reply.status, content, media), world.clock.elapsed()
            )
        lost = runtime.faults.lost_response_rate
        if mutating and lost and runtime.fault_rng.random() < lost:
            raise ApiError(500, "internal_error", "the response was lost (sandbox fault)")
        return Response(content or None, reply.status, media_type=media or None)

    return endpoint


# ---------------------------------------------------------------------- handlers
def _param(request: Request, name: str) -> str:
    return str(request.path_params[name])


def _product(product_id: str, data: JsonObject, now: str) -> Product:
    check_id(product_id, "product id")
    given = data.get("id")
    if given is not None and given != product_id:
        raise invalid(f"id {given!r} in the body is not the id in the path", "id_mismatch")
    price = money(data, "price")
    assert price is not None
    compare = money(data, "compare_at_price", required=False)
    if compare is not None and compare.currency != price.currency:
        raise invalid("compare_at_price must be in the price's currency", "currency_mismatch")
    image = text(data, "image_url", required=False, max_len=2048)
    if image is not None and not image.startswith(("https://", "http://")):
        raise invalid("image_url must be an http(s) URL")
    brand = text(data, "brand", required=False, max_len=200)
    if brand is None:
        raise invalid("brand is required (may be empty)")
    return Product(
        id=product_id,
        sku=required_text(data, "sku", 200),
        title=required_text(data, "title", 500),
        brand=brand,
        price=price,
        compare_at_price=compare,
        image_url=image,
        stock=count(data, "stock"),
        commission_rate=rate(data, "commission_rate"),
        updated_at=now,
    )


def me(_r: Request, world: World, _b: object) -> Reply:
    return Reply(200, world.account())


def list_products(request: Request, world: World, _b: object) -> Reply:
    limit = page_limit(request.query_params.get("limit"))
    return Reply(200, world.product_page(request.query_params.get("cursor"), limit))


def get_product(request: Request, world: World, _b: object) -> Reply:
    return Reply(200, world.product(_param(request, "product_id")).to_wire())


def put_product(request: Request, world: World, body: object) -> Reply:
    product = _product(_param(request, "product_id"), as_object(body), world.now())
    created = world.upsert_product(product)
    return Reply(201 if created else 200, product.to_wire())


def batch_products(_r: Request, world: World, body: object) -> Reply:
    items = as_object(body).get("products")
    if not isinstance(items, list):
        raise invalid("products must be a list")
    if len(items) > MAX_BATCH:
        raise invalid(f"a batch holds at most {MAX_BATCH} products", "batch_too_large")
    results: list[JsonObject] = []
    now = world.now()
    for item in items:
        product_id = item.get("id") if isinstance(item, dict) else None
        try:
            if not isinstance(product_id, str):
                raise invalid("each product needs a string id")
            product = _product(product_id, as_object(item, "each product"), now)
        except ApiError as exc:
            results.append(
                {
                    "id": product_id if isinstance(product_id, str) else None,
                    "status": "error",
                    "code": exc.code,
                    "detail": exc.detail,
                }
            )
            continue
        created = world.upsert_product(product)
        results.append({"id": product.id, "status": "ok", "created": created})
    return Reply(200, {"results": results})


def delete_product(request: Request, world: World, _b: object) -> Reply:
    world.delete_product(_param(request, "product_id"))
    return Reply(204, None)


def create_link(_r: Request, world: World, body: object) -> Reply:
    product_id = required_text(as_object(body), "product_id", 128)
    return Reply(201, world.create_link(product_id).to_wire())


def list_sessions(request: Request, world: World, _b: object) -> Reply:
    status = request.query_params.get("status")
    if status is not None and status not in SESSION_STATUSES:
        raise invalid(f"status must be one of {', '.join(SESSION_STATUSES)}")
    limit = page_limit(request.query_params.get("limit"))
    return Reply(200, world.sessions_page(status, request.query_params.get("cursor"), limit))


def create_session(_r: Request, world: World, body: object) -> Reply:
    data = as_object(body)
    title = required_text(data, "title", 200)
    session = world.create_session(title, timestamp(data, "scheduled_start"))
    return Reply(201, session.to_wire())


def get_session(request: Request, world: World, _b: object) -> Reply:
    return Reply(200, world.session(_param(request, "session_id")).to_wire())


def start_session(request: Request, world: World, _b: object) -> Reply:
    return Reply(200, world.start(_param(request, "session_id")).to_wire())


def end_session(request: Request, world: World, _b: object) -> Reply:
    return Reply(200, world.end(_param(request, "session_id")).to_wire())


def put_bag(request: Request, world: World, body: object) -> Reply:
    ids = string_list(as_object(body), "product_ids", MAX_BATCH)
    return Reply(200, world.set_bag(_param(request, "session_id"), ids).to_wire())


def put_pin(request: Request, world: World, body: object) -> Reply:
    data = as_object(body)
    product_id = required_text(data, "product_id", 128)
    live_price = money(data, "live_price", required=False)
    stock_limit = count(data, "stock_limit", minimum=1)
    pin = world.pin(_param(request, "session_id"), product_id, live_price, stock_limit)
    return Reply(200, pin.to_wire())


def delete_pin(request: Request, world: World, _b: object) -> Reply:
    world.unpin(_param(request, "session_id"))
    return Reply(204, None)


def list_orders(request: Request, world: World, _b: object) -> Reply:
    after = request.query_params.get("after") or request.query_params.get("cursor")
    limit = page_limit(request.query_params.get("limit"))
    return Reply(200, world.orders_page(_param(request, "session_id"), after, limit))


def event_stream(runtime: Runtime) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        _check_auth(runtime, request)
        await _apply_faults(runtime)
        world = runtime.get_world()
        session = world.session(_param(request, "session_id"))
        last = events.parse_last_event_id(request.headers.get("last-event-id"))
        body = events.stream(
            session.log,
            session.id,
            last,
            faults=runtime.get_faults,
            rng=random.Random(runtime.fault_rng.random()),
            keepalive_s=runtime.config.keepalive_s,
        )
        return StreamingResponse(
            body,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return endpoint


# ---------------------------------------------------------------------- /_sandbox/
def control(
    runtime: Runtime, handler: Callable[[Runtime, World, object], Reply], *, body: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        _check_auth(runtime, request)
        payload = parse_json(await read_body(request)) if body else None
        world = runtime.get_world()
        if "session_id" in request.path_params:
            payload = {"session_id": _param(request, "session_id"), "body": payload}
        reply = handler(runtime, world, payload)
        return Response(_dumps(reply.body), reply.status, media_type=JSON)

    return endpoint


def get_faults(runtime: Runtime, _w: World, _b: object) -> Reply:
    return Reply(200, runtime.faults.to_json())


def put_faults(runtime: Runtime, _w: World, body: object) -> Reply:
    try:
        runtime.faults = runtime.faults.updated(as_object(body))
    except SandboxConfigError as exc:
        raise invalid(str(exc), "invalid_faults") from exc
    return Reply(200, runtime.faults.to_json())


def stats(runtime: Runtime, world: World, _b: object) -> Reply:
    c = world.counters
    return Reply(
        200,
        {
            "pin_changes": c.pin_changes,
            "orders": c.orders,
            "events": c.events,
            "sessions": len(world.sessions),
            "products": len(world.products),
            "requests": runtime.calls,
            "idempotency_keys": len(runtime.idempotency),
            "rate": world.rate,
            "clock": world.now(),
        },
    )


def get_audience(_rt: Runtime, world: World, _b: object) -> Reply:
    return Reply(200, {"rate": world.rate})


def put_audience(_rt: Runtime, world: World, body: object) -> Reply:
    value = as_object(body).get("rate")
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise invalid("rate must be a number of orders per second")
    if not 0 <= value <= MAX_RATE:
        raise invalid(f"rate must be from 0 to {MAX_RATE:g} orders per second")
    world.rate = float(value)
    return Reply(200, {"rate": world.rate})


def make_orders(_rt: Runtime, world: World, payload: object) -> Reply:
    data = as_object(payload)
    session = world.session(str(data["session_id"]))
    wanted = count(as_object(data["body"]), "count", minimum=1, maximum=100_000)
    if wanted is None:
        raise invalid("count is required")
    if session.status != "live":
        raise ApiError(409, "session_not_live", f"session {session.id} is {session.status}")
    made = world.sell(session, wanted)
    world.flush()
    return Reply(200, {"created": made, "orders": world.counters.orders})


def advance_clock(_rt: Runtime, world: World, body: object) -> Reply:
    value = as_object(body).get("seconds")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ADVANCE_S:
        raise invalid(f"seconds must be an integer from 0 to {MAX_ADVANCE_S}")
    if world.clock.elapsed() + value > MAX_ELAPSED_S:
        raise invalid(f"the sandbox clock cannot run more than {MAX_ELAPSED_S} s past its start")
    world.clock.advance(value)
    world.tick()
    return Reply(200, {"now": world.now(), "elapsed_s": world.clock.elapsed()})


# ---------------------------------------------------------------------- the app
def _openapi() -> bytes:
    return resources.files("seller_console.sandbox").joinpath("openapi.json").read_bytes()


def build_app(runtime: Runtime) -> Starlette:
    spec = _openapi()

    async def openapi(_request: Request) -> Response:
        return Response(spec, media_type=JSON)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        config = runtime.config
        store = SandboxStore(Path(config.state_path)) if config.state_path is not None else None
        world = World(
            seed=config.seed,
            clock=runtime.clock,
            currency=config.currency,
            rate=config.rate,
            refund_rate=config.refund_rate,
            event_retention=config.event_retention,
            store=store,
        )
        runtime.world = world
        runtime.loop = asyncio.get_running_loop()
        task = asyncio.create_task(_simulate(world))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            world.close_streams()
            world.flush()
            if store is not None:
                store.close()

    def a(
        handler: Handler, *, mutating: bool = False, body: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        return api(runtime, handler, mutating=mutating, body=body)

    def c(handler: Callable[[Runtime, World, object], Reply], *, body: bool = False) -> Endpoint:
        return control(runtime, handler, body=body)

    table: dict[str, dict[str, Endpoint]] = {
        "/openapi.json": {"GET": openapi},
        "/v1/me": {"GET": a(me)},
        "/v1/showcase/products": {"GET": a(list_products)},
        "/v1/showcase/products:batch": {"POST": a(batch_products, mutating=True, body=True)},
        "/v1/showcase/products/{product_id}": {
            "GET": a(get_product),
            "PUT": a(put_product, mutating=True, body=True),
            "DELETE": a(delete_product, mutating=True),
        },
        "/v1/affiliate-links": {"POST": a(create_link, mutating=True, body=True)},
        "/v1/live-sessions": {
            "GET": a(list_sessions),
            "POST": a(create_session, mutating=True, body=True),
        },
        "/v1/live-sessions/{session_id}": {"GET": a(get_session)},
        "/v1/live-sessions/{session_id}/start": {"POST": a(start_session, mutating=True)},
        "/v1/live-sessions/{session_id}/end": {"POST": a(end_session, mutating=True)},
        "/v1/live-sessions/{session_id}/bag": {"PUT": a(put_bag, mutating=True, body=True)},
        "/v1/live-sessions/{session_id}/pin": {
            "PUT": a(put_pin, mutating=True, body=True),
            "DELETE": a(delete_pin, mutating=True),
        },
        "/v1/live-sessions/{session_id}/orders": {"GET": a(list_orders)},
        "/v1/live-sessions/{session_id}/events": {"GET": event_stream(runtime)},
        "/_sandbox/faults": {"GET": c(get_faults), "PUT": c(put_faults, body=True)},
        "/_sandbox/stats": {"GET": c(stats)},
        "/_sandbox/audience": {"GET": c(get_audience), "PUT": c(put_audience, body=True)},
        "/_sandbox/sessions/{session_id}/orders": {"POST": c(make_orders, body=True)},
        "/_sandbox/clock": {"POST": c(advance_clock, body=True)},
    }
    routes = [
        Route(path, _dispatch(methods), methods=list(methods)) for path, methods in table.items()
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )


def _dispatch(methods: dict[str, Endpoint]) -> Endpoint:
    """One endpoint per path, so a 405 names every allowed method in ``Allow``."""

    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await methods[method](request)

    return endpoint


async def _simulate(world: World) -> None:
    while True:
        await asyncio.sleep(TICK_S)
        world.tick()
