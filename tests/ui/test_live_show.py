"""The whole show driven through the window against the embedded sandbox (loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from seller_console.app import Console
from seller_console.domain.platform_port import PinRequest, new_idempotency_key
from seller_console.domain.show_records import PinOutcome
from seller_console.domain.showcase import showcase_id
from seller_console.domain.stage import Stage
from seller_console.paths import AppPaths
from seller_console.platform.client import LiveCommerceClient
from seller_console.sandbox import SandboxFaults
from seller_console.selftest import expected_totals, shown_as, shown_totals
from seller_console.settings import Profile, ProfileKind, Settings, save_settings, settings_file
from seller_console.ui.actions import ActionId
from seller_console.ui.dialogs.show_report import ShowReportDialog
from seller_console.ui.models.live_tables import PCol
from tests.keyring_file import FILE_VARIABLE

from .conftest import Runner, answer_message_box, close_console, shown


@pytest.fixture
def show(qapp: QApplication, run: Runner, app_paths: AppPaths) -> Iterator[Console]:
    yield from shown(qapp, run, app_paths, start=True, sandbox_rate=30.0)


def go_live(console: Console, run: Runner) -> None:
    assert run(console.window.go_live(), 30_000)
    assert console.live_vm.is_live
    assert console.window.stage.isVisible()
    assert not console.window.card.isVisible()


def confirmed(console: Console, item_id: str) -> bool:
    card = console.live_vm.state.live
    receipt = card.receipt if card is not None and card.item.id == item_id else None
    return receipt is not None and receipt.outcome is PinOutcome.CONFIRMED


def stage(console: Console, run: Runner) -> Stage:
    """The stage once every action so far has run on the live thread."""
    run(console.live_vm.flush())
    found = console.live_vm.state.stage
    assert found is not None
    return found


def practice(console: Console, run: Runner) -> tuple[str, str]:
    """The embedded practice platform's address and key (it runs in the live engine)."""
    found: tuple[str, str] | None = run(console.live_vm.practice_platform())
    assert found is not None
    return found


def set_faults(console: Console, run: Runner, faults: SandboxFaults) -> None:
    url, key = practice(console, run)
    body = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(faults).items()}
    headers = {"Authorization": f"Bearer {key}"}
    httpx.put(f"{url}/_sandbox/faults", json=body, headers=headers, timeout=10).raise_for_status()


def settle_and_compare(console: Console, run: Runner, qtbot: Any) -> int:
    show = console.live_vm.state.show
    assert show is not None
    run(console.live_vm.practice_audience(0))
    qtbot.wait(400)
    orders = run(console.live_vm.platform_orders(show))
    expected = expected_totals(orders, "USD")
    want = shown_as(expected)
    model = console.window.totals_dock.model
    qtbot.waitUntil(lambda: shown_totals(model, "USD") == want, timeout=15_000)
    return len(orders)


def test_a_whole_show_with_the_keys(show, run, qtbot):
    window, vm = show.window, show.live_vm
    # Nothing sells while the keys are pressed: a product that sold out meanwhile (a slow
    # machine, 30 orders a second) would rightly make a take or an undo ask first.
    run(vm.practice_audience(0.0))
    go_live(show, run)
    items = stage(show, run).items
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Space)  # take #1
    assert stage(show, run).live_id == items[0].id
    qtbot.waitUntil(lambda: confirmed(show, items[0].id), timeout=10_000)
    assert stage(show, run).armed_id == items[1].id
    qtbot.keyClick(window, Qt.Key.Key_Right)  # arm #3: out of rundown order
    assert stage(show, run).armed_id == items[2].id
    qtbot.keyClick(window, Qt.Key.Key_Space)
    answer_message_box(qtbot, QMessageBox.StandardButton.No)  # the wrong-pin guard
    qtbot.wait(50)
    assert stage(show, run).live_id == items[0].id
    qtbot.keyClick(window, Qt.Key.Key_F2)  # arm #2 and take it
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert stage(show, run).live_id == items[1].id
    qtbot.waitUntil(lambda: confirmed(show, items[1].id), timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)  # undo the take
    assert stage(show, run).live_id == items[0].id
    qtbot.waitUntil(lambda: confirmed(show, items[0].id), timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)  # take #2 again
    qtbot.waitUntil(lambda: confirmed(show, items[1].id), timeout=10_000)
    run(vm.practice_audience(30.0))
    qtbot.wait(1500)
    count = settle_and_compare(show, run, qtbot)
    assert count > 0
    assert window.feed_dock.model.rowCount() == count
    window.actions_by_id[ActionId.END_SHOW].trigger()
    answer_message_box(qtbot, QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: vm.phase == "ended", timeout=15_000)
    assert not window.stage.take_button.isEnabled()  # plainly off air
    assert window.stage.live_tag.text() == "● OFF AIR"
    pins = window.pins_dock.model  # the last pin is no longer on air either
    assert pins.rowCount() > 0
    for row in range(pins.rowCount()):
        assert pins.data(pins.index(row, PCol.ON_AIR), Qt.ItemDataRole.ForegroundRole) is None
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ShowReportDialog)]
    qtbot.waitUntil(
        lambda: (
            any(d.isVisible() for d in dialogs)
            or any(
                isinstance(w, ShowReportDialog) and w.isVisible()
                for w in QApplication.topLevelWidgets()
            )
        ),
        timeout=5000,
    )


