"""The on-air state: built from the rundown's values, and its wire form."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from seller_console.domain.money import Money
from seller_console.domain.on_air import (
    OnAirError,
    SegmentPhase,
    on_air_card,
    on_air_json,
    on_air_state,
    rfc3339,
    segment_phase,
    without_links,
)
from tests.broadcast.shows import BOARD, KNIFE, SERUM, T0, item, state


def test_the_card_carries_the_live_price_against_the_catalog_price() -> None:
    card = on_air_card(SERUM, stock_left=31, units_sold=19, taken_at=T0)
    assert card.price == Money.of("24.90", "EUR")
    assert card.compare_at == Money.of("34.00", "EUR")
    assert (card.stock_left, card.stock_at_start) == (31, 50)
    assert card.stock_fraction == pytest.approx(0.62)
    assert card.talking_points == (
        "Gentle retinol alternative",
        "Safe in pregnancy",
        "Use 3 drops at night",
    )
    assert card.display_title == "Bakuchiol Night Serum — 30 ml"


def test_no_crossed_out_price_unless_it_is_higher() -> None:
    assert on_air_card(BOARD).compare_at is None  # the catalog price is the live price
    dearer = item("up", "Up", "40.00", catalog="30.00")
    assert on_air_card(dearer).compare_at is None


def test_the_stock_bar_starts_from_what_could_sell_at_the_take() -> None:
    capped = SERUM.edited(stock_cap=20)
    card = on_air_card(capped, stock_left=5)
    assert (card.stock_left, card.stock_at_start) == (5, 20)
    assert on_air_card(capped).stock_left == 20
    assert on_air_card(BOARD).stock_fraction is None  # stock unknown: no bar


def test_segment_and_flash_times_come_from_absolute_moments() -> None:
    s = state(3, SERUM, KNIFE, taken_at=T0, flash_seconds=300)
    assert s.live is not None
    assert s.live.flash_ends_at == T0 + timedelta(seconds=300)
    assert s.live.flash_remaining(T0 + timedelta(seconds=100)) == 200
    assert s.live.flash_remaining(T0 + timedelta(seconds=400)) == 0
    assert s.live.segment_remaining(T0 + timedelta(seconds=150)) == -30  # 2 min planned
    assert s.next_up is not None
    assert s.next_up.taken_at is None
    assert s.next_up.flash_ends_at is None


def test_the_wire_form_keeps_money_exact_and_times_in_utc() -> None:
    s = state(7, SERUM, BOARD, taken_at=T0, flash_seconds=90, stock_left=3, comments=("hi",))
    wire = json.loads(json.dumps(on_air_json(s)))
    assert wire["version"] == 7
    assert wire["server_time"] == "2026-05-01T18:00:00.000Z"
    live = wire["live"]
    assert live["price"] == {"amount": "24.90", "currency": "EUR"}
    assert live["compare_at"] == {"amount": "34.00", "currency": "EUR"}
    assert live["flash_ends_at"] == "2026-05-01T18:01:30.000Z"
    assert live["taken_at"] == "2026-05-01T18:00:00.000Z"
    assert live["stock_left"] == 3
    assert wire["next_up"]["price"] == {"amount": "1234.50", "currency": "EUR"}
    assert wire["next_up"]["compare_at"] is None
    assert wire["comments"] == ["hi"]
    assert on_air_json(state(8, None))["live"] is None


def test_only_the_last_few_comments_are_kept() -> None:
    s = state(1, SERUM, comments=tuple(f"c{i}" for i in range(12)))
    assert s.comments == ("c7", "c8", "c9", "c10", "c11")


def test_tiktok_gets_no_web_addresses() -> None:
    promo = item(
        "p", "Kit at https://shop.example/kit", "9.00", points="See www.glow.example\n2.5 ml"
    )
    tiktok = on_air_json(state(1, promo, platform="TikTok"))
    other = on_air_json(state(1, promo, platform="shopee"))
    assert tiktok["live"]["title"] == "Kit at"  # type: ignore[index]
    assert tiktok["live"]["talking_points"] == ["See", "2.5 ml"]  # type: ignore[index]
    assert other["live"]["title"] == "Kit at https://shop.example/kit"  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Buy at glow-shop.com today", "Buy at today"),
        ("HTTP://X.IO/a?b=1 now", "now"),
        ("Serum 2.5 ml, v1.2 formula", "Serum 2.5 ml, v1.2 formula"),
        ("www.example.org", ""),
    ],
)
def test_without_links(text: str, expected: str) -> None:
    assert without_links(text) == expected


def test_bad_values_are_refused_with_what_is_wrong() -> None:
    with pytest.raises(OnAirError, match="taken_at must be a time with a UTC offset"):
        on_air_card(SERUM, taken_at=datetime(2026, 5, 1, 18, 0))
    with pytest.raises(OnAirError, match="a flash sale needs the time of the take"):
        on_air_state(
            show_id="s",
            version=1,
            live=SERUM,
            next_up=None,
            platform="x",
            now=T0,
            flash_ends_at=T0 + timedelta(seconds=60),
        )
    with pytest.raises(OnAirError, match="units_sold cannot be negative"):
        on_air_card(SERUM, units_sold=-1)


def test_rfc3339_is_utc_with_milliseconds() -> None:
    moment = T0.astimezone().replace(microsecond=250_000)
    assert rfc3339(moment) == "2026-05-01T18:00:00.250Z"


@pytest.mark.parametrize(
    ("remaining", "planned", "phase"),
    [
        (90, 120, SegmentPhase.ON_TIME),
        (31, 120, SegmentPhase.ON_TIME),
        (30, 120, SegmentPhase.CLOSING),
        (0, 120, SegmentPhase.CLOSING),
        (-0.5, 120, SegmentPhase.OVER),
        (16, 60, SegmentPhase.ON_TIME),  # a one-minute segment closes in its last 15 s
        (15, 60, SegmentPhase.CLOSING),
    ],
)
def test_segment_phase(remaining: float, planned: int, phase: SegmentPhase) -> None:
    assert segment_phase(remaining, planned) is phase
