"""Generate the bundled demo catalog: ``resources/demo/catalog.csv`` and its images.

Run as ``.venv/bin/python tools/make_demo.py`` from the repository root (or anywhere: paths
are relative to this file). The output is deterministic: the data is written out below,
stock counts come from a seeded RNG keyed by SKU, and the images are drawn with QPainter
on an offscreen QImage, so running it again rewrites the very same bytes (given the same
Qt build and the DejaVu Sans font).

The CSV is a legacy-header Shopify product export (UTF-8, no BOM, CRLF records) for three
invented brands. Image URLs point at ``demo.seller-console.invalid``, a reserved TLD that
the app maps to ``resources/demo/images/`` without touching the network.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import os
import random
import re
import sys
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QImageWriter,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)

ROOT: Final = Path(__file__).resolve().parent.parent
DEMO_DIR: Final = ROOT / "resources" / "demo"
IMAGES_DIR: Final = DEMO_DIR / "images"
CSV_PATH: Final = DEMO_DIR / "catalog.csv"
IMAGE_BASE_URL: Final = "https://demo.seller-console.invalid/images/"
IMAGE_SIZE: Final = 96
MAX_IMAGE_BYTES: Final = 6 * 1024

HEADER: Final = (
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Variant SKU",
    "Variant Inventory Tracker",
    "Variant Inventory Qty",
    "Variant Inventory Policy",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Barcode",
    "Image Src",
    "Image Position",
    "Commission Rate",
    "Status",
)


# ------------------------------------------------------------------ data


@dataclass(frozen=True, slots=True)
class Brand:
    name: str
    code: str  # SKU prefix
    gs1: str  # first 6 digits of the brand's EAN-13s (20-29: restricted, in-store numbers)
    commission: str
    hue: int  # HSL hue of the brand's soft background


@dataclass(frozen=True, slots=True)
class Spec:
    title: str
    type: str
    glyph: str
    price: str | tuple[str, ...]  # one price, or one per variant
    tags: str
    body: str
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()
    compare_at: str | tuple[str, ...] | None = None
    commission: str | None = None  # a product-level override of the brand's rate
    second_image: bool = False
    sold_out: tuple[int, ...] = ()  # variant indexes with 0 in stock
    untracked: bool = False


def ul(*points: str) -> str:
    return "<ul>" + "".join(f"<li>{p}</li>" for p in points) + "</ul>"


def p(text: str) -> str:
    return f"<p>{text}</p>"


MOSSMERE: Final = Brand("Mossmere Botanics", "MMB", "200141", "0.20", 150)
HALFTONE: Final = Brand("Halftone Supply Co.", "HSC", "200262", "0.15", 232)
COPPERWICK: Final = Brand("Copperwick Home", "CWH", "200383", "0.12", 24)

ML_50_150 = (("Size", ("50 ml", "150 ml")),)
TOPS = (("Size", ("S", "M", "L", "XL")),)

CATALOG: Final[tuple[tuple[Brand, tuple[Spec, ...]], ...]] = (
    (
        MOSSMERE,
        (
            Spec(
                "Sea Fennel Gel Cleanser",
                "Cleanser",
                "tube",
                ("16.00", "32.00"),
                "cleanser, oily skin, vegan",
                p("A cooling gel that lifts sunscreen and city grime without the tight feeling."),
                ML_50_150,
                second_image=True,
            ),
            Spec(
                "Oat Milk Crème Cleanser",
                "Cleanser",
                "bottle",
                "22.00",
                "cleanser, sensitive skin, fragrance free",
                ul("Colloidal oat calms redness", "Milky texture, rinses clean", "150 ml"),
            ),
            Spec(
                "Rosehip Glow Facial Oil",
                "Face Oil",
                "dropper",
                "34.00",
                "face oil, dry skin, glow",
                p("Cold-pressed rosehip and sea buckthorn for a dewy, rested finish. 30 ml."),
                second_image=True,
            ),
            Spec(
                "Niacinamide 10% Clarifying Serum",
                "Serum",
                "dropper",
                ("19.00", "29.00"),
                "serum, pores, bestseller",
                ul("10% niacinamide + 1% zinc", "Visibly refines pores in 4 weeks"),
                (("Size", ("15 ml", "30 ml")),),
            ),
            Spec(
                "Hyaluronic Dew Serum",
                "Serum",
                "dropper",
                "27.00",
                "serum, hydration, all skin types",
                p("Three weights of hyaluronic acid for plump, bouncy skin all day."),
            ),
            Spec(
                "Vitamin C Brightening Drops",
                "Serum",
                "dropper",
                "29.50",
                "serum, vitamin c, brightening, sale",
                ul("15% stable vitamin C", "Fades dark spots", "Airless pump, 30 ml"),
                compare_at="38.00",
            ),
            Spec(
                "Cloudberry Barrier Moisturizer",
                "Moisturizer",
                "jar",
                ("28.00", "46.00"),
                "moisturizer, barrier repair, bestseller",
                p("A whipped cream with ceramides and cloudberry seed oil for stressed skin."),
                (("Size", ("50 ml", "100 ml")),),
                second_image=True,
            ),
            Spec(
                "Overnight Peptide Repair Cream",
                "Moisturizer",
                "jar",
                "42.00",
                "night cream, peptides, firming",
                ul("Five-peptide complex", "Rich but non-greasy", "50 ml"),
            ),
            Spec(
                "Green Tea Hydrating Toner",
                "Toner",
                "bottle",
                "18.00",
                "toner, hydration, vegan",
                p("An alcohol-free essence toner with green tea and panthenol. 200 ml."),
            ),
            Spec(
                "Mineral Tinted Sunscreen SPF 40",
                "Sunscreen",
                "tube",
                "31.00",
                "sunscreen, spf, tinted, mineral",
                ul("100% zinc oxide", "Sheer tint, no white cast", "Reef-friendly formula"),
                (("Shade", ("Fair", "Light", "Medium", "Deep")),),
                sold_out=(3,),
                second_image=True,
            ),
            Spec(
                "Daily Sheer Sunscreen SPF 50",
                "Sunscreen",
                "tube",
                "24.00",
                "sunscreen, spf, everyday",
                p("Weightless, invisible protection that sits beautifully under makeup."),
            ),
            Spec(
                "Kaolin Clay Detox Mask",
                "Mask",
                "jar",
                "21.00",
                "mask, clay, oily skin",
                p("Ten minutes, twice a week: kaolin and willow bark for clear, matte skin."),
            ),
            Spec(
                "Honey Enzyme Exfoliating Mask",
                "Mask",
                "jar",
                "26.00",
                "mask, exfoliant, glow",
                ul("Papaya enzymes + raw honey", "Gentle enough for weekly use"),
            ),
            Spec(
                "Squalane Lip Balm",
                "Lip Care",
                "lipstick",
                "9.00",
                "lip balm, stocking stuffer",
                p("Olive squalane and shea in a slim, pocket-sized tube."),
                (("Flavor", ("Unscented", "Mint", "Wild Berry")),),
            ),
            Spec(
                "Tinted Lip Oil",
                "Lip Care",
                "lipstick",
                "16.00",
                "lip oil, tinted, new",
                ul("Glassy shine, zero stickiness", "Buildable sheer colour"),
                (("Shade", ("Petal", "Fig", "Coral")),),
                compare_at=("20.00", "20.00", "20.00"),
            ),
            Spec(
                "Caffeine Eye Cream",
                "Eye Care",
                "jar",
                "24.00",
                "eye cream, puffiness, caffeine",
                p("Wakes up tired eyes with caffeine and a cooling metal tip applicator."),
            ),
            Spec(
                "Ceramide Body Lotion",
                "Body Care",
                "bottle",
                ("19.00", "29.00"),
                "body, lotion, dry skin",
                ul("Three essential ceramides", "Absorbs in seconds"),
                (("Size", ("250 ml", "500 ml")),),
            ),
            Spec(
                "Bakuchiol Night Serum",
                "Serum",
                "dropper",
                "36.00",
                "serum, retinol alternative, night",
                p("The plant-based retinol alternative: smoother texture, no irritation."),
            ),
            Spec(
                "Bamboo Cleansing Balm",
                "Cleanser",
                "jar",
                "25.00",
                "cleansing balm, makeup remover",
                p("Melts into a silky oil that dissolves even waterproof mascara."),
                untracked=True,
            ),
            Spec(
                "Travel Skincare Trio",
                "Gift Set",
                "gift",
                "39.00",
                "gift set, travel, bestseller",
                ul("Gel cleanser, dew serum and barrier cream", "TSA-friendly minis"),
                compare_at="52.00",
                commission="0.25",
            ),
        ),
    ),
    (
        HALFTONE,
        (
            Spec(
                "Heavyweight Boxy Tee",
                "T-Shirt",
                "tshirt",
                "38.00",
                "tee, heavyweight, essentials",
                ul("280 gsm cotton jersey", "Boxy, cropped fit", "Pre-shrunk"),
                TOPS,
                second_image=True,
            ),
            Spec(
                "Logo Pocket Tee",
                "T-Shirt",
                "tshirt",
                "32.00",
                "tee, logo, essentials",
                p("Our everyday tee with a woven logo tab on the chest pocket."),
                (("Color", ("Black", "Bone")), ("Size", ("M", "L"))),
            ),
            Spec(
                "Halftone Dot Graphic Tee",
                "T-Shirt",
                "tshirt",
                "29.00",
                "tee, graphic, sale",
                p("Screen-printed halftone dot graphic on a soft garment-dyed blank."),
                (("Size", ("S", "M", "L")),),
                compare_at="40.00",
            ),
            Spec(
                "Garment-Dyed Long Sleeve Tee",
                "T-Shirt",
                "longsleeve",
                "44.00",
                "long sleeve, garment dyed",
                ul("Vintage wash, unique on every piece", "Ribbed cuffs"),
                (("Color", ("Olive", "Washed Black", "Clay")),),
            ),
            Spec(
                "Midweight Fleece Hoodie",
                "Hoodie",
                "hoodie",
                "78.00",
                "hoodie, fleece, bestseller",
                ul("400 gsm brushed-back fleece", "Double-layer hood", "Kangaroo pocket"),
                TOPS,
                sold_out=(0,),
                second_image=True,
            ),
            Spec(
                "Zip-Up Track Hoodie",
                "Hoodie",
                "hoodie",
                "88.00",
                "hoodie, zip, track",
                p("A full-zip hoodie with contrast piping down the sleeves."),
                (("Color", ("Navy", "Forest")), ("Size", ("M", "L"))),
            ),
            Spec(
                "Cropped Crewneck Sweatshirt",
                "Sweatshirt",
                "longsleeve",
                "62.00",
                "crewneck, cropped, fleece",
                p("A cropped crewneck in loopback terry with a raw-edge hem."),
                (("Size", ("XS", "S", "M")),),
            ),
            Spec(
                "Ripstop Cargo Pants",
                "Pants",
                "pants",
                "84.00",
                "pants, cargo, utility",
                ul("Water-resistant cotton ripstop", "Six pockets", "Drawcord cuffs"),
                (("Waist", ("30", "32", "34", "36")),),
            ),
            Spec(
                "Relaxed Carpenter Jeans",
                "Pants",
                "pants",
                "96.00",
                "denim, jeans, carpenter",
                p("13.5 oz rigid denim in a roomy carpenter cut with a hammer loop."),
                (("Waist", ("30", "32", "34")),),
            ),
            Spec(
                "Nylon Track Shorts",
                "Shorts",
                "shorts",
                "45.00",
                "shorts, nylon, summer",
                p("Crinkle nylon shorts with a mesh lining and a 6-inch inseam."),
                (("Size", ("S", "M", "L")),),
            ),
            Spec(
                "Six-Panel Corduroy Cap",
                "Headwear",
                "cap",
                "34.00",
                "cap, corduroy, headwear",
                ul("Wide-wale corduroy", "Brass strap-back"),
                (("Color", ("Rust", "Cream", "Black")),),
                second_image=True,
            ),
            Spec(
                "Ribbed Knit Beanie",
                "Headwear",
                "beanie",
                "26.00",
                "beanie, knit, winter",
                p("A fisherman-rib beanie in soft merino blend with a fold-over cuff."),
                (("Color", ("Charcoal", "Safety Orange")),),
            ),
            Spec(
                "Reversible Bucket Hat",
                "Headwear",
                "bucket",
                "36.00",
                "bucket hat, reversible, headwear",
                p("Two hats in one: solid twill on one side, halftone print on the other."),
                (("Size", ("S/M", "L/XL")),),
            ),
            Spec(
                "Crossbody Sling Bag",
                "Bags",
                "bag",
                "52.00",
                "bag, sling, accessories",
                ul("Recycled nylon shell", "Hidden back pocket", "Adjustable strap"),
                second_image=True,
            ),
            Spec(
                "Heavy Canvas Tote",
                "Bags",
                "tote",
                "28.00",
                "tote, canvas, accessories",
                p("A 16 oz canvas tote that stands up on its own. Fits a 15-inch laptop."),
            ),
            Spec(
                "Everyday Crew Socks 3-Pack",
                "Socks",
                "socks",
                "22.00",
                "socks, multipack, essentials",
                p("Cushioned combed-cotton crew socks with arch support."),
                (("Size", ("S/M", "L/XL")),),
            ),
            Spec(
                "Nylon Coach Jacket",
                "Outerwear",
                "jacket",
                "110.00",
                "jacket, coach, outerwear",
                ul("Snap front, drawcord hem", "Light quilted lining"),
                (("Size", ("M", "L", "XL")),),
            ),
            Spec(
                "Sherpa Fleece Vest",
                "Outerwear",
                "vest",
                "74.00",
                "vest, sherpa, layering",
                p("A high-pile sherpa vest with nylon trims and zip hand pockets."),
                (("Size", ("S", "M", "L")),),
                sold_out=(2,),
            ),
            Spec(
                "Reflective Windbreaker",
                "Outerwear",
                "jacket",
                "89.00",
                "windbreaker, reflective, sale",
                ul("Packs into its own pocket", "Reflective panels for night rides"),
                TOPS,
                compare_at="120.00",
            ),
            Spec(
                "Enamel Pin Set",
                "Accessories",
                "star",
                "14.00",
                "pins, accessories, gift",
                p("Four hard-enamel pins with rubber clutches, on a printed backing card."),
                commission="0.10",
                untracked=True,
            ),
        ),
    ),
    (
        COPPERWICK,
        (
            Spec(
                "Stoneware Latte Mug",
                "Drinkware",
                "mug",
                "18.00",
                "mug, stoneware, handmade",
                ul("Reactive glaze, each one unique", "14 oz", "Dishwasher safe"),
                (("Color", ("Sand", "Moss", "Slate")),),
                second_image=True,
            ),
            Spec(
                "Double-Wall Espresso Cups (Set of 2)",
                "Drinkware",
                "cup",
                "24.00",
                "espresso, glass, coffee",
                p("Borosilicate glass that keeps espresso hot and hands cool. 3 oz each."),
            ),
            Spec(
                "Pre-Seasoned Cast Iron Skillet",
                "Cookware",
                "pan",
                ("29.00", "39.00", "49.00"),
                "cast iron, skillet, cookware, bestseller",
                ul("Seasoned with flaxseed oil", "Oven and campfire safe"),
                (("Size", ("8 in", "10 in", "12 in")),),
                second_image=True,
            ),
            Spec(
                "Enameled Dutch Oven 5 qt",
                "Cookware",
                "pot",
                "119.00",
                "dutch oven, enamel, cookware",
                p("Heavy cast iron with a chip-resistant enamel for braises, bread and stews."),
                (("Color", ("Tomato", "Sage")),),
                compare_at="149.00",
                commission="0.08",
            ),
            Spec(
                "Acacia Wood Cutting Board",
                "Kitchen Tools",
                "board",
                ("32.00", "45.00"),
                "cutting board, acacia, wood",
                p("End-grain acacia with a juice groove and a hanging hole."),
                (("Size", ("Medium", "Large")),),
            ),
            Spec(
                "8-Inch Chef's Knife",
                "Kitchen Tools",
                "knife",
                "68.00",
                "knife, chef, kitchen tools",
                ul("High-carbon German steel", "Full tang, pakkawood handle"),
                commission="0.08",
            ),
            Spec(
                "Linen Tea Towels (Set of 3)",
                "Linens",
                "towel",
                "26.00",
                "tea towel, linen, kitchen",
                p("Stonewashed European linen that gets softer with every wash."),
                (("Color", ("Oat", "Indigo Stripe")),),
            ),
            Spec(
                "Beeswax Food Wraps",
                "Food Storage",
                "wrap",
                "15.00",
                "beeswax wraps, zero waste, sale",
                p("Three sizes of organic cotton wraps to replace cling film."),
                compare_at="19.00",
            ),
            Spec(
                "Ceramic Pour-Over Dripper",
                "Coffee",
                "dripper",
                "27.00",
                "coffee, pour over, ceramic",
                p("A spiral-ribbed ceramic cone for a clean, even extraction."),
            ),
            Spec(
                "Glass Storage Jars (Set of 4)",
                "Food Storage",
                "canister",
                "36.00",
                "storage, pantry, glass",
                ul("Airtight bamboo lids", "Stackable", "Four sizes"),
            ),
            Spec(
                "Speckled Ceramic Planter",
                "Decor",
                "plant",
                ("18.00", "26.00", "38.00"),
                "planter, ceramic, decor",
                p("A matte speckled planter with a drainage hole and a matching saucer."),
                (("Size", ("Small", "Medium", "Large")),),
                second_image=True,
            ),
            Spec(
                "Soy Wax Candle",
                "Home Fragrance",
                "candle",
                "28.00",
                "candle, soy, home fragrance, bestseller",
                ul("50-hour burn", "Cotton wick", "Amber glass vessel"),
                (("Scent", ("Fig & Cedar", "Sea Salt", "Amber")),),
            ),
            Spec(
                "Reed Diffuser",
                "Home Fragrance",
                "diffuser",
                "32.00",
                "diffuser, home fragrance",
                p("Four months of gentle scent from a ribbed glass bottle and rattan reeds."),
                (("Scent", ("White Tea", "Orange Grove")),),
                sold_out=(1,),
            ),
            Spec(
                "Silicone Spatula Set",
                "Kitchen Tools",
                "spatula",
                "19.00",
                "spatula, silicone, kitchen tools",
                p("Three heat-proof spatulas with one-piece seamless heads."),
            ),
            Spec(
                "Bamboo Dish Rack",
                "Kitchen Tools",
                "rack",
                "34.00",
                "dish rack, bamboo, kitchen",
                p("A collapsible bamboo rack with a removable cutlery caddy."),
            ),
            Spec(
                "Wool Dryer Balls (6-Pack)",
                "Laundry",
                "balls",
                "21.00",
                "laundry, wool, zero waste",
                p("New Zealand wool balls that cut drying time and replace dryer sheets."),
            ),
            Spec(
                "Salt & Pepper Mill Set",
                "Kitchen Tools",
                "mill",
                "42.00",
                "salt, pepper, grinder, gift",
                ul("Adjustable ceramic burrs", "Walnut wood bodies"),
            ),
            Spec(
                "Cotton Waffle Throw",
                "Linens",
                "throw",
                "64.00",
                "throw, blanket, cotton",
                p("A honeycomb waffle-weave throw in airy, breathable cotton. 50 x 60 in."),
                (("Color", ("Cream", "Terracotta")),),
            ),
            Spec(
                "Marble Coaster Set",
                "Decor",
                "coasters",
                "29.00",
                "coasters, marble, decor",
                p("Four white marble coasters with cork backs."),
            ),
            Spec(
                "Fresh Herb Keeper",
                "Food Storage",
                "herb",
                "24.00",
                "herbs, storage, kitchen",
                p("Keeps basil, parsley and cilantro fresh for up to three weeks."),
            ),
        ),
    ),
)


# ------------------------------------------------------------------ rows


def slug(text: str) -> str:
    """A Shopify-style handle: accents folded (crème -> creme), "&" spelled out."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold().replace("&", "and")).strip("-")


