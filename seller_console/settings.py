"""The user's settings: which platform profile to use and the last currency, as versioned JSON.

The file lives at ``AppPaths.config_dir / "settings.json"`` (``settings_file``); this module
takes that path and knows nothing of Qt or platformdirs. Loading never fails: a missing file
gives the defaults quietly; a damaged one, or one written by a newer version of the app, gives
the defaults (or keeps what could be read) and a warning to show the user. Saving writes a
temporary file beside it and renames it over the old one, so a crash never leaves half a file.

An API key is never part of the settings: it goes to the ``SecretStore`` under the profile's
``secret_account``. Addresses that could carry one (``https://user:key@host``, a query string)
are refused, so the key cannot slip into this file by way of the URL either.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from seller_console.domain.money import is_currency_code, quote_short
from seller_console.domain.net import THIS_MACHINE_HINT, plain_http_allowed

SETTINGS_FILE_NAME = "settings.json"
SETTINGS_VERSION = 1
"""The version this app writes; a file with a higher one is left alone and not read."""
MAX_SETTINGS_BYTES = 64 * 1024
_MAX_INT_DIGITS = 9


def settings_file(config_dir: Path) -> Path:
    """Where the settings live: ``AppPaths.config_dir / "settings.json"``."""
    return config_dir / SETTINGS_FILE_NAME


class SettingsError(ValueError):
    """A setting that cannot be used; ``user_message`` says why and what to enter instead."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class ProfileKind(enum.Enum):
    SANDBOX_DEMO = "sandbox_demo"
    """The app starts its own embedded sandbox: no address, no key."""
    SANDBOX_URL = "sandbox_url"
    """A sandbox someone runs: its address, and its key in the secret store."""
    LIVE_API = "live_api"
    """The Live Commerce API: its address, and the account's key in the OS keychain."""

    @property
    def needs_url(self) -> bool:
        """Whether this kind of profile has an address and a key (all but the demo)."""
        return self is not ProfileKind.SANDBOX_DEMO


def checked_url(text: str) -> str:
    """``text`` as a platform address (trimmed, no trailing slash), or ``SettingsError``.

    It must be https, or plain http to this machine only (``domain.net``, the rule the
    platform client applies too). It must not carry a user name, password,
    query or fragment, where a key could hide.
    """
    url = text.strip().rstrip("/")
    if not url:
        raise SettingsError("Enter the platform's address, e.g. https://api.example.com.")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a port that is not a number in 0..65535
    except ValueError as exc:
        raise SettingsError(f"{url} is not a valid address ({exc}).") from exc
    if port == 0:
        raise SettingsError(f"{url} is not a valid address (port 0).")
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise SettingsError(
            f"{url} is not a web address: it must start with https:// and name a host."
        )
    if parts.username is not None or parts.password is not None:
        raise SettingsError(
            "The address must not contain a user name or password: "
            "enter the API key in the key field instead."
        )
    if parts.query or parts.fragment:
        raise SettingsError(
            "The address must not contain a query (?…) or fragment (#…): "
            "enter the API key in the key field instead."
        )
    if not plain_http_allowed(parts.scheme, host):
        raise SettingsError(
            f"{url} uses plain http, which anyone on the network can read: use https "
            f"(plain http is allowed only to this machine: {THIS_MACHINE_HINT})."
        )
    return url


@dataclass(frozen=True, slots=True)
class Profile:
    """Which platform the console talks to. The demo has no address; the others must have a
    valid one (``checked_url``), normalised on construction. Raises ``SettingsError``."""

    kind: ProfileKind = ProfileKind.SANDBOX_DEMO
    url: str | None = None

    def __post_init__(self) -> None:
        if not self.kind.needs_url:
            if self.url is not None:
                raise SettingsError("The demo sandbox runs inside the app and has no address.")
            return
        object.__setattr__(self, "url", checked_url(self.url or ""))

    @property
    def secret_account(self) -> str | None:
        """The name the profile's key is kept under in the ``SecretStore`` (None for the demo).

        It names the kind and the address's origin, so a key saved for one host is never
        sent to another one typed in later.
        """
        if self.url is None:
            return None
        parts = urlsplit(self.url)
        return f"{self.kind.value} {parts.scheme}://{parts.netloc.lower()}"


