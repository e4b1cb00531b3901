"""The contract's JSON shapes, to and from domain values. Money is exact: amounts are
decimal strings read into ``Decimal``; JSON numbers are never read as floats (see
``_http.loads``). A shape the contract does not allow raises ``WireFormatError``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from seller_console.domain.events import (
    BagChanged,
    EventRejected,
    OrderCreated,
    OrderUpdated,
    Pin,
    PinChanged,
    SessionEvent,
    SessionStatus,
    SessionUpdated,
    StockUpdated,
    ViewersUpdated,
)
from seller_console.domain.money import Currency, Money, MoneyError
from seller_console.domain.orders import Commission, Order, OrderLine, OrderStatus
from seller_console.domain.platform_port import (
    Account,
    AffiliateLink,
    BatchItemResult,
    LiveSession,
    Page,
    PinRequest,
    SessionStats,
    ShowcaseProduct,
)
from seller_console.platform.errors import PlatformProtocolError


class WireFormatError(PlatformProtocolError):
    """A platform document that does not match the contract."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"The platform sent malformed data ({where}: {problem}).")


Obj = Mapping[str, Any]


def _obj(value: Any, where: str) -> Obj:
    if not isinstance(value, Mapping):
        raise WireFormatError(where, "expected an object")
    return value


def _str(doc: Obj, key: str, where: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str):
        raise WireFormatError(where, f"{key!r} must be a string")
    return value


def _opt_str(doc: Obj, key: str, where: str) -> str | None:
    return None if doc.get(key) is None else _str(doc, key, where)


MAX_WIRE_INT = 2**53
"""The largest count (quantity, stock, viewers, version) read from the platform."""
MAX_DECIMAL_CHARS = 40
"""The longest decimal string read from the platform (checked before it is converted)."""
MAX_AMOUNT_DIGITS = 15
"""The most digits before the point of a money amount (the contract's ``Money`` pattern)."""
EARLIEST_TIME = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(9998, 12, 31, tzinfo=UTC)


def _int(doc: Obj, key: str, where: str) -> int:
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise WireFormatError(where, f"{key!r} must be an integer")
    if abs(value) > MAX_WIRE_INT:
        raise WireFormatError(where, f"{key!r} is beyond ±2**53")
    return value


def _opt_int(doc: Obj, key: str, where: str) -> int | None:
    return None if doc.get(key) is None else _int(doc, key, where)


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise WireFormatError(where, "expected a decimal string")
    if isinstance(value, str) and len(value) > MAX_DECIMAL_CHARS:
        raise WireFormatError(where, f"a decimal longer than {MAX_DECIMAL_CHARS} characters")
    try:
        result = Decimal(value)
    except InvalidOperation as exc:
        raise WireFormatError(where, f"{value!r} is not a decimal") from exc
    if not result.is_finite():
        raise WireFormatError(where, f"{value!r} is not a finite decimal")
    return result


def _time(doc: Obj, key: str, where: str) -> datetime:
    """An RFC 3339 time, as UTC, between ``EARLIEST_TIME`` and ``LATEST_TIME``."""
    text = _str(doc, key, where)
    try:
        value = datetime.fromisoformat(text) if len(text) <= 64 else None
        if value is not None:
            value = value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)
    except (ValueError, OverflowError) as exc:
        raise WireFormatError(where, f"{key!r} is not an RFC 3339 time") from exc
    if value is None:
        raise WireFormatError(where, f"{key!r} is not an RFC 3339 time")
    if not EARLIEST_TIME <= value <= LATEST_TIME:
        raise WireFormatError(where, f"{key!r} ({text}) is outside the years 1970 to 9998")
    return value


def _opt_time(doc: Obj, key: str, where: str) -> datetime | None:
    return None if doc.get(key) is None else _time(doc, key, where)


def _str_list(doc: Obj, key: str, where: str) -> tuple[str, ...]:
    value = doc.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WireFormatError(where, f"{key!r} must be a list of strings")
    return tuple(value)


def money(value: Any, where: str) -> Money:
    """A ``{"amount", "currency"}`` value; an amount with more than ``MAX_AMOUNT_DIGITS``
    digits before the point (``1E+30``) is outside what money holds and refused."""
    doc = _obj(value, where)
    amount = _decimal(doc.get("amount"), where)
    if amount and amount.adjusted() >= MAX_AMOUNT_DIGITS:
        raise WireFormatError(
            where, f"amount {doc.get('amount')!s} has more than {MAX_AMOUNT_DIGITS} digits"
        )
    try:
        return Money(amount, _currency(doc, where))
    except MoneyError as exc:
        raise WireFormatError(where, str(exc)) from exc