def end_show(console: Console, qtbot: Any) -> None:
    console.window.actions_by_id[ActionId.END_SHOW].trigger()
    answer_message_box(qtbot, QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: console.live_vm.phase == "ended", timeout=15_000)
    qtbot.waitUntil(lambda: bool(reports()), timeout=5000)
    for dialog in reports():
        dialog.close()


def reports() -> list[ShowReportDialog]:
    found = QApplication.topLevelWidgets()
    return [w for w in found if isinstance(w, ShowReportDialog) and w.isVisible()]


def test_the_second_show_of_a_run_feeds_only_its_own_orders(show, run, qtbot):
    window = show.window
    for night in (1, 2):
        run(show.live_vm.practice_audience(30.0))  # settling the night before stopped it
        go_live(show, run)
        first = stage(show, run).items[0]
        window.actions_by_id[ActionId.TAKE].trigger()
        qtbot.waitUntil(lambda: confirmed(show, first.id), timeout=10_000)  # noqa: B023
        qtbot.wait(800)
        count = settle_and_compare(show, run, qtbot)
        assert count > 0
        # the feed lists this show's orders, none of the night before
        assert window.feed_dock.model.rowCount() == count, night
        end_show(show, qtbot)


def test_the_stream_drops_and_resumes_with_faults_and_totals_stay_exact(show, run, qtbot):
    go_live(show, run)
    set_faults(
        show,
        run,
        SandboxFaults(drop_every=(20, 60), duplicate_rate=0.1, reorder_window=4, error_rate=0.1),
    )
    show.live_vm.take()
    live = stage(show, run).live
    assert live is not None
    first = live.id
    qtbot.waitUntil(lambda: confirmed(show, first), timeout=15_000)
    qtbot.wait(2500)
    set_faults(show, run, SandboxFaults())
    assert settle_and_compare(show, run, qtbot) > 20


def test_a_pin_made_elsewhere_is_shown_as_a_conflict_with_a_one_click_fix(show, run, qtbot):

    go_live(show, run)
    vm = show.live_vm
    vm.take()
    on_stage = stage(show, run)
    ours = on_stage.live
    assert ours is not None
    qtbot.waitUntil(lambda: confirmed(show, ours.id), timeout=10_000)
    other = on_stage.items[3]
    (url, key), record = practice(show, run), vm.state.show
    assert record is not None
    session = record.session_id
    conflicts: list[str] = []
    vm.conflict_found.connect(conflicts.append)

    async def pin_elsewhere() -> None:  # someone pins in the platform's app
        async with LiveCommerceClient(url, key) as client:
            request = PinRequest(showcase_id(other.product.variant_id))
            await client.pin(session, request, idempotency_key=new_idempotency_key())

    run(pin_elsewhere())
    qtbot.waitUntil(lambda: bool(conflicts), timeout=10_000)
    assert other.product.display_title in conflicts[0]
    box = next(
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.objectName() == "pin_conflict"
    )
    next(b for b in box.buttons() if b.text() == "Pin ours again").click()

    async def pinned_now() -> str | None:
        async with LiveCommerceClient(url, key) as client:
            current = (await client.get_session(session)).pin
            return None if current is None else current.product_id

    def platform_shows_ours() -> bool:
        pinned: str | None = run(pinned_now())
        return pinned == showcase_id(ours.product.variant_id)

    qtbot.waitUntil(platform_shows_ours, timeout=10_000)


