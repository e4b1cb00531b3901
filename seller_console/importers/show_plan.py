"""Show plan files: versioned JSON carrying product snapshots, saved atomically.

A plan opens without its catalog. A file from a newer version of the app, or one that is
damaged, is refused with a message that says which and where; a save never leaves a
half-written file behind (write to a temporary file, fsync, then rename over), so a save
that fails (disk full, text that cannot be written) keeps the last good copy.

Reading is bounded: the file's size (``MAX_PLAN_BYTES``), the nesting of its JSON, and
the digits of every number are checked before anything is converted, and text with a
lone surrogate (``"\ud800"``, which no file can hold) is refused on open, so a plan that
opens can always be saved again.

An item may carry its affiliate link (``affiliate_link``, an http(s) address), so a brand
rep can hand the links over with the plan; written only when set, so a plan without links
is the same file as before, and an older app opening one with links ignores them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final, TypeVar

from seller_console.domain.errors import DomainError
from seller_console.domain.money import MAX_NUMBER_CHARS, Money
from seller_console.domain.rundown import ProductSnapshot, RundownItem, ShowPlan
from seller_console.files import write_atomic

FORMAT: Final = "seller-console-show-plan"
VERSION: Final = 1
SUFFIX: Final = ".showplan.json"
MAX_PLAN_BYTES: Final = 32 * 1024 * 1024
_MAX_INT_DIGITS: Final = 15
MAX_LINK_CHARS: Final = 2048

T = TypeVar("T")


class ShowPlanError(Exception):
    """A plan file that cannot be opened or saved; the message says why and where."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


def plan_to_json(plan: ShowPlan) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": plan.title,
        "notes": plan.notes,
        "items": [_item_to_json(item) for item in plan.items],
    }


def _money(value: Money | None) -> dict[str, str] | None:
    return None if value is None else {"amount": str(value.amount), "currency": value.currency.code}


def _item_to_json(item: RundownItem) -> dict[str, Any]:
    p = item.product
    link = {"affiliate_link": item.affiliate_link} if item.affiliate_link else {}
    return {
        "id": item.id,
        "planned_seconds": item.planned_seconds,
        "talking_points": item.talking_points,
        "live_price": _money(item.live_price),
        "stock_cap": item.stock_cap,
        "flash_price": _money(item.flash_price),
        "flash_seconds": item.flash_seconds,
        "product": {
            "product_id": p.product_id,
            "variant_id": p.variant_id,
            "sku": p.sku,
            "title": p.title,
            "variant_title": p.variant_title,
            "brand": p.brand,
            "price": _money(p.price),
            "compare_at_price": _money(p.compare_at_price),
            "image_url": p.image_url,
            "stock": p.stock,
            "commission_rate": None if p.commission_rate is None else str(p.commission_rate),
            "catalog": p.catalog,
        },
        **link,
    }


def dumps(plan: ShowPlan) -> str:
    return json.dumps(plan_to_json(plan), ensure_ascii=False, indent=2) + "\n"


def save_plan(path: Path, plan: ShowPlan) -> None:
    """Write ``plan`` to ``path`` atomically. Raises ``ShowPlanError`` (disk full, no access,
    text that cannot be written); the file already there is then left as it was."""
    try:
        text = dumps(plan).encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end].encode("unicode_escape").decode()
        raise ShowPlanError(
            path,
            f"cannot be saved: some text holds a character no file can store ({bad}, "
            "a lone surrogate); edit or delete it and save again",
        ) from None
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise ShowPlanError(path, f"cannot be saved: {exc.strerror or exc}") from None