def _currency(doc: Obj, where: str) -> Currency:
    try:
        return Currency.of(_str(doc, "currency", where))
    except MoneyError as exc:
        raise WireFormatError(where, str(exc)) from exc


def _opt_money(doc: Obj, key: str, where: str) -> Money | None:
    return None if doc.get(key) is None else money(doc[key], f"{where}.{key}")


def money_to_wire(value: Money) -> dict[str, str]:
    return value.to_wire()


# ---------------------------------------------------------------- resources
def account(value: Any) -> Account:
    doc = _obj(value, "account")
    where = "account"
    return Account(
        id=_str(doc, "id", where),
        handle=_str(doc, "handle", where),
        display_name=_str(doc, "display_name", where),
        default_currency=_currency({"currency": doc.get("default_currency")}, where),
    )


def product(value: Any) -> ShowcaseProduct:
    doc = _obj(value, "product")
    where = f"product {doc.get('id')!r}"
    return ShowcaseProduct(
        id=_str(doc, "id", where),
        sku=_str(doc, "sku", where),
        title=_str(doc, "title", where),
        brand=_str(doc, "brand", where),
        price=money(doc.get("price"), f"{where}.price"),
        commission_rate=_decimal(doc.get("commission_rate"), f"{where}.commission_rate"),
        compare_at_price=_opt_money(doc, "compare_at_price", where),
        image_url=_opt_str(doc, "image_url", where),
        stock=_opt_int(doc, "stock", where),
    )


def product_to_wire(item: ShowcaseProduct) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": item.id,
        "sku": item.sku,
        "title": item.title,
        "brand": item.brand,
        "price": money_to_wire(item.price),
        "commission_rate": str(item.commission_rate),
    }
    if item.compare_at_price is not None:
        body["compare_at_price"] = money_to_wire(item.compare_at_price)
    if item.image_url is not None:
        body["image_url"] = item.image_url
    if item.stock is not None:
        body["stock"] = item.stock
    return body


def batch_result(value: Any) -> BatchItemResult:
    """``{"id", "status": "ok"}`` or ``{"id", "status": "error", "code", "detail"}``."""
    doc = _obj(value, "batch result")
    where = "batch result"
    product_id = _opt_str(doc, "id", where) or ""
    if doc.get("status") == "ok":
        return BatchItemResult(product_id=product_id)
    return BatchItemResult(
        product_id=product_id,
        error_code=str(doc.get("code") or "error"),
        error_detail=str(doc.get("detail") or ""),
    )


def affiliate_link(value: Any) -> AffiliateLink:
    doc = _obj(value, "affiliate link")
    return AffiliateLink(code=_str(doc, "code", "affiliate link"), url=_str(doc, "url", "link"))


def pin(value: Any) -> Pin:
    doc = _obj(value, "pin")
    where = "pin"
    return Pin(
        pin_id=_str(doc, "pin_id", where),
        product_id=_str(doc, "product_id", where),
        pinned_at=_time(doc, "pinned_at", where),
        version=_int(doc, "version", where),
        live_price=_opt_money(doc, "live_price", where),
        stock_limit=_opt_int(doc, "stock_limit", where),
    )


def pin_request_to_wire(request: PinRequest) -> dict[str, Any]:
    body: dict[str, Any] = {"product_id": request.product_id}
    if request.live_price is not None:
        body["live_price"] = money_to_wire(request.live_price)
    if request.stock_limit is not None:
        body["stock_limit"] = request.stock_limit
    return body


def _session_status(doc: Obj, where: str) -> SessionStatus:
    text = _str(doc, "status", where)
    try:
        return SessionStatus(text)
    except ValueError as exc:
        raise WireFormatError(where, f"unknown session status {text!r}") from exc


def session(value: Any) -> LiveSession:
    doc = _obj(value, "live session")
    where = f"live session {doc.get('id')!r}"
    stats_doc = doc.get("stats")
    stats = None
    if stats_doc is not None:
        s = _obj(stats_doc, f"{where}.stats")
        stats = SessionStats(
            orders=_int(s, "orders", where),
            units=_int(s, "units", where),
            refunds=_opt_int(s, "refunds", where) or 0,
            revenue=_money_list(s, "revenue", where),
            commission=_money_list(s, "commission", where),
        )
    return LiveSession(
        id=_str(doc, "id", where),
        title=_str(doc, "title", where),
        status=_session_status(doc, where),
        scheduled_start=_opt_time(doc, "scheduled_start", where),
        started_at=_opt_time(doc, "started_at", where),
        ended_at=_opt_time(doc, "ended_at", where),
        pin=None if doc.get("pin") is None else pin(doc["pin"]),
        bag=_str_list(doc, "bag", where) if doc.get("bag") is not None else (),
        viewers=_opt_int(doc, "viewers", where) or 0,
        stats=stats,
        last_event_id=None if doc.get("last_event_id") is None else str(doc["last_event_id"]),
    )


