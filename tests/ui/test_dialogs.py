"""The profiles, show report and past shows dialogs, driven as a user would."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QTableView

from seller_console.domain.commission import CommissionPolicy, ProductTerms
from seller_console.domain.events import MetricsReported, Pin
from seller_console.domain.ledger import Ledger
from seller_console.domain.metrics import MetricsFigures
from seller_console.domain.money import Money
from seller_console.domain.orders import OrderStatus
from seller_console.domain.platform_errors import PlatformError
from seller_console.domain.platform_port import IdempotencyKey
from seller_console.domain.show_records import (
    PinOutcome,
    PinReceipt,
    PlannedSegment,
    PlatformAccount,
    ShowRecord,
    ShowStatus,
    ShowTotals,
)
from seller_console.importers import ImportOptions, import_catalog
from seller_console.importers.orders_export import read_orders_export
from seller_console.services.orders_import import OrdersImportOutcome
from seller_console.services.reports import ShowReport, ShowSummary, build_report, totals_of
from seller_console.settings import (
    Profile,
    ProfileKind,
    Settings,
    load_settings,
    save_settings,
    settings_file,
)
from seller_console.ui.asyncqt import TaskScope
from seller_console.ui.dialogs.import_report import ImportReportDialog, orders_counts
from seller_console.ui.dialogs.past_shows import PastShowsDialog
from seller_console.ui.dialogs.profiles_dialog import ProfilesDialog
from seller_console.ui.dialogs.show_report import ShowReportDialog
from seller_console.ui.main_window import plan_save_dialog
from seller_console.ui.widgets.product_share import ProductShare
from tests.fakes import NO_KEYCHAIN, MemorySecrets
from tests.support import order, settled

KEY = "sk_live_0123456789abcdef"
LIVE_URL = "https://api.livecommerce.example"

pytestmark = pytest.mark.usefixtures("qloop")  # the app's Qt message routing, as in the app


# ---------------------------------------------------------------- profiles
class FakeTest:
    """The connection test: says who we are connected as, or raises the error it was given."""

    def __init__(self, error: PlatformError | None = None) -> None:
        self.error = error
        self.calls: list[tuple[Profile, str | None]] = []

    async def __call__(self, profile: Profile, key: str | None) -> str:
        self.calls.append((profile, key))
        if self.error is not None:
            raise self.error
        return "Connected as @glowshop"


@pytest.fixture
def tasks(qloop, run):
    scope = TaskScope()
    yield scope
    run(scope.close())


def make_profiles(qtbot, tasks, secrets, test, profile=None):
    dialog = ProfilesDialog(profile or Profile(), secrets, test, tasks)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def choose(dialog: ProfilesDialog, qtbot, kind: ProfileKind) -> None:
    radio = dialog.radios[kind]  # click its circle: the row's empty right end is no hit
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert radio.isChecked()


def ok(dialog: ProfilesDialog, qtbot) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )


def choose_live(dialog: ProfilesDialog, qtbot, key: str = KEY) -> None:
    choose(dialog, qtbot, ProfileKind.LIVE_API)
    assert dialog.url.isEnabled()
    assert dialog.key.echoMode() is dialog.key.EchoMode.Password
    qtbot.keyClicks(dialog.url, LIVE_URL)
    qtbot.keyClicks(dialog.key, key)


def test_the_demo_sandbox_is_the_default_and_needs_nothing(qtbot, tasks):
    secrets = MemorySecrets()
    dialog = make_profiles(qtbot, tasks, secrets, FakeTest())
    assert dialog.radios[ProfileKind.SANDBOX_DEMO].isChecked()
    assert not dialog.url.isEnabled()
    assert not dialog.key.isEnabled()
    texts = [label.text() for label in dialog.findChildren(type(dialog.status))]
    assert "A practice platform inside the app, no account needed." in texts
    assert any("never ends a show in progress" in text for text in texts)
    ok(dialog, qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.profile == Profile()
    assert secrets.secrets == {}


def test_live_profile_tests_then_saves_the_key_in_the_secret_store_only(qtbot, tasks, tmp_path):
    secrets, test = MemorySecrets(), FakeTest()
    dialog = make_profiles(qtbot, tasks, secrets, test)
    choose_live(dialog, qtbot)

    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Testing…"
    assert not dialog.test_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.status.text() == "Connected as @glowshop")
    assert dialog.test_button.isEnabled()
    assert test.calls == [(Profile(ProfileKind.LIVE_API, LIVE_URL), KEY)]

    ok(dialog, qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.profile == Profile(ProfileKind.LIVE_API, LIVE_URL)
    assert secrets.secrets == {dialog.profile.secret_account: KEY}
    assert dialog.key.text() == ""

    path = settings_file(tmp_path / "config")
    save_settings(path, Settings(dialog.profile))
    assert KEY not in path.read_text(encoding="utf-8")
    assert load_settings(path) == (Settings(dialog.profile), None)


def test_a_failed_test_shows_the_platform_message(qtbot, tasks):
    test = FakeTest(PlatformError("The platform refused the API key: check it and try again."))
    dialog = make_profiles(qtbot, tasks, MemorySecrets(), test)
    choose_live(dialog, qtbot)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "refused the API key" in dialog.status.text())
    assert dialog.test_button.isEnabled()
    assert dialog.isVisible()


def test_without_a_keychain_the_dialog_says_so_before_closing(qtbot, tasks):
    secrets = MemorySecrets(keychain=False)
    dialog = make_profiles(qtbot, tasks, secrets, FakeTest())
    choose_live(dialog, qtbot)
    ok(dialog, qtbot)
    qtbot.waitUntil(lambda: NO_KEYCHAIN in dialog.status.text())
    assert "kept for this run only" in dialog.status.text()
    assert dialog.isVisible()
    assert dialog.key.text() == ""

    ok(dialog, qtbot)  # the key is now in this run's store: OK uses it
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.profile.kind is ProfileKind.LIVE_API
    assert secrets.saves == 1


def test_plain_http_to_another_machine_is_refused_with_a_reason(qtbot, tasks):
    secrets, test = MemorySecrets(), FakeTest()
    dialog = make_profiles(qtbot, tasks, secrets, test)
    choose(dialog, qtbot, ProfileKind.SANDBOX_URL)
    qtbot.keyClicks(dialog.url, "http://example.com")
    qtbot.keyClicks(dialog.key, KEY)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "plain http" in dialog.status.text()
    assert test.calls == []
    dialog.status.clear()
    ok(dialog, qtbot)
    assert "use https" in dialog.status.text()
    assert "127.0.0.1" in dialog.status.text()
    assert dialog.isVisible()
    assert secrets.secrets == {}


def test_an_empty_key_keeps_the_stored_one_or_asks_for_it(qtbot, tasks):
    secrets = MemorySecrets()
    sandbox = Profile(ProfileKind.SANDBOX_URL, "http://127.0.0.1:8765")
    dialog = make_profiles(qtbot, tasks, secrets, FakeTest(), sandbox)
    assert dialog.radios[ProfileKind.SANDBOX_URL].isChecked()
    assert dialog.url.text() == "http://127.0.0.1:8765"
    ok(dialog, qtbot)
    qtbot.waitUntil(lambda: "No API key is stored" in dialog.status.text())
    assert dialog.isVisible()

    account = sandbox.secret_account
    assert account is not None
    secrets.secrets[account] = KEY
    ok(dialog, qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.profile == sandbox
    assert secrets.saves == 0


def test_cancel_changes_nothing(qtbot, tasks):
    secrets = MemorySecrets()
    dialog = make_profiles(qtbot, tasks, secrets, FakeTest())
    choose_live(dialog, qtbot)
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton
    )
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.profile == Profile()
    assert secrets.secrets == {}


def test_switching_kind_remembers_each_address(qtbot, tasks):
    live = Profile(ProfileKind.LIVE_API, LIVE_URL)
    dialog = make_profiles(qtbot, tasks, MemorySecrets(), FakeTest(), live)
    qtbot.keyClicks(dialog.key, KEY)
    choose(dialog, qtbot, ProfileKind.SANDBOX_URL)
    assert dialog.url.text() == ""
    assert dialog.key.text() == ""  # a key belongs to one platform
    choose(dialog, qtbot, ProfileKind.LIVE_API)
    assert dialog.url.text() == LIVE_URL


# ---------------------------------------------------------------- the show report
T0 = datetime(2025, 5, 2, 19, 0, tzinfo=UTC)
HOSTILE = "<b>x</b><img src=https://attacker.example/p.png>"


def _order(n, product, qty, price, pin_id, reported, status=OrderStatus.PAID, currency="USD"):
    return order(
        f"o{n}",
        price,
        qty,
        product=product,
        currency=currency,
        status=status,
        pin=pin_id,
        reported=reported,
        rate="0.1",
        at=T0 + timedelta(seconds=30 * n),
        session="s1",
    )


def make_report() -> ShowReport:
    policy = CommissionPolicy(
        products={
            "p1": ProductTerms("Acme", Decimal("0.1")),
            "p2": ProductTerms("Acme", Decimal("0.15")),
            "p3": ProductTerms("Bolt", Decimal("0.2")),
        }
    )
    ledger = Ledger(policy)
    ledger.pin_seen(Pin("pin1", "p1", T0 + timedelta(seconds=10), 1))
    ledger.pin_seen(Pin("pin2", "p2", T0 + timedelta(seconds=200), 2))
    ledger.apply_all(
        [
            _order(1, "p1", 2, "19.99", "pin1", "4.00"),
            _order(2, "p1", 1, "19.99", "pin1", "1.50"),  # the platform paid less
            _order(3, "p2", 1, "45.00", "pin2", "6.75"),
            _order(4, "p2", 3, "45.00", "pin2", "20.25", OrderStatus.REFUNDED),
            _order(5, "p3", 1, "12.50", None, "2.50"),
            _order(6, "p3", 2, "1500", "pin2", "600", currency="JPY"),
        ]
    )
    show = ShowRecord(
        "show1",
        "s1",
        HOSTILE,
        T0 - timedelta(hours=1),
        ShowStatus.ENDED,
        T0,
        T0 + timedelta(minutes=10),
    )
    segments = (
        PlannedSegment("i1", 0, "p1", HOSTILE, 180),
        PlannedSegment("i2", 1, "p2", "Glow cream", 240),
    )
    receipts = (
        PinReceipt(
            IdempotencyKey("k1"),
            "show1",
            "p1",
            T0 + timedelta(seconds=9.9),
            PinOutcome.CONFIRMED,
            "pin1",
            T0 + timedelta(seconds=10.05),
        ),
        PinReceipt(
            IdempotencyKey("k2"),
            "show1",
            "p2",
            T0 + timedelta(seconds=199.8),
            PinOutcome.CONFIRMED,
            "pin2",
            T0 + timedelta(seconds=200),
        ),
    )
    return build_report(show, ledger.snapshot(), segments, receipts, T0 + timedelta(hours=1))


def column_texts(model, column):
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_report_shows_totals_tables_and_flags_differences(qtbot, qtmodeltester):
    report = make_report()
    dialog = ShowReportDialog(report)
    qtbot.addWidget(dialog)
    dialog.show()
    models = (
        dialog.totals_model,
        dialog.products_model,
        dialog.pins_model,
        dialog.timeline_model,
        dialog.segments_model,
    )
    for model in models:
        qtmodeltester.check(model)
        model.sort(model.columnCount() - 1, Qt.SortOrder.DescendingOrder)
        qtmodeltester.check(model)

    totals = dialog.totals_model
    assert sorted(column_texts(totals, 0)) == ["JPY", "USD"]
    usd = column_texts(totals, 0).index("USD")
    headers = [totals.headerData(c, Qt.Orientation.Horizontal) for c in range(totals.columnCount())]
    gmv, diff = headers.index("GMV"), headers.index("Difference")
    assert totals.data(totals.index(usd, gmv)) == "252.47 USD"
    difference = totals.data(totals.index(usd, diff))
    assert difference == "⚠ 0.50 USD"
    tip = totals.data(totals.index(usd, diff), Qt.ItemDataRole.ToolTipRole)
    assert "different commission" in tip
    assert "1 order" in dialog.summary.text()
    assert "Planned 7:00, actual 10:00 (3:00 over plan)" in dialog.summary.text()

    assert dialog.timeline_model.rowCount() == 2
    latencies = column_texts(dialog.timeline_model, 4)
    assert sorted(latencies) == ["150 ms", "200 ms"]
    assert dialog.segments_model.rowCount() == 2
    # per product, per pin window, pin timeline, planned vs actual; the platform-metrics
    # and could-not-apply tabs only when they have rows
    assert dialog.tabs.count() == 4


def test_report_tables_sort_by_value_not_by_text(qtbot):
    dialog = ShowReportDialog(make_report())
    qtbot.addWidget(dialog)
    model = dialog.products_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    units = headers.index("Units")
    model.sort(units, Qt.SortOrder.DescendingOrder)
    assert column_texts(model, units) == ["4", "3", "2", "1"]
    model.sort(units, Qt.SortOrder.AscendingOrder)
    assert column_texts(model, units) == ["1", "2", "3", "4"]


def test_report_shows_untrusted_titles_literally(qtbot):
    dialog = ShowReportDialog(make_report())
    qtbot.addWidget(dialog)
    assert dialog.title.text() == HOSTILE
    assert dialog.title.textFormat() is Qt.TextFormat.PlainText
    assert HOSTILE in dialog.windowTitle()
    model = dialog.products_model
    row = column_texts(model, 1).index("p1")
    assert model.data(model.index(row, 0)) == HOSTILE
    tip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip
    assert "&lt;img" in tip


def test_report_export_asks_where_and_emits_the_path(qtbot, tmp_path):
    dialog = ShowReportDialog(make_report())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    chooser = dialog.findChild(QFileDialog, "export_file_dialog")
    assert chooser is not None
    assert chooser.isVisible()
    assert chooser.selectedFiles()[0].endswith("-report.csv")
    target = tmp_path / "friday.csv"
    with qtbot.waitSignal(dialog.export_chosen) as chosen:
        chooser.fileSelected.emit(str(target))
    assert chosen.args == [Path(target)]
    chooser.reject()


# ---------------------------------------------------------------- past shows
def _shows() -> list[ShowRecord]:
    day = timedelta(days=1)
    return [
        ShowRecord(
            "old",
            "s0",
            "Monday candles",
            T0 - 4 * day,
            ShowStatus.ENDED,
            T0 - 4 * day,
            T0 - 4 * day + timedelta(minutes=42),
        ),
        ShowRecord("new", "s2", HOSTILE, T0 - day, ShowStatus.ENDED, T0, T0 + timedelta(hours=1)),
        ShowRecord(
            "mid",
            "s1",
            "Wednesday serums",
            T0 - 3 * day,
            ShowStatus.ENDED,
            T0 - 2 * day,
            T0 - 2 * day + timedelta(minutes=30),
        ),
    ]


def _summaries() -> list[ShowSummary]:
    """The three shows: one sold in two currencies (a refund taken off), one on a
    metrics-only platform, one whose records could not be read."""
    old, new, mid = _shows()
    terms = ProductTerms("Acme", Decimal("0.1"))
    ledger = Ledger(CommissionPolicy(products={"p1": terms, "p2": terms}))
    ledger.apply_all(
        [
            _order(1, "p1", 2, "20.00", None, None),
            _order(2, "p1", 1, "20.00", None, None, status=OrderStatus.REFUNDED),
            _order(3, "p2", 1, "1234.50", None, None),
            _order(4, "p2", 1, "15.00", None, None, currency="EUR"),
        ]
    )
    report = build_report(new, ledger.snapshot(), (), (), T0 + timedelta(days=1))
    metrics = MetricsFigures(Money.of("310.5", "USD"), orders=7, sold_items=9)
    return [
        ShowSummary(old, problem="The show database is damaged."),
        ShowSummary(new, totals_of(report)),
        ShowSummary(mid, ShowTotals(metrics=metrics)),
    ]


def test_past_shows_are_listed_newest_first_with_what_they_sold(qtbot, qtmodeltester):
    dialog = PastShowsDialog(_summaries())
    qtbot.addWidget(dialog)
    model = dialog.model
    qtmodeltester.check(model)
    assert [model.row_key(row) for row in range(model.rowCount())] == ["new", "mid", "old"]
    assert column_texts(model, 0) == [HOSTILE, "Wednesday serums", "Monday candles"]
    assert column_texts(model, 4) == ["1:00:00", "30:00", "42:00"]
    assert column_texts(model, 1) == ["Ended", "Ended", "⚠ Ended, unreadable"]
    tip = model.data(model.index(2, 1), Qt.ItemDataRole.ToolTipRole)
    assert "could not be read: The show database is damaged." in tip
    # the report's totals: every order counted, net of the refund, our estimate (10%)
    assert column_texts(model, 5) == ["4", "7", "—"]
    assert column_texts(model, 6) == ["1,274.50 USD · 15.00 EUR", "310.50 USD", "—"]
    assert column_texts(model, 7) == ["127.45 USD · 1.50 EUR", "—", "—"]
    said = model.data(model.index(1, 6), Qt.ItemDataRole.ToolTipRole)
    assert "own GMV" in said
    # by net sales: a show in several currencies by its main one (the most orders)
    dialog.table.sortByColumn(6, Qt.SortOrder.AscendingOrder)
    assert [model.row_key(row) for row in range(model.rowCount())] == ["mid", "new", "old"]


def test_past_shows_compare_nights_by_the_commission_the_platform_reported(qtbot):
    # QA: a TikTok show the platform credited 2,353.54 USD was listed at 0.00 USD (the
    # catalog had no rates, so the console's estimate was 0); the report said otherwise.
    _old, new, mid = _shows()
    ledger = Ledger()  # no commission rates: the console estimates nothing
    ledger.apply_all(
        [
            _order(1, "p1", 1, "9000.00", None, "2000.00"),
            _order(2, "p1", 1, "10.00", None, "353.54"),
        ]
    )
    credited = totals_of(build_report(new, ledger.snapshot(), (), (), T0 + timedelta(days=1)))
    terms = ProductTerms("Acme", Decimal("0.1"))
    ledger = Ledger(CommissionPolicy(products={"p1": terms}))
    ledger.apply_all([_order(3, "p1", 2, "20.00", None, "0")])  # the platform reported none
    estimated = totals_of(build_report(mid, ledger.snapshot(), (), (), T0 + timedelta(days=1)))
    dialog = PastShowsDialog([ShowSummary(new, credited), ShowSummary(mid, estimated)])
    qtbot.addWidget(dialog)
    model = dialog.model
    assert [model.row_key(row) for row in range(model.rowCount())] == ["new", "mid"]
    assert column_texts(model, 7) == ["2,353.54 USD", "4.00 USD est."]
    platform_tip = html.unescape(model.data(model.index(0, 7), Qt.ItemDataRole.ToolTipRole))
    assert "the platform reported" in platform_tip
    assert "Platform commission" in platform_tip  # the report's column of the same figure
    assert "estimate from the catalog's rates: 0.00 USD" in platform_tip
    estimate_tip = html.unescape(model.data(model.index(1, 7), Qt.ItemDataRole.ToolTipRole))
    assert "reported no commission" in estimate_tip
    dialog.table.sortByColumn(7, Qt.SortOrder.AscendingOrder)  # by the figure shown
    assert [model.row_key(row) for row in range(model.rowCount())] == ["mid", "new"]


def test_past_shows_open_a_report_by_double_click_or_button(qtbot):
    dialog = PastShowsDialog([ShowSummary(show) for show in _shows()])
    qtbot.addWidget(dialog)
    dialog.show()
    # the newest show is selected at once: Open report opens it
    assert dialog.open_report.isEnabled()
    with qtbot.waitSignal(dialog.report_requested) as requested:
        qtbot.mouseClick(dialog.open_report, Qt.MouseButton.LeftButton)
    assert requested.args == ["new"]
    with qtbot.waitSignal(dialog.report_requested) as requested:
        dialog.table.doubleClicked.emit(dialog.model.index(1, 0))
    assert requested.args == ["mid"]

    dialog.table.selectRow(2)
    assert dialog.open_report.isEnabled()
    with qtbot.waitSignal(dialog.report_requested) as requested:
        qtbot.mouseClick(dialog.open_report, Qt.MouseButton.LeftButton)
    assert requested.args == ["old"]


def test_no_past_shows_says_so(qtbot):
    dialog = PastShowsDialog([])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.empty.isVisible()
    assert dialog.model.rowCount() == 0


def test_report_shows_estimated_against_settled_and_offers_refresh(qtbot):
    ledger = Ledger()
    ledger.pin_seen(Pin("pin1", "p1", T0, 1))
    estimate = _order(1, "p1", 2, "20.00", "pin1", "4.00")
    ledger.apply_all([estimate, _order(2, "p1", 1, "20.00", "pin1", "2.00")])
    ledger.apply(settled(estimate, "3.60"))  # TikTok settled the first, for less
    show = ShowRecord(
        "show9", "room9", "Night", T0, ShowStatus.ENDED, T0, T0 + timedelta(minutes=5)
    )
    show = replace(show, refreshed_at=T0 + timedelta(days=2))
    report = build_report(show, ledger.snapshot(), (), (), T0 + timedelta(days=3))
    dialog = ShowReportDialog(report)
    qtbot.addWidget(dialog)
    dialog.show()

    pins = dialog.pins_model
    headers = [pins.headerData(c, Qt.Orientation.Horizontal) for c in range(pins.columnCount())]
    row = [pins.data(pins.index(0, c)) for c in range(pins.columnCount())]
    assert row[headers.index("Platform\nest.")] == "6.00 USD"
    assert row[headers.index("Settled")] == "3.60 USD"
    assert row[headers.index("Settled\norders")] == "1"
    assert row[headers.index("Awaiting")] == "1"
    assert "3.60 USD settled on 1 order, 1 awaiting settlement" in dialog.summary.text()
    assert "last read again from the platform" in dialog.summary.text()

    assert dialog.refresh.isVisible()
    with qtbot.waitSignal(dialog.refresh_requested) as asked:
        qtbot.mouseClick(dialog.refresh, Qt.MouseButton.LeftButton)
    assert asked.args == ["show9"]
    assert not dialog.refresh.isEnabled()
    dialog.refresh_failed("Could not refresh the show: TikTok is not reachable")
    assert dialog.refresh.isEnabled()
    assert "TikTok is not reachable" in dialog.summary.text()


def test_a_metrics_only_show_s_report_opens_on_the_platform_s_metrics(qtbot):
    # QA: Shopee practice (the platform reports figures, not orders) opened on an empty
    # "Per product (0)"; the figures it has were on the last tab
    show = ShowRecord(
        "show6",
        "sp6",
        "Shopee night",
        T0,
        ShowStatus.ENDED,
        T0,
        T0 + timedelta(minutes=5),
        PlatformAccount("shopee", "shop 7"),
    )
    ledger = Ledger()
    ledger.pin_seen(Pin("pin1", "p1", T0 + timedelta(seconds=10), 1))
    polls = tuple(
        MetricsReported("sp6", T0 + timedelta(seconds=s), Money.of(gmv, "USD"), n, n)
        for s, gmv, n in ((5, "0", 0), (60, "32.00", 2), (120, "80.00", 5))
    )
    report = build_report(show, ledger.snapshot(), (), (), T0, metrics=polls)
    dialog = ShowReportDialog(report)
    qtbot.addWidget(dialog)
    assert dialog.products_model.rowCount() == 0
    assert dialog.tabs.currentWidget().objectName() == "report_metrics"
    orders = ShowReportDialog(make_report())  # a show with orders: per product, as ever
    qtbot.addWidget(orders)
    assert orders.tabs.currentWidget().objectName() == "report_products"


def test_a_show_still_live_offers_no_refresh(qtbot):
    show = ShowRecord("show8", "room8", "Night", T0, ShowStatus.LIVE, T0)
    dialog = ShowReportDialog(build_report(show, Ledger().snapshot(), (), (), T0))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.refresh.isVisible()


def test_a_manual_pins_show_offers_an_orders_import_not_a_refresh(qtbot, tmp_path):
    show = ShowRecord(
        "show7",
        "m7",
        "Whatnot night",
        T0,
        ShowStatus.ENDED,
        T0,
        T0 + timedelta(minutes=5),
        PlatformAccount("manual", ""),
        by_time=True,
    )
    dialog = ShowReportDialog(build_report(show, Ledger().snapshot(), (), (), T0))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.import_orders.isVisible()
    assert not dialog.refresh.isVisible()
    export = tmp_path / "orders.csv"
    export.write_text("order id\n")
    dialog.import_orders.click()
    chooser = dialog.findChild(QFileDialog, "orders_export_file_dialog")
    assert chooser is not None
    with qtbot.waitSignal(dialog.orders_import_requested) as asked:
        chooser.fileSelected.emit(str(export))
    assert asked.args == ["show7", export]
    chooser.reject()


def test_the_problems_of_an_orders_export_come_with_order_counts(qtbot, tmp_path):
    """Report > Import orders export: the problems dialog counts orders and rows, not a
    catalog's products and variants."""
    export = tmp_path / "orders.csv"
    export.write_text(
        "order id,time,sku,quantity,amount,currency,status\n"
        "B1,2026-12-01T20:00:00Z,S1,1,10.00,USD,\n"
        "B1,2026-12-01T20:00:00Z,S2,2,8.00,USD,\n"
        "B2,2026-12-01T20:01:00Z,S1,0,10.00,USD,\n"  # refused: quantity 0
        "B3,2026-12-01T20:02:00Z,S1,1,10.00,USD,\n"
        "B4,2026-12-01T23:00:00Z,S1,1,10.00,USD,\n",
        encoding="utf-8",
    )
    report = read_orders_export(export).report
    assert report.rows_rejected == 1
    outcome = OrdersImportOutcome(report, orders=3, new=1, changed=1, outside=1)
    dialog = ImportReportDialog(report, counts=orders_counts(outcome))
    qtbot.addWidget(dialog)
    dialog.show()
    counts = dialog.counts.text()
    assert "rows read: 5   rows refused: 1" in counts
    assert "orders: 3 in the file, 2 kept (1 new, 1 changed), 1 outside the show left out" in (
        counts
    )
    assert "currencies: USD" in counts
    assert "products" not in counts
    assert "variants" not in counts
    assert dialog.model.rowCount() == 1  # the refused row, with its row and reason

    catalog = ImportReportDialog(report)  # a catalog's report keeps its own counters
    qtbot.addWidget(catalog)
    assert "products: 0" in catalog.counts.text()


