"""The practice TikTok's ASGI app (Starlette): TikTok Shop's creator calls and token host.

Every API call passes one gate, in this order: the fault knobs (429, 500), the
``app_key``, the ``timestamp`` (within ``timestamp_window_s`` of the server's clock), the
``sign`` (recomputed here from TikTok's documented recipe over the raw path, the query and
the raw body bytes; a mismatch is counted at ``/_sandbox/stats`` and answered ``106001``),
then the ``x-tts-access-token``. Answers are TikTok's envelope
``{code, message, request_id, data}``. ``/api/v2/token/get|refresh`` are the token host.

``/_sandbox/`` knobs (bearer: the app secret): ``GET stats``, ``PUT faults``,
``POST live`` (``{"action": "schedule"|"start"|"end", "title"}``), ``POST expire-tokens``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from seller_console.sandbox.state_file import kept
from seller_console.sandbox.tiktok.world import (
    INVALID_SIGN,
    PracticeError,
    PracticeFaults,
    World,
    bad_request,
)

log = logging.getLogger(__name__)
STATE_KIND = "tiktok"

Handler = Callable[[Request, Any], Any]


def expected_sign(
    raw_path: str, query: dict[str, str], body: bytes, secret: str, multipart: bool
) -> str:
    """TikTok's documented recipe, written from its docs for the server side."""
    keys = sorted(k for k in query if k not in ("sign", "access_token"))
    base = raw_path + "".join(k + query[k] for k in keys)
    payload = base.encode() + (b"" if multipart or not body else body)
    key = secret.encode()
    return hmac.new(key, key + payload + key, hashlib.sha256).hexdigest()


def _envelope(data: Any = None, *, code: int = 0, message: str = "Success") -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "request_id": secrets.token_hex(10).upper(),
        "data": data,
    }


def _error(error: PracticeError) -> Response:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    return JSONResponse(
        _envelope(None, code=error.code, message=error.message),
        status_code=error.status,
        headers=headers,
    )


def _query(request: Request) -> dict[str, str]:
    result: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in result:
            raise bad_request(f"The query parameter {key!r} is given twice.")
        result[key] = value
    return result


def _json_body(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body, parse_float=Decimal)
    except ValueError as exc:
        raise bad_request("The request body is not JSON.") from exc


def _int_param(
    query: dict[str, str], key: str, low: int, high: int, default: int | None = None
) -> int:
    raw = query.get(key)
    if raw is None:
        if default is None:
            raise bad_request(f"The query parameter {key!r} is required.")
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise bad_request(f"{key} must be a whole number in [{low}-{high}].")
    return int(raw)


def _offset(query: dict[str, str]) -> int:
    token = query.get("page_token") or "0"
    if not token.isdigit():
        raise bad_request("The page_token is invalid.")
    return int(token)


def _ids(body: Any, key: str = "product_ids", limit: int | None = None) -> list[str]:
    value = body.get(key) if isinstance(body, dict) else None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise bad_request(f"{key} must be a non-empty list of product ids.")
    if limit is not None and len(value) > limit:
        raise bad_request(f"{key} holds at most {limit} products.")
    return value


