"""Show > OBS…: whether the console drives OBS Studio, and where.

The address of obs-websocket (``ws://HOST:PORT``, port 4455 by default), its password
(kept in the keychain through the ``SecretStore``, never in the settings file), the scene
the product card goes in, the name its sources start with, and the stream delay (seconds
the platform holds the video back: the overlay and OBS show each take that much later).
Each field is checked on OK and the message names it. The show never waits on OBS: with
OBS absent or refusing, the badge in the status bar says so and the show goes on.
"""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.platform_port import SecretStore
from seller_console.settings import MAX_OBS_DELAY_S, ObsSettings, SettingsError
from seller_console.ui.asyncqt import TaskScope
from seller_console.ui.widgets.text import plain_label

PASSWORD_PLACEHOLDER = "unchanged (kept in the keychain); empty if OBS asks for none"  # noqa: S105


class ObsDialog(QDialog):
    """``settings`` and ``password`` (as typed, None when left unchanged) once accepted;
    ``notice`` says so when the password could be kept for this run only."""

    def __init__(
        self,
        current: ObsSettings,
        secrets: SecretStore,
        tasks: TaskScope,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("obs_dialog")
        self.setWindowTitle("OBS Studio")
        self.setMinimumWidth(520)
        self.settings = current
        self.password: str | None = None
        self.notice: str | None = None  # where the password is kept, when not the keychain
        self._secrets = secrets
        self._tasks = tasks
        self._saving: asyncio.Task[None] | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                "The console can show the product on air in OBS Studio over obs-websocket "
                "(OBS 28 or newer: Tools > WebSocket Server Settings). Without OBS the show "
                "goes on; the badge in the status bar says whether OBS is connected.",
                wrap=True,
            )
        )
        self.enabled = QCheckBox("Drive OBS during the show")
        self.enabled.setObjectName("obs_enabled")
        self.enabled.setChecked(current.enabled)
        layout.addWidget(self.enabled)
        form = QFormLayout()
        self.url = QLineEdit(current.url)
        self.url.setObjectName("obs_url")
        self.password_field = QLineEdit()
        self.password_field.setObjectName("obs_password")
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_field.setPlaceholderText(PASSWORD_PLACEHOLDER)
        self.scene = QLineEdit(current.scene)
        self.scene.setObjectName("obs_scene")
        self.source = QLineEdit(current.source)
        self.source.setObjectName("obs_source")
        self.source.setToolTip(
            "The console's sources in the scene start with this name: '… overlay' (a browser "
            "source) or '… title', '… price' and '… image'. Missing ones are created."
        )
        self.delay = QDoubleSpinBox()
        self.delay.setObjectName("obs_delay")
        self.delay.setRange(0.0, MAX_OBS_DELAY_S)
        self.delay.setDecimals(1)
        self.delay.setSingleStep(0.5)
        self.delay.setSuffix(" s")
        self.delay.setValue(current.delay_s)
        form.addRow("Address", self.url)
        form.addRow("Password", self.password_field)
        form.addRow("Scene", self.scene)
        form.addRow("Sources named", self.source)
        form.addRow("Stream delay", self.delay)
        layout.addLayout(form)
        self.status = plain_label("", wrap=True)
        self.status.setObjectName("obs_status")
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def chosen(self) -> ObsSettings | None:
        """The settings as typed, or None with the reason (naming the field) shown."""
        try:
            return ObsSettings(
                self.enabled.isChecked(),
                self.url.text(),
                self.scene.text(),
                self.source.text(),
                self.delay.value(),
            )
        except SettingsError as exc:
            self.status.setText(exc.user_message)
            return None

    def _ok(self) -> None:
        if self._saving is not None and not self._saving.done():
            return
        chosen = self.chosen()
        if chosen is None:
            return
        typed = self.password_field.text()
        if not typed:
            self.settings = chosen
            self.accept()
            return
        self.buttons.setEnabled(False)
        self.status.setText("Saving the password in the keychain…")
        self._saving = self._tasks.start(self._keep(chosen, typed), name="obs-password")

    async def _keep(self, chosen: ObsSettings, password: str) -> None:
        try:
            saved = await self._secrets.save(chosen.secret_account, password)
        finally:
            self.buttons.setEnabled(True)
        self.settings, self.password, self.notice = chosen, password, saved.notice
        self.accept()