def ean13(first12: str) -> str:
    """The 13-digit EAN with its check digit (weights 1, 3, 1, 3 ... from the left)."""
    assert len(first12) == 12
    assert first12.isdecimal()
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def initials(title: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", title) if w[0].isupper()]
    return "".join(w[0] for w in words[:2]).upper()


def per_variant(value: str | tuple[str, ...] | None, count: int) -> list[str]:
    if value is None:
        return [""] * count
    if isinstance(value, str):
        return [value] * count
    assert len(value) == count, value
    return list(value)


def option_code(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper().replace(" ML", "ML"))[:6] or "X"


@dataclass(frozen=True, slots=True)
class ImageJob:
    file: str
    brand: Brand
    spec: Spec
    index: int  # the product's position in its brand, for colour variety
    alternate: bool


def build_rows(brand: Brand, specs: Sequence[Spec]) -> tuple[list[list[str]], list[ImageJob]]:
    rows: list[list[str]] = []
    jobs: list[ImageJob] = []
    for index, spec in enumerate(specs):
        handle = slug(spec.title)
        names = [name for name, _ in spec.options]
        combos = list(itertools.product(*(values for _, values in spec.options))) or [()]
        assert 1 <= len(combos) <= 4, spec.title
        prices = per_variant(spec.price, len(combos))
        compares = per_variant(spec.compare_at, len(combos))
        image = f"{handle}.png"
        jobs.append(ImageJob(image, brand, spec, index, alternate=False))
        for n, combo in enumerate(combos):
            sku = "-".join([brand.code, f"{index + 1:03d}", *map(option_code, combo)])
            rng = random.Random(zlib.crc32(sku.encode()))
            qty = "0" if n in spec.sold_out else str(rng.randint(5, 200))
            first = n == 0
            if combo:
                opt1 = (names[0], combo[0])
                opt2 = (names[1], combo[1]) if len(combo) > 1 else ("", "")
            else:
                opt1, opt2 = ("Title", "Default Title"), ("", "")
            if compares[n]:
                assert Decimal(compares[n]) > Decimal(prices[n]), spec.title
            barcode = ean13(f"{brand.gs1}{index + 1:03d}{n + 1:03d}")
            rows.append(
                [
                    handle,
                    spec.title if first else "",
                    spec.body if first else "",
                    brand.name if first else "",
                    spec.type if first else "",
                    spec.tags if first else "",
                    "TRUE" if first else "",
                    opt1[0] if first else "",
                    opt1[1],
                    opt2[0] if first else "",
                    opt2[1],
                    sku,
                    "" if spec.untracked else "shopify",
                    "" if spec.untracked else qty,
                    "deny",
                    prices[n],
                    compares[n],
                    barcode,
                    IMAGE_BASE_URL + image if first else "",
                    "1" if first else "",
                    spec.commission or brand.commission,
                    "active" if first else "",
                ]
            )
        if spec.second_image:
            alt = f"{handle}-2.png"
            jobs.append(ImageJob(alt, brand, spec, index, alternate=True))
            row = [""] * len(HEADER)
            row[HEADER.index("Handle")] = handle
            row[HEADER.index("Image Src")] = IMAGE_BASE_URL + alt
            row[HEADER.index("Image Position")] = "2"
            rows.append(row)
    return rows, jobs


def csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


# ------------------------------------------------------------------ drawing

Painter = Callable[[QPainter, QColor, QColor], None]
GLYPHS: dict[str, Painter] = {}


def glyph(name: str) -> Callable[[Painter], Painter]:
    def register(fn: Painter) -> Painter:
        GLYPHS[name] = fn
        return fn

    return register


def poly(*points: tuple[float, float]) -> QPolygonF:
    return QPolygonF([QPointF(x, y) for x, y in points])


def rrect(x: float, y: float, w: float, h: float, r: float) -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(QRectF(x, y, w, h), r, r)
    return path


# Glyphs are drawn in a 48 x 48 box (0..48 on both axes); ``ink`` is the main colour and
# ``accent`` the detail colour (lighter on a light image, darker on the alternate one).


@glyph("bottle")
def _bottle(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.fillPath(rrect(19, 2, 10, 8, 2), accent)
    qp.fillPath(rrect(20, 9, 8, 6, 1), ink)
    qp.fillPath(rrect(12, 14, 24, 32, 6), ink)
    qp.fillPath(rrect(16, 24, 16, 12, 2), accent)


@glyph("dropper")
def _dropper(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setBrush(accent)
    qp.drawEllipse(QRectF(18, 0, 12, 12))
    qp.fillPath(rrect(17, 10, 14, 6, 2), accent)
    qp.fillPath(rrect(13, 17, 22, 30, 7), ink)
    qp.fillPath(rrect(18, 26, 12, 12, 2), accent)


@glyph("jar")
def _jar(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.fillPath(rrect(7, 12, 34, 9, 3), accent)
    qp.fillPath(rrect(5, 20, 38, 22, 8), ink)
    qp.fillPath(rrect(13, 27, 22, 8, 2), accent)


@glyph("tube")
def _tube(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setBrush(ink)
    qp.drawPolygon(poly((12, 3), (36, 3), (31, 38), (17, 38)))
    qp.fillPath(rrect(11, 1, 26, 5, 1.5), accent)
    qp.fillPath(rrect(16, 37, 16, 10, 2), accent)
    qp.fillPath(rrect(17, 16, 14, 4, 1), accent)


@glyph("lipstick")
def _lipstick(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setBrush(accent)
    qp.drawPolygon(poly((18, 16), (18, 6), (30, 1), (30, 16)))
    qp.fillPath(rrect(16, 15, 16, 8, 1), ink)
    qp.fillPath(rrect(14, 22, 20, 25, 3), ink)
    qp.fillPath(rrect(14, 27, 20, 3, 0), accent)


@glyph("gift")
def _gift(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.fillPath(rrect(6, 18, 36, 28, 3), ink)
    qp.fillPath(rrect(3, 12, 42, 9, 2), ink)
    qp.fillRect(QRectF(21, 12, 6, 34), accent)
    qp.setPen(QPen(accent, 3.5))
    qp.setBrush(Qt.BrushStyle.NoBrush)
    qp.drawEllipse(QRectF(12, 3, 12, 9))
    qp.drawEllipse(QRectF(24, 3, 12, 9))


@glyph("tshirt")
def _tshirt(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setBrush(ink)
    qp.drawPolygon(
        poly(
            (17, 5),
            (31, 5),
            (45, 13),
            (40, 23),
            (35, 20),
            (35, 45),
            (13, 45),
            (13, 20),
            (8, 23),
            (3, 13),
        )
    )
    qp.setBrush(accent)
    qp.drawChord(QRectF(18, -1, 12, 11), 180 * 16, 180 * 16)


@glyph("longsleeve")
def _longsleeve(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setBrush(ink)
    qp.drawPolygon(
        poly(
            (17, 4),
            (31, 4),
            (41, 9),
            (47, 40),
            (40, 41),
            (35, 20),
            (35, 45),
            (13, 45),
            (13, 20),
            (8, 41),
            (1, 40),
            (7, 9),
        )
    )
    qp.setBrush(accent)
    qp.drawChord(QRectF(18, -2, 12, 11), 180 * 16, 180 * 16)
    qp.fillRect(QRectF(13, 41, 22, 4), accent)


@glyph("hoodie")
def _hoodie(qp: QPainter, ink: QColor, accent: QColor) -> None:
    _longsleeve(qp, ink, accent)
    qp.setBrush(ink)
    qp.drawEllipse(QRectF(15, 0, 18, 16))
    qp.setBrush(accent)
    qp.drawEllipse(QRectF(19, 4, 10, 10))
    qp.fillPath(rrect(17, 29, 14, 8, 2), accent)


@glyph("jacket")
def _jacket(qp: QPainter, ink: QColor, accent: QColor) -> None:
    _longsleeve(qp, ink, accent)
    qp.setPen(QPen(accent, 2))
    qp.drawLine(QPointF(24, 6), QPointF(24, 45))
    qp.setPen(Qt.PenStyle.NoPen)
    qp.setBrush(accent)
    qp.drawPolygon(poly((17, 4), (24, 14), (31, 4), (28, 4), (24, 9), (20, 4)))


@glyph("vest")
def _vest(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setBrush(ink)
    qp.drawPolygon(
        poly((15, 3), (21, 3), (24, 10), (27, 3), (33, 3), (38, 16), (38, 45), (10, 45), (10, 16))
    )
    qp.setPen(QPen(accent, 2))
    qp.drawLine(QPointF(24, 10), QPointF(24, 45))
    qp.setPen(Qt.PenStyle.NoPen)
    qp.fillRect(QRectF(13, 30, 7, 2), accent)
    qp.fillRect(QRectF(28, 30, 7, 2), accent)


@glyph("pants")
def _pants(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setBrush(ink)
    qp.drawPolygon(poly((11, 3), (37, 3), (41, 46), (29, 46), (24, 16), (19, 46), (7, 46)))
    qp.fillRect(QRectF(11, 3, 26, 4), accent)
    qp.fillPath(rrect(28, 24, 8, 9, 1.5), accent)


@glyph("shorts")
def _shorts(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setBrush(ink)
    qp.drawPolygon(poly((9, 10), (39, 10), (44, 38), (28, 40), (24, 24), (20, 40), (4, 38)))
    qp.fillRect(QRectF(9, 10, 30, 5), accent)


@glyph("cap")
def _cap(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setBrush(ink)
    qp.drawChord(QRectF(6, 10, 32, 34), 0, 180 * 16)
    qp.fillPath(rrect(26, 24, 20, 6, 3), accent)
    qp.setBrush(accent)
    qp.drawEllipse(QRectF(19.5, 8, 5, 5))


@glyph("beanie")
def _beanie(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setBrush(ink)
    qp.drawChord(QRectF(8, 8, 32, 40), 0, 180 * 16)
    qp.setBrush(accent)
    qp.drawEllipse(QRectF(19, 2, 10, 10))
    qp.fillPath(rrect(6, 27, 36, 12, 3), accent)
    qp.setPen(QPen(ink, 2))
    for x in range(11, 40, 5):
        qp.drawLine(QPointF(x, 29), QPointF(x, 37))


@glyph("bucket")
def _bucket(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setBrush(ink)
    qp.drawPolygon(poly((14, 10), (34, 10), (38, 30), (10, 30)))
    qp.drawChord(QRectF(14, 6, 20, 9), 0, 180 * 16)
    qp.setBrush(accent)
    qp.drawPolygon(poly((10, 29), (38, 29), (46, 38), (2, 38)))


@glyph("bag")
def _bag(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setPen(QPen(ink, 3.5))
    qp.setBrush(Qt.BrushStyle.NoBrush)
    qp.drawLine(QPointF(6, 4), QPointF(14, 22))
    qp.drawLine(QPointF(42, 4), QPointF(34, 22))
    qp.setPen(Qt.PenStyle.NoPen)
    qp.fillPath(rrect(5, 18, 38, 22, 11), ink)
    qp.fillPath(rrect(13, 25, 22, 4, 2), accent)


@glyph("tote")
def _tote(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setPen(QPen(accent, 3))
    qp.setBrush(Qt.BrushStyle.NoBrush)
    qp.drawArc(QRectF(15, 2, 18, 22), 0, 180 * 16)
    qp.setPen(Qt.PenStyle.NoPen)
    qp.setBrush(ink)
    qp.drawPolygon(poly((10, 14), (38, 14), (41, 46), (7, 46)))
    qp.fillRect(QRectF(13, 28, 22, 3), accent)


@glyph("socks")
def _socks(qp: QPainter, ink: QColor, accent: QColor) -> None:
    for dx, colour in ((-6, accent), (4, ink)):
        path = QPainterPath()
        path.moveTo(14 + dx, 2)
        path.lineTo(28 + dx, 2)
        path.lineTo(28 + dx, 30)
        path.lineTo(40 + dx, 37)
        path.quadTo(44 + dx, 46, 34 + dx, 46)
        path.lineTo(20 + dx, 40)
        path.quadTo(14 + dx, 37, 14 + dx, 31)
        path.closeSubpath()
        qp.fillPath(path, colour)
    qp.fillRect(QRectF(18, 2, 14, 5), QColor(255, 255, 255, 110))


@glyph("star")
def _star(qp: QPainter, ink: QColor, accent: QColor) -> None:
    points = []
    for k in range(10):
        radius = 22 if k % 2 == 0 else 9.5
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((24 + radius * math.cos(angle), 26 + radius * math.sin(angle)))
    qp.setBrush(ink)
    qp.drawPolygon(poly(*points))
    qp.setBrush(accent)
    qp.drawEllipse(QRectF(20, 22, 8, 8))


@glyph("mug")
def _mug(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setPen(QPen(ink, 5))
    qp.setBrush(Qt.BrushStyle.NoBrush)
    qp.drawEllipse(QRectF(30, 18, 14, 16))
    qp.setPen(Qt.PenStyle.NoPen)
    qp.fillPath(rrect(6, 10, 30, 34, 6), ink)
    qp.fillRect(QRectF(6, 10, 30, 6), accent)
    qp.setPen(QPen(accent, 2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    qp.drawLine(QPointF(16, 2), QPointF(16, 7))
    qp.drawLine(QPointF(24, 0), QPointF(24, 7))
    qp.setPen(Qt.PenStyle.NoPen)


@glyph("cup")
def _cup(qp: QPainter, ink: QColor, accent: QColor) -> None:
    for x in (4, 26):
        qp.setBrush(ink)
        qp.drawPolygon(poly((x, 14), (x + 18, 14), (x + 15, 40), (x + 3, 40)))
        qp.setBrush(accent)
        qp.drawPolygon(poly((x + 3, 22), (x + 15, 22), (x + 13.5, 36), (x + 4.5, 36)))
    qp.fillPath(rrect(2, 41, 44, 4, 2), ink)


@glyph("pan")
def _pan(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.fillPath(rrect(28, 21, 20, 7, 3.5), ink)
    qp.setBrush(ink)
    qp.drawEllipse(QRectF(0, 8, 34, 34))
    qp.setBrush(accent)
    qp.drawEllipse(QRectF(5, 13, 24, 24))


@glyph("pot")
def _pot(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.fillPath(rrect(1, 22, 46, 6, 3), ink)
    qp.fillPath(rrect(5, 18, 38, 28, 9), ink)
    qp.setBrush(accent)
    qp.drawChord(QRectF(5, 8, 38, 20), 0, 180 * 16)
    qp.fillPath(rrect(19, 5, 10, 5, 2.5), ink)
    qp.fillRect(QRectF(5, 31, 38, 3), accent)


@glyph("board")
def _board(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.fillPath(rrect(3, 14, 36, 30, 6), ink)
    qp.fillPath(rrect(36, 24, 11, 10, 4), ink)
    qp.setBrush(accent)
    qp.drawEllipse(QRectF(39.5, 27, 4, 4))
    qp.setPen(QPen(accent, 1.5))
    qp.setBrush(Qt.BrushStyle.NoBrush)
    qp.drawRoundedRect(QRectF(7, 18, 28, 22), 4, 4)
    qp.setPen(Qt.PenStyle.NoPen)


@glyph("knife")
def _knife(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.save()
    qp.translate(24, 24)
    qp.rotate(-40)
    blade = QPainterPath()
    blade.moveTo(-26, -1)
    blade.quadTo(-10, -9, 6, -8)
    blade.lineTo(6, 3)
    blade.lineTo(-26, 3)
    blade.closeSubpath()
    qp.fillPath(blade, accent)
    qp.fillPath(rrect(6, -5, 22, 9, 3), ink)
    qp.setBrush(accent)
    for x in (12, 20):
        qp.drawEllipse(QRectF(x, -1.5, 3, 3))
    qp.restore()


@glyph("towel")
def _towel(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.fillPath(rrect(16, 2, 16, 6, 3), accent)
    qp.fillPath(rrect(9, 6, 30, 40, 3), ink)
    for y in (12, 18, 38):
        qp.fillRect(QRectF(9, y, 30, 2.5), accent)


@glyph("throw")
def _throw(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.fillPath(rrect(4, 6, 40, 38, 4), ink)
    qp.setPen(QPen(accent, 1.6))
    for k in range(1, 5):
        qp.drawLine(QPointF(4 + 8 * k, 6), QPointF(4 + 8 * k, 44))
        qp.drawLine(QPointF(4, 6 + 7.6 * k), QPointF(44, 6 + 7.6 * k))
    qp.setPen(Qt.PenStyle.NoPen)


@glyph("wrap")
def _wrap(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setBrush(ink)
    qp.drawPolygon(poly((4, 10), (30, 4), (36, 30), (10, 36)))
    qp.setBrush(accent)
    qp.drawPolygon(poly((16, 18), (42, 14), (44, 42), (18, 44)))
    qp.setBrush(ink)
    for cx, cy in ((24, 24), (34, 30), (26, 36)):
        qp.drawEllipse(QRectF(cx, cy, 4, 4))


@glyph("dripper")
def _dripper(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setBrush(ink)
    qp.drawPolygon(poly((4, 6), (44, 6), (30, 28), (18, 28)))
    qp.fillPath(rrect(8, 27, 32, 4, 2), ink)
    qp.fillPath(rrect(12, 32, 24, 14, 5), accent)
    qp.setPen(QPen(accent, 1.5))
    for x in (14, 24, 34):
        qp.drawLine(QPointF(x, 9), QPointF(24 + (x - 24) * 0.3, 25))
    qp.setPen(Qt.PenStyle.NoPen)


@glyph("canister")
def _canister(qp: QPainter, ink: QColor, accent: QColor) -> None:
    for x, w, h in ((2, 20, 36), (26, 20, 26)):
        top = 46 - h
        qp.fillPath(rrect(x, top + 5, w, h - 5, 4), ink)
        qp.fillPath(rrect(x - 1, top, w + 2, 6, 2), accent)


@glyph("plant")
def _plant(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.save()
    qp.setBrush(accent)
    for angle, dx in ((-35, -5), (0, 0), (35, 5)):
        qp.save()
        qp.translate(24 + dx, 20)
        qp.rotate(angle)
        qp.drawEllipse(QRectF(-5, -18, 10, 20))
        qp.restore()
    qp.restore()
    qp.setBrush(ink)
    qp.drawPolygon(poly((8, 24), (40, 24), (35, 46), (13, 46)))
    qp.fillRect(QRectF(6, 23, 36, 6), ink)


@glyph("candle")
def _candle(qp: QPainter, ink: QColor, accent: QColor) -> None:
    flame = QPainterPath()
    flame.moveTo(24, 0)
    flame.quadTo(31, 10, 24, 15)
    flame.quadTo(17, 10, 24, 0)
    qp.fillPath(flame, accent)
    qp.fillRect(QRectF(23, 14, 2, 5), ink)
    qp.fillPath(rrect(9, 18, 30, 28, 5), ink)
    qp.fillPath(rrect(14, 26, 20, 10, 2), accent)


@glyph("diffuser")
def _diffuser(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setPen(QPen(accent, 1.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    for x in (10, 18, 30, 38):
        qp.drawLine(QPointF(24, 26), QPointF(x, 1))
    qp.setPen(Qt.PenStyle.NoPen)
    qp.fillPath(rrect(19, 20, 10, 6, 1), ink)
    qp.fillPath(rrect(12, 25, 24, 21, 8), ink)


@glyph("spatula")
def _spatula(qp: QPainter, ink: QColor, accent: QColor) -> None:
    for x, colour in ((9, accent), (21, ink), (33, accent)):
        qp.fillPath(rrect(x + 1.5, 20, 3, 26, 1.5), colour)
        qp.fillPath(rrect(x - 3, 2, 12, 20, 5), colour)


@glyph("rack")
def _rack(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.fillPath(rrect(2, 38, 44, 6, 2), ink)
    for x in range(6, 44, 7):
        qp.fillPath(rrect(x, 12, 3.5, 28, 1.5), ink)
    qp.setBrush(accent)
    qp.drawEllipse(QRectF(12, 8, 26, 26))
    qp.fillPath(rrect(13, 12, 3.5, 28, 1.5), ink)
    qp.fillPath(rrect(34, 12, 3.5, 28, 1.5), ink)


@glyph("balls")
def _balls(qp: QPainter, ink: QColor, accent: QColor) -> None:
    for x, y, colour in ((4, 22, ink), (24, 22, accent), (14, 4, ink)):
        qp.setBrush(colour)
        qp.drawEllipse(QRectF(x, y, 20, 20))
    qp.setPen(QPen(accent, 1.5))
    qp.setBrush(Qt.BrushStyle.NoBrush)
    qp.drawArc(QRectF(8, 26, 12, 12), 30 * 16, 120 * 16)
    qp.drawArc(QRectF(18, 8, 12, 12), 200 * 16, 120 * 16)
    qp.setPen(Qt.PenStyle.NoPen)


@glyph("mill")
def _mill(qp: QPainter, ink: QColor, accent: QColor) -> None:
    for x, colour, other in ((8, ink, accent), (26, accent, ink)):
        qp.setBrush(colour)
        qp.drawEllipse(QRectF(x + 4, 0, 6, 6))
        qp.fillPath(rrect(x + 1, 5, 12, 10, 4), colour)
        qp.fillPath(rrect(x + 3, 14, 8, 12, 2), colour)
        qp.fillPath(rrect(x, 25, 14, 21, 5), colour)
        qp.fillRect(QRectF(x + 3, 33, 8, 2), other)


@glyph("coasters")
def _coasters(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.fillPath(rrect(2, 28, 44, 6, 3), ink)
    qp.fillPath(rrect(4, 36, 40, 6, 3), ink)
    qp.setBrush(accent)
    qp.drawEllipse(QRectF(8, 4, 32, 22))
    qp.setPen(QPen(ink, 1.4))
    qp.drawLine(QPointF(13, 12), QPointF(28, 20))
    qp.drawLine(QPointF(20, 8), QPointF(34, 14))
    qp.setPen(Qt.PenStyle.NoPen)


@glyph("herb")
def _herb(qp: QPainter, ink: QColor, accent: QColor) -> None:
    qp.setPen(QPen(accent, 2))
    qp.drawLine(QPointF(24, 30), QPointF(24, 6))
    qp.setPen(Qt.PenStyle.NoPen)
    qp.setBrush(accent)
    for y, side in ((6, -1), (12, 1), (18, -1)):
        qp.drawEllipse(QRectF(24 + (2 if side > 0 else -14), y, 12, 7))
    qp.fillPath(rrect(12, 24, 24, 22, 5), ink)
    qp.fillRect(QRectF(12, 30, 24, 2), QColor(255, 255, 255, 110))


def hsl(hue: int, saturation: float, lightness: float) -> QColor:
    return QColor.fromHslF((hue % 360) / 360, saturation, lightness)


_FONT_FAMILY: Final = "DejaVu Sans"


def draw(job: ImageJob) -> QImage:
    hue = job.brand.hue + (job.index % 5 - 2) * 9
    pale = hsl(hue, 0.55, 0.90 - (job.index % 3) * 0.025)
    deep = hsl(hue, 0.45, 0.30)
    light = hsl(hue, 0.60, 0.76)
    if job.alternate:
        background, ink, accent, text = deep, hsl(hue, 0.55, 0.82), hsl(hue, 0.40, 0.52), pale
    else:
        background, ink, accent, text = pale, deep, light, deep
    image = QImage(IMAGE_SIZE, IMAGE_SIZE, QImage.Format.Format_RGB32)
    image.fill(background)
    qp = QPainter(image)
    qp.setRenderHint(QPainter.RenderHint.Antialiasing)
    qp.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    qp.setPen(Qt.PenStyle.NoPen)
    # A soft disc behind the glyph.
    qp.setBrush(QBrush(hsl(hue, 0.55, 0.96) if not job.alternate else hsl(hue, 0.42, 0.36)))
    qp.drawEllipse(QRectF(18, 6, 60, 60))
    qp.save()
    qp.translate(24, 12)
    if job.alternate:  # the "back view": mirrored
        qp.translate(48, 0)
        qp.scale(-1, 1)
    GLYPHS[job.spec.glyph](qp, ink, accent)
    qp.restore()
    font = QFont(_FONT_FAMILY)
    font.setPixelSize(15)
    font.setBold(True)
    font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 1.0)
    qp.setFont(font)
    qp.setPen(text)
    qp.drawText(
        QRectF(0, 68, IMAGE_SIZE, 22), Qt.AlignmentFlag.AlignCenter, initials(job.spec.title)
    )
    qp.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    writer.setQuality(0)  # for PNG, Qt maps quality 0 to the strongest zlib level
    if not writer.write(image):
        raise RuntimeError(f"PNG encoding failed: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


# ------------------------------------------------------------------ main


def write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    assert app is not None
    rows: list[list[str]] = []
    jobs: list[ImageJob] = []
    for brand, specs in CATALOG:
        brand_rows, brand_jobs = build_rows(brand, specs)
        rows += brand_rows
        jobs += brand_jobs
    handles = [r[0] for r in rows if r[1]]
    assert len(handles) == len(set(handles)), "duplicate handles"
    IMAGES_DIR.mkdir(parents=True, exist_ok=True)
    write_if_changed(CSV_PATH, csv_bytes(rows))
    wanted = {job.file for job in jobs}
    for stale in sorted(IMAGES_DIR.glob("*.png")):
        if stale.name not in wanted:
            stale.unlink()
    largest = 0
    for job in jobs:
        data = png_bytes(draw(job))
        if len(data) > MAX_IMAGE_BYTES:
            raise SystemExit(f"{job.file} is {len(data)} bytes, over {MAX_IMAGE_BYTES}")
        largest = max(largest, len(data))
        write_if_changed(IMAGES_DIR / job.file, data)
    variants = sum(1 for r in rows if r[HEADER.index("Variant SKU")])
    print(
        f"wrote {CSV_PATH.relative_to(ROOT)}: {len(handles)} products, {variants} variants,"
        f" {len(rows)} rows; {len(jobs)} images (largest {largest} bytes)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
