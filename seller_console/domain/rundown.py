"""The show plan: a timed rundown of products, and the pre-flight check before air.

A ``RundownItem`` keeps a snapshot of its catalog variant, so a plan opens and can be
checked without its catalog. ``Rundown`` is the ordered aggregate every edit goes
through; each edit returns what an undo needs. Timing is derived, never stored: each
item's planned start is the sum of the planned durations before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from seller_console.domain.catalog import VariantRef
from seller_console.domain.errors import DomainError
from seller_console.domain.money import Money, MoneyError, parse_price
from seller_console.domain.showcase import showcase_conflicts, showcase_id

if TYPE_CHECKING:  # the platform's types are not needed to plan a show (start-up time)
    from seller_console.domain.platform_port import ProductMatch

DEFAULT_PLANNED_SECONDS = 120
MAX_PLANNED_SECONDS = 4 * 3600


class RundownError(DomainError):
    """An edit that the rundown refuses (an unknown item, a negative duration ...)."""


@dataclass(frozen=True, slots=True)
class ProductSnapshot:
    """What a plan keeps of a catalog variant, so it opens without its catalog."""

    product_id: str
    variant_id: str
    sku: str
    title: str
    variant_title: str
    brand: str
    price: Money | None
    compare_at_price: Money | None
    image_url: str
    stock: int | None
    commission_rate: Decimal | None
    catalog: str

    @classmethod
    def of(cls, ref: VariantRef, catalog: str) -> ProductSnapshot:
        product, variant = ref.product, ref.variant
        return cls(
            product_id=product.id,
            variant_id=variant.id,
            sku=variant.sku,
            title=product.title,
            variant_title=variant.title if variant.title != product.title else "",
            brand=product.brand,
            price=variant.price,
            compare_at_price=variant.compare_at_price,
            image_url=variant.image_url or product.image_url,
            stock=variant.stock,
            commission_rate=variant.commission_rate,
            catalog=catalog,
        )

    @property
    def display_title(self) -> str:
        return f"{self.title} — {self.variant_title}" if self.variant_title else self.title


@dataclass(frozen=True, slots=True)
class RundownItem:
    """One segment of the show: a product, how long it is on, and what to say."""

    id: str
    product: ProductSnapshot
    planned_seconds: int = DEFAULT_PLANNED_SECONDS
    talking_points: str = ""
    live_price: Money | None = None  # None: the catalog price
    stock_cap: int | None = None  # None: no cap beyond the stock itself
    flash_price: Money | None = None  # a flash sale's price: None, no flash sale
    flash_seconds: int | None = None  # how long the flash sale runs from the confirmed take
    affiliate_link: str | None = None  # the creator's link for it, to hand over (plan file)

    @classmethod
    def new(
        cls,
        product: ProductSnapshot,
        planned_seconds: int = DEFAULT_PLANNED_SECONDS,
    ) -> RundownItem:
        import uuid  # on the first new item, not with the module: the window's start-up time

        return cls(uuid.uuid4().hex, product, planned_seconds)

    def __post_init__(self) -> None:
        if not 0 <= self.planned_seconds <= MAX_PLANNED_SECONDS:
            raise RundownError(
                f"planned duration must be between 0 and {MAX_PLANNED_SECONDS // 3600} hours"
            )
        if self.stock_cap is not None and self.stock_cap < 0:
            raise RundownError("a stock cap cannot be negative")
        if self.live_price is not None and self.live_price.amount < 0:
            raise RundownError("a live price cannot be negative")
        if self.flash_price is not None and self.flash_price.amount < 0:
            raise RundownError("a flash price cannot be negative")
        if self.flash_seconds is not None and not 0 < self.flash_seconds <= MAX_PLANNED_SECONDS:
            raise RundownError(
                f"a flash sale runs between 1 second and {MAX_PLANNED_SECONDS // 3600} hours"
            )

    @property
    def price(self) -> Money | None:
        """What viewers pay during this segment: the live price, else the catalog price."""
        return self.live_price if self.live_price is not None else self.product.price

    @property
    def has_flash_sale(self) -> bool:
        """A flash price and a duration: taking the item starts a flash sale."""
        return self.flash_price is not None and self.flash_seconds is not None

    @property
    def sellable_units(self) -> int | None:
        """Units that can sell in this segment: the cap, the stock, or the smaller of both."""
        limits = [n for n in (self.stock_cap, self.product.stock) if n is not None]
        return min(limits) if limits else None

    def edited(self, **changes: object) -> RundownItem:
        return replace(self, **changes)  # type: ignore[arg-type]


class Rundown:
    """The ordered items of a show. Ids are unique; every edit says what undo needs."""

    def __init__(self, items: Iterable[RundownItem] = ()) -> None:
        self._items: list[RundownItem] = []
        self.insert(0, list(items))

    @property
    def items(self) -> tuple[RundownItem, ...]:
        return tuple(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> RundownItem:
        return self._items[index]

    def index_of(self, item_id: str) -> int:
        for i, item in enumerate(self._items):
            if item.id == item_id:
                return i
        raise RundownError(f"no rundown item {item_id!r}")

    def item(self, item_id: str) -> RundownItem:
        return self._items[self.index_of(item_id)]

    def insert(self, index: int, items: Sequence[RundownItem]) -> None:
        ids = {i.id for i in self._items}
        for item in items:
            if item.id in ids:
                raise RundownError(f"rundown item {item.id!r} is already in the rundown")
            ids.add(item.id)
        index = max(0, min(index, len(self._items)))
        self._items[index:index] = items

    def remove(self, item_ids: Iterable[str]) -> list[tuple[int, RundownItem]]:
        """Remove items; returns them with their former positions, lowest first."""
        wanted = set(item_ids)
        removed = [(i, item) for i, item in enumerate(self._items) if item.id in wanted]
        if len(removed) != len(wanted):
            raise RundownError("some of the items to remove are not in the rundown")
        self._items = [item for item in self._items if item.id not in wanted]
        return removed

    def restore(self, removed: Sequence[tuple[int, RundownItem]]) -> None:
        """Undo ``remove``: put items back at their former positions."""
        for index, item in sorted(removed, key=lambda pair: pair[0]):
            self.insert(index, [item])

    def move(self, item_ids: Sequence[str], dest: int) -> list[str]:
        """Move items (kept in their current order) so the first lands before ``dest``.

        ``dest`` counts positions in the rundown as it is before the move, as a drop
        indicator does. Returns the previous order of all ids, for undo.
        """
        before = [item.id for item in self._items]
        wanted = set(item_ids)
        moving = [item for item in self._items if item.id in wanted]
        if len(moving) != len(wanted):
            raise RundownError("some of the items to move are not in the rundown")
        shift = sum(1 for item in self._items[: max(0, dest)] if item.id in wanted)
        rest = [item for item in self._items if item.id not in wanted]
        at = max(0, min(dest - shift, len(rest)))
        self._items = rest[:at] + moving + rest[at:]
        return before

    def reorder(self, ids: Sequence[str]) -> None:
        """Put the items in exactly this order (undo of ``move``)."""
        by_id = {item.id: item for item in self._items}
        if sorted(ids) != sorted(by_id):
            raise RundownError("the new order must name every item once")
        self._items = [by_id[i] for i in ids]

    def replace(self, item: RundownItem) -> RundownItem:
        """Swap in an edited item (same id); returns the previous version."""
        index = self.index_of(item.id)
        previous = self._items[index]
        self._items[index] = item
        return previous

    def planned_starts(self) -> list[int]:
        """Each item's planned start, in seconds from the top of the show."""
        starts, at = [], 0
        for item in self._items:
            starts.append(at)
            at += item.planned_seconds
        return starts

    def total_seconds(self) -> int:
        return sum(item.planned_seconds for item in self._items)