def test_report_columns_fit_a_laptop_s_window_long_titles_elided_with_their_tooltip(qtbot):
    report = make_report()
    dialog = ShowReportDialog(report)
    qtbot.addWidget(dialog)
    screen = dialog.screen().availableSize()
    assert dialog.width() <= screen.width()
    assert dialog.height() <= screen.height()
    dialog.resize(1342, 700)  # what a 1366x768 screen leaves it
    dialog.show()
    qtbot.waitExposed(dialog)
    products = dialog.tabs.currentWidget()
    assert isinstance(products, QTableView)
    for table in (dialog.totals, products):
        qtbot.waitUntil(lambda t=table: not t.horizontalScrollBar().isVisible())
        header = table.horizontalHeader()
        assert header.length() <= table.viewport().width()
    model = dialog.products_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "Platform\ncommission" in headers  # two lines: a narrower column
    # nothing settled and never read again: the settlement columns would say nothing new
    assert products.isColumnHidden(headers.index("Settled"))
    assert not products.isColumnHidden(headers.index("Platform\ncommission"))
    room = products.viewport().width() - sum(
        products.columnWidth(c)
        for c in range(1, model.columnCount())
        if not products.isColumnHidden(c)
    )
    assert products.columnWidth(0) == room  # the title takes the room the others leave


