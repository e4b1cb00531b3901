"""From a rundown item to what the platform's showcase holds, and the id it goes by.

A rundown item is a catalog *variant* (a size, a colour): that is what viewers buy, so it
is what the showcase holds. The contract allows ids of ``[A-Za-z0-9][A-Za-z0-9._:-]*`` up
to 128 characters; catalog ids are free text (``hoodie#2``, accents, spaces), so an id
that does not fit is made to fit and given a short digest of the original, so two
different variants never share a showcase id.

Within one catalog the importer makes variant ids unique (a duplicate gets ``<id>~2``).
Two catalogs may still hold the same id for different products: ``showcase_conflicts``
finds the rundown items that would share a showcase entry, which pre-flight blocks and
publishing must refuse, so a take can never put a different product on air.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rundown's pre-flight uses showcase_conflicts: no import cycle at run time
    from seller_console.domain.platform_port import ShowcaseProduct
    from seller_console.domain.rundown import RundownItem

_ALLOWED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
_BAD = re.compile(r"[^A-Za-z0-9._:-]+")


class NotPublishableError(ValueError):
    """The item cannot be put in a showcase as it is (no price); the message says why."""


def showcase_id(variant_id: str) -> str:
    if _ALLOWED.match(variant_id):
        return variant_id
    import hashlib  # rarely needed; with OpenSSL's library, ~3 ms of the window's start-up

    digest = hashlib.sha256(variant_id.encode()).hexdigest()[:10]
    readable = _BAD.sub("-", variant_id).strip("-._:")[:100] or "item"
    return f"{readable}-{digest}" if readable[0].isalnum() else f"v{readable}-{digest}"


def showcase_conflicts(items: Sequence[RundownItem]) -> dict[str, list[int]]:
    """Showcase ids that two different products would share: id -> the item positions
    (0-based) that map to it. A product is its catalog and variant id: the same variant
    planned twice is one showcase entry, not a conflict."""
    by_id: dict[str, dict[tuple[str, str], list[int]]] = {}
    for n, item in enumerate(items):
        p = item.product
        by_id.setdefault(showcase_id(p.variant_id), {}).setdefault(
            (p.catalog, p.variant_id), []
        ).append(n)
    return {
        sid: sorted(n for positions in owners.values() for n in positions)
        for sid, owners in by_id.items()
        if len(owners) > 1
    }


def showcase_product(item: RundownItem) -> ShowcaseProduct:
    """The showcase entry for an item: its live price, and its stock cap if it has one."""
    # The platform's types where a show goes live, not where one is planned (start-up time).
    from seller_console.domain.platform_port import ShowcaseProduct

    p = item.product
    price = item.price
    if price is None:
        raise NotPublishableError(f"{p.display_title} has no price")
    return ShowcaseProduct(
        id=showcase_id(p.variant_id),
        sku=p.sku,
        title=p.display_title,
        brand=p.brand,
        price=price,
        commission_rate=p.commission_rate if p.commission_rate is not None else Decimal(0),
        compare_at_price=p.compare_at_price
        if p.compare_at_price is not None and p.compare_at_price.currency == price.currency
        else None,
        image_url=p.image_url or None,
        stock=item.sellable_units,
    )