def load_plan(path: Path) -> ShowPlan:
    try:
        size = path.stat().st_size
        if size > MAX_PLAN_BYTES:
            raise ShowPlanError(
                path,
                f"the file is {size / 1e6:.0f} MB, over the {MAX_PLAN_BYTES / 1e6:.0f} MB "
                "limit for a show plan",
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ShowPlanError(path, "the file does not exist") from None
    except UnicodeDecodeError:
        raise ShowPlanError(path, "this is not a show plan (not UTF-8 text)") from None
    except OSError as exc:
        raise ShowPlanError(path, f"cannot be read: {exc.strerror or exc}") from None
    return loads(text, path)


class _NumberTooLongError(ValueError):
    pass


def _int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise _NumberTooLongError(f"a number of {len(text)} digits")
    return int(text)


def _float(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:
        raise _NumberTooLongError(f"a number of {len(text)} characters")
    return Decimal(text)


def _constant(name: str) -> object:
    raise _NumberTooLongError(f"{name}, which is not a number")


def loads(text: str, path: Path) -> ShowPlan:
    try:
        doc = json.loads(text, parse_float=_float, parse_int=_int, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise ShowPlanError(
            path,
            f"the file is damaged (not valid JSON at line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg})",
        ) from None
    except _NumberTooLongError as exc:
        raise ShowPlanError(path, f"the file is damaged: it holds {exc}") from None
    except RecursionError:
        raise ShowPlanError(
            path, "the file is damaged: its JSON is nested too deeply to be a show plan"
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ShowPlanError(path, "this is not a Seller Console show plan")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ShowPlanError(path, "the file is damaged: 'version' is missing or not a number")
    if version > VERSION:
        raise ShowPlanError(
            path,
            f"this plan was saved by a newer Seller Console (plan format {version}); "
            f"this version reads format {VERSION} and older: update the app to open it",
        )
    reader = _Reader(path)
    title = reader.field(doc, "title", str, "")
    notes = reader.field(doc, "notes", str, "")
    raw_items = reader.field(doc, "items", list, [])
    items = tuple(reader.item(raw, f"items[{n}]") for n, raw in enumerate(raw_items))
    if len({item.id for item in items}) != len(items):
        raise ShowPlanError(path, "the file is damaged: two items share an id")
    return ShowPlan(title=title, items=items, notes=notes)


def _storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Reader:
    """Reads fields with checks; errors name the field's path inside the file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, reason: str) -> ShowPlanError:
        return ShowPlanError(self.path, f"the file is damaged at {where}: {reason}")

    def field(self, doc: Any, key: str, kind: type[T], default: T, where: str = "") -> T:
        if not isinstance(doc, dict):
            raise self.fail(where or "top level", "expected an object")
        value = doc.get(key, default)
        if value is None and default is None:
            return default
        at = f"{where}.{key}" if where else key
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(at, f"expected {kind.__name__}, found {type(value).__name__}")
        if isinstance(value, str) and not value.isascii() and not _storable(value):
            raise self.fail(
                at, "the text holds a lone surrogate (\\ud800-\\udfff), which no file can store"
            )
        return value

    def optional(
        self,
        doc: Any,
        key: str,
        where: str,
        read: Callable[[Any, str], T],
    ) -> T | None:
        value = doc.get(key) if isinstance(doc, dict) else None
        return None if value is None else read(value, f"{where}.{key}")

    def money(self, value: Any, where: str) -> Money:
        if not isinstance(value, dict):
            raise self.fail(where, "expected {amount, currency}")
        amount, currency = value.get("amount"), value.get("currency")
        if not isinstance(amount, str) or not isinstance(currency, str):
            raise self.fail(where, "amount and currency must be text")
        try:
            return Money.of(amount, currency)
        except DomainError as exc:
            raise self.fail(where, str(exc)) from None

    def count(self, value: Any, where: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(where, "expected a whole number")
        return value

    def rate(self, value: Any, where: str) -> Decimal:
        try:
            rate = Decimal(value) if isinstance(value, str) else None
        except InvalidOperation:
            rate = None
        if rate is None or not rate.is_finite() or not 0 <= rate <= 1:
            raise self.fail(where, "expected a rate between 0 and 1 as text")
        return rate

    def link(self, value: Any, where: str) -> str:
        """An affiliate link: an http(s) address of at most ``MAX_LINK_CHARS``, no spaces."""
        if not isinstance(value, str):
            raise self.fail(where, f"expected a link as text, found {type(value).__name__}")
        scheme, _, rest = value.partition("://")
        if (
            scheme.lower() not in ("http", "https")
            or not rest
            or len(value) > MAX_LINK_CHARS
            or not value.isprintable()
            or any(c.isspace() for c in value)
        ):
            raise self.fail(
                where, f"expected an http(s) address of at most {MAX_LINK_CHARS} characters"
            )
        return value

    def item(self, raw: Any, where: str) -> RundownItem:
        product = self.field(raw, "product", dict, {}, where)
        pw = f"{where}.product"
        snapshot = ProductSnapshot(
            product_id=self.field(product, "product_id", str, "", pw),
            variant_id=self.field(product, "variant_id", str, "", pw),
            sku=self.field(product, "sku", str, "", pw),
            title=self.field(product, "title", str, "", pw),
            variant_title=self.field(product, "variant_title", str, "", pw),
            brand=self.field(product, "brand", str, "", pw),
            price=self.optional(product, "price", pw, self.money),
            compare_at_price=self.optional(product, "compare_at_price", pw, self.money),
            image_url=self.field(product, "image_url", str, "", pw),
            stock=self.optional(product, "stock", pw, self.count),
            commission_rate=self.optional(product, "commission_rate", pw, self.rate),
            catalog=self.field(product, "catalog", str, "", pw),
        )
        item_id = self.field(raw, "id", str, "", where)
        if not item_id or not snapshot.title:
            raise self.fail(where, "an item needs an id and a product title")
        try:
            return RundownItem(
                id=item_id,
                product=snapshot,
                planned_seconds=self.count(
                    raw.get("planned_seconds", 0), f"{where}.planned_seconds"
                ),
                talking_points=self.field(raw, "talking_points", str, "", where),
                live_price=self.optional(raw, "live_price", where, self.money),
                stock_cap=self.optional(raw, "stock_cap", where, self.count),
                flash_price=self.optional(raw, "flash_price", where, self.money),
                flash_seconds=self.optional(raw, "flash_seconds", where, self.count),
                affiliate_link=self.optional(raw, "affiliate_link", where, self.link),
            )
        except DomainError as exc:
            raise self.fail(where, str(exc)) from None
