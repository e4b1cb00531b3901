"""Hostile catalog files, generated at any size: the tests and ``bench_hostile`` share them.

Each maker takes ``n`` (how big: rows, images, digits ...) and returns the file's text;
the size grows linearly with ``n``. ``WORST`` names the worst case of each class fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

GOOGLE_HEADER = "id\ttitle\tprice\tavailability\tquantity\timage_link\titem_group_id\n"
SHOPIFY_HEADER = (
    "Handle,Title,Body (HTML),Vendor,Option1 Name,Option1 Value,Variant SKU,"
    "Variant Inventory Qty,Variant Price,Variant Compare At Price,Image Src,Image Position\n"
)


def google_row(i: int, price: str = "9.99 USD", quantity: str = "5", group: str = "") -> str:
    return (
        f"sku-{i}\tItem {i}\t{price}\tin stock\t{quantity}\t"
        f"https://cdn.example.com/{i}.jpg\t{group}\n"
    )


def shopify_row(
    i: int, qty: str = "5", price: str = "19.00", compare: str = "", position: str = "1"
) -> str:
    return (
        f"item-{i},Item {i},<p>Soft</p>,Acme,Size,M,SKU-{i},{qty},{price},{compare},"
        f"https://cdn.example.com/{i}.jpg,{position}\n"
    )


def plain_google(n: int) -> str:
    """The baseline: a well-formed Merchant TSV of ``n`` rows."""
    return GOOGLE_HEADER + "".join(google_row(i) for i in range(n))


def price_commas(n: int) -> str:
    """Rows whose price cell is ``n`` commas (the backtracking regex took 89 s on 80,000)."""
    return GOOGLE_HEADER + "".join(google_row(i, price="," * n) for i in range(4))


def stock_exponents(n: int) -> str:
    """``n`` rows whose stock is ``1e1000000`` (``int(Decimal)`` took 33 s on one)."""
    return GOOGLE_HEADER + "".join(google_row(i, quantity="1e1000000") for i in range(n))


def long_digits(n: int) -> str:
    """Shopify rows with an ``n``-digit quantity, an ``n``-digit image position, and a
    price of ``n`` digits with a compare-at."""
    rows = []
    for i in range(0, 30, 3):
        rows.append(shopify_row(i, qty="7" * n))
        rows.append(shopify_row(i + 1, position="3" * n))
        rows.append(shopify_row(i + 2, price="9" * n, compare="9" * (n + 1)))
    return SHOPIFY_HEADER + "".join(rows)


def images_one_group(n: int) -> str:
    """One product group of ``n`` rows, each with its own image (de-dup was quadratic)."""
    return GOOGLE_HEADER + "".join(google_row(i, group="one-group") for i in range(n))


def quote_every_line(n: int) -> str:
    """``n`` rows whose title opens a quote that never closes: the worst case of re-reading."""
    return GOOGLE_HEADER + "".join(
        f'sku-{i}\t"Item {i}\t9.99 USD\tin stock\t5\t\t\n' for i in range(n)
    )


def one_quote_early(n: int) -> str:
    """``n`` good rows after one unbalanced quote on the first data row."""
    return (
        GOOGLE_HEADER
        + 'sku-x\t"Lake Erie\t1.00 USD\tin stock\t5\t\t\n'
        + "".join(google_row(i) for i in range(n))
    )


def short_cells(n: int) -> str:
    """``n`` rows of one short cell each (the 150 MB file of short cells, scaled)."""
    return GOOGLE_HEADER + "x\n" * n


def duplicate_ids(n: int) -> str:
    """``n`` rows that all share one id (each later row gets a derived id)."""
    return GOOGLE_HEADER + "".join(
        f"same\tItem {i}\t{i}.00 USD\tin stock\t5\t\t\n" for i in range(n)
    )


WORST: dict[str, Callable[[int], str]] = {
    "price_commas": price_commas,
    "stock_exponent": stock_exponents,
    "long_digits": long_digits,
    "images_one_group": images_one_group,
    "quote_every_line": quote_every_line,
    "one_quote_early": one_quote_early,
    "short_cells": short_cells,
    "duplicate_ids": duplicate_ids,
}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path