@dataclass(frozen=True, slots=True)
class Settings:
    profile: Profile = field(default_factory=Profile)
    last_currency: str = "USD"

    def __post_init__(self) -> None:
        if not is_currency_code(self.last_currency):
            raise SettingsError(f"{self.last_currency!r} is not an ISO 4217 currency code.")


def _to_json(settings: Settings) -> dict[str, Any]:
    return {
        "version": SETTINGS_VERSION,
        "profile": {"kind": settings.profile.kind.value, "url": settings.profile.url},
        "last_currency": settings.last_currency,
    }


def _profile_from(raw: Any) -> Profile:
    if not isinstance(raw, dict):
        raise SettingsError("the platform profile is missing")
    try:
        kind = ProfileKind(raw.get("kind"))
    except ValueError as exc:
        raise SettingsError(f"unknown platform profile {quote_short(raw.get('kind'))}") from exc
    url = raw.get("url")
    if url is not None and not isinstance(url, str):
        raise SettingsError("the platform address is not text")
    try:
        return Profile(kind, url)
    except SettingsError as exc:
        raise SettingsError(f"the platform profile cannot be used: {exc.user_message}") from exc


def _from_json(raw: Any, path: Path) -> tuple[Settings, str | None]:
    if not isinstance(raw, dict):
        return Settings(), f"{path} is damaged (not a settings object); using the defaults."
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return Settings(), f"{path} is damaged (no valid version); using the defaults."
    if version > SETTINGS_VERSION:
        return Settings(), (
            f"{path} was written by a newer version of Seller Console (settings version "
            f"{version}); using the defaults until you change a setting."
        )
    problems: list[str] = []
    profile = Profile()
    try:
        profile = _profile_from(raw.get("profile"))
    except SettingsError as exc:
        problems.append(f"{exc.user_message}, so the demo sandbox is used")
    currency = raw.get("last_currency", "USD")
    if not isinstance(currency, str) or not is_currency_code(currency):
        problems.append(
            f"the last currency {quote_short(currency)} is not a currency code, so USD is used"
        )
        currency = "USD"
    warning = None
    if problems:
        warning = f"Some settings in {path} could not be used: " + "; ".join(problems) + "."
    return Settings(profile, currency), warning


def load_settings(path: Path) -> tuple[Settings, str | None]:
    """The settings in ``path`` and a warning for the user, or None when all went well.

    Never raises: a missing file is a first run (defaults, no warning); an unreadable,
    damaged or newer-version file gives the defaults and says so.
    """
    try:
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            return Settings(), (
                f"{path} is damaged (over {MAX_SETTINGS_BYTES // 1024} KiB, far more than "
                "settings take); using the defaults."
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), None
    except UnicodeDecodeError:
        return Settings(), f"{path} is damaged (not UTF-8 text); using the defaults."
    except OSError as exc:
        return Settings(), f"{path} could not be read ({exc.strerror}); using the defaults."
    try:
        raw = json.loads(text, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        return Settings(), f"{path} is damaged ({exc.msg}, line {exc.lineno}); using the defaults."
    except ValueError as exc:  # _bounded_int
        return Settings(), f"{path} is damaged ({exc}); using the defaults."
    except RecursionError:
        return Settings(), f"{path} is damaged (nested too deeply); using the defaults."
    return _from_json(raw, path)


def _bounded_int(text: str) -> int:
    """JSON integers, refused past a few digits before any conversion (settings hold
    only a version number)."""
    if len(text) > _MAX_INT_DIGITS:
        raise ValueError(f"a number of {len(text)} digits")
    return int(text)


def save_settings(path: Path, settings: Settings) -> None:
    """Write ``settings`` to ``path`` atomically (a temporary file, then ``os.replace``).

    Creates the folder if needed; raises ``OSError`` when the disk refuses (the old file is
    then left as it was).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(_to_json(settings), indent=2) + "\n"
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