@dataclass(frozen=True, slots=True)
class ShowPlan:
    """A rundown with its title: what a show plan file holds."""

    title: str
    items: tuple[RundownItem, ...]
    notes: str = ""


class Severity(StrEnum):
    BLOCKER = "blocker"  # the product cannot be sold on air as planned
    WARNING = "warning"  # it can, but something will hurt


class Fix(StrEnum):
    """A one-click fix the pre-flight offers for an issue."""

    REMOVE_ITEM = "remove_item"
    SET_SKU = "set_sku"
    SET_COMMISSION = "set_commission"


@dataclass(frozen=True, slots=True)
class PreflightIssue:
    severity: Severity
    message: str
    item_id: str | None = None  # None: the whole show
    fix: Fix | None = None


class CheckStatus(StrEnum):
    CHECKED = "checked"  # the platform answered for every item
    UNREACHABLE = "unreachable"  # it could not be asked; ``detail`` says why
    NOT_NEEDED = "not_needed"  # it takes what Go live publishes: nothing to match


@dataclass(frozen=True, slots=True)
class PlatformFindings:
    """What the profile's platform said about the rundown's products at one moment.

    ``matches`` is keyed by showcase id (``showcase.showcase_id`` of the item's variant);
    a match counts for an item only while the item keeps the SKU it was looked up by."""

    platform: str  # in a host's words: "Shopee", "TikTok Shop"
    status: CheckStatus
    detail: str = ""
    currency: str | None = None  # what the account sells in, when the platform says
    matches: tuple[ProductMatch, ...] = ()


