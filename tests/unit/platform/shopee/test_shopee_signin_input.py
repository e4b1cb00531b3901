"""What a seller may paste to sign in to Shopee: a code, or the address the browser came
back to; anything else is refused with what is wrong."""

from __future__ import annotations

import pytest

from seller_console.platform.errors import ValidationError
from seller_console.platform.shopee.signin import code_from_pasted


def test_a_code_or_the_address_with_it() -> None:
    assert code_from_pasted(" 5a5477794a55537954697169514f4653\n") == (
        "5a5477794a55537954697169514f4653",
        None,
        None,
    )
    assert code_from_pasted("https://example.com/back?code=abc123&shop_id=368765100") == (
        "abc123",
        368765100,
        None,
    )
    assert code_from_pasted("http://127.0.0.1:5050/x/y?main_account_id=77&code=Z9") == (
        "Z9",
        None,
        77,
    )


@pytest.mark.parametrize(
    ("pasted", "reason"),
    [
        ("", "Paste the code"),
        ("x" * 5000, "Paste the code"),
        ("not a code!", "letters and digits only"),
        ("https://example.com/back?code=&shop_id=1", "no Shopee authorization code"),
        ("https://example.com/back?code=abc&shop_id=12x", "shop_id is not a number"),
    ],
)
def test_anything_else_is_refused_with_the_reason(pasted: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        code_from_pasted(pasted)
