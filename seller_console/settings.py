"""The user's settings: which platform profile to use, the last currency and OBS control
(``ObsSettings``, its password in the keychain), as versioned JSON.

The file lives at ``AppPaths.config_dir / "settings.json"`` (``settings_file``); this module
takes that path and knows nothing of Qt or platformdirs. Loading never fails: a missing file
gives the defaults quietly; a damaged one, or one written by a newer version of the app, gives
the defaults (or keeps what could be read) and a warning to show the user. Saving writes a
temporary file beside it and renames it over the old one, so a crash never leaves half a file.

The window's own memory, the catalogs and plans it reopens and lists under File > Open
recent and the commission rates set by hand per catalog, is ``workspace.json`` beside it
(``Workspace``, read and written the same way): the live engine writes ``settings.json``
whole, so the two never overwrite each other.

An API key is never part of the settings: it goes to the ``SecretStore`` under the profile's
``secret_account``. Addresses that could carry one (``https://user:key@host``, a query string)
are refused, so the key cannot slip into this file by way of the URL either.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from seller_console.domain.money import is_currency_code, quote_short
from seller_console.domain.net import THIS_MACHINE_HINT, plain_http_allowed
from seller_console.files import write_atomic

SETTINGS_FILE_NAME = "settings.json"
SETTINGS_VERSION = 1
"""The version this app writes; a file with a higher one is left alone and not read."""
MAX_SETTINGS_BYTES = 64 * 1024
_MAX_INT_DIGITS = 20  # Shopee's ids are 64-bit


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
    SHOPEE = "shopee"
    """Shopee Live: the region's partner host, partner/user/shop ids; the partner key and
    the token sets in the OS keychain (``shopee_entries``)."""
    TIKTOK = "tiktok"
    """TikTok Shop for creators: API and auth hosts, app key; the app secret and the token
    set in the OS keychain (``tiktok_entries``)."""
    MANUAL = "manual"
    """No API (manual pins): the operator pins in the platform's own app; no address, no key."""
    SHOPEE_PRACTICE = "shopee_practice"
    """The app starts a practice Shopee inside itself (practice credentials, in memory)."""
    TIKTOK_PRACTICE = "tiktok_practice"
    """The app starts a practice TikTok Shop inside itself (practice credentials, in memory)."""

    @property
    def needs_url(self) -> bool:
        """Whether this kind of profile has an address (and keys in the keychain)."""
        return self in _WITH_URL

    @property
    def embedded(self) -> bool:
        """Whether the app runs this platform itself (the demo and the practice ones)."""
        return self in (
            ProfileKind.SANDBOX_DEMO,
            ProfileKind.SHOPEE_PRACTICE,
            ProfileKind.TIKTOK_PRACTICE,
        )


_WITH_URL = frozenset(
    {ProfileKind.SANDBOX_URL, ProfileKind.LIVE_API, ProfileKind.SHOPEE, ProfileKind.TIKTOK}
)
SHOPEE_REGIONS = ("SG", "MY", "TH", "PH", "VN", "ID", "TW")
"""Where Shopee Live's API is published (the adapter knows each one's currency)."""
_MAX_FIELD = 200


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


