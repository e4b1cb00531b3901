"""Affiliate links for rundown items and catalog products, to copy and to hand over.

An item whose plan already carries its link (``RundownItem.affiliate_link``, from a brand
rep's plan file or an earlier copy) keeps it: no call is made. For the others the platform
gives one (``mint``: the composition root asks the platform of the chosen profile, which
mints it where its API has a call, as the Live Commerce API does, or builds the product's
link with the creator's tracking code, as on TikTok). A product that gets no link says why.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from seller_console.domain.platform_port import AffiliateLink, ShowcaseProduct
from seller_console.domain.rundown import RundownItem
from seller_console.domain.showcase import NotPublishableError, showcase_product

Mint = Callable[[Sequence[ShowcaseProduct]], Awaitable[Sequence[AffiliateLink | str]]]
"""The platform's links for products, in order: a link, or why there is none."""


@dataclass(frozen=True, slots=True)
class ProductLink:
    """One item's link, or the reason it has none (``url`` None)."""

    item_id: str
    title: str
    url: str | None
    problem: str | None = None


async def affiliate_links(items: Sequence[RundownItem], mint: Mint) -> tuple[ProductLink, ...]:
    """A link per item, in the items' order (the platform is asked once, for those
    without one)."""
    found: dict[str, ProductLink] = {}
    asked: list[tuple[RundownItem, ShowcaseProduct]] = []
    for item in items:
        title = item.product.display_title
        if item.affiliate_link:
            found[item.id] = ProductLink(item.id, title, item.affiliate_link)
            continue
        try:
            asked.append((item, showcase_product(item)))
        except NotPublishableError as exc:
            found[item.id] = ProductLink(item.id, title, None, str(exc))
    if asked:
        answers = await mint([product for _item, product in asked])
        for (item, _product), answer in zip(asked, answers, strict=True):
            title = item.product.display_title
            if isinstance(answer, AffiliateLink):
                found[item.id] = ProductLink(item.id, title, answer.url)
            else:
                found[item.id] = ProductLink(item.id, title, None, answer)
    return tuple(found[item.id] for item in items)


def links_text(links: Sequence[ProductLink]) -> str:
    """What "Copy" puts on the clipboard: one line per product, its title then its link
    (a tab between, so it pastes into two spreadsheet columns); a product without a link
    says why instead."""
    return "".join(
        f"{link.title}\t{link.url if link.url else '(no link: ' + (link.problem or '?') + ')'}\n"
        for link in links
    )