def preflight(
    items: Sequence[RundownItem],
    showcase_ids: set[str] | None = None,
    platform: PlatformFindings | None = None,
) -> list[PreflightIssue]:
    """What would hurt on air, item by item, then for the whole show.

    ``showcase_ids`` (product ids the platform showcase holds) is checked when given;
    ``platform`` (the profile's platform's answer) adds what that platform would refuse.
    """
    issues: list[PreflightIssue] = []
    if not items:
        issues.append(
            PreflightIssue(
                Severity.BLOCKER, "The rundown is empty: add products from the catalog first."
            )
        )
    matches = _matches_by_item(items, platform)
    for n, item in enumerate(items, start=1):
        p = item.product

        def say(
            severity: Severity,
            text: str,
            fix: Fix | None = None,
            item_id: str = item.id,
            n: int = n,
            name: str = p.display_title,
        ) -> None:
            issues.append(PreflightIssue(severity, f"#{n} {name}: {text}", item_id, fix))

        price = item.price
        if price is None:
            say(Severity.BLOCKER, "no price", Fix.REMOVE_ITEM)
        elif price.currency.code == "XXX":
            say(Severity.BLOCKER, "the price has no currency", Fix.REMOVE_ITEM)
        elif price.amount <= 0:  # -0 included: Decimal("-0") == 0
            say(Severity.BLOCKER, f"the price {price.amount} is not above zero", Fix.REMOVE_ITEM)
        elif not price.is_minor_exact:
            say(
                Severity.BLOCKER,
                f"the price {price.amount} {price.currency.code} is finer than the "
                f"currency's {price.currency.exponent} decimals: it would be rounded on air",
            )
        elif (
            platform is not None
            and platform.currency is not None
            and price.currency.code != platform.currency
        ):
            say(
                Severity.BLOCKER,
                f"priced in {price.currency.code}, but {platform.platform} sells in "
                f"{platform.currency}: viewers would see another price",
                Fix.REMOVE_ITEM,
            )
        if not p.sku.strip():
            say(
                Severity.BLOCKER,
                "no SKU: the platform refuses a product without one",
                Fix.SET_SKU,
            )
        if not p.image_url:
            say(Severity.WARNING, "no image")
        units = item.sellable_units
        if units is None:
            say(Severity.WARNING, "stock unknown")
        elif units <= 0:
            say(Severity.BLOCKER, "no stock", Fix.REMOVE_ITEM)
        if p.commission_rate is None:
            say(Severity.WARNING, "no commission rate", Fix.SET_COMMISSION)
        if item.stock_cap is not None and p.stock is not None and item.stock_cap > p.stock:
            say(Severity.WARNING, f"stock cap {item.stock_cap} is above the stock {p.stock}")
        if item.planned_seconds == 0:
            say(Severity.WARNING, "planned for 0 seconds")
        if showcase_ids is not None and p.product_id not in showcase_ids:
            say(Severity.BLOCKER, "not in the platform showcase")
        for severity, text in flash_sale_problems(item):
            say(severity, text)
        if platform is None or platform.status is not CheckStatus.CHECKED or not p.sku.strip():
            continue
        match = matches.get(item.id)
        if match is None:
            say(
                Severity.WARNING,
                f"not checked on {platform.platform} yet (added or changed since the "
                "last check): check again",
            )
        elif match.platform_id is None:
            say(
                Severity.BLOCKER,
                f"{platform.platform} has no product with SKU {p.sku}, so it cannot be "
                f"shown or sold. {match.reason}".rstrip(),
                Fix.REMOVE_ITEM,
            )
        elif match.price is not None and price is not None and match.price != price:
            say(
                Severity.WARNING,
                f"{platform.platform} sells it at {match.price}, not the planned "
                f"{price}: viewers pay {platform.platform}'s price",
            )
    if platform is not None and platform.status is CheckStatus.UNREACHABLE:
        issues.append(
            PreflightIssue(
                Severity.WARNING,
                f"{platform.platform} could not be reached, so the products were not "
                f"checked there: {platform.detail}",
            )
        )
    currencies = sorted({i.price.currency.code for i in items if i.price is not None})
    if len(currencies) > 1:
        issues.append(
            PreflightIssue(
                Severity.BLOCKER,
                f"the show mixes currencies ({', '.join(currencies)}): totals cannot be added up",
            )
        )
    for sid, positions in showcase_conflicts(items).items():
        names = ", ".join(f"#{n + 1} {items[n].product.display_title}" for n in positions)
        for n in positions:
            issues.append(
                PreflightIssue(
                    Severity.BLOCKER,
                    f"#{n + 1} {items[n].product.display_title}: different products share "
                    f"the showcase id {sid!r} ({names}); a pin could sell the wrong one",
                    items[n].id,
                )
            )
    seen: dict[str, int] = {}
    for n, item in enumerate(items, start=1):
        first = seen.setdefault(item.product.variant_id, n)
        if first != n:
            issues.append(
                PreflightIssue(
                    Severity.WARNING,
                    f"#{n} {item.product.display_title}: also planned as #{first}",
                    item.id,
                )
            )
    return issues


