import re

import pytest

from seller_console.domain.money import Money
from seller_console.domain.showcase import NotPublishableError, showcase_id, showcase_product

from .test_rundown import item

CONTRACT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


@pytest.mark.parametrize(
    "variant_id", ["hoodie#2", "Crème brûlée / S", "-lead", "x" * 300, "ok-id_1.2:3", "#"]
)
def test_showcase_ids_fit_the_contract_and_stay_distinct(variant_id):
    sid = showcase_id(variant_id)
    assert CONTRACT_ID.match(sid)
    assert sid == showcase_id(variant_id)
    assert showcase_id(variant_id + "x") != sid


def test_valid_ids_are_kept_as_they_are():
    assert showcase_id("SKU-123") == "SKU-123"


def test_showcase_product_uses_live_price_and_cap():
    it = item(1, stock=40).edited(live_price=Money.of("7.50", "USD"), stock_cap=10)
    product = showcase_product(it)
    assert product.price == Money.of("7.50", "USD")
    assert product.stock == 10
    with pytest.raises(NotPublishableError, match="no price"):
        showcase_product(item(2, price=None))
