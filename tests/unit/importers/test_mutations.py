"""No crash on damaged files: every mutant imports or raises ``CatalogImportError``.

Seed files of each format are written here, then damaged deterministically (truncated,
bytes flipped, inserted or deleted, lines duplicated, stray quotes, swapped delimiters,
NUL bytes, invalid UTF-8). Whatever comes back must be self-consistent.
"""

from __future__ import annotations

import codecs
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from seller_console.importers import CatalogImportError, ImportOptions, import_catalog
from tests.support import shared_catalog_files

SHOPIFY = (
    "Handle,Title,Body (HTML),Vendor,Tags,Option1 Name,Option1 Value,Variant SKU,"
    "Variant Inventory Qty,Variant Price,Variant Compare At Price,Image Src,Image Position\r\n"
    'tee,"Tee, ""Classic""","<p>Soft,\nwarm</p>",Nordlys,"a, b",Size,S,T-S,3,19.99,24.99,'
    "https://cdn.example.com/t.jpg,1\r\n"
    "tee,,,,,,M,T-M,0,19.99,,,\r\n"
    "tee,,,,,,,,,,,https://cdn.example.com/t2.jpg,2\r\n"
    "mug,Mug ☕,plain text body,Nordlys,,Title,Default Title,MUG,,7.50,,,\r\n"
).encode()
MERCHANT_TSV = (
    "id\titem_group_id\ttitle\tdescription\tprice\tsale_price\tavailability\timage_link\tbrand\n"
    'a1\tg1\tShirt "Linen"\tCool, light, airy\t30.00 USD\t25.00 USD\tin_stock\t'
    "https://x.example/a.jpg\tB\n"
    "a2\tg1\tShirt Linen\tCool\t30.00 USD\t\tout of stock\thttps://x.example/b.jpg\tB\n"
    "b1\t\tCap ✓\tCap\t12,50 EUR\t\tpreorder\thttps://x.example/c.jpg\tB\n"
).encode()
MERCHANT_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>\n'
    b"<item><g:id>x1</g:id><title>Lamp &amp; shade</title><description>Warm</description>"
    b"<g:price>49.00 USD</g:price><g:availability>in stock</g:availability>"
    b"<g:image_link>https://x.example/l.jpg</g:image_link><g:item_group_id>L</g:item_group_id>"
    b"<g:shipping><g:country>US</g:country><g:price>5.00 USD</g:price></g:shipping></item>\n"
    b"<item><g:id>x2</g:id><g:title>Lamp big</g:title><g:price>59.00 USD</g:price>"
    b"<g:item_group_id>L</g:item_group_id><g:quantity>4</g:quantity></item>\n"
    b"</channel></rss>\n"
)
META_CSV = codecs.BOM_UTF8 + (
    b'# Required | A unique id,# Required | Title,# Required | Description,"# Required | '
    b'Price, e.g. 9.99 USD",# Required,# Required,# Optional\r\n'
    b"id,title,description,price,availability,image_link,quantity_to_sell_on_facebook\r\n"
    b'm1,"Bag, tote",Canvas,9.99 USD,in stock,https://x.example/m.jpg,5\r\n'
    b"m2,Bag mini,Canvas,49,00 TND,out of stock,https://x.example/n.jpg,0\r\n"
)
WOOCOMMERCE = codecs.BOM_UTF8 + (
    b"ID,Type,SKU,Name,Published,Short description,Description,In stock?,Stock,"
    b"Sale price,Regular price,Categories,Images,Parent,"
    b"Attribute 1 name,Attribute 1 value(s)\r\n"
    b'10,variable,HOOD,Hoodie,1,Warm,"<p>Fleece, soft</p>",1,,,,Clothing > Hoodies,'
    b'https://x.example/h.jpg,,Color,"Red, Blue"\r\n'
    b"11,variation,HOOD-R,Hoodie - Red,1,,,1,3,,42,,,HOOD,Color,Red\r\n"
    b"12,variation,HOOD-B,Hoodie - Blue,1,,,1,0,35,42,,,id:10,Color,Blue\r\n"
    b"13,simple,POCKET,Pocket and  Logo,1,,,1,7,,15,,,,,\r\n"
)
SEEDS = {
    "shopify.csv": SHOPIFY,
    "merchant.tsv": MERCHANT_TSV,
    "merchant.xml": MERCHANT_XML,
    "meta.csv": META_CSV,
    "woocommerce.csv": WOOCOMMERCE,
}
MUTANTS_PER_SEED = 40
TIME_BUDGET_S = 20.0

