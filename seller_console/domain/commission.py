"""Commission estimated locally from the catalog, beside what the platform reports.

The rules, kept here and nowhere else:

- a line's rate is its product's own rate; without one, its brand's rate (``BrandTerms``):
  the brand default, or the highest tier its cumulative net sales in that currency have
  reached (tiers are retroactive: once a tier is reached it applies to every line of the
  brand that has no rate of its own, so the estimate depends on the set of orders only and
  never on the order they arrived in);
- commission is rounded per line, half-up, at the currency's minor unit, through
  ``domain.money.round_money`` (the one rounding function);
- a refunded or cancelled order reverses its commission (the ledger posts it with sign -1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from seller_console.domain.catalog import Catalog
from seller_console.domain.errors import DomainError
from seller_console.domain.money import Currency, Money, round_money
from seller_console.domain.platform_port import ShowcaseProduct

_ZERO = Decimal(0)
_ONE = Decimal(1)


class CommissionError(DomainError):
    """Commission terms that cannot hold (a rate outside 0..1, a negative threshold)."""


def _check_rate(rate: Decimal, what: str) -> None:
    if not _ZERO <= rate <= _ONE:
        raise CommissionError(f"{what} must be between 0 and 1 (100 %), got {rate}")


@dataclass(frozen=True, slots=True)
class CommissionTier:
    """From ``threshold`` of cumulative net sales (in its currency) on, the brand pays ``rate``."""

    threshold: Money
    rate: Decimal

    def __post_init__(self) -> None:
        _check_rate(self.rate, "a tier's rate")
        if self.threshold.amount < 0:
            raise CommissionError("a tier's threshold cannot be negative")


@dataclass(frozen=True, slots=True)
class BrandTerms:
    """A brand's default rate and its optional tiers by cumulative sales."""

    default_rate: Decimal
    tiers: tuple[CommissionTier, ...] = ()

    def __post_init__(self) -> None:
        _check_rate(self.default_rate, "a brand's default rate")

    def rate_at(self, currency: Currency, net_sales: Decimal) -> Decimal:
        """The rate once the brand has sold ``net_sales`` (net of refunds) in ``currency``."""
        rate, reached = self.default_rate, None
        for tier in self.tiers:
            if tier.threshold.currency != currency or net_sales < tier.threshold.amount:
                continue
            if reached is None or tier.threshold.amount >= reached:
                rate, reached = tier.rate, tier.threshold.amount
        return rate


@dataclass(frozen=True, slots=True)
class ProductTerms:
    """What the commission needs of one product: its brand and its own rate, if it has one."""

    brand: str
    rate: Decimal | None = None

    def __post_init__(self) -> None:
        if self.rate is not None:
            _check_rate(self.rate, "a product's commission rate")


NO_TERMS = BrandTerms(_ZERO)


@dataclass(frozen=True, slots=True)
class CommissionPolicy:
    """Products' terms by product id, brands' terms by brand name, and the terms of a
    brand nobody described (``fallback``; 0 % unless given)."""

    products: Mapping[str, ProductTerms] = field(default_factory=dict)
    brands: Mapping[str, BrandTerms] = field(default_factory=dict)
    fallback: BrandTerms = NO_TERMS

    @classmethod
    def from_catalog(
        cls,
        catalog: Catalog,
        brands: Mapping[str, BrandTerms] | None = None,
        fallback: BrandTerms = NO_TERMS,
    ) -> CommissionPolicy:
        """Terms for every product (and variant id) of ``catalog``: the first rate any of
        its variants carries is the product's rate."""
        products: dict[str, ProductTerms] = {}
        for product in catalog.products:
            rate = next(
                (v.commission_rate for v in product.variants if v.commission_rate is not None),
                None,
            )
            terms = ProductTerms(product.brand, rate)
            products[product.id] = terms
            for variant in product.variants:
                products.setdefault(variant.id, terms)
        return cls(products, dict(brands or {}), fallback)

    @classmethod
    def from_showcase(
        cls,
        showcase: Iterable[ShowcaseProduct],
        brands: Mapping[str, BrandTerms] | None = None,
        fallback: BrandTerms = NO_TERMS,
    ) -> CommissionPolicy:
        products = {p.id: ProductTerms(p.brand, p.commission_rate) for p in showcase}
        return cls(products, dict(brands or {}), fallback)

    def terms(self, product_id: str) -> ProductTerms:
        return self.products.get(product_id) or ProductTerms("")

    def brand_terms(self, brand: str) -> BrandTerms:
        return self.brands.get(brand, self.fallback)


def line_commission(amount: Decimal, rate: Decimal, currency: Currency) -> Decimal:
    """One line's commission: ``amount * rate`` rounded half-up at the minor unit."""
    return round_money(amount * rate, currency)


def split_amount(
    amount: Decimal, weights: tuple[Decimal, ...], currency: Currency
) -> list[Decimal]:
    """``amount`` shared out in proportion to ``weights`` at the minor unit; the rounding
    remainder goes to the last share, so the shares always add up to ``amount``."""
    if len(weights) == 1:
        return [amount]
    whole = sum(weights, _ZERO)
    shares = [round_money(amount * w / whole, currency) if whole else _ZERO for w in weights[:-1]]
    shares.append(amount - sum(shares, _ZERO))
    return shares
