"""Takes that would hurt on air ask first, with the reason in a host's words: a product
the platform refused at Go live, a sold-out product (embedded sandbox, loopback)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from seller_console.ui.actions import ActionId

from .conftest import answer_message_box
from .test_live_show import confirmed, go_live, show, stage  # noqa: F401  (the fixture)


def question_text(qtbot) -> str:
    def box() -> QMessageBox | None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                return widget
        return None

    qtbot.waitUntil(lambda: box() is not None, timeout=5000)
    found = box()
    assert found is not None
    return found.text()


def settle(qtbot, window) -> None:
    """Until the boxes are gone and the window has the keys again (it takes a few event
    loop turns after a box closes; a key pressed before would reach nothing)."""
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.wait(300)


def test_refused_and_sold_out_products_ask_before_they_are_taken(show, run, qtbot):  # noqa: F811
    window, vm = show.window, show.live_vm
    plan = show.rundown_vm.plan()
    items = list(plan.items)
    items[1] = replace(items[1], product=replace(items[1].product, sku=""))
    items[2] = replace(items[2], product=replace(items[2].product, stock=0))
    show.rundown_vm.load(replace(plan, items=tuple(items)), None)
    task = show.tasks.start(window.go_live())
    answer_message_box(qtbot, QMessageBox.StandardButton.Yes)  # pre-flight: go live anyway
    qtbot.waitUntil(task.done, timeout=30_000)
    assert task.result()
    assert vm.is_live
    answer_message_box(qtbot, QMessageBox.StandardButton.Ok)  # "not published" notice
    ids = [i.id for i in stage(show, run).items]
    settle(qtbot, window)

    qtbot.keyClick(window, Qt.Key.Key_Space)  # #1: in order, published, in stock
    qtbot.waitUntil(lambda: confirmed(show, ids[0]), timeout=10_000)
    assert stage(show, run).armed_id == ids[1]
    qtbot.keyClick(window, Qt.Key.Key_Space)  # #2: refused at Go live
    text = question_text(qtbot)
    assert "refused it when the show went live" in text
    assert "viewers cannot buy it" in text
    assert "sku" in text  # the platform's own reason, quoted
    assert "out of rundown order" not in text
    answer_message_box(qtbot, QMessageBox.StandardButton.No)
    assert stage(show, run).live_id == ids[0]  # nothing taken
    settle(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    answer_message_box(qtbot, QMessageBox.StandardButton.Yes)  # the host decides
    assert stage(show, run).live_id == ids[1]
    # its pin fails (it is not in the bag): the stage says why in a host's words
    qtbot.waitUntil(lambda: window.stage.pin_failure.isVisible(), timeout=10_000)
    failure = window.stage.pin_failure.text()
    assert failure.startswith("Not in the show's bag: the platform refused this product")
    assert "sku" in failure
    settle(qtbot, window)

    assert stage(show, run).armed_id == ids[2]
    qtbot.keyClick(window, Qt.Key.Key_Space)  # #3: sold out before it is even on
    text = question_text(qtbot)
    assert "It is sold out: viewers who tap it cannot buy it." in text
    answer_message_box(qtbot, QMessageBox.StandardButton.No)
    assert stage(show, run).live_id == ids[1]
    settle(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F5)  # #5 out of order: the session's rule, asked once
    qtbot.keyClick(window, Qt.Key.Key_Space)
    text = question_text(qtbot)
    titles = [i.product.display_title for i in stage(show, run).items]
    assert text == (  # one clean sentence: the product, and which one is next
        f"• #5 {titles[4]} is out of rundown order: the next segment is #3 {titles[2]}."
        "\n\nTake it anyway?"
    )
    answer_message_box(qtbot, QMessageBox.StandardButton.No)
    assert stage(show, run).live_id == ids[1]
    settle(qtbot, window)

    # a sold-out product taken anyway, then the next: undo would put the sold-out one
    # back on air, so it asks first, as its take did
    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert "sold out" in question_text(qtbot)
    answer_message_box(qtbot, QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: stage(show, run).live_id == ids[2], timeout=5000)
    settle(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Space)  # #4, in order
    qtbot.waitUntil(lambda: stage(show, run).live_id == ids[3], timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    text = question_text(qtbot)
    assert text.startswith(f"Undo puts #3 {titles[2]} back on air, and it is sold out")
    answer_message_box(qtbot, QMessageBox.StandardButton.No)
    assert stage(show, run).live_id == ids[3]  # nothing undone
    window.actions_by_id[ActionId.UNDO_TAKE].trigger()
    answer_message_box(qtbot, QMessageBox.StandardButton.Yes)  # the host decides
    qtbot.waitUntil(lambda: stage(show, run).live_id == ids[2], timeout=5000)