def test_the_host_view_follows_every_take_and_its_keys_drive_the_show(show, run, qtbot):
    go_live(show, run)
    view = show.window.show_host_view()
    qtbot.keyClick(view, Qt.Key.Key_Space)  # Space in the host view takes, as in the window
    live = stage(show, run).live
    assert live is not None
    qtbot.waitUntil(lambda: view.title.text() == live.product.title, timeout=5000)
    following = stage(show, run).armed
    assert following is not None
    assert following.product.display_title in view.next_up.text()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not view.isVisible()


def test_a_host_view_opened_mid_show_shows_what_is_on_air_at_once(show, run, qtbot):
    # QA: F11 after a take, with nothing changing since, showed "Nothing on air" until the
    # next take or sale.
    go_live(show, run)
    show.live_vm.take()
    live = stage(show, run).live
    assert live is not None
    qtbot.waitUntil(lambda: show.live_vm.on_air is not None, timeout=5000)
    view = show.window.show_host_view()
    assert view.title.text() == live.product.title
    qtbot.keyClick(view, Qt.Key.Key_Escape)


def test_the_overlay_address_is_copied_for_a_browser_source(show, run, qtbot):
    go_live(show, run)
    run(show.window.copy_overlay_url())
    url = QApplication.clipboard().text()
    assert url.startswith("http://127.0.0.1:")
    assert "/overlay/" in url
    assert httpx.get(url, timeout=5).status_code == 200


def test_the_overlay_address_outlives_a_restart_of_the_console(
    qapp, run, qtbot, app_paths, tmp_path, monkeypatch
):
    # A browser source keeps the address it was given: after a restart (the next night,
    # a crash mid-show) the page must be there again. The token is in the keychain (one
    # the engine's process and the next one share), the port in the data folder.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.keyring_file.FileKeyring")
    monkeypatch.setenv(FILE_VARIABLE, str(tmp_path / "keychain.json"))
    urls = []
    for _run in range(2):
        console = Console(qapp, app_paths, sandbox_rate=0.0)
        try:
            run(console.start())
            url = run(console.live_vm.overlay_url())
            assert url is not None
            assert httpx.get(url, timeout=5).status_code == 200
            urls.append(url)
        finally:
            close_console(console, run)
    assert urls[0] == urls[1]
    token = urls[0].rsplit("/", 1)[1]
    assert token in (tmp_path / "keychain.json").read_text()
    kept = [p for p in app_paths.data_dir.rglob("*") if p.is_file()]
    assert not any(token in p.read_text(errors="replace") for p in kept)  # never in a file


def click_message_box(qtbot: Any, text: str) -> str:
    """Click the button labelled ``text`` on the message box the window opened; its text."""

    def box() -> QMessageBox | None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                return widget
        return None

    qtbot.waitUntil(lambda: box() is not None, timeout=10_000)
    found = box()
    assert found is not None
    said = found.text()
    button = next(b for b in found.buttons() if b.text() == text)
    button.click()
    return said


def test_a_show_left_running_is_resumed_from_the_menu_and_go_live_asks_first(show, run, qtbot):
    window, vm = show.window, show.live_vm
    go_live(show, run)
    first = vm.state.show
    assert first is not None
    run(vm.leave_running())
    qtbot.waitUntil(lambda: not vm.is_live, timeout=10_000)

    # Show > Resume unfinished show…: the show left running is offered, in plain words
    window.actions_by_id[ActionId.RESUME_UNFINISHED].trigger()
    said = click_message_box(qtbot, "Resume")
    assert "on the practice platform and was never ended" in said
    assert "livecommerce" not in said
    assert "acct_" not in said
    qtbot.waitUntil(lambda: vm.is_live, timeout=15_000)
    assert vm.state.show is not None
    assert vm.state.show.id == first.id
    run(vm.leave_running())
    qtbot.waitUntil(lambda: not vm.is_live, timeout=10_000)

    # Go live while it is still on the same account: asked first; resuming it makes no
    # second show
    task = run.loop.create_task(window.go_live())
    said = click_message_box(qtbot, "Resume it")
    assert f"{first.title!r} went live at" in said
    qtbot.waitUntil(task.done, timeout=30_000)
    assert task.result()
    assert vm.state.show is not None
    assert vm.state.show.id == first.id
    shows = run(vm.show_summaries())
    assert [s.show.id for s in shows] == [first.id]


