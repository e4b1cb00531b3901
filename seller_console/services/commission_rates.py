"""Commission rates set by hand, per brand or per product, without importing again.

A rate set here wins over the catalog file's. It is applied to a catalog as it is
loaded (so the table, the card and every product added to a rundown carry it) and to the
rundown's items from that catalog (so the ledger's policy at Go live and the report's
planned segments use it). The rates themselves are kept with the catalog's entry in the
window's workspace (``settings.CatalogFile``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from seller_console.domain.catalog import Catalog
from seller_console.domain.errors import DomainError

RateFor = Callable[[str, str], Decimal | None]
"""(brand, product id) -> the rate set by hand, or None for the file's own."""
_MAX_RATE_CHARS = 12


class RateError(DomainError):
    """A commission rate that cannot be used; the message says why."""


def parse_percent(text: str) -> Decimal:
    """``12.5`` or ``12.5 %`` -> ``Decimal("0.125")``; raises ``RateError`` saying why."""
    cleaned = text.strip().removesuffix("%").strip()
    if not cleaned:
        raise RateError("enter a rate in %, e.g. 12.5")
    if len(cleaned) > _MAX_RATE_CHARS:
        raise RateError(f"{cleaned[:_MAX_RATE_CHARS]}… is not a rate in %")
    try:
        percent = Decimal(cleaned)
    except InvalidOperation:
        raise RateError(f"{cleaned!r} is not a rate in % (write 12.5)") from None
    if not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100):
        raise RateError(f"{cleaned} % is not between 0 % and 100 %")
    exponent = percent.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise RateError(f"{cleaned} % has more than two decimals")
    return percent / 100


def with_rates(catalog: Catalog, rate_for: RateFor) -> Catalog:
    """``catalog`` with the rates set by hand on its variants (the same catalog when no
    rate applies). Linear in the catalog's size."""
    products = []
    changed = False
    for product in catalog.products:
        rate = rate_for(product.brand, product.id)
        if rate is None or all(v.commission_rate == rate for v in product.variants):
            products.append(product)
            continue
        changed = True
        variants = tuple(v._replace(commission_rate=rate) for v in product.variants)
        products.append(replace(product, variants=variants))
    return Catalog(catalog.name, products) if changed else catalog
