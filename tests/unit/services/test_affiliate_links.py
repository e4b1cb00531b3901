"""Affiliate links for rundown items: the plan's own link is kept without asking the
platform, the platform is asked once for the rest, and a product without a link says why."""

from __future__ import annotations

from collections.abc import Sequence

from seller_console.domain.platform_port import AffiliateLink, ShowcaseProduct
from seller_console.domain.rundown import RundownItem
from seller_console.services.affiliate_links import ProductLink, affiliate_links, links_text
from tests.support import run, snapshot


def test_links_come_from_the_plan_then_the_platform_and_say_why_when_missing() -> None:
    asked: list[list[str]] = []

    async def mint(products: Sequence[ShowcaseProduct]) -> list[AffiliateLink | str]:
        asked.append([p.sku for p in products])
        return [
            AffiliateLink("C1", f"https://shop.example/{p.sku}") if p.sku != "S3" else "no match"
            for p in products
        ]

    items = [
        RundownItem("a", snapshot("p1", "Serum", sku="S1"), affiliate_link="https://rep.example/1"),
        RundownItem("b", snapshot("p2", "Cream", sku="S2")),
        RundownItem("c", snapshot("p3", "Mask", sku="S3")),
        RundownItem("d", snapshot("p4", "Free gift", sku="S4", price=None)),
    ]
    links = run(affiliate_links(items, mint))
    assert asked == [["S2", "S3"]]  # one call, only for those without a link or a problem
    assert [(link.item_id, link.url) for link in links] == [
        ("a", "https://rep.example/1"),
        ("b", "https://shop.example/S2"),
        ("c", None),
        ("d", None),
    ]
    assert links[2].problem == "no match"
    assert "no price" in (links[3].problem or "")
    assert links_text(links[:3]) == (
        "Serum\thttps://rep.example/1\nCream\thttps://shop.example/S2\nMask\t(no link: no match)\n"
    )


def test_nothing_to_ask_makes_no_call() -> None:
    async def mint(products: Sequence[ShowcaseProduct]) -> list[AffiliateLink | str]:
        raise AssertionError("the platform was asked")

    item = RundownItem("a", snapshot("p1", "Serum"), affiliate_link="https://rep.example/1")
    assert run(affiliate_links([item], mint)) == (
        ProductLink("a", item.product.display_title, "https://rep.example/1"),
    )