def _positive_id(value: object, label: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise SettingsError(f"{label}: enter the number Shopee gives (digits only, above 0).")


def _plain(value: str | None, label: str, *, required: bool) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise SettingsError(f"{label}: this field is required.")
        return None
    if len(text) > _MAX_FIELD or any(c.isspace() or not c.isprintable() for c in text):
        raise SettingsError(
            f"{label}: letters, digits and punctuation only, no spaces, "
            f"up to {_MAX_FIELD} characters."
        )
    return text


@dataclass(frozen=True, slots=True)
class Profile:
    """Which platform the console talks to. Kinds without an address (the demo, the practice
    platforms, manual pins) must have none; the others must have a valid one
    (``checked_url``), normalised on construction, and their own fields: Shopee its partner,
    user and shop ids and region; TikTok its app key (and auth host, the API host when
    None). Raises ``SettingsError`` whose message starts with the field's label."""

    kind: ProfileKind = ProfileKind.SANDBOX_DEMO
    url: str | None = None
    auth_url: str | None = None
    """TikTok's auth host (token get and refresh); None: the API host serves both."""
    partner_id: int | None = None
    user_id: int | None = None
    shop_id: int | None = None
    region: str | None = None
    """Shopee's region (SG, MY, ...): the listing currency."""
    cover_url: str | None = None
    """Shopee's live session cover image; None: the first planned item's image."""
    app_key: str | None = None
    shop_cipher: str | None = None
    """TikTok: lets products be matched by seller SKU (the seller product search)."""
    tracking_code: str | None = None
    """TikTok: the creator's tracking code, added to product links."""

    def __post_init__(self) -> None:
        kind = self.kind
        extra = (
            self.auth_url,
            self.partner_id,
            self.user_id,
            self.shop_id,
            self.region,
            self.cover_url,
            self.app_key,
            self.shop_cipher,
            self.tracking_code,
        )
        if not kind.needs_url:
            if self.url is not None or any(v is not None for v in extra):
                raise SettingsError("This profile runs without an address or account details.")
            return
        object.__setattr__(self, "url", checked_url(self.url or ""))
        if kind is ProfileKind.SHOPEE:
            self._check_shopee()
        elif kind is ProfileKind.TIKTOK:
            self._check_tiktok()
        elif any(v is not None for v in extra):
            raise SettingsError("This profile has an address and a key only.")

    def _check_shopee(self) -> None:
        _positive_id(self.partner_id, "Partner ID")
        _positive_id(self.user_id, "User ID")
        _positive_id(self.shop_id, "Shop ID")
        region = (self.region or "SG").strip().upper()
        if region not in SHOPEE_REGIONS:
            raise SettingsError(f"Region: choose one of {', '.join(SHOPEE_REGIONS)}.")
        object.__setattr__(self, "region", region)
        if self.cover_url is not None:
            cover = self.cover_url.strip()
            if cover and urlsplit(cover).scheme != "https":
                raise SettingsError("Cover image URL: an https:// address of an image.")
            object.__setattr__(self, "cover_url", cover or None)
        if any(v is not None for v in (self.auth_url, self.app_key, self.shop_cipher)):
            raise SettingsError("A Shopee profile has no app key, auth host or shop cipher.")
        if self.tracking_code is not None:
            raise SettingsError("A Shopee profile has no tracking code.")

    def _check_tiktok(self) -> None:
        if self.auth_url is not None:
            auth = self.auth_url.strip()
            object.__setattr__(self, "auth_url", checked_url(auth) if auth else None)
        object.__setattr__(self, "app_key", _plain(self.app_key, "App key", required=True))
        object.__setattr__(
            self, "shop_cipher", _plain(self.shop_cipher, "Shop cipher", required=False)
        )
        object.__setattr__(
            self, "tracking_code", _plain(self.tracking_code, "Tracking code", required=False)
        )
        if any(v is not None for v in (self.partner_id, self.user_id, self.shop_id)):
            raise SettingsError("A TikTok Shop profile has no partner, user or shop id.")
        if self.region is not None or self.cover_url is not None:
            raise SettingsError("A TikTok Shop profile has no region or cover image.")

    @property
    def secret_account(self) -> str | None:
        """The name the profile's key is kept under in the ``SecretStore`` (None for kinds
        without a single key: the embedded ones, Shopee and TikTok, see their entries).

        It names the kind and the address's origin, so a key saved for one host is never
        sent to another one typed in later.
        """
        if self.url is None or self.kind in (ProfileKind.SHOPEE, ProfileKind.TIKTOK):
            return None
        return f"{self.kind.value} {_origin(self.url)}"

    @property
    def display_name(self) -> str:
        """The profile as the window names it, e.g. "Shopee Live at https://…"."""
        kind, where = self.kind, self.url or ""
        names = {
            ProfileKind.SANDBOX_DEMO: "Sandbox (demo)",
            ProfileKind.SANDBOX_URL: f"Sandbox at {where}",
            ProfileKind.LIVE_API: f"Live Commerce API at {where}",
            ProfileKind.SHOPEE: f"Shopee Live at {where} (shop {self.shop_id})",
            ProfileKind.TIKTOK: f"TikTok Shop at {where}",
            ProfileKind.MANUAL: "No API (manual pins)",
            ProfileKind.SHOPEE_PRACTICE: "Shopee (practice)",
            ProfileKind.TIKTOK_PRACTICE: "TikTok Shop (practice)",
        }
        return names[kind]

    def shopee_entries(self) -> tuple[str, str, str]:
        """The Shopee profile's keychain entries: partner key, user tokens, shop tokens.
        They name the host and the ids, so secrets saved for one shop or host are never
        sent to another."""
        assert self.kind is ProfileKind.SHOPEE
        assert self.url is not None
        base = f"shopee:{_origin(self.url)}:{self.partner_id}"
        return (
            f"{base}:partner_key",
            f"{base}:user:{self.user_id}:tokens",
            f"{base}:shop:{self.shop_id}:tokens",
        )

    def tiktok_entries(self) -> tuple[str, str]:
        """The TikTok profile's keychain entries: the app secret, the token set (named by
        the auth host, where the tokens come from, and the app key)."""
        assert self.kind is ProfileKind.TIKTOK
        assert self.url is not None
        base = f"tiktok:{_origin(self.auth_url or self.url)}:{self.app_key}"
        return f"{base}:secret", f"{base}:tokens"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


OBS_DEFAULT_URL = "ws://127.0.0.1:4455"
MAX_OBS_DELAY_S = 60.0


def checked_obs_url(text: str) -> str:
    """``text`` as an obs-websocket address (``ws://HOST:PORT``), or ``SettingsError``.

    ws or wss, a host, no user, password, path, query or fragment: the password goes to
    the keychain, never into this file. Plain ws is allowed to any host (OBS is usually on
    this machine or the studio's network); obs-websocket's authentication is a challenge,
    so the password itself never crosses the wire."""
    url = text.strip().rstrip("/")
    if not url:
        raise SettingsError(f"OBS address: enter it, e.g. {OBS_DEFAULT_URL}.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise SettingsError(f"OBS address: {url} is not a valid address ({exc}).") from exc
    if parts.scheme not in ("ws", "wss") or not parts.hostname or port == 0:
        raise SettingsError(
            f"OBS address: {url} is not a websocket address; write ws://HOST:PORT, "
            f"e.g. {OBS_DEFAULT_URL}."
        )
    if parts.username is not None or parts.password is not None:
        raise SettingsError(
            "OBS address: no user name or password in the address; "
            "enter the password in its own field."
        )
    if parts.path or parts.query or parts.fragment:
        raise SettingsError("OBS address: just ws://HOST:PORT, no path, query or fragment.")
    return url


@dataclass(frozen=True, slots=True)
class ObsSettings:
    """OBS Studio control (Show > OBS…): off unless ``enabled``. ``source`` names the
    sources the console makes in ``scene`` (``<source> title``, ``… price``, ``… image``
    or ``… overlay``); ``delay_s`` is the stream delay, which the overlay and OBS hold
    each change back by. The password is kept in the keychain under ``secret_account``.
    Raises ``SettingsError`` whose message starts with the field's label."""

    enabled: bool = False
    url: str = OBS_DEFAULT_URL
    scene: str = "Scene"
    source: str = "Seller Console"
    delay_s: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", checked_obs_url(self.url))
        for label, name in (("Scene", "scene"), ("Source", "source")):
            text = getattr(self, name).strip()
            if not text or len(text) > _MAX_FIELD or not text.isprintable():
                raise SettingsError(
                    f"{label}: a name as OBS shows it, 1 to {_MAX_FIELD} printable characters."
                )
            object.__setattr__(self, name, text)
        delay = self.delay_s
        if isinstance(delay, bool) or not 0 <= delay <= MAX_OBS_DELAY_S:
            raise SettingsError(
                f"Stream delay: between 0 and {MAX_OBS_DELAY_S:.0f} seconds, "
                "as the platform delays the video."
            )
        object.__setattr__(self, "delay_s", float(delay))

    @property
    def secret_account(self) -> str:
        """The keychain entry of the obs-websocket password: named by the address, so a
        password saved for one OBS is never sent to another."""
        return f"obs-websocket {self.url.lower()}"


class Theme(enum.Enum):
    """View > Theme: the system's colour scheme, or always light, or always dark."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"

    @classmethod
    def parse(cls, value: object) -> Theme:
        """A saved choice; anything else (none yet, a damaged file) is the system's."""
        return next((theme for theme in cls if theme.value == value), cls.SYSTEM)


@dataclass(frozen=True, slots=True)
class Settings:
    profile: Profile = field(default_factory=Profile)
    last_currency: str = "USD"
    obs: ObsSettings = field(default_factory=ObsSettings)

    def __post_init__(self) -> None:
        if not is_currency_code(self.last_currency):
            raise SettingsError(f"{self.last_currency!r} is not an ISO 4217 currency code.")


_PROFILE_TEXT = ("auth_url", "region", "cover_url", "app_key", "shop_cipher", "tracking_code")
_PROFILE_IDS = ("partner_id", "user_id", "shop_id")


def _to_json(settings: Settings) -> dict[str, Any]:
    p = settings.profile
    profile: dict[str, Any] = {"kind": p.kind.value, "url": p.url}
    for name in _PROFILE_TEXT + _PROFILE_IDS:  # only what the profile has: old files stay alike
        value = getattr(p, name)
        if value is not None:
            profile[name] = value
    doc: dict[str, Any] = {
        "version": SETTINGS_VERSION,
        "profile": profile,
        "last_currency": settings.last_currency,
    }
    obs = settings.obs
    if obs != ObsSettings():  # only when set: files without OBS stay as they were
        doc["obs"] = {
            "enabled": obs.enabled,
            "url": obs.url,
            "scene": obs.scene,
            "source": obs.source,
            "delay_s": obs.delay_s,
        }
    return doc


def _obs_from(raw: Any) -> ObsSettings:
    if raw is None:
        return ObsSettings()
    if not isinstance(raw, dict):
        raise SettingsError("the OBS settings are not an object")
    enabled = raw.get("enabled", False)
    if not isinstance(enabled, bool):
        raise SettingsError("the OBS setting 'enabled' is not true or false")
    defaults = ObsSettings()
    texts = {}
    for name in ("url", "scene", "source"):
        value = raw.get(name, getattr(defaults, name))
        if not isinstance(value, str):
            raise SettingsError(f"the OBS setting {name!r} is not text")
        texts[name] = value
    delay = raw.get("delay_s", 0)
    if isinstance(delay, bool) or not isinstance(delay, int | float):
        raise SettingsError("the OBS stream delay is not a number")
    try:
        return ObsSettings(enabled, texts["url"], texts["scene"], texts["source"], float(delay))
    except SettingsError as exc:
        raise SettingsError(f"the OBS settings cannot be used: {exc.user_message}") from exc


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
    texts: dict[str, str | None] = {}
    for name in _PROFILE_TEXT:
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            raise SettingsError(f"the platform profile's {name} is not text")
        texts[name] = value
    ids: dict[str, int | None] = {}
    for name in _PROFILE_IDS:
        number = raw.get(name)
        if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
            raise SettingsError(f"the platform profile's {name} is not a number")
        ids[name] = number
    try:
        return Profile(
            kind,
            url,
            auth_url=texts["auth_url"],
            partner_id=ids["partner_id"],
            user_id=ids["user_id"],
            shop_id=ids["shop_id"],
            region=texts["region"],
            cover_url=texts["cover_url"],
            app_key=texts["app_key"],
            shop_cipher=texts["shop_cipher"],
            tracking_code=texts["tracking_code"],
        )
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
    obs = ObsSettings()
    try:
        obs = _obs_from(raw.get("obs"))
    except SettingsError as exc:
        problems.append(f"{exc.user_message}, so OBS control is off")
    warning = None
    if problems:
        warning = f"Some settings in {path} could not be used: " + "; ".join(problems) + "."
    return Settings(profile, currency, obs), warning


def load_settings(path: Path) -> tuple[Settings, str | None]:
    """The settings in ``path`` and a warning for the user, or None when all went well.

    Never raises: a missing file is a first run (defaults, no warning); an unreadable,
    damaged or newer-version file gives the defaults and says so.
    """
    raw, problem = _read_json(path, MAX_SETTINGS_BYTES)
    if problem is not None:
        return Settings(), f"{problem}; using the defaults."
    if raw is _MISSING:
        return Settings(), None
    return _from_json(raw, path)


_MISSING = object()


def _read_json(path: Path, limit: int) -> tuple[Any, str | None]:
    """``path``'s JSON (``_MISSING`` when there is no file), or what is wrong with it.
    Bounded: the file's size (``limit`` bytes), its nesting and the digits of its numbers."""
    try:
        if path.stat().st_size > limit:
            return None, (
                f"{path} is damaged (over {limit // 1024} KiB, far more than it ever holds)"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _MISSING, None
    except UnicodeDecodeError:
        return None, f"{path} is damaged (not UTF-8 text)"
    except OSError as exc:
        return None, f"{path} could not be read ({exc.strerror})"
    try:
        return json.loads(text, parse_int=_bounded_int), None
    except json.JSONDecodeError as exc:
        return None, f"{path} is damaged ({exc.msg}, line {exc.lineno})"
    except ValueError as exc:  # _bounded_int
        return None, f"{path} is damaged ({exc})"
    except RecursionError:
        return None, f"{path} is damaged (nested too deeply)"


def _bounded_int(text: str) -> int:
    """JSON integers, refused past a few digits before any conversion (settings hold
    a version number and a Shopee profile's ids)."""
    if len(text) > _MAX_INT_DIGITS:
        raise ValueError(f"a number of {len(text)} digits")
    return int(text)


def save_settings(path: Path, settings: Settings) -> None:
    """Write ``settings`` to ``path`` atomically (a temporary file, then ``os.replace``).

    Creates the folder if needed; raises ``OSError`` when the disk refuses (the old file is
    then left as it was).
    """
    write_atomic(path, json.dumps(_to_json(settings), indent=2) + "\n")


# ---------------------------------------------------------------- the work the app reopens
WORKSPACE_FILE_NAME = "workspace.json"
WORKSPACE_VERSION = 1
MAX_RECENT = 10
"""How many catalogs and plans File > Open recent lists (the newest first)."""
MAX_CATALOGS = 30
"""How many catalogs the workspace keeps: every open one (each reopens at the next start,
however many brands a seller has open), then the closed ones among the newest ``MAX_RECENT``."""
MAX_RATES = 500  # commission rates set by hand, per catalog and kind (brand, product)
MAX_RATE_KEY_CHARS = 256  # a brand's name or a product's id
MAX_PATH_CHARS = 4096
MAX_COLUMN_MAPS = 50
"""Generic CSV column mappings remembered, one per header (the most recently used kept)."""
MAX_MAPPED_FIELDS = 64  # more than the fields a mapping can name
MAX_COLUMN_NAME_CHARS = 256
"""A mapping naming a longer column is used but not remembered (the workspace's bound)."""
MAX_SIGNATURE_CHARS = 64
MAX_WORKSPACE_BYTES = 12 * 1024 * 1024  # MAX_CATALOGS catalogs with MAX_RATES rates each
"""More than the most a workspace holds (its lists and rates are bounded), so every
workspace the app writes can be read back."""


def workspace_file(config_dir: Path) -> Path:
    """Where the window keeps the work it reopens (apart from ``settings.json``, which the
    live engine writes)."""
    return config_dir / WORKSPACE_FILE_NAME


@dataclass(frozen=True, slots=True)
class CatalogFile:
    """A catalog file the user opened, with what they told the importer, and the
    commission rates they set by hand (per brand, per product id), which win over the
    file's. ``open``: it was open when the app last stopped."""

    path: str
    format: str | None = None
    currency: str | None = None
    commission_rate: Decimal | None = None
    brand: str | None = None
    column_map: tuple[tuple[str, str], ...] = ()
    open: bool = True
    brand_rates: tuple[tuple[str, Decimal], ...] = ()
    product_rates: tuple[tuple[str, Decimal], ...] = ()

    def rate_for(self, brand: str, product_id: str) -> Decimal | None:
        """The rate set by hand for this product, else for its brand, else None."""
        for key, rate in self.product_rates:
            if key == product_id:
                return rate
        for key, rate in self.brand_rates:
            if key == brand:
                return rate
        return None


@dataclass(frozen=True, slots=True)
class Workspace:
    """The catalogs and plans the user worked with, the newest first: at most
    ``MAX_RECENT`` plans, and the catalogs ``_kept`` keeps; ``plan`` is the plan that was
    open when the app stopped.
    ``column_maps``: the generic CSV mappings the user confirmed, by header signature
    (``importers.TablePreview.signature``), the newest first: a brand's next export, under
    another name, maps itself."""

    catalogs: tuple[CatalogFile, ...] = ()
    plans: tuple[str, ...] = ()
    plan: str | None = None
    column_maps: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    def catalog(self, path: str) -> CatalogFile | None:
        return next((c for c in self.catalogs if c.path == path), None)

    def column_map(self, signature: str) -> dict[str, str] | None:
        """The mapping last confirmed for files with this header, if any."""
        return next((dict(m) for s, m in self.column_maps if s == signature), None)

    def with_column_map(self, signature: str, mapping: dict[str, str]) -> Workspace:
        """``mapping`` remembered for this header, first; the oldest beyond
        ``MAX_COLUMN_MAPS`` are forgotten. One over the bounds is not remembered."""
        if not _map_in_bounds(signature, tuple(mapping.items())):
            return self
        rest = tuple((s, m) for s, m in self.column_maps if s != signature)
        entry = (signature, tuple(mapping.items()))
        return replace(self, column_maps=(entry, *rest)[:MAX_COLUMN_MAPS])

    def with_catalog(self, entry: CatalogFile) -> Workspace:
        """``entry`` first (replacing the one for its file, keeping its rates when it has
        none); closed ones beyond ``MAX_RECENT`` drop off."""
        old = self.catalog(entry.path)
        if old is not None and not entry.brand_rates and not entry.product_rates:
            entry = replace(entry, brand_rates=old.brand_rates, product_rates=old.product_rates)
        rest = tuple(c for c in self.catalogs if c.path != entry.path)
        return replace(self, catalogs=_kept((entry, *rest)))

    def with_open(self, paths: set[str]) -> Workspace:
        """Which catalogs are open now (one closed beyond ``MAX_RECENT`` drops off)."""
        return replace(
            self, catalogs=_kept(tuple(replace(c, open=c.path in paths) for c in self.catalogs))
        )

    def with_plan(self, path: str | None) -> Workspace:
        """The plan open now (None: one with no file); a file goes first in the list."""
        if path is None:
            return replace(self, plan=None)
        plans = (path, *(p for p in self.plans if p != path))[:MAX_RECENT]
        return replace(self, plans=plans, plan=path)

    def with_rate(
        self, path: str, brand: str | None, product_id: str | None, rate: Decimal | None
    ) -> Workspace:
        """Set a catalog's rate for a product (when ``product_id`` is given) or a brand;
        ``rate`` None takes it off (the catalog file's rate applies again)."""
        entry = self.catalog(path)
        if entry is None:
            raise SettingsError(f"{path} is not a catalog the app has opened.")
        if rate is not None and not Decimal(0) <= rate <= Decimal(1):
            raise SettingsError("Commission: enter a rate between 0 % and 100 %.")
        if product_id is not None:
            rates = _set_rate(entry.product_rates, product_id, rate)
            entry = replace(entry, product_rates=rates)
        elif brand is not None:
            entry = replace(entry, brand_rates=_set_rate(entry.brand_rates, brand, rate))
        rest = tuple(entry if c.path == path else c for c in self.catalogs)
        return replace(self, catalogs=rest)

    def without_missing(self, exists: Callable[[str], bool]) -> tuple[Workspace, list[str]]:
        """The workspace without the files that are gone, and the names of those."""
        gone = [c.path for c in self.catalogs if not exists(c.path)]
        gone += [p for p in self.plans if not exists(p)]
        if not gone:
            return self, []
        plan = self.plan if self.plan not in gone else None
        return (
            replace(
                self,
                catalogs=tuple(c for c in self.catalogs if c.path not in gone),
                plans=tuple(p for p in self.plans if p not in gone),
                plan=plan,
            ),
            gone,
        )


def _kept(catalogs: tuple[CatalogFile, ...]) -> tuple[CatalogFile, ...]:
    """``catalogs`` (the newest first) without the closed ones past the newest
    ``MAX_RECENT``: an open catalog is never forgotten for being old, or it would not
    reopen at the next start and its rates set by hand would be lost."""
    kept = tuple(c for n, c in enumerate(catalogs) if c.open or n < MAX_RECENT)
    return kept[:MAX_CATALOGS]


def _set_rate(
    rates: tuple[tuple[str, Decimal], ...], key: str, rate: Decimal | None
) -> tuple[tuple[str, Decimal], ...]:
    if not key or len(key) > MAX_RATE_KEY_CHARS:
        raise SettingsError(f"Commission: a name or id of 1 to {MAX_RATE_KEY_CHARS} characters.")
    kept = tuple((k, r) for k, r in rates if k != key)
    if rate is None:
        return kept
    if len(kept) >= MAX_RATES:
        raise SettingsError(f"Commission: at most {MAX_RATES} rates per catalog.")
    return (*kept, (key, rate))


def _workspace_json(workspace: Workspace) -> dict[str, Any]:
    def rates(pairs: tuple[tuple[str, Decimal], ...]) -> dict[str, str]:
        return {k: str(r) for k, r in pairs}

    return {
        "version": WORKSPACE_VERSION,
        "catalogs": [
            {
                "path": c.path,
                "format": c.format,
                "currency": c.currency,
                "commission_rate": None if c.commission_rate is None else str(c.commission_rate),
                "brand": c.brand,
                "column_map": dict(c.column_map),
                "open": c.open,
                "brand_rates": rates(c.brand_rates),
                "product_rates": rates(c.product_rates),
            }
            for c in workspace.catalogs
        ],
        "plans": list(workspace.plans),
        "plan": workspace.plan,
        "column_maps": {s: dict(m) for s, m in workspace.column_maps},
    }


class _Damaged(ValueError):
    pass


def _text(raw: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_PATH_CHARS:
        raise _Damaged(f"{key} is not text")
    return value


def _rate(value: Any, where: str) -> Decimal:
    if not isinstance(value, str) or len(value) > 12:
        raise _Damaged(f"{where} is not a rate")
    try:
        rate = Decimal(value)
    except ArithmeticError as exc:
        raise _Damaged(f"{where} is not a rate") from exc
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(1):
        raise _Damaged(f"{where} is not a rate between 0 and 1")
    return rate


def _rates(raw: Any, where: str) -> tuple[tuple[str, Decimal], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict) or len(raw) > MAX_RATES:
        raise _Damaged(f"{where} is not a list of rates")
    if any(not k or len(k) > MAX_RATE_KEY_CHARS for k in raw):
        raise _Damaged(f"{where} names no brand or product")
    return tuple((str(k), _rate(v, f"{where} {quote_short(k)}")) for k, v in raw.items())


def _column_map(raw: Any) -> tuple[tuple[str, str], ...]:
    column_map = raw or {}
    if not isinstance(column_map, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in column_map.items()
    ):
        raise _Damaged("a column map is not text")
    return tuple(column_map.items())


def _column_maps(raw: Any) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    maps = raw or {}
    if not isinstance(maps, dict) or len(maps) > MAX_COLUMN_MAPS:
        raise _Damaged("the column maps are not an object")
    found = tuple((str(s), _column_map(m)) for s, m in maps.items())
    if not all(_map_in_bounds(s, m) for s, m in found):
        raise _Damaged("a column map is too long")
    return found


def _map_in_bounds(signature: str, mapping: tuple[tuple[str, str], ...]) -> bool:
    """A remembered mapping within the workspace's bounds (kept, and read back)."""
    return (
        0 < len(signature) <= MAX_SIGNATURE_CHARS
        and len(mapping) <= MAX_MAPPED_FIELDS
        and all(len(column) <= MAX_COLUMN_NAME_CHARS for _, column in mapping)
    )


def _catalog_file(raw: Any) -> CatalogFile:
    if not isinstance(raw, dict):
        raise _Damaged("a catalog is not an object")
    column_map = _column_map(raw.get("column_map"))
    rate = raw.get("commission_rate")
    currency = _text(raw, "currency")
    if currency is not None and not is_currency_code(currency):
        raise _Damaged(f"{quote_short(currency)} is not a currency code")
    path = _text(raw, "path", required=True)
    assert path is not None
    return CatalogFile(
        path,
        _text(raw, "format"),
        currency,
        None if rate is None else _rate(rate, "a catalog's commission rate"),
        _text(raw, "brand"),
        column_map,
        raw.get("open") is True,
        _rates(raw.get("brand_rates"), "a brand's rate"),
        _rates(raw.get("product_rates"), "a product's rate"),
    )


def load_workspace(path: Path) -> tuple[Workspace | None, str | None]:
    """The remembered work (None when there is none: a first run) and a warning for the
    user, or None. Never raises: a damaged file forgets the work and says so."""
    raw, problem = _read_json(path, MAX_WORKSPACE_BYTES)
    if problem is not None:
        return Workspace(), f"{problem}; the recent files are forgotten."
    if raw is _MISSING:
        return None, None
    try:
        if not isinstance(raw, dict) or raw.get("version") != WORKSPACE_VERSION:
            raise _Damaged("not a workspace of this version")
        catalogs = raw.get("catalogs") or []
        plans = raw.get("plans") or []
        if not isinstance(catalogs, list) or not isinstance(plans, list):
            raise _Damaged("the recent files are not lists")
        plan_list = tuple(
            _text({"plan": p}, "plan", required=True) or "" for p in plans[:MAX_RECENT]
        )
        return Workspace(
            tuple(_catalog_file(c) for c in catalogs[:MAX_CATALOGS]),
            plan_list,
            _text(raw, "plan"),
            _column_maps(raw.get("column_maps")),
        ), None
    except _Damaged as exc:
        return Workspace(), f"{path} is damaged ({exc}); the recent files are forgotten."


def save_workspace(path: Path, workspace: Workspace) -> None:
    """Write ``workspace`` atomically; raises ``OSError`` when the disk refuses."""
    write_atomic(path, json.dumps(_workspace_json(workspace), indent=2) + "\n")
