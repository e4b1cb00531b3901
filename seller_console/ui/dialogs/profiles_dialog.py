"""Pick the platform profile: the demo sandbox, a sandbox at an address, the Live Commerce
API, Shopee Live, TikTok Shop, no API (manual pins), or a practice Shopee or TikTok; test
the connection; keep the key in the secret store; sign in to Shopee or TikTok.

The window injects what the dialog needs and reads ``.profile`` once it is accepted:
- ``secrets``: the ``SecretStore`` (the OS keychain; it does its own hop off the GUI thread);
- ``test(profile, key)``: tries the connection and returns a line such as "Connected as
  @handle", or raises ``PlatformError``; ``key`` is None to use the stored key;
- ``tasks``: the ``TaskScope`` that owns the test and the key's save;
- ``sign_in(profile, text)``: Shopee: trades a pasted authorization code (or the address
  the browser came back to) for tokens, or keeps a pasted token set; TikTok: trades a
  pasted authorization code for tokens; returns what was done, or raises ``PlatformError``;
- ``browser``: Shopee's and TikTok's sign-in through the browser (``BrowserSignIn``): the
  dialog opens
  the authorization link it is given (``open_url``), shows it, and waits for the browser to
  come back to the one-shot loopback redirect; closing the dialog cancels the wait.

OK checks every field (the message names the field, which gets the focus), then saves a
typed key under the profile's key entry (``Profile.secret_account``; Shopee's partner key
and TikTok's app secret under their own entries) or, with the key field left empty, checks
that one is stored, and accepts. When the store can keep the key for this run only, the
dialog stays open to say so and OK is pressed again. No key, secret or token is ever put
in the settings, a log or a message; Cancel changes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.errors import DomainError
from seller_console.domain.platform_errors import PlatformError
from seller_console.domain.platform_port import SecretStore
from seller_console.settings import SHOPEE_REGIONS, Profile, ProfileKind, SettingsError
from seller_console.ui.asyncqt import TaskScope
from seller_console.ui.widgets.text import plain_label

ConnectionTest = Callable[[Profile, str | None], Awaitable[str]]
SignIn = Callable[[Profile, str], Awaitable[str]]


class BrowserSignIn(Protocol):
    async def sign_in_link(self, profile: Profile) -> str: ...

    async def sign_in_redirected(self) -> str: ...

    def sign_in_cancel(self) -> None: ...


def open_in_browser(url: str) -> bool:
    return QDesktopServices.openUrl(QUrl(url))


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
    (
        ProfileKind.SHOPEE,
        "Shopee Live",
        "Your Shopee shop, through a Shopee Open Platform app with Livestream permission.",
    ),
    (
        ProfileKind.TIKTOK,
        "TikTok Shop (creator)",
        "Your TikTok creator account, through a TikTok Shop app you registered. You start "
        "the LIVE in TikTok LIVE Studio or the app; the console fills the bag and pins.",
    ),
    (
        ProfileKind.MANUAL,
        "No API (manual pins)",
        "YouTube, Amazon Live, Whatnot or anything else: the console cues each product, you "
        "pin it in the platform's own app and press Space. No address, no key.",
    ),
    (
        ProfileKind.SHOPEE_PRACTICE,
        "Shopee (practice)",
        "A practice Shopee inside the app whose shop sells the demo products.",
    ),
    (
        ProfileKind.TIKTOK_PRACTICE,
        "TikTok Shop (practice)",
        "A practice TikTok Shop inside the app; its LIVE starts when you go live.",
    ),
)
NOTHING_TO_ENTER = "nothing to enter"
URL_PLACEHOLDERS = {
    ProfileKind.SANDBOX_DEMO: "started by the app, nothing to enter",
    ProfileKind.SANDBOX_URL: "e.g. http://127.0.0.1:8765",
    ProfileKind.LIVE_API: "e.g. https://api.livecommerce.example",
    ProfileKind.SHOPEE: "e.g. https://partner.shopeemobile.com",
    ProfileKind.TIKTOK: "e.g. https://open-api.tiktokglobalshop.com",
    ProfileKind.MANUAL: "no API: nothing to enter",
    ProfileKind.SHOPEE_PRACTICE: "started by the app, nothing to enter",
    ProfileKind.TIKTOK_PRACTICE: "started by the app, nothing to enter",
}
ADDRESS_LABELS = {
    ProfileKind.SHOPEE: "Partner API host",
    ProfileKind.TIKTOK: "API host",
}
KEY_LABELS = {ProfileKind.SHOPEE: "Partner key", ProfileKind.TIKTOK: "App secret"}
KEY_PLACEHOLDER = "leave empty to keep the stored key"
BROWSER_SIGN_IN = (ProfileKind.SHOPEE, ProfileKind.TIKTOK)
TIKTOK_REDIRECT_URL = "http://127.0.0.1:51234/tiktok-signed-in"
"""Where the console hears TikTok's return (``platform.tiktok.signin.REDIRECT_URL``: the
window may not import the platform package)."""
SIGN_IN_LABELS = {
    ProfileKind.SHOPEE: ("Code or token set", "Sign in"),
    ProfileKind.TIKTOK: ("Authorization code", "Get tokens"),
}
SIGN_IN_HINTS = {
    ProfileKind.SHOPEE: (
        "Sign in with the browser opens Shopee's authorization page for your app; after you "
        "authorize, Shopee sends the browser back to this computer and the console keeps the "
        "shop's tokens in the keychain (or paste the code, or the whole address Shopee sent "
        "you back to, and press Sign in). That page authorizes the shop's product calls. "
        "The livestream calls need the streaming user's tokens: Shopee documents the "
        "exchange of a user's code, but it documents no authorization page for a user, so "
        "paste the "
        "user's code, or the token set your app received, as JSON: "
        '{"access_token", "refresh_token", "expire_in"}, with "shop_access_token" and '
        '"shop_refresh_token" for the shop. The practice Shopee prints these values.'
    ),
    ProfileKind.TIKTOK: (
        "Sign in with the browser opens TikTok's creator authorization page; sign in as the "
        "creator. TikTok sends the browser back to the redirect URL registered for your app "
        f"in Partner Center: register {TIKTOK_REDIRECT_URL} there and the console hears it, "
        "or paste the code TikTok returns (the code= value of the address it redirects to) "
        "and press Get tokens. The console trades it for tokens and keeps them in the "
        "system keychain."
    ),
}
FIELD_LABELS = {
    "Partner ID": "partner_id",
    "User ID": "user_id",
    "Shop ID": "shop_id",
    "Region": "region",
    "Cover image URL": "cover_url",
    "App key": "app_key",
    "Shop cipher": "shop_cipher",
    "Tracking code": "tracking_code",
}
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
        sign_in: SignIn | None = None,
        browser: BrowserSignIn | None = None,
        open_url: Callable[[str], bool] = open_in_browser,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("profiles_dialog")
        self.setWindowTitle("Platform profile")
        self.setMinimumWidth(560)
        self.profile = settings_profile
        self._secrets = secrets
        self._test = test
        self._sign_in = sign_in
        self._browser = browser
        self._open_url = open_url
        self._waiting = False  # a browser sign-in waits for the browser's return
        self._tasks = tasks
        self._running: list[asyncio.Task[None]] = []
        self._busy = False  # saving or checking the key: OK and Cancel wait for it
        self._closed = False
        self._urls = {settings_profile.kind: settings_profile.url or ""}
        self._kind = settings_profile.kind

        # The choices and fields scroll; the switch note and OK/Cancel stay in view (the
        # fields of every platform are taller than a 768-pixel screen).
        content = QWidget()
        layout = QVBoxLayout(content)
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

        form = self._form = QFormLayout()
        self.url = QLineEdit(settings_profile.url or "")
        self.url.setObjectName("profile_url")
        self.key = QLineEdit()
        self.key.setObjectName("profile_key")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(KEY_PLACEHOLDER)
        self._url_label = plain_label("Address")
        self._key_label = plain_label("API key")
        form.addRow(self._url_label, self.url)
        form.addRow(self._key_label, self.key)
        p = settings_profile
        self.auth_url = self._field(form, "auth_url", "Auth host (optional)", p.auth_url)
        self.auth_url.setPlaceholderText("e.g. https://auth.tiktok-shops.com (empty: the API host)")
        self.region = QComboBox()
        self.region.setObjectName("profile_region")
        self.region.addItems(SHOPEE_REGIONS)
        self.region.setCurrentText(p.region or SHOPEE_REGIONS[0])
        form.addRow(plain_label("Region"), self.region)
        self.partner_id = self._field(form, "partner_id", "Partner ID", p.partner_id)
        self.user_id = self._field(form, "user_id", "User ID", p.user_id)
        self.shop_id = self._field(form, "shop_id", "Shop ID", p.shop_id)
        self.cover_url = self._field(form, "cover_url", "Cover image URL (optional)", p.cover_url)
        self.app_key = self._field(form, "app_key", "App key", p.app_key)
        self.shop_cipher = self._field(form, "shop_cipher", "Shop cipher (optional)", p.shop_cipher)
        self.tracking_code = self._field(
            form, "tracking_code", "Tracking code (optional)", p.tracking_code
        )
        self.sign_in_text = QLineEdit()
        self.sign_in_text.setObjectName("profile_sign_in_text")
        self.sign_in_text.setEchoMode(QLineEdit.EchoMode.Password)
        self.sign_in_button = QPushButton("Save tokens")
        self.sign_in_button.setObjectName("profile_sign_in")
        sign_in_row = QHBoxLayout()
        sign_in_row.addWidget(self.sign_in_text, 1)
        sign_in_row.addWidget(self.sign_in_button)
        self.browser_button = QPushButton("Sign in with the browser")
        self.browser_button.setObjectName("profile_browser_sign_in")
        sign_in_row.addWidget(self.browser_button)
        self._sign_in_label = plain_label("Token set (JSON)")
        form.addRow(self._sign_in_label, sign_in_row)
        self.sign_in_hint = plain_label(wrap=True)
        self.sign_in_hint.setObjectName("profile_sign_in_hint")
        self.sign_in_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._shopee_rows: tuple[QWidget, ...] = (
            self.region,
            self.partner_id,
            self.user_id,
            self.shop_id,
            self.cover_url,
        )
        self._tiktok_rows: tuple[QWidget, ...] = (
            self.auth_url,
            self.app_key,
            self.shop_cipher,
            self.tracking_code,
        )
        self._by_field: dict[str, QWidget] = {
            "partner_id": self.partner_id,
            "user_id": self.user_id,
            "shop_id": self.shop_id,
            "region": self.region,
            "cover_url": self.cover_url,
            "app_key": self.app_key,
            "shop_cipher": self.shop_cipher,
            "tracking_code": self.tracking_code,
        }
        layout.addLayout(form)
        layout.addWidget(self.sign_in_hint)
        layout.addWidget(
            plain_label(
                "Keys, secrets and tokens are kept in the system keychain, never in the "
                "settings file.",
                wrap=True,
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
        self._content = content
        self.fields_scroll = scroll = QScrollArea()
        scroll.setObjectName("profile_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        outer = self._outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        note = plain_label(SWITCH_NOTE, wrap=True)
        note.setObjectName("profile_switch_note")
        outer.addWidget(note)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        outer.addWidget(self.buttons)

        self.radios[settings_profile.kind].setChecked(True)
        self._show_kind(settings_profile.kind)
        self._group.idToggled.connect(self._kind_toggled)
        self.test_button.clicked.connect(self._start_test)
        self.sign_in_button.clicked.connect(self._start_sign_in)
        self.browser_button.clicked.connect(self._start_browser_sign_in)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # Opened at its hint: left to Qt, a dialog whose text wraps opens at the height its
        # layout asks for, with the scroll area's short hint (the choices below a scroll bar).
        self.resize(self.sizeHint())

    def sizeHint(self) -> QSize:
        """Tall enough for every choice and field without scrolling (their text wrapped at
        the dialog's width), up to 90 % of the screen."""
        width = max(super().sizeHint().width(), self.minimumWidth())
        margins = self._outer.contentsMargins()
        # wrapped as if beside a scroll bar: a bar shown while the dialog settles narrows
        # the fields, which then need those extra lines to lose it again
        bar = self.fields_scroll.verticalScrollBar().sizeHint().width()
        fields = self._content.heightForWidth(width - margins.left() - margins.right() - bar)
        # the dialog's height at that width, with the fields whole instead of the scroll
        # area's own (short) hint
        height = self.heightForWidth(width) - self.fields_scroll.sizeHint().height()
        height += max(fields, self._content.minimumSizeHint().height())
        screen = self.screen().availableGeometry().height()
        return QSize(width, min(height, int(screen * 0.9)))

    @staticmethod
    def _field(form: QFormLayout, name: str, label: str, value: object) -> QLineEdit:
        edit = QLineEdit("" if value is None else str(value))
        edit.setObjectName(f"profile_{name}")
        form.addRow(plain_label(label), edit)
        return edit

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
        self.sign_in_text.clear()
        self.status.clear()
        self._show_kind(self._kind)

    def _show_kind(self, kind: ProfileKind) -> None:
        self.url.setEnabled(kind.needs_url)
        self.key.setEnabled(kind.needs_url)
        self.url.setPlaceholderText(URL_PLACEHOLDERS[kind])
        self.key.setPlaceholderText(KEY_PLACEHOLDER if kind.needs_url else "no key needed")
        self._url_label.setText(ADDRESS_LABELS.get(kind, "Address"))
        self._key_label.setText(KEY_LABELS.get(kind, "API key"))
        for widget in self._shopee_rows:
            self._form.setRowVisible(widget, kind is ProfileKind.SHOPEE)
        for widget in self._tiktok_rows:
            self._form.setRowVisible(widget, kind is ProfileKind.TIKTOK)
        signs_in = kind in SIGN_IN_LABELS
        self._form.setRowVisible(self._sign_in_label, signs_in)
        self.sign_in_hint.setVisible(signs_in)
        if signs_in:
            label, button = SIGN_IN_LABELS[kind]
            self._sign_in_label.setText(label)
            self.sign_in_button.setText(button)
            self.sign_in_hint.setText(SIGN_IN_HINTS[kind])
        self.sign_in_button.setEnabled(signs_in and self._sign_in is not None)
        browser = kind in BROWSER_SIGN_IN and self._browser is not None
        self.browser_button.setVisible(browser)
        self.browser_button.setEnabled(browser and not self._waiting)

    def _chosen(self) -> Profile | None:
        """The profile on screen, or None after showing why it cannot be used (the field
        named in the message gets the focus)."""
        kind = self.chosen_kind()
        try:
            if kind is ProfileKind.SHOPEE:
                return Profile(
                    kind,
                    self.url.text(),
                    partner_id=_number(self.partner_id.text()),
                    user_id=_number(self.user_id.text()),
                    shop_id=_number(self.shop_id.text()),
                    region=self.region.currentText(),
                    cover_url=self.cover_url.text().strip() or None,
                )
            if kind is ProfileKind.TIKTOK:
                return Profile(
                    kind,
                    self.url.text(),
                    auth_url=self.auth_url.text().strip() or None,
                    app_key=self.app_key.text(),
                    shop_cipher=self.shop_cipher.text(),
                    tracking_code=self.tracking_code.text(),
                )
            return Profile(kind, self.url.text() if kind.needs_url else None)
        except SettingsError as exc:
            self.status.setText(exc.user_message)
            label = exc.user_message.split(":", 1)[0]
            field = FIELD_LABELS.get(label)
            (self._by_field[field] if field is not None else self.url).setFocus()
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
            kept = ""
            if key is not None and profile.secret_account is None:
                # Shopee and TikTok read their secrets from the keychain: keep it first.
                kept = await self._keep(profile, key)
                key = None
            message = kept + await self._test(profile, key)
        except PlatformError as exc:
            message = exc.user_message
        finally:
            if not self._closed:
                self.test_button.setEnabled(True)
        if not self._closed:
            self.status.setText(message)

    async def _keep(self, profile: Profile, key: str) -> str:
        """Keep the partner key or app secret typed in; where it is kept, when that is for
        this run only (and why), to go before the next message ("" in the keychain)."""
        saved = await self._secrets.save(_secret_entry(profile), key)
        return f"{saved.notice} " if saved.notice else ""

    # ------------------------------------------------------------------ signing in
    def _start_sign_in(self) -> None:
        profile = self._chosen()
        text = self.sign_in_text.text().strip()
        if profile is None or self._sign_in is None:
            return
        if not text:
            self.status.setText(f"{self._sign_in_label.text()}: paste it first.")
            self.sign_in_text.setFocus()
            return
        self.status.setText("Signing in…")
        self.sign_in_button.setEnabled(False)
        self._own(self._run_sign_in(profile, self._typed_key(), text))

    async def _run_sign_in(self, profile: Profile, key: str | None, text: str) -> None:
        sign_in = self._sign_in
        assert sign_in is not None
        try:
            kept = ""
            if key is not None:  # the partner key / app secret signs the sign-in calls
                kept = await self._keep(profile, key)
            message = kept + await sign_in(profile, text)
            if not self._closed:
                self.sign_in_text.clear()
        except PlatformError as exc:
            message = exc.user_message
        finally:
            if not self._closed:
                self.sign_in_button.setEnabled(True)
        if not self._closed:
            self.status.setText(message)

    def _start_browser_sign_in(self) -> None:
        profile = self._chosen()
        if profile is None or self._browser is None or self._waiting:
            return
        self._waiting = True
        self.browser_button.setEnabled(False)
        self.status.setText("Opening the authorization page…")
        self._own(self._run_browser_sign_in(self._browser, profile, self._typed_key()))

    async def _run_browser_sign_in(
        self, browser: BrowserSignIn, profile: Profile, key: str | None
    ) -> None:
        try:
            kept = ""
            if key is not None:  # the partner key / app secret signs the sign-in calls
                kept = await self._keep(profile, key)
            link = await browser.sign_in_link(profile)
            if self._closed:
                return
            if self._open_url(link):
                self.status.setText(
                    "Authorize the app in the browser that opened; waiting for it to come "
                    "back (5 minutes at most)."
                )
            else:
                QGuiApplication.clipboard().setText(link)
                self.status.setText(
                    "The browser did not open: the authorization link is on the clipboard, "
                    "open it in a browser. Waiting for it to come back (5 minutes at most)."
                )
            message = kept + await browser.sign_in_redirected()
        except PlatformError as exc:
            message = exc.user_message
        except DomainError as exc:
            message = str(exc)
        finally:
            self._waiting = False
            if not self._closed:
                self.browser_button.setEnabled(True)
        if not self._closed:
            self.status.setText(message)

    # ------------------------------------------------------------------ OK and Cancel
    def accept(self) -> None:
        if self._busy:
            return
        profile = self._chosen()
        if profile is None:
            return
        if not profile.kind.needs_url:
            self._finish(profile)
            return
        account = _secret_entry(profile)
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
            what = KEY_LABELS.get(profile.kind, "API key")
            self.status.setText(f"No {what} is stored for this address: enter it above.")
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
        if self._waiting and self._browser is not None:
            self._browser.sign_in_cancel()
        self.key.clear()
        self.sign_in_text.clear()
        for task in self._running:
            task.cancel()
        super().done(result)


def _number(text: str) -> int | None:
    """An id field: None when empty, 0 (refused with the field's message) when not digits."""
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 20 else 0


def _secret_entry(profile: Profile) -> str:
    """Where the profile's key lives: Shopee's partner key, TikTok's app secret, or the
    Live Commerce key (``secret_account``)."""
    if profile.kind is ProfileKind.SHOPEE:
        return profile.shopee_entries()[0]
    if profile.kind is ProfileKind.TIKTOK:
        return profile.tiktok_entries()[0]
    account = profile.secret_account
    assert account is not None  # every kind with an address has a key
    return account