def build_app(world: World) -> Starlette:
    config = world.config

    def api(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            body = await request.body()
            try:
                world.gate()
                query = _query(request)
                if query.get("app_key") != world.app_key:
                    raise PracticeError(401, 106002, "The app_key is invalid.")
                stamp = query.get("timestamp", "")
                if not stamp.isdigit() or abs(int(stamp) - world.now()) > config.timestamp_window_s:
                    raise PracticeError(401, 106003, "The timestamp is missing or expired.")
                raw_path = request.scope.get("raw_path") or request.url.path.encode()
                multipart = request.headers.get("content-type", "").startswith(
                    "multipart/form-data"
                )
                expected = expected_sign(
                    raw_path.decode("latin-1"), query, body, world.app_secret, multipart
                )
                if not hmac.compare_digest(expected, query.get("sign", "")):
                    world.count_bad_signature()
                    raise PracticeError(
                        401,
                        INVALID_SIGN,
                        "Invalid credentials. The 'sign' query parameter is invalid.",
                    )
                world.check_access_token(request.headers.get("x-tts-access-token"))
                data = handler(request, {"query": query, "body": _json_body(body)})
            except PracticeError as error:
                return _error(error)
            return JSONResponse(_envelope(data))

        return endpoint

    def profile(request: Request, call: Any) -> Any:
        return world.profile()

    def showcase(request: Request, call: Any) -> Any:
        query = call["query"]
        origin = query.get("origin")
        if origin not in ("LIVE", "SHOWCASE"):
            raise bad_request("origin must be LIVE or SHOWCASE.")
        size = _int_param(query, "page_size", 1, 20)
        return world.showcase_page(origin, _offset(query), size)

    def showcase_add(request: Request, call: Any) -> Any:
        body = call["body"]
        if not isinstance(body, dict) or body.get("add_type") != "PRODUCT_ID":
            raise bad_request("add_type must be PRODUCT_ID here.")
        return {"errors": world.add_to_showcase(_ids(body, limit=20))}

    def product_search(request: Request, call: Any) -> Any:
        query = call["query"]
        if query.get("shop_cipher") != config.shop_cipher:
            raise PracticeError(403, 40301, "The shop_cipher does not match an authorized shop.")
        size = _int_param(query, "page_size", 1, 100)
        body = call["body"] or {}
        skus = body.get("seller_skus") if isinstance(body, dict) else None
        if skus is not None and not (
            isinstance(skus, list) and all(isinstance(s, str) for s in skus)
        ):
            raise bad_request("seller_skus must be a list of strings.")
        return world.search_products(skus, _offset(query), size)

    def live_room(request: Request, call: Any) -> Any:
        return world.live_room()

    def bag(request: Request, call: Any) -> Any:
        if request.method == "GET":
            return world.bag()
        if request.method == "POST":
            return {"errors": world.add_to_bag(_ids(call["body"]))}
        world.remove_from_bag(_ids(call["body"]))
        return {}

    def top(request: Request, call: Any) -> Any:
        world.top(_ids(call["body"]))
        return {}

    def pin(request: Request, call: Any) -> Any:
        if call["body"] is not None:
            raise bad_request("pin takes no body.")
        world.pin(request.path_params["product_id"])
        return {}

    def unpin(request: Request, call: Any) -> Any:
        if call["body"] is not None:
            raise bad_request("unpin takes no body.")
        world.unpin(request.path_params["product_id"])
        return {}

    def orders(request: Request, call: Any) -> Any:
        query = call["query"]
        size = _int_param(query, "page_size", 1, 100, default=20)
        body = call["body"] or {}
        if not isinstance(body, dict):
            raise bad_request("The body must be an object.")
        window = []
        for key in ("create_time_ge", "create_time_lt"):
            value = body.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise bad_request(f"{key} must be a Unix timestamp.")
            window.append(value)
        return world.search_orders(window[0], window[1], _offset(query), size)

    async def token_get(request: Request) -> Response:
        return _token_call(
            request, "authorized_code", lambda q: world.exchange_code(q["auth_code"])
        )

    async def token_refresh(request: Request) -> Response:
        return _token_call(request, "refresh_token", lambda q: world.refresh(q["refresh_token"]))

    def _token_call(
        request: Request, grant: str, act: Callable[[dict[str, str]], dict[str, Any]]
    ) -> Response:
        try:
            query = _query(request)
            if query.get("app_key") != world.app_key or not hmac.compare_digest(
                query.get("app_secret", ""), world.app_secret
            ):
                raise PracticeError(401, 106002, "The app_key or app_secret is invalid.")
            if query.get("grant_type") != grant:
                raise bad_request(f"grant_type must be {grant}.")
            return JSONResponse(_envelope(act(query)))
        except KeyError as exc:
            return _error(bad_request(f"The query parameter {exc.args[0]!r} is required."))
        except PracticeError as error:
            return _error(error)

    def _control(request: Request) -> None:
        header = request.headers.get("authorization", "")
        if not hmac.compare_digest(header, f"Bearer {world.app_secret}"):
            raise PracticeError(401, 106002, "The sandbox knobs need the app secret.")

    async def stats(request: Request) -> Response:
        try:
            _control(request)
        except PracticeError as error:
            return _error(error)
        return JSONResponse(world.stats.to_json())

    async def faults(request: Request) -> Response:
        try:
            _control(request)
            body = _json_body(await request.body()) or {}
            if not isinstance(body, dict):
                raise bad_request("faults must be an object.")
            world.set_faults(PracticeFaults(**body))
        except (TypeError, ValueError) as exc:
            return _error(bad_request(str(exc)))
        except PracticeError as error:
            return _error(error)
        return JSONResponse({"ok": True})

    async def live(request: Request) -> Response:
        try:
            _control(request)
            body = _json_body(await request.body()) or {}
            action = body.get("action") if isinstance(body, dict) else None
            if action == "schedule":
                return JSONResponse({"id": world.schedule_live(str(body.get("title") or "LIVE"))})
            if action == "start":
                world.go_live()
            elif action == "end":
                world.end_live()
            else:
                raise bad_request("action must be schedule, start or end.")
        except ValueError as exc:
            return _error(bad_request(str(exc)))
        except PracticeError as error:
            return _error(error)
        return JSONResponse(world.live_room())

    async def expire(request: Request) -> Response:
        try:
            _control(request)
        except PracticeError as error:
            return _error(error)
        world.expire_access_tokens()
        return JSONResponse({"ok": True})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async def run_audience() -> None:
            while True:
                world.tick()
                await asyncio.sleep(config.tick_s)

        task = asyncio.create_task(run_audience())
        try:
            async with kept(config.state_path, STATE_KIND, world.snapshot):
                yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    bag_base = "/affiliate/202309/live_rooms/products"
    routes = [
        Route("/api/v2/token/get", token_get, methods=["GET"]),
        Route("/api/v2/token/refresh", token_refresh, methods=["GET"]),
        Route("/affiliate_creator/202405/profiles", api(profile), methods=["GET"]),
        Route("/affiliate_creator/202405/showcases/products", api(showcase), methods=["GET"]),
        Route(
            "/affiliate_creator/202405/showcases/products/add", api(showcase_add), methods=["POST"]
        ),
        Route("/product/202309/products/search", api(product_search), methods=["POST"]),
        Route("/affiliate/202309/live_rooms", api(live_room), methods=["GET"]),
        Route(bag_base, api(bag), methods=["GET", "POST", "DELETE"]),
        Route(f"{bag_base}/top", api(top), methods=["POST"]),
        Route(bag_base + "/{product_id}/pin", api(pin), methods=["POST"]),
        Route(bag_base + "/{product_id}/unpin", api(unpin), methods=["POST"]),
        Route("/affiliate_creator/202410/orders/search", api(orders), methods=["POST"]),
        Route("/_sandbox/stats", stats, methods=["GET"]),
        Route("/_sandbox/faults", faults, methods=["PUT"]),
        Route("/_sandbox/live", live, methods=["POST"]),
        Route("/_sandbox/expire-tokens", expire, methods=["POST"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
