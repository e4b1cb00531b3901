"""Pick the platform profile: the demo sandbox, a sandbox at an address, or the Live Commerce
API; test the connection; keep the key in the secret store.

The window injects what the dialog needs and reads ``.profile`` once it is accepted:
- ``secrets``: the ``SecretStore`` (the OS keychain; it does its own hop off the GUI thread);
- ``test(profile, key)``: tries the connection and returns a line such as "Connected as
  @handle", or raises ``PlatformError``; ``key`` is None to use the stored key;
- ``tasks``: the ``TaskScope`` that owns the test and the key's save.

OK checks the address, then saves a typed key under ``Profile.secret_account`` (or, with
the key field left empty, checks that one is stored) and accepts. When the store can keep
the key for this run only, the dialog stays open to say so and OK is pressed again. The key
is never put in the settings, a log or a message; Cancel changes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.platform_port import PlatformError, SecretStore
from seller_console.settings import Profile, ProfileKind, SettingsError
from seller_console.ui.asyncqt import TaskScope
from seller_console.ui.widgets.text import plain_label

ConnectionTest = Callable[[Profile, str | None], Awaitable[str]]

CHOICES = (
    (
        ProfileKind.SANDBOX_DEMO,
        "Sandbox (demo)",
        "A practice platform inside the app, no account needed.",
    ),
    (
        ProfileKind.SANDBOX_URL,
        "Sandbox at a URL",
        "A sandbox someone runs for you: enter its address and the key it printed.",
    ),
    (
        ProfileKind.LIVE_API,
        "Live Commerce API",
        "Your real account: real viewers and real orders.",
    ),
)
URL_PLACEHOLDERS = {
    ProfileKind.SANDBOX_DEMO: "started by the app, nothing to enter",
    ProfileKind.SANDBOX_URL: "e.g. http://127.0.0.1:8765",
    ProfileKind.LIVE_API: "e.g. https://api.livecommerce.example",
}
KEY_PLACEHOLDER = "leave empty to keep the stored key"
SWITCH_NOTE = (
    "Switching platforms never ends a show in progress: "
    "the current show keeps its connection until it ends."
)


class ProfilesDialog(QDialog):
    """Attributes: ``profile`` (the chosen one once accepted; the given one until then),
    ``radios`` (by kind), ``url``, ``key``, ``test_button``, ``status``, ``buttons``."""

    def __init__(
        self,
        settings_profile: Profile,
        secrets: SecretStore,
        test: ConnectionTest,
        tasks: TaskScope,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("profiles_dialog")
        self.setWindowTitle("Platform profile")
        self.setMinimumWidth(560)
        self.profile = settings_profile
        self._secrets = secrets
        self._test = test
        self._tasks = tasks
        self._running: list[asyncio.Task[None]] = []
        self._busy = False  # saving or checking the key: OK and Cancel wait for it
        self._closed = False
        self._urls = {settings_profile.kind: settings_profile.url or ""}
        self._kind = settings_profile.kind

        layout = QVBoxLayout(self)
        layout.addWidget(plain_label("Which platform the console talks to:"))
        self._group = QButtonGroup(self)
        self.radios: dict[ProfileKind, QRadioButton] = {}
        for n, (kind, name, explanation) in enumerate(CHOICES):
            radio = QRadioButton(name)
            radio.setObjectName(f"profile_{kind.value}")
            self._group.addButton(radio, n)
            self.radios[kind] = radio
            layout.addWidget(radio)
            hint = plain_label(explanation, wrap=True)
            hint.setContentsMargins(24, 0, 0, 6)
            hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            layout.addWidget(hint)

        form = QFormLayout()
        self.url = QLineEdit(settings_profile.url or "")
        self.url.setObjectName("profile_url")
        self.key = QLineEdit()
        self.key.setObjectName("profile_key")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(KEY_PLACEHOLDER)
        form.addRow("Address", self.url)
        form.addRow("API key", self.key)
        layout.addLayout(form)
        layout.addWidget(
            plain_label(
                "The key is kept in the system keychain, never in the settings file.", wrap=True
            )
        )

        row = QHBoxLayout()
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("profile_test")
        row.addWidget(self.test_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = plain_label(wrap=True)
        self.status.setObjectName("profile_status")
        layout.addWidget(self.status)
        layout.addStretch(1)
        note = plain_label(SWITCH_NOTE, wrap=True)
        note.setObjectName("profile_switch_note")
        layout.addWidget(note)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout.addWidget(self.buttons)

        self.radios[settings_profile.kind].setChecked(True)
        self._show_kind(settings_profile.kind)
        self._group.idToggled.connect(self._kind_toggled)
        self.test_button.clicked.connect(self._start_test)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    # ------------------------------------------------------------------ choosing
    def chosen_kind(self) -> ProfileKind:
        return CHOICES[self._group.checkedId()][0]

    def _kind_toggled(self, button_id: int, checked: bool) -> None:
        if not checked:
            return
        self._urls[self._kind] = self.url.text()
        self._kind = CHOICES[button_id][0]
        self.url.setText(self._urls.get(self._kind, ""))
        self.key.clear()  # a key belongs to one platform
        self.status.clear()
        self._show_kind(self._kind)

    def _show_kind(self, kind: ProfileKind) -> None:
        self.url.setEnabled(kind.needs_url)
        self.key.setEnabled(kind.needs_url)
        self.url.setPlaceholderText(URL_PLACEHOLDERS[kind])
        self.key.setPlaceholderText(KEY_PLACEHOLDER if kind.needs_url else "no key needed")

    def _chosen(self) -> Profile | None:
        """The profile on screen, or None after showing why it cannot be used."""
        kind = self.chosen_kind()
        try:
            return Profile(kind, self.url.text() if kind.needs_url else None)
        except SettingsError as exc:
            self.status.setText(exc.user_message)
            self.url.setFocus()
            return None

    def _typed_key(self) -> str | None:
        return (self.key.text().strip() or None) if self.chosen_kind().needs_url else None

    # ------------------------------------------------------------------ testing
    def _start_test(self) -> None:
        profile = self._chosen()
        if profile is None:
            return
        self.status.setText("Testing…")
        self.test_button.setEnabled(False)
        self._own(self._run_test(profile, self._typed_key()))

    async def _run_test(self, profile: Profile, key: str | None) -> None:
        try:
            message = await self._test(profile, key)
        except PlatformError as exc:
            message = exc.user_message
        finally:
            if not self._closed:
                self.test_button.setEnabled(True)
        if not self._closed:
            self.status.setText(message)

    # ------------------------------------------------------------------ OK and Cancel
    def accept(self) -> None:
        if self._busy:
            return
        profile = self._chosen()
        if profile is None:
            return
        account = profile.secret_account
        if account is None:
            self._finish(profile)
            return
        key = self._typed_key()
        self._set_busy(True)
        self.status.setText("Saving the key…" if key else "Looking for the stored key…")
        self._own(self._keep_key(profile, account, key))

    async def _keep_key(self, profile: Profile, account: str, key: str | None) -> None:
        notice: str | None = None
        try:
            if key is None:
                found = await self._secrets.load(account) is not None
            else:
                found = True
                notice = (await self._secrets.save(account, key)).notice
        finally:
            if not self._closed:
                self._set_busy(False)
        if self._closed:
            return
        if not found:
            self.status.setText("No API key is stored for this address: enter it above.")
            self.key.setFocus()
        elif notice is not None:
            self.key.clear()
            self.key.setPlaceholderText("kept for this run only")
            self.status.setText(f"{notice} Press OK to use this profile.")
        else:
            self._finish(profile)

    def _own(self, work: Coroutine[Any, Any, None]) -> None:
        self._running = [task for task in self._running if not task.done()]
        self._running.append(self._tasks.start(work))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.buttons.setEnabled(not busy)

    def _finish(self, profile: Profile) -> None:
        self.profile = profile
        super().accept()

    def reject(self) -> None:
        if not self._busy:
            super().reject()

    def done(self, result: int) -> None:
        self._closed = True
        self.key.clear()
        for task in self._running:
            task.cancel()
        super().done(result)