def _money_list(doc: Obj, key: str, where: str) -> tuple[Money, ...]:
    value = doc.get(key) or []
    if not isinstance(value, list):
        raise WireFormatError(where, f"{key!r} must be a list of amounts")
    return tuple(money(v, f"{where}.{key}") for v in value)


def order(value: Any) -> Order:
    doc = _obj(value, "order")
    where = "order"  # a constant: this runs for every streamed order
    status_text = _str(doc, "status", where)
    try:
        status = OrderStatus(status_text)
    except ValueError as exc:
        raise WireFormatError(where, f"unknown order status {status_text!r}") from exc
    raw_lines = doc.get("lines")
    if not isinstance(raw_lines, list):
        raise WireFormatError(where, "'lines' must be a list")
    lines = []
    for raw in raw_lines:
        line = _obj(raw, where)
        lines.append(
            OrderLine(
                product_id=_str(line, "product_id", where),
                sku=_str(line, "sku", where),
                quantity=_int(line, "quantity", where),
                unit_price=money(line.get("unit_price"), "order line unit_price"),
            )
        )
    commission = _obj(doc.get("commission"), "order commission")
    return Order(
        id=_str(doc, "id", where),
        session_id=_str(doc, "session_id", where),
        created_at=_time(doc, "created_at", where),
        status=status,
        lines=tuple(lines),
        total=money(doc.get("total"), "order total"),
        commission=Commission(
            rate=_decimal(commission.get("rate"), "order commission rate"),
            amount=money(commission.get("amount"), "order commission amount"),
        ),
        pin_id=_opt_str(doc, "pin_id", where),
        affiliate_code=_opt_str(doc, "affiliate_code", where),
    )


def page(value: Any, item: Any) -> Page[Any]:
    doc = _obj(value, "page")
    items = doc.get("items")
    if not isinstance(items, list):
        raise WireFormatError("page", "'items' must be a list")
    return Page(
        items=tuple(item(i) for i in items), next_cursor=_opt_str(doc, "next_cursor", "page")
    )


ORDERS_LIST = "orders-list"
"""``EventRejected.event_type`` of an order of the orders list that could not be read."""


def order_page(value: Any, session_id: str) -> Page[Order]:
    """A page of the orders list: the orders that read, and one ``EventRejected`` for each
    that did not (so one bad order never costs the page). Only a page that is not a page at
    all raises ``WireFormatError``."""
    doc = _obj(value, "page")
    items = doc.get("items")
    if not isinstance(items, list):
        raise WireFormatError("page", "'items' must be a list")
    good: list[Order] = []
    bad: list[EventRejected] = []
    for item in items:
        try:
            good.append(order(item))
        except PlatformProtocolError as error:
            order_id = item.get("id") if isinstance(item, Mapping) else None
            bad.append(
                EventRejected(
                    session_id=session_id,
                    event_id=order_id if isinstance(order_id, str) else "",
                    event_type=ORDERS_LIST,
                    reason=error.user_message,
                    raw=json.dumps(item, default=str, ensure_ascii=False),
                )
            )
    return Page(tuple(good), _opt_str(doc, "next_cursor", "page"), tuple(bad))


# ---------------------------------------------------------------- events
EVENT_TYPES = frozenset(
    {
        "order.created",
        "order.updated",
        "pin.changed",
        "bag.changed",
        "viewers.updated",
        "stock.updated",
        "session.updated",
    }
)


def event(event_type: str, data: Any, session_id: str) -> SessionEvent:
    """The domain event for one stream event of a known type (see ``EVENT_TYPES``)."""
    doc = _obj(data, event_type)
    if event_type == "order.created":
        return OrderCreated(order(doc))
    if event_type == "order.updated":
        return OrderUpdated(order(doc))
    if event_type == "pin.changed":
        raw_pin = doc.get("pin")
        return PinChanged(session_id, None if raw_pin is None else pin(raw_pin))
    if event_type == "bag.changed":
        return BagChanged(session_id, _str_list(doc, "product_ids", event_type))
    if event_type == "viewers.updated":
        return ViewersUpdated(session_id, _int(doc, "viewers", event_type))
    if event_type == "stock.updated":
        return StockUpdated(
            session_id, _str(doc, "product_id", event_type), _opt_int(doc, "stock", event_type)
        )
    if event_type == "session.updated":
        return SessionUpdated(session_id, _session_status(doc, event_type))
    raise WireFormatError(event_type, "unknown event type")
