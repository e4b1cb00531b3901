"""A catalog's products as columns, the form they cross a process boundary in.

Its own module: only an import in a worker process needs it, so the window does not
load it at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from seller_console.domain.catalog import Availability, Product, ProductStatus, Variant
from seller_console.domain.money import Currency, Money


@dataclass(eq=False, repr=False)
class ProductColumns:
    """Products and their variants as columns: one list per field, one entry per product
    or variant, in file order, holding only strings, ints, tuples of strings and enum
    members. The compact form a catalog crosses a process boundary in (an import's
    worker to the window): lists of plain values pickle and load several times faster
    than objects, and a value repeated on many rows (a currency, the options ``M /
    Black``) is one shared object, which pickling keeps shared. Money is its exact
    amount as text and its currency's code (``""`` for no price): nothing is rounded.
    """

    # per product
    product_ids: list[str]
    titles: list[str]
    brands: list[str]
    bodies: list[str]
    image_urls: list[tuple[str, ...]]
    tags: list[tuple[str, ...]]
    option_names: list[tuple[str, ...]]
    statuses: list[ProductStatus]
    categories: list[str]
    links: list[str]
    variant_counts: list[int]
    # per variant
    variant_ids: list[str]
    variant_product_ids: list[str]
    skus: list[str]
    variant_titles: list[str]
    prices: list[tuple[str, str]]  # (amount, currency code); ("", "") for none
    compare_at_prices: list[tuple[str, str]]
    stocks: list[int | None]
    availability: list[Availability]
    options: list[tuple[tuple[str, str], ...]]
    barcodes: list[str]
    variant_images: list[str]
    commission_rates: list[str]  # "" for none

    @classmethod
    def of(cls, products: Sequence[Product]) -> ProductColumns:
        variants = [v for p in products for v in p.variants]
        # One text per object (importers share one Money per distinct price): keyed by
        # id, and each dict holds its object, so an id stays that object's.
        money_texts: dict[int, tuple[Money | None, tuple[str, str]]] = {}
        rate_texts: dict[int, tuple[Decimal | None, str]] = {}

        def money(value: Money | None) -> tuple[str, str]:
            known = money_texts.get(id(value))
            if known is None or known[0] is not value:
                text = ("", "") if value is None else (str(value.amount), value.currency.code)
                known = money_texts[id(value)] = (value, text)
            return known[1]

        def rate(value: Decimal | None) -> str:
            known = rate_texts.get(id(value))
            if known is None or known[0] is not value:
                known = rate_texts[id(value)] = (value, "" if value is None else str(value))
            return known[1]

        return cls(
            [p.id for p in products],
            [p.title for p in products],
            [p.brand for p in products],
            [p.body for p in products],
            [p.image_urls for p in products],
            [p.tags for p in products],
            [p.option_names for p in products],
            [p.status for p in products],
            [p.category for p in products],
            [p.link for p in products],
            [len(p.variants) for p in products],
            [v.id for v in variants],
            [v.product_id for v in variants],
            [v.sku for v in variants],
            [v.title for v in variants],
            [money(v.price) for v in variants],
            [money(v.compare_at_price) for v in variants],
            [v.stock for v in variants],
            [v.availability for v in variants],
            [v.options for v in variants],
            [v.barcode for v in variants],
            [v.image_url for v in variants],
            [rate(v.commission_rate) for v in variants],
        )

    def products(self) -> list[Product]:
        """The products again, equal to those the columns were made of."""
        amounts: dict[tuple[str, str], Money | None] = {("", ""): None}
        rates: dict[str, Decimal | None] = {"": None}

        def money(text: tuple[str, str]) -> Money | None:
            if text not in amounts:
                amounts[text] = Money(Decimal(text[0]), Currency.of(text[1]))
            return amounts[text]

        def rate(text: str) -> Decimal | None:
            if text not in rates:
                rates[text] = Decimal(text)
            return rates[text]

        rows = map(
            Variant,
            self.variant_ids,
            self.variant_product_ids,
            self.skus,
            self.variant_titles,
            map(money, self.prices),
            map(money, self.compare_at_prices),
            self.stocks,
            self.availability,
            self.options,
            self.barcodes,
            self.variant_images,
            map(rate, self.commission_rates),
        )
        return [
            Product(
                id=pid,
                title=title,
                brand=brand,
                body=body,
                image_urls=images,
                tags=tags,
                option_names=names,
                status=status,
                category=category,
                link=link,
                variants=tuple(islice(rows, count)),
            )
            for pid, title, brand, body, images, tags, names, status, category, link, count in zip(
                self.product_ids,
                self.titles,
                self.brands,
                self.bodies,
                self.image_urls,
                self.tags,
                self.option_names,
                self.statuses,
                self.categories,
                self.links,
                self.variant_counts,
                strict=True,
            )
        ]
