"""Products, variants and the catalog a show is built from.

A ``Product`` groups the ``Variant`` rows a viewer can buy (sizes, colours). Stock that
is not known is ``None``, never zero; availability that was not understood is
``Availability.UNKNOWN``, never "in stock". Descriptions are read as plain text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import accumulate, chain
from typing import NamedTuple, overload

from seller_console.domain.money import Money
from seller_console.domain.text import fold, html_to_text


class Availability(StrEnum):
    IN_STOCK = "in_stock"
    OUT_OF_STOCK = "out_of_stock"
    PREORDER = "preorder"
    BACKORDER = "backorder"
    DISCONTINUED = "discontinued"
    UNKNOWN = "unknown"


_AVAILABILITY_WORDS: dict[str, Availability] = {
    "in stock": Availability.IN_STOCK,
    "instock": Availability.IN_STOCK,
    "available": Availability.IN_STOCK,
    "out of stock": Availability.OUT_OF_STOCK,
    "outofstock": Availability.OUT_OF_STOCK,
    "sold out": Availability.OUT_OF_STOCK,
    "soldout": Availability.OUT_OF_STOCK,
    "preorder": Availability.PREORDER,
    "pre order": Availability.PREORDER,
    "backorder": Availability.BACKORDER,
    "available for order": Availability.BACKORDER,
    "onbackorder": Availability.BACKORDER,
    "discontinued": Availability.DISCONTINUED,
}


def parse_availability(raw: str) -> Availability:
    """``in_stock``, ``In stock``, ``InStock``, ``out of stock`` ... ; anything else is UNKNOWN."""
    key = " ".join(raw.replace("_", " ").replace("-", " ").casefold().split())
    found = _AVAILABILITY_WORDS.get(key) or _AVAILABILITY_WORDS.get(key.replace(" ", ""))
    return found or Availability.UNKNOWN


class ProductStatus(StrEnum):
    ACTIVE = "active"
    DRAFT = "draft"
    ARCHIVED = "archived"


class Variant(NamedTuple):
    """One buyable item: a size or colour of a product, or the product itself.

    Immutable like every catalog value; a NamedTuple because a catalog holds 100k of them
    and it builds five times faster than a frozen dataclass.
    """

    id: str
    product_id: str
    sku: str
    title: str
    price: Money | None
    compare_at_price: Money | None = None
    stock: int | None = None
    availability: Availability = Availability.UNKNOWN
    options: tuple[tuple[str, str], ...] = ()
    barcode: str = ""
    image_url: str = ""
    commission_rate: Decimal | None = None

    @property
    def on_sale(self) -> bool:
        """True only when the compare-at price is strictly above the price."""
        return (
            self.price is not None
            and self.compare_at_price is not None
            and self.compare_at_price.currency == self.price.currency
            and self.compare_at_price > self.price
        )

    @property
    def sellable(self) -> bool:
        """Can be sold now: in stock (or sold beyond stock) and not known to be at zero."""
        if self.availability in (Availability.BACKORDER, Availability.PREORDER):
            return True
        if self.stock is not None:
            return self.stock > 0 and self.availability is not Availability.DISCONTINUED
        return self.availability is Availability.IN_STOCK

    @property
    def option_label(self) -> str:
        return " / ".join(value for _, value in self.options)


@dataclass(frozen=True, slots=True)
class Product:
    """A product as viewers see it, with its variants in file order."""

    id: str
    title: str
    brand: str
    body: str = ""  # the description as the file gave it: plain text or HTML
    image_urls: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    option_names: tuple[str, ...] = ()
    status: ProductStatus = ProductStatus.ACTIVE
    category: str = ""
    link: str = ""
    variants: tuple[Variant, ...] = ()

    @property
    def image_url(self) -> str:
        return self.image_urls[0] if self.image_urls else ""

    @property
    def description(self) -> str:
        """The description as plain text (HTML bodies are converted when shown, not on import)."""
        return html_to_text(self.body)


class VariantRef(NamedTuple):
    """A variant with its product: the row a catalog table shows."""

    product: Product
    variant: Variant


class CatalogRows(Sequence[VariantRef]):
    """A catalog's rows (every variant with its product, in file order), made on demand.

    A view over the products, not a list: a 100k-variant catalog keeps no row objects,
    and a screen builds the ``VariantRef`` of the rows it shows.
    """

    __slots__ = ("_products", "_starts")

    def __init__(self, products: Sequence[Product], starts: list[int]) -> None:
        self._products = products
        self._starts = starts  # each product's first row, then the row count

    def __len__(self) -> int:
        return self._starts[-1]

    @overload
    def __getitem__(self, index: int) -> VariantRef: ...
    @overload
    def __getitem__(self, index: slice) -> list[VariantRef]: ...
    def __getitem__(self, index: int | slice) -> VariantRef | list[VariantRef]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        size = self._starts[-1]
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("catalog row out of range")
        at = bisect_right(self._starts, index) - 1
        product = self._products[at]
        return VariantRef(product, product.variants[index - self._starts[at]])

    def __iter__(self) -> Iterator[VariantRef]:
        for product in self._products:
            for variant in product.variants:
                yield VariantRef(product, variant)


@dataclass(slots=True)
class Catalog:
    """One brand's catalog: products in file order, variants flattened, lookups and search.

    It keeps no row objects (``rows`` is a view). The indexes (variant ids, SKUs, the
    folded search column) are made on first use, or all at once by ``index()``, which
    a window calls in a worker before it shows the catalog; a catalog that is only
    checked or planned from never pays for them.
    """

    name: str
    products: Sequence[Product]
    rows: CatalogRows = field(init=False)
    _by_product_id: dict[str, Product] = field(init=False, repr=False)
    _by_variant_id: dict[str, int] | None = field(init=False, repr=False)
    _by_sku: dict[str, list[int]] | None = field(init=False, repr=False)
    _haystacks: list[str] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.rows = CatalogRows(
            self.products, [0, *accumulate(len(p.variants) for p in self.products)]
        )
        self._by_product_id = {p.id: p for p in self.products}
        self._by_variant_id = self._by_sku = self._haystacks = None

    def index(self) -> Catalog:
        """Make every lookup and the search column now (pure Python: run it in a worker)."""
        self._variant_ids()
        self._search_column()
        return self

    def _variant_ids(self) -> dict[str, int]:
        if self._by_variant_id is None:
            variants = chain.from_iterable(p.variants for p in self.products)
            self._by_variant_id = {v.id: i for i, v in enumerate(variants)}
        return self._by_variant_id

    def _search_column(self) -> list[str]:
        if self._haystacks is None:
            self._haystacks = _haystacks(self.products)
        return self._haystacks

    @property
    def variant_count(self) -> int:
        return len(self.rows)

    def product(self, product_id: str) -> Product | None:
        return self._by_product_id.get(product_id)

    def variant(self, variant_id: str) -> VariantRef | None:
        row = self.row_of(variant_id)
        return None if row is None else self.rows[row]

    def row_of(self, variant_id: str) -> int | None:
        """The variant's place in ``rows``; None when the catalog has no such variant."""
        return self._variant_ids().get(variant_id)

    def by_sku(self, sku: str) -> list[VariantRef]:
        """Every variant with this SKU (case-insensitive): real catalogs repeat SKUs."""
        if self._by_sku is None:
            self._by_sku = {}
            variants = chain.from_iterable(p.variants for p in self.products)
            for i, v in enumerate(variants):
                if v.sku:
                    self._by_sku.setdefault(v.sku.casefold(), []).append(i)
        return [self.rows[i] for i in self._by_sku.get(sku.casefold(), ())]

    def currencies(self) -> list[str]:
        codes = {
            v.price.currency.code for p in self.products for v in p.variants if v.price is not None
        }
        return sorted(codes)

    def brands(self) -> list[str]:
        return sorted({p.brand for p in self.products if p.brand}, key=str.casefold)

    def search(self, query: str, within: Iterable[int] | None = None) -> list[int]:
        """Row indexes whose title, SKU, brand, tags or options contain every word of ``query``.

        Case- and accent-insensitive. ``within`` narrows a previous result (the user typed
        one more letter), which keeps search-as-you-type cheap on 100k rows.
        """
        words = fold(query).split()
        hay = self._search_column()
        candidates: Iterable[int] = range(len(hay)) if within is None else within
        if not words:
            return list(candidates)
        first, *rest = words
        found = [i for i in candidates if first in hay[i]]
        for word in rest:
            found = [i for i in found if word in hay[i]]
        return found


def _haystacks(products: Sequence[Product]) -> list[str]:
    """Per row: the folded words search looks in (product words folded once per product)."""
    found = []
    for p in products:
        shared = fold(" ".join((p.title, p.brand, *p.tags)))
        for v in p.variants:
            own = " ".join((v.title, v.sku, v.barcode, *(value for _, value in v.options)))
            found.append(f"{shared} {fold(own)}")
    return found