Mutation = Callable[[random.Random, bytes], bytes]


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def _insert(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 6))) + data[at:]


def _delete(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + data[at + rng.randint(1, 40) :]


def _duplicate_line(rng: random.Random, data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    at = rng.randrange(len(lines))
    return b"".join([*lines[: at + 1], lines[at], *lines[at + 1 :]])


def _stray_quote(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + b'"' + data[at:]


def _swap_delimiters(rng: random.Random, data: bytes) -> bytes:
    old, new = rng.sample([b",", b"\t", b";", b"|", b"<", b">"], 2)
    return data.replace(old, new)


def _nul(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + b"\x00" * rng.randint(1, 3) + data[at:]


def _bad_utf8(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice([b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80"]) + data[at:]


MUTATIONS: tuple[Mutation, ...] = (
    _truncate,
    _flip,
    _insert,
    _delete,
    _duplicate_line,
    _stray_quote,
    _swap_delimiters,
    _nul,
    _bad_utf8,
)


def _mutants(seed_name: str, data: bytes, count: int) -> list[bytes]:
    rng = random.Random(f"{seed_name}:{len(data)}")
    mutants = []
    for i in range(count):
        mutant = data
        for _ in range(1 + i % 3):  # one to three damages stacked
            mutant = rng.choice(MUTATIONS)(rng, mutant) if mutant else mutant
        mutants.append(mutant)
    return mutants


def _check_survives(path: Path, options: ImportOptions) -> None:
    try:
        result = import_catalog(path, options)
    except CatalogImportError as exc:
        reason = exc.reason
        assert reason.strip()
        return
    report, catalog = result.report, result.catalog
    assert report.products == len(catalog.products)
    assert report.variants == sum(len(p.variants) for p in catalog.products)
    assert report.variants == catalog.variant_count
    assert all(problem.reason.strip() for problem in report.rejected)
    assert all(problem.reason.strip() for problem in report.warnings)
    assert report.rows_rejected <= report.rows_read


def _run_mutants(tmp_path: Path, seeds: dict[str, bytes], per_seed: int) -> int:
    deadline = time.monotonic() + TIME_BUDGET_S
    done = 0
    for name, data in seeds.items():
        for i, mutant in enumerate(_mutants(name, data, per_seed)):
            if time.monotonic() > deadline:
                return done
            path = tmp_path / f"{i:03d}-{name}"
            path.write_bytes(mutant)
            for options in (ImportOptions(), ImportOptions(currency="USD")):
                try:
                    _check_survives(path, options)
                except Exception as exc:
                    raise AssertionError(f"{path.name} ({options}) -> {exc!r}") from exc
            done += 1
    return done


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_files_import(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(SEEDS[name])
    result = import_catalog(path, ImportOptions(currency="USD"))
    assert result.report.variants > 0
    assert result.report.rejected == []


def test_mutated_written_files_never_crash(tmp_path: Path) -> None:
    done = _run_mutants(tmp_path, SEEDS, MUTANTS_PER_SEED)
    assert done > 0


@pytest.mark.realdata
def test_mutated_shared_files_never_crash(tmp_path: Path, shared_catalogs: Path) -> None:
    seeds = {p.name: p.read_bytes()[: 256 * 1024] for p in shared_catalog_files(shared_catalogs)}
    assert seeds, "no catalog files below the shared folder"
    done = _run_mutants(tmp_path, seeds, max(1, 200 // len(seeds)))
    assert done > 0
