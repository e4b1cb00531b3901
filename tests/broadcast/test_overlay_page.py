"""The overlay page in a real headless Chromium, fed by the overlay server over loopback."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from PySide6.QtGui import QImage

from seller_console.broadcast.overlay_server import OverlayServer
from tests.broadcast.pictures import save_over_backdrop
from tests.broadcast.shows import BOARD, FLASH_SERUM, KNIFE, SERUM, item, state
from tests.support import REPO_ROOT

DOCS = REPO_ROOT / "docs"
SAVE_DOCS = os.environ.get("SELLER_CONSOLE_DOCS_SCREENSHOTS") == "1"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1920, "height": 1080}, locale="en-US", bypass_csp=True
    )
    try:
        yield context.new_page()
    finally:
        context.close()


# bypass_csp: Playwright evaluates its wait conditions as strings, which the page's CSP
# (script-src 'self', no eval) forbids; the CSP itself is checked over HTTP.


def open_overlay(page: Page, server: OverlayServer, query: str = "") -> None:
    page.goto(server.url + query)
    page.wait_for_function("document.readyState === 'complete'")


def wait_version(page: Page, version: int) -> None:
    page.wait_for_function(f"document.body.dataset.version === '{version}'", timeout=5000)


def text(page: Page, selector: str) -> str:
    return page.locator(selector).inner_text()


def fill_percent(page: Page) -> float:
    return float(page.eval_on_selector("#stock-fill", "e => e.style.width").rstrip("%"))


def test_a_show_drives_the_card_take_by_take(page: Page, overlay: OverlayServer) -> None:
    open_overlay(page, overlay, "?locale=de-DE")
    assert page.locator("#card").is_hidden()  # nothing on air yet

    overlay.on_state(state(1, SERUM, KNIFE))
    wait_version(page, 1)
    assert text(page, "#title") == "Bakuchiol Night Serum"
    assert text(page, "#variant") == "30 ml"
    assert text(page, "#price") == "24,90\xa0€"
    assert text(page, "#was") == "34,00\xa0€"
    assert page.locator("#was").evaluate("e => e.tagName") == "S"  # crossed out
    assert fill_percent(page) == 100.0
    assert text(page, "#stock-text") == "50 left"
    assert text(page, "#next-title") == "8-inch Chef's Knife"
    page.wait_for_function("document.getElementById('image').naturalWidth > 0")
    assert page.locator("#image").is_visible()
    serum_src = page.get_attribute("#image", "src")

    overlay.on_state(state(2, KNIFE, BOARD))  # take
    wait_version(page, 2)
    assert text(page, "#title") == "8-inch Chef's Knife"
    assert text(page, "#price") == "59,00\xa0€"
    assert text(page, "#next-title") == "Acacia Wood Cutting Board"
    assert page.get_attribute("#image", "src") != serum_src

    overlay.on_state(state(3, KNIFE, BOARD, stock_left=6))  # sales
    wait_version(page, 3)
    assert fill_percent(page) == 50.0
    assert text(page, "#stock-text") == "6 left"
    assert "low" not in (page.get_attribute("#stock", "class") or "")
    overlay.on_state(state(4, KNIFE, BOARD, stock_left=2))
    wait_version(page, 4)
    assert fill_percent(page) == pytest.approx(100 * 2 / 12, abs=0.01)
    assert "low" in (page.get_attribute("#stock", "class") or "")

    overlay.on_state(state(5, SERUM, KNIFE))  # undo: the serum is back, nothing of the knife
    wait_version(page, 5)
    assert text(page, "#title") == "Bakuchiol Night Serum"
    assert text(page, "#price") == "24,90\xa0€"
    page.wait_for_function(
        f"document.getElementById('image').getAttribute('src') === {serum_src!r}"
    )

    overlay.on_state(state(6, BOARD, None))  # no crossed-out price, stock unknown
    wait_version(page, 6)
    assert text(page, "#price") == "1.234,50\xa0€"
    assert page.locator("#was").is_hidden()
    assert page.locator("#stock").is_hidden()
    assert page.locator("#next").is_hidden()

    overlay.on_state(state(7, None, SERUM))  # off air
    wait_version(page, 7)
    assert page.locator("#card").is_hidden()
    assert overlay.wait_applied(7, 2.0) is not None


def test_older_versions_never_replace_newer(page: Page, overlay: OverlayServer) -> None:
    overlay.on_state(state(5, KNIFE))
    open_overlay(page, overlay)
    wait_version(page, 5)
    overlay.on_state(state(4, SERUM))  # late and older: dropped
    overlay.on_state(state(6, BOARD))
    wait_version(page, 6)
    assert text(page, "#title") == "Acacia Wood Cutting Board"
    assert 4 not in overlay.applied_versions()


def test_prices_follow_the_locale_and_the_currency(page: Page, overlay: OverlayServer) -> None:
    yen = item("tea", "Matcha", "1200", catalog="1500", currency="JPY")
    overlay.on_state(state(1, yen))
    open_overlay(page, overlay, "?locale=en-US")
    wait_version(page, 1)
    assert text(page, "#price") == "¥1,200"
    assert text(page, "#was") == "¥1,500"


def test_flash_countdown_runs_from_the_absolute_end(page: Page, overlay: OverlayServer) -> None:
    taken = datetime.now(UTC)
    overlay.on_state(state(1, SERUM, at=taken, taken_at=taken, flash_seconds=90))
    open_overlay(page, overlay)
    wait_version(page, 1)
    first = _seconds(text(page, "#countdown"))
    assert 85 <= first <= 90
    page.wait_for_timeout(1600)
    second = _seconds(text(page, "#countdown"))
    assert second < first
    # A reloaded page counts from the same end time, not from a fresh 90 seconds.
    page.reload()
    wait_version(page, 1)
    again = _seconds(text(page, "#countdown"))
    assert again <= second
    assert 90 - (datetime.now(UTC) - taken).total_seconds() - 1 <= again


def test_a_flash_sale_that_ended_says_so(page: Page, overlay: OverlayServer) -> None:
    taken = datetime.now(UTC)
    overlay.on_state(state(1, SERUM, at=taken, taken_at=taken, flash_seconds=1))
    open_overlay(page, overlay)
    page.wait_for_function("document.getElementById('countdown').textContent === 'ended'")


def test_a_flash_sale_shows_its_price_then_the_usual_one(
    page: Page, overlay: OverlayServer
) -> None:
    taken = datetime.now(UTC)
    overlay.on_state(state(1, FLASH_SERUM, at=taken, taken_at=taken, flash_seconds=60))
    open_overlay(page, overlay, "?locale=en-US")
    wait_version(page, 1)
    assert text(page, "#price") == "€19.90"
    assert text(page, "#was") == "€34.00"
    assert page.locator("#flash").is_visible()
    assert 55 <= _seconds(text(page, "#countdown")) <= 60
    # The live session ends the sale (its time is up, or the item left the air).
    overlay.on_state(state(2, FLASH_SERUM, at=taken, taken_at=taken))
    wait_version(page, 2)
    assert text(page, "#price") == "€24.90"
    assert text(page, "#was") == "€34.00"
    assert page.locator("#flash").is_hidden()


def _seconds(clock: str) -> int:
    minutes, seconds = clock.split(":")
    return int(minutes) * 60 + int(seconds)


def test_the_stream_delay_holds_each_state_back(page: Page, overlay: OverlayServer) -> None:
    open_overlay(page, overlay, "?delay=1.5")
    published = time.monotonic()
    overlay.on_state(state(1, SERUM))
    page.wait_for_timeout(600)
    assert page.evaluate("document.body.dataset.version") is None
    wait_version(page, 1)
    assert time.monotonic() - published >= 1.4


def test_the_console_sets_the_delay_for_pages_without_their_own(
    page: Page, overlay: OverlayServer
) -> None:
    overlay.set_delay(1.0)
    open_overlay(page, overlay)
    overlay.on_state(state(1, KNIFE))
    page.wait_for_timeout(400)
    assert page.evaluate("document.body.dataset.version") is None
    wait_version(page, 1)


def test_a_page_opened_mid_delay_shows_what_viewers_see(page: Page, overlay: OverlayServer) -> None:
    overlay.set_delay(1.0)
    overlay.on_state(state(1, SERUM))
    time.sleep(1.2)  # viewers see the serum by now
    overlay.on_state(state(2, KNIFE))  # taken, not yet on viewers' screens
    open_overlay(page, overlay)
    wait_version(page, 1)
    assert text(page, "#title") == "Bakuchiol Night Serum"
    wait_version(page, 2)
    assert text(page, "#title") == "8-inch Chef's Knife"


def test_untrusted_text_stays_text(page: Page, overlay: OverlayServer) -> None:
    evil = item("x", '<img src=x onerror="document.title=1">Serum', "5.00")
    overlay.on_state(state(1, evil))
    open_overlay(page, overlay)
    wait_version(page, 1)
    assert text(page, "#title") == '<img src=x onerror="document.title=1">Serum'
    assert page.locator("#card img").count() == 1  # only the product image element


@pytest.mark.parametrize(("platform", "shown"), [("tiktok", False), ("shopee", True)])
def test_no_web_address_reaches_a_tiktok_stream(
    page: Page, overlay: OverlayServer, platform: str, shown: bool
) -> None:
    promo = item("promo", "Glow kit - more at www.glow-shop.example", "9.00")
    overlay.on_state(state(1, promo, platform=platform))
    open_overlay(page, overlay)
    wait_version(page, 1)
    assert ("glow-shop.example" in text(page, "#title")) is shown
    assert page.locator("a").count() == 0


def _alpha_and_rgb(image: QImage, x: int, y: int) -> tuple[int, int, int, int]:
    pixel = image.pixelColor(x, y)
    return pixel.alpha(), pixel.red(), pixel.green(), pixel.blue()


@pytest.mark.parametrize(
    ("aspect", "size", "theme"),
    [("16x9", (1920, 1080), "dark"), ("9x16", (1080, 1920), "light")],
)
def test_screenshot_transparent_outside_the_card(
    browser: Browser,
    overlay: OverlayServer,
    tmp_path: Path,
    aspect: str,
    size: tuple[int, int],
    theme: str,
) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    try:
        page = context.new_page()
        taken = datetime.now(UTC)
        overlay.on_state(
            state(1, FLASH_SERUM, KNIFE, at=taken, taken_at=taken, flash_seconds=300, stock_left=31)
        )
        open_overlay(page, overlay, f"?aspect={aspect}&theme={theme}&locale=en-US")
        wait_version(page, 1)
        page.wait_for_function("document.getElementById('image').naturalWidth > 0")
        page.wait_for_timeout(450)  # the entry animation and the stock bar's transition
        shot = tmp_path / f"overlay-{aspect}.png"
        page.screenshot(path=str(shot), omit_background=True)
        card = page.locator("#card").bounding_box()
        fill = page.locator("#stock-fill").bounding_box()
        track = page.locator("#stock .bar").bounding_box()
    finally:
        context.close()
    assert card is not None
    assert fill is not None
    assert track is not None
    image = QImage(str(shot))
    assert (image.width(), image.height()) == size
    # The video shows through everywhere but the overlay's boxes.
    assert _alpha_and_rgb(image, 5, 5)[0] == 0
    assert _alpha_and_rgb(image, width - 5, height // 2)[0] == 0
    # The card is drawn inside the safe area, opaque enough to read over any video.
    assert card["x"] >= 0.05 * width - 1
    assert card["x"] + card["width"] <= width
    if aspect == "9x16":
        assert card["y"] >= 0.13 * height
        assert card["y"] + card["height"] <= 0.68 * height
        assert card["x"] + card["width"] <= 0.8 * width + 1
    else:
        assert card["y"] + card["height"] <= 0.95 * height
    alpha, *_ = _alpha_and_rgb(image, int(card["x"] + 6), int(card["y"] + card["height"] - 6))
    assert alpha > 200
    # The stock bar is 31/50 full and green.
    assert fill["width"] == pytest.approx(track["width"] * 31 / 50, abs=1.5)
    a, r, g, b = _alpha_and_rgb(image, int(fill["x"] + 3), int(fill["y"] + fill["height"] / 2))
    assert a > 200
    assert g > r
    assert g > b
    if SAVE_DOCS:
        save_over_backdrop(image, DOCS / f"overlay-{aspect}.png")