def flash_sale_problems(item: RundownItem) -> list[tuple[Severity, str]]:
    """What is wrong with ``item``'s flash sale: a price that is not a valid positive price
    in the item's currency below the catalog price, or half a flash sale."""
    flash, seconds = item.flash_price, item.flash_seconds
    if flash is None:
        if seconds is not None:
            return [(Severity.WARNING, "a flash duration without a flash price: no flash sale")]
        return []
    problems: list[tuple[Severity, str]] = []
    if seconds is None:
        problems.append((Severity.WARNING, "a flash price without a duration: no flash sale"))
    price, catalog = item.price, item.product.price
    if price is not None and flash.currency != price.currency:
        problems.append(
            (
                Severity.BLOCKER,
                f"the flash price is in {flash.currency.code}, the item sells in "
                f"{price.currency.code}",
            )
        )
    elif flash.amount <= 0:
        problems.append((Severity.BLOCKER, f"the flash price {flash.amount} is not above zero"))
    elif not flash.is_minor_exact:
        problems.append(
            (
                Severity.BLOCKER,
                f"the flash price {flash.amount} {flash.currency.code} is finer than the "
                f"currency's {flash.currency.exponent} decimals",
            )
        )
    elif catalog is None:
        problems.append((Severity.BLOCKER, "no catalog price for the flash price to be below"))
    elif catalog.currency == flash.currency and flash.amount >= catalog.amount:
        problems.append(
            (
                Severity.BLOCKER,
                f"the flash price {flash.format()} is not below the catalog price "
                f"{catalog.format()}",
            )
        )
    if seconds is not None and item.planned_seconds and seconds > item.planned_seconds:
        problems.append(
            (
                Severity.WARNING,
                f"the flash sale ({format_duration(seconds)}) outlasts the segment "
                f"({format_duration(item.planned_seconds)})",
            )
        )
    return problems


