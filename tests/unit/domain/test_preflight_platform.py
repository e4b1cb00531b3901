"""Pre-flight's rules that predict a platform's refusals: offline (an empty rundown, a
missing SKU, a zero price, a currency the platform does not sell in) and with a
platform's answer (no match, another price), each with its one-click fix."""

from dataclasses import replace

from seller_console.domain.money import Money
from seller_console.domain.platform_port import ProductMatch
from seller_console.domain.rundown import (
    CheckStatus,
    Fix,
    PlatformFindings,
    PreflightIssue,
    Severity,
    check_tally,
    preflight,
)
from tests.unit.domain.test_rundown import item


def about(issues: list[PreflightIssue], item_id: str) -> list[tuple[Severity, str, Fix | None]]:
    return [(i.severity, i.message, i.fix) for i in issues if i.item_id == item_id]


def checked(*matches: ProductMatch, currency: str = "USD") -> PlatformFindings:
    return PlatformFindings("Shopee", CheckStatus.CHECKED, "looked up", currency, matches)


def test_an_empty_rundown_is_a_blocker() -> None:
    [issue] = preflight([])
    assert issue.severity is Severity.BLOCKER
    assert "rundown is empty" in issue.message
    assert issue.item_id is None


def test_a_missing_sku_blocks_and_offers_to_set_one() -> None:
    blank = item(1)
    blank = blank.edited(product=replace(blank.product, sku="  "))
    [(severity, message, fix)] = about(preflight([blank, item(2)]), blank.id)
    assert severity is Severity.BLOCKER
    assert message == "#1 Product 1: no SKU: the platform refuses a product without one"
    assert fix is Fix.SET_SKU


def test_zero_price_and_no_commission_offer_their_fixes() -> None:
    zero, no_rate = item(1, price="0.00"), item(2, rate=None)
    issues = preflight([zero, no_rate])
    assert about(issues, zero.id) == [
        (Severity.BLOCKER, "#1 Product 1: the price 0.00 is not above zero", Fix.REMOVE_ITEM)
    ]
    assert about(issues, no_rate.id) == [
        (Severity.WARNING, "#2 Product 2: no commission rate", Fix.SET_COMMISSION)
    ]


def test_a_currency_the_platform_does_not_sell_in_blocks() -> None:
    usd = item(1)
    findings = checked(ProductMatch("v1", "S1", "item 1", Money.of("10.00", "USD")), currency="SGD")
    [(severity, message, fix)] = about(preflight([usd], platform=findings), usd.id)
    assert severity is Severity.BLOCKER
    assert "priced in USD, but Shopee sells in SGD" in message
    assert fix is Fix.REMOVE_ITEM


def test_no_match_and_another_price_are_said_in_a_hosts_words() -> None:
    same, ghost, dearer = item(1), item(2), item(3)
    findings = checked(
        ProductMatch("v1", "S1", "item 1", Money.of("10.00", "USD")),
        ProductMatch("v2", "S2", None, reason="No item or model of Shopee shop 7 has SKU S2."),
        ProductMatch("v3", "S3", "item 3 model 9", Money.of("12.00", "USD")),
    )
    issues = preflight([same, ghost, dearer], platform=findings)
    assert about(issues, same.id) == []
    [(severity, message, fix)] = about(issues, ghost.id)
    assert severity is Severity.BLOCKER
    assert message.startswith("#2 Product 2: Shopee has no product with SKU S2, so it cannot")
    assert "shop 7" in message
    assert fix is Fix.REMOVE_ITEM
    [(severity, message, fix)] = about(issues, dearer.id)
    assert severity is Severity.WARNING
    assert message == (
        "#3 Product 3: Shopee sells it at 12.00 USD, not the planned 10.00 USD: "
        "viewers pay Shopee's price"
    )
    # the planned price changed to Shopee's: nothing left to say, without asking again
    agreed = dearer.edited(live_price=Money.of("12.00", "USD"))
    assert about(preflight([same, ghost, agreed], platform=findings), dearer.id) == []


def test_an_item_added_or_given_another_sku_since_the_check_is_not_taken_as_checked() -> None:
    findings = checked(ProductMatch("v1", "S1", "item 1", Money.of("10.00", "USD")))
    renamed = item(1)
    renamed = renamed.edited(product=replace(renamed.product, sku="S1-NEW"))
    for fresh in (renamed, item(2)):
        [(severity, message, _fix)] = about(preflight([fresh], platform=findings), fresh.id)
        assert severity is Severity.WARNING
        assert "not checked on Shopee yet" in message


def test_an_unreachable_platform_is_said_once_for_the_show() -> None:
    findings = PlatformFindings("TikTok Shop", CheckStatus.UNREACHABLE, "connection refused")
    issues = preflight([item(1), item(2)], platform=findings)
    [issue] = issues
    assert issue.item_id is None
    assert issue.message == (
        "TikTok Shop could not be reached, so the products were not checked there: "
        "connection refused"
    )
    nothing = PlatformFindings("the Live Commerce API", CheckStatus.NOT_NEEDED, "n/a")
    assert preflight([item(1)], platform=nothing) == []


def test_the_check_is_counted_over_the_rundown_as_it_is_now() -> None:
    found, ghost, twice = item(1), item(2), item(3)
    again = replace(item(3), id="again")  # the same product planned twice: one product
    findings = checked(
        ProductMatch("v1", "S1", "item 1"),
        ProductMatch("v2", "S2", None, reason="no such SKU"),
        ProductMatch("v3", "S3", "item 3"),
    )
    tally = check_tally([found, ghost, twice, again], findings)
    assert (tally.looked_up, tally.not_found, tally.unchecked) == (3, 1, 0)
    assert check_tally([found, twice], findings).not_found == 0  # the ghost was removed
    renamed = found.edited(product=replace(found.product, sku="NEW"))
    added = item(4)
    tally = check_tally([renamed, twice, added], findings)
    assert (tally.looked_up, tally.not_found, tally.unchecked) == (1, 0, 2)
