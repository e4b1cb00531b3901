import json
from decimal import Decimal

import pytest

from seller_console.domain.money import Money
from seller_console.domain.rundown import ProductSnapshot, RundownItem, ShowPlan
from seller_console.importers.show_plan import ShowPlanError, dumps, load_plan, save_plan

SNAP = ProductSnapshot(
    product_id="p1",
    variant_id="v1",
    sku="S1",
    title="<b>x</b><img src=y>",
    variant_title="Red / M",
    brand="Acme",
    price=Money.of("10.00", "KWD"),
    compare_at_price=Money.of("12.500", "KWD"),
    image_url="https://x.example/a.png",
    stock=None,
    commission_rate=Decimal("0.15"),
    catalog="Acme",
)
PLAN = ShowPlan(
    title="Friday drop",
    notes="bring the red one",
    items=(
        RundownItem("a", SNAP, 90, "say: soft\nsay: warm", Money.of("8.000", "KWD"), 20),
        RundownItem("b", SNAP, 30),
    ),
)


def test_save_and_open_round_trip_without_the_catalog(tmp_path):
    path = tmp_path / "show.showplan.json"
    save_plan(path, PLAN)
    assert load_plan(path) == PLAN
    assert not [p for p in tmp_path.iterdir() if p.name != path.name]  # no temp file left


def test_money_is_written_as_decimal_text():
    doc = json.loads(dumps(PLAN))
    assert doc["items"][0]["live_price"] == {"amount": "8.000", "currency": "KWD"}
    assert doc["items"][0]["product"]["commission_rate"] == "0.15"
    assert doc["version"] == 1


def test_a_newer_version_is_refused_with_a_clear_message(tmp_path):
    doc = json.loads(dumps(PLAN))
    doc["version"] = 7
    path = tmp_path / "new.showplan.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ShowPlanError, match="newer Seller Console \\(plan format 7\\)"):
        load_plan(path)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda text: text[: len(text) // 2], "not valid JSON at line"),
        (lambda text: text.replace('"8.000"', '"eight"'), "items\\[0\\].live_price"),
        (
            lambda text: text.replace('"planned_seconds": 90', '"planned_seconds": "90"'),
            "items\\[0\\].planned_seconds",
        ),
        (lambda text: text.replace('"seller-console-show-plan"', '"x"'), "not a Seller Console"),
        (lambda text: text.replace('"id": "b"', '"id": "a"'), "share an id"),
    ],
)
def test_a_damaged_file_says_where(tmp_path, mutate, message):
    path = tmp_path / "bad.showplan.json"
    path.write_text(mutate(dumps(PLAN)))
    with pytest.raises(ShowPlanError, match=message):
        load_plan(path)


def test_save_errors_are_reported_not_raised_raw(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ShowPlanError, match="cannot be saved"):
        save_plan(blocker / "show.showplan.json", PLAN)


FLASH_PLAN = ShowPlan(
    title="Flash night",
    items=(
        RundownItem("f", SNAP, 120, flash_price=Money.of("7.250", "KWD"), flash_seconds=90),
        RundownItem("g", SNAP, 30),
    ),
)


def test_a_flash_sale_round_trips_as_decimal_text(tmp_path):
    path = tmp_path / "flash.showplan.json"
    save_plan(path, FLASH_PLAN)
    doc = json.loads(path.read_text())
    assert doc["version"] == 1  # format 1 still: older apps open it (and skip the sale)
    assert doc["items"][0]["flash_price"] == {"amount": "7.250", "currency": "KWD"}
    assert doc["items"][0]["flash_seconds"] == 90
    assert doc["items"][1]["flash_price"] is None
    assert load_plan(path) == FLASH_PLAN


def test_a_plan_saved_before_flash_sales_opens_without_one(tmp_path):
    doc = json.loads(dumps(PLAN))
    for raw in doc["items"]:
        del raw["flash_price"], raw["flash_seconds"]
    path = tmp_path / "old.showplan.json"
    path.write_text(json.dumps(doc))
    opened = load_plan(path)
    assert opened == PLAN
    assert all(not i.has_flash_sale for i in opened.items)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ('"flash_seconds": 0', "items\\[0\\]: a flash sale runs between 1 second"),
        ('"flash_seconds": "soon"', "items\\[0\\].flash_seconds: expected a whole number"),
    ],
)
def test_a_damaged_flash_sale_says_where(tmp_path, written, message):
    path = tmp_path / "bad.showplan.json"
    path.write_text(dumps(FLASH_PLAN).replace('"flash_seconds": 90', written))
    with pytest.raises(ShowPlanError, match=message):
        load_plan(path)


def test_the_plan_carries_affiliate_links_and_old_plans_open_without_them(tmp_path):
    linked = ShowPlan(
        title="Links",
        items=(
            RundownItem("a", SNAP, 90, affiliate_link="https://shop.example/p/1?tracking_code=G10"),
            RundownItem("b", SNAP, 30),
        ),
    )
    path = tmp_path / "links.showplan.json"
    save_plan(path, linked)
    assert load_plan(path) == linked
    doc = json.loads(path.read_text())
    assert doc["items"][0]["affiliate_link"] == "https://shop.example/p/1?tracking_code=G10"
    assert "affiliate_link" not in doc["items"][1]  # a plan without links is as before
    assert "affiliate_link" not in json.dumps(json.loads(dumps(PLAN)))
    assert load_plan_text(dumps(PLAN), tmp_path).items[0].affiliate_link is None


@pytest.mark.parametrize(
    ("link", "why"),
    [
        ("javascript:alert(1)", "http(s) address"),
        ("https://a.example/x y", "http(s) address"),
        ("https://" + "a" * 3000, "http(s) address"),
        (42, "expected a link as text"),
    ],
)
def test_a_bad_affiliate_link_is_refused_with_where(tmp_path, link, why):
    doc = json.loads(dumps(PLAN))
    doc["items"][1]["affiliate_link"] = link
    with pytest.raises(ShowPlanError, match=r"items\[1\]\.affiliate_link") as caught:
        load_plan_text(json.dumps(doc), tmp_path)
    assert why in str(caught.value)


def load_plan_text(text, folder):
    path = folder / "x.showplan.json"
    path.write_text(text)
    return load_plan(path)