@dataclass(frozen=True, slots=True)
class CheckTally:
    """The last platform check, counted over the rundown as it is now (products, each
    once however often it is planned): a removed item no longer counts, and an item added
    or given another SKU since has no answer yet."""

    looked_up: int
    not_found: int
    unchecked: int


def check_tally(items: Sequence[RundownItem], platform: PlatformFindings) -> CheckTally:
    """``platform``'s answer for ``items``; an item counts as pre-flight reads it: only
    with a SKU, and unchecked when the answer has no match for it."""
    matches = _matches_by_item(items, platform)
    answered: dict[tuple[str, str], ProductMatch] = {}
    unchecked: set[tuple[str, str]] = set()
    for item in items:
        if not item.product.sku.strip():
            continue
        match = matches.get(item.id)
        if match is None:
            unchecked.add((showcase_id(item.product.variant_id), item.product.sku))
        else:
            answered[match.product_id, match.sku] = match
    missing = sum(1 for m in answered.values() if m.platform_id is None)
    return CheckTally(len(answered), missing, len(unchecked))


def _matches_by_item(
    items: Sequence[RundownItem], platform: PlatformFindings | None
) -> dict[str, ProductMatch]:
    """Each item's match (by item id), in one pass over the findings."""
    if platform is None or platform.status is not CheckStatus.CHECKED:
        return {}
    by_key = {(m.product_id, m.sku): m for m in platform.matches}
    found: dict[str, ProductMatch] = {}
    for item in items:
        match = by_key.get((showcase_id(item.product.variant_id), item.product.sku))
        if match is not None:
            found[item.id] = match
    return found


def format_duration(seconds: int) -> str:
    """``1:05`` for 65 s, ``1:02:03`` past an hour."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


def parse_duration(text: str) -> int:
    """``90``, ``1:30`` or ``1:02:03`` -> seconds. Raises ``RundownError`` with the reason."""
    parts = text.strip().split(":")
    if not parts or len(parts) > 3 or not all(p.strip().isdigit() for p in parts):
        raise RundownError(f"{text!r} is not a duration (write 90, 1:30 or 1:02:03)")
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    if len(parts) > 1 and any(int(p) >= 60 for p in parts[1:]):
        raise RundownError(f"{text!r} has minutes or seconds of 60 or more")
    if seconds > MAX_PLANNED_SECONDS:
        raise RundownError(f"{text!r} is longer than {MAX_PLANNED_SECONDS // 3600} hours")
    return seconds


def parse_flash_price(text: str, item: RundownItem) -> Money | None:
    """A flash-sale price typed for ``item``: a live price (``parse_live_price``) in the
    currency the item sells in, above zero; blank clears it. Raises ``RundownError``."""
    price = parse_live_price(text, item.price)
    if price is not None and item.price is not None and price.currency != item.price.currency:
        raise RundownError(
            f"the item sells in {item.price.currency.code}, not {price.currency.code}"
        )
    if price is not None and price.amount == 0:
        raise RundownError("write a price above zero")
    return price


def parse_flash_seconds(text: str) -> int | None:
    """How long a flash sale runs, typed like a duration (``2:00``); blank clears it (None).
    Raises ``RundownError``."""
    seconds = parse_duration(text) if text.strip() else None
    if seconds == 0:
        raise RundownError("write how long it runs, e.g. 2:00")
    return seconds


def parse_live_price(text: str, catalog_price: Money | None) -> Money | None:
    """A live price typed by a producer: ``9.99`` (in the catalog price's currency) or
    ``9.99 USD``; blank clears it (None). Raises ``RundownError`` with the reason."""
    if not text.strip():
        return None
    try:
        parsed = parse_price(text)
    except MoneyError as exc:
        raise RundownError(str(exc)) from None
    currency = parsed.currency or (catalog_price.currency if catalog_price else None)
    if currency is None:
        raise RundownError("write a currency, e.g. 19.99 USD")
    if parsed.amount < 0:
        raise RundownError("a live price cannot be negative")
    price = Money(parsed.amount, currency)
    if price.rounded() != price:
        raise RundownError(f"{currency.code} has {currency.exponent} decimals")
    return price.rounded()
