"""Show > OBS…: the settings page checks each field and keeps the password in the
keychain; the live engine drives OBS as a subscriber and the window's badge follows it."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu

from seller_console.app import Console
from seller_console.settings import ObsSettings, settings_file
from seller_console.ui.actions import ActionId
from seller_console.ui.asyncqt import TaskScope
from seller_console.ui.dialogs.obs_dialog import ObsDialog
from tests.broadcast.fake_obs import DEBIAN_KINDS, FakeObs, ObsInThread
from tests.fakes import MemorySecrets

from .conftest import Runner

PASSWORD = "window-obs-pass"


def test_the_page_names_the_wrong_field_and_keeps_the_password_in_the_keychain(
    qtbot: Any, run: Runner
) -> None:
    secrets, tasks = MemorySecrets(), TaskScope()
    dialog = ObsDialog(ObsSettings(), secrets, tasks)
    qtbot.addWidget(dialog)
    dialog.open()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.enabled.setChecked(True)
    dialog.url.setText("http://192.168.1.20:4455")
    ok.click()
    assert dialog.status.text().startswith("OBS address: ")
    assert dialog.isVisible()
    dialog.url.setText("ws://192.168.1.20:4455")
    dialog.scene.setText("")
    ok.click()
    assert dialog.status.text().startswith("Scene: ")
    dialog.scene.setText("Live")
    dialog.delay.setValue(12.5)
    dialog.password_field.setText(PASSWORD)
    ok.click()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    assert dialog.settings == ObsSettings(True, "ws://192.168.1.20:4455", "Live", delay_s=12.5)
    assert secrets.secrets == {"obs-websocket ws://192.168.1.20:4455": PASSWORD}
    assert dialog.password == PASSWORD
    run(tasks.close())


def test_the_engine_drives_obs_and_the_badge_says_connected_then_absent(
    console: Console, run: Runner, qtbot: Any
) -> None:
    run(console.start())
    window = console.window
    show_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Show")
    assert isinstance(show_menu, QMenu)
    assert window.actions_by_id[ActionId.OBS] in show_menu.actions()
    assert not window.obs_badge.isVisible()  # OBS control is off by default
    with ObsInThread(FakeObs(password=PASSWORD, kinds=DEBIAN_KINDS)) as fake:
        obs = ObsSettings(True, fake.url, "Scene", "Seller Console", 2.0)
        run(console.live_vm.use_obs(obs, PASSWORD))
        qtbot.waitUntil(
            lambda: window.obs_badge.text() == "OBS: connected (text sources)", timeout=10_000
        )
        assert window.obs_badge.isVisible()
        assert "Seller Console title" in fake.inputs  # its sources, made in the scene
        saved = json.loads(settings_file(console.paths.config_dir).read_text())
        assert saved["obs"]["url"] == fake.url
        assert saved["obs"]["delay_s"] == 2.0
        assert PASSWORD not in json.dumps(saved)
    # OBS quit: the show would go on; the badge says so.
    qtbot.waitUntil(lambda: window.obs_badge.text().startswith("OBS: absent ("), timeout=10_000)
    run(console.live_vm.use_obs(ObsSettings(), None))
    qtbot.waitUntil(lambda: not window.obs_badge.isVisible(), timeout=10_000)