def in_prepare_layout(console: Console) -> bool:
    window = console.window
    return (
        window.card.isVisible()
        and not window.stage.isVisible()
        and window.catalog_dock.isVisible()
        and not any(dock.isVisible() for dock in window.live_docks)
        and not window.badge.isVisible()
    )


def test_after_the_show_a_new_plan_or_the_menu_brings_back_the_prepare_layout(show, run, qtbot):
    # QA: after End show and File > New show plan the window kept the live layout, the
    # ended show's totals and its sold-out warning beside the empty plan, until a restart.
    window = show.window
    run(show.live_vm.practice_audience(0.0))
    prepare = window.actions_by_id[ActionId.PREPARE_NEXT]
    assert not prepare.isEnabled()
    go_live(show, run)
    assert not prepare.isEnabled()
    end_show(show, qtbot)
    assert window.stage.isVisible()  # the ended show stays up, its report beside it
    assert prepare.isEnabled()
    prepare.trigger()
    assert in_prepare_layout(show)
    assert not prepare.isEnabled()

    go_live(show, run)  # the next night: live again, then a new plan after its end
    assert all(dock.isVisible() for dock in window.live_docks)
    end_show(show, qtbot)
    window.actions_by_id[ActionId.NEW_PLAN].trigger()
    if window.rundown_vm.dirty:
        answer_message_box(qtbot, QMessageBox.StandardButton.Discard)
    qtbot.waitUntil(lambda: window.rundown_vm.title == "Untitled show", timeout=5000)
    assert in_prepare_layout(show)
    assert show.live_vm.phase == "ended"  # the show itself is as it ended: in Past shows


@pytest.fixture
def manual_show(qapp: QApplication, run: Runner, app_paths: AppPaths) -> Iterator[Console]:
    """The window with No API (manual pins) chosen in Show > Platform."""
    save_settings(settings_file(app_paths.config_dir), Settings(Profile(ProfileKind.MANUAL)))
    yield from shown(qapp, run, app_paths, start=True)


def test_while_the_operator_is_cued_the_receipt_says_what_to_do_not_sending(
    manual_show, run, qtbot
):
    # QA: with the cue up ("Pin … in the platform's app, then press Space") the live
    # card's receipt read "sending…", as if the console were waiting on the platform.
    window = manual_show.window
    go_live(manual_show, run)
    window.actions_by_id[ActionId.TAKE].trigger()
    qtbot.waitUntil(window.cue.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: window.stage.receipt.text() != "sending…", timeout=2000)
    assert window.stage.receipt.text() == "pin it in the app, then Space"
    window.cue.button.click()  # "Pinned it"
    qtbot.waitUntil(lambda: window.stage.receipt.text() == "pinned by you", timeout=5000)
    assert not window.cue.isVisible()


def test_the_cue_banner_is_confirmed_with_space_and_the_report_marks_the_pin(
    manual_show, run, qtbot
):
    # What the README's "Manual pins" says the window does: the banner names the product
    # and its place in the bag, Space confirms, the report's timeline says who pinned.
    window = manual_show.window
    go_live(manual_show, run)
    first = stage(manual_show, run).items[0]
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Space)  # take: cue the operator
    qtbot.waitUntil(window.cue.isVisible, timeout=5000)
    said = window.cue.text.text()
    assert first.product.display_title in said
    assert "position 1 in the bag" in said
    assert window.cue.button.text() == "Pinned it (Space)"
    qtbot.keyClick(window, Qt.Key.Key_Space)  # "Pinned it"
    qtbot.waitUntil(lambda: window.stage.receipt.text() == "pinned by you", timeout=5000)
    assert not window.cue.isVisible()
    window.actions_by_id[ActionId.END_SHOW].trigger()
    answer_message_box(qtbot, QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: bool(reports()), timeout=15_000)
    timeline = reports()[0].timeline_model
    assert [timeline.data(timeline.index(r, 2)) for r in range(timeline.rowCount())] == [
        "performed"
    ]
    for dialog in reports():
        dialog.close()