def test_report_shows_the_settlement_columns_once_orders_were_read_again(qtbot):
    report = make_report()
    report = replace(report, show=replace(report.show, refreshed_at=T0 + timedelta(days=2)))
    dialog = ShowReportDialog(report)
    qtbot.addWidget(dialog)
    products = dialog.tabs.widget(0)
    assert isinstance(products, QTableView)
    for table in (products, dialog.totals):
        model = table.model()
        assert model.columnCount() >= 14
        for column in range(model.columnCount()):
            assert not table.isColumnHidden(column)
    dialog.resize(1342, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    # more columns: a long title is elided, whole in its tooltip
    shown = products.columnWidth(0)
    assert shown >= 120
    assert QFontMetrics(products.font()).horizontalAdvance(HOSTILE) > shown
    model = dialog.products_model
    row = column_texts(model, 1).index("p1")
    tip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert html.unescape(tip) == f"<p>{HOSTILE}</p>"


def test_a_laptop_s_report_folds_the_least_needed_columns_and_the_header_brings_them_back(qtbot):
    # Settled: every settlement column shows, too many for 1366x768. The least needed fold
    # away instead of the table scrolling sideways; the header's menu shows any of them.
    report = make_report()
    report = replace(report, show=replace(report.show, refreshed_at=T0 + timedelta(days=2)))
    dialog = ShowReportDialog(report)
    qtbot.addWidget(dialog)
    dialog.resize(1342, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    products, pins = dialog.tabs.widget(0), dialog.tabs.widget(1)
    assert isinstance(products, QTableView)
    assert isinstance(pins, QTableView)
    dialog.tabs.setCurrentWidget(pins)
    headers = [
        pins.model().headerData(c, Qt.Orientation.Horizontal)
        for c in range(pins.model().columnCount())
    ]
    refunded = headers.index("Refunded")
    qtbot.waitUntil(lambda: pins.isColumnHidden(refunded))
    for table in (dialog.totals, products, pins):
        assert table.horizontalHeader().length() <= table.viewport().width()
        assert not table.horizontalScrollBar().isVisible()
    assert not pins.isColumnHidden(headers.index("Net"))
    assert not pins.isColumnHidden(headers.index("Settled"))

    # right-clicking the header opens the menu of columns
    assert pins.horizontalHeader().contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    fit = pins.findChild(ProductShare)
    assert fit is not None
    menu = fit.columns_menu()
    choices = {a.text(): a for a in menu.actions()}
    assert not choices["Refunded"].isChecked()
    assert choices["Settled"].isChecked()
    assert not choices["Pinned product"].isEnabled()  # the titles always show
    choices["Refunded"].setChecked(True)  # the user wants it: it stays, the table scrolls
    assert not pins.isColumnHidden(refunded)
    assert pins.columnWidth(refunded) > 0
    dialog.resize(1100, 700)
    qtbot.waitUntil(lambda: pins.isColumnHidden(headers.index("Units")))
    assert not pins.isColumnHidden(refunded)

    dialog.resize(1900, 700)  # room again: what folded comes back
    qtbot.waitUntil(lambda: not pins.isColumnHidden(headers.index("Units")))
    assert all(not pins.isColumnHidden(c) for c in range(len(headers)))


def test_the_import_report_lists_its_problems_in_file_order_until_a_header_is_clicked(
    qtbot, tmp_path
):
    # QA: the rejected rows read 9, 7, 5, 4, 3 when the report opened.
    path = tmp_path / "bad.csv"
    rows = "".join(f"h{i},,S{i},1.00\n" for i in range(2, 7))  # no title: each refused
    path.write_text("Handle,Title,Variant SKU,Variant Price\n" + rows)
    report = import_catalog(path, ImportOptions(currency="USD")).report
    dialog = ImportReportDialog(report)
    qtbot.addWidget(dialog)
    model = dialog.model
    listed = [model.data(model.index(r, 1)) for r in range(model.rowCount())]
    listed = [row for row in listed if row]  # the currency assumed is the whole file's
    assert listed == [str(n) for n in range(2, 7)]


# ---------------------------------------------------------------- saving a plan
def test_a_new_plan_is_saved_in_the_home_folder_under_its_whole_title(qtbot, tmp_path):
    """A show's title is the seller's text: "Glow 24/7" made the save dialog suggest a
    file "7.showplan.json" in a folder "Glow 24" of the app's working folder."""
    parent = QDialog()
    qtbot.addWidget(parent)
    dialog = plan_save_dialog(parent, "Glow 24/7: <b>night</b>", None)
    suggested = Path(dialog.selectedFiles()[0])
    assert suggested == Path.home() / "Glow-24-7-b-night-b.showplan.json"
    dialog.deleteLater()
    saved = tmp_path / "friday.showplan.json"
    dialog = plan_save_dialog(parent, "Glow 24/7", saved)
    assert Path(dialog.selectedFiles()[0]) == saved  # Save as… starts from its own file
    dialog.deleteLater()
