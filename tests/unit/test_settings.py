"""Settings: defaults on a first run, a round trip, and never a crash on a bad file."""

from __future__ import annotations

import json
import os
from decimal import Decimal

import pytest

from seller_console.paths import AppPaths
from seller_console.settings import (
    MAX_WORKSPACE_BYTES,
    SETTINGS_VERSION,
    CatalogFile,
    Profile,
    ProfileKind,
    Settings,
    SettingsError,
    Workspace,
    checked_url,
    load_settings,
    load_workspace,
    save_settings,
    save_workspace,
    settings_file,
)


@pytest.fixture
def path(tmp_path):
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "cache")
    return settings_file(paths.config_dir)


def test_first_run_is_the_demo_sandbox_in_usd_without_a_warning(path):
    settings, warning = load_settings(path)
    assert settings == Settings()
    assert settings.profile.kind is ProfileKind.SANDBOX_DEMO
    assert settings.profile.url is None
    assert settings.last_currency == "USD"
    assert warning is None


def test_round_trip_writes_a_versioned_file_with_no_key(path):
    profile = Profile(ProfileKind.LIVE_API, " https://api.example.com/ ")
    save_settings(path, Settings(profile, "EUR"))
    assert path.name == "settings.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw == {
        "version": SETTINGS_VERSION,
        "profile": {"kind": "live_api", "url": "https://api.example.com"},
        "last_currency": "EUR",
    }
    assert load_settings(path) == (Settings(profile, "EUR"), None)
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temp file left


def test_saving_replaces_the_file_atomically(path, monkeypatch):
    save_settings(path, Settings(last_currency="GBP"))

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        save_settings(path, Settings(last_currency="JPY"))
    assert load_settings(path)[0].last_currency == "GBP"  # the old file is intact
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe garbage",
        b"[]",
        b'{"profile": {"kind": "live_api"}}',
        b'{"version": "one"}',
    ],
)
def test_a_damaged_file_gives_the_defaults_and_says_so(path, content):
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    settings, warning = load_settings(path)
    assert settings == Settings()
    assert warning is not None
    assert "damaged" in warning.replace(str(path), "")
    assert "using the defaults" in warning


def test_a_newer_version_is_not_read_and_says_so(path):
    path.parent.mkdir(parents=True)
    future = {"version": SETTINGS_VERSION + 1, "profile": {"kind": "quantum"}, "x": 1}
    path.write_text(json.dumps(future), encoding="utf-8")
    settings, warning = load_settings(path)
    assert settings == Settings()
    assert warning is not None
    assert "newer version" in warning


def test_a_bad_field_falls_back_alone_and_is_named(path):
    path.parent.mkdir(parents=True)
    raw = {
        "version": 1,
        "profile": {"kind": "live_api", "url": "http://example.com"},
        "last_currency": "EUR",
    }
    path.write_text(json.dumps(raw), encoding="utf-8")
    settings, warning = load_settings(path)
    assert settings == Settings(Profile(), "EUR")
    assert warning is not None
    assert "plain http" in warning
    assert "demo sandbox" in warning


def test_a_bad_currency_falls_back_to_usd(path):
    path.parent.mkdir(parents=True)
    raw = {"version": 1, "profile": {"kind": "sandbox_demo", "url": None}, "last_currency": 5}
    path.write_text(json.dumps(raw), encoding="utf-8")
    settings, warning = load_settings(path)
    assert settings == Settings()
    assert warning is not None
    assert "USD" in warning


def test_an_unreadable_path_gives_the_defaults(path):
    path.mkdir(parents=True)  # a folder where the file should be
    settings, warning = load_settings(path)
    assert settings == Settings()
    assert warning is not None
    assert "could not be read" in warning


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com",
        "https://api.example.com:8443/v1",
        "http://127.0.0.1:8765",
        "http://127.0.0.2:1",
        "http://localhost:8000",
        "http://LOCALHOST",
        "http://[::1]:9000",
    ],
)
def test_https_or_loopback_http_is_accepted(url):
    assert checked_url(url) == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.com", "plain http"),
        ("http://192.168.1.5:8000", "plain http"),
        ("http://localhost.example.com", "plain http"),
        ("ftp://example.com", "must start with https://"),
        ("example.com", "must start with https://"),
        ("https://", "must start with https://"),
        ("", "Enter the platform's address"),
        ("https://user:s3cret@api.example.com", "user name or password"),
        ("https://api.example.com/?api_key=s3cret", "query"),
        ("https://api.example.com:99999", "not a valid address"),
    ],
)
def test_other_addresses_are_refused_with_a_reason(url, message):
    with pytest.raises(SettingsError, match=message) as caught:
        checked_url(url)
    assert "s3cret" not in caught.value.user_message


def test_profiles_check_their_address():
    with pytest.raises(SettingsError):
        Profile(ProfileKind.SANDBOX_URL, None)
    with pytest.raises(SettingsError):
        Profile(ProfileKind.SANDBOX_DEMO, "https://api.example.com")
    assert Profile(ProfileKind.SANDBOX_URL, "http://127.0.0.1:8000/").url == "http://127.0.0.1:8000"


def test_a_key_is_kept_per_kind_and_host():
    assert Profile().secret_account is None
    live = Profile(ProfileKind.LIVE_API, "https://API.example.com/v1")
    assert live.secret_account == "live_api https://api.example.com"
    sandbox = Profile(ProfileKind.SANDBOX_URL, "http://127.0.0.1:8000")
    assert sandbox.secret_account == "sandbox_url http://127.0.0.1:8000"
    other = Profile(ProfileKind.LIVE_API, "https://evil.example.net")
    assert other.secret_account != live.secret_account


def test_settings_refuse_a_non_currency():
    with pytest.raises(SettingsError, match="currency"):
        Settings(last_currency="dollars")


# ---------------------------------------------------------------- the work the app reopens
def test_the_workspace_round_trips_with_its_rates_and_options(tmp_path):
    entry = CatalogFile(
        "/shop/teas.csv",
        format="generic",
        currency="EUR",
        commission_rate=Decimal("0.12"),
        brand="Kettle",
        column_map=(("title", "Name"),),
    )
    workspace = (
        Workspace()
        .with_catalog(entry)
        .with_plan("/shows/fri.showplan.json")
        .with_rate("/shop/teas.csv", "Kettle", None, Decimal("0.15"))
        .with_rate("/shop/teas.csv", None, "tea-1", Decimal("0.2"))
    )
    path = tmp_path / "workspace.json"
    save_workspace(path, workspace)
    loaded, warning = load_workspace(path)
    assert warning is None
    assert loaded == workspace
    assert loaded is not None
    teas = loaded.catalogs[0]
    assert teas.rate_for("Kettle", "tea-1") == Decimal("0.2")
    assert teas.rate_for("Kettle", "tea-2") == Decimal("0.15")
    assert teas.rate_for("Other", "tea-2") is None

    # taken off: the product's rate, then the brand's (the file's applies again)
    cleared = loaded.with_rate("/shop/teas.csv", None, "tea-1", None)
    assert cleared.catalogs[0].rate_for("Kettle", "tea-1") == Decimal("0.15")
    cleared = cleared.with_rate("/shop/teas.csv", "Kettle", None, None)
    assert cleared.catalogs[0].rate_for("Kettle", "tea-1") is None
    assert cleared.catalogs[0].brand_rates == ()
    assert cleared.catalogs[0].product_rates == ()


def test_no_workspace_is_a_first_run_and_a_damaged_one_is_forgotten_with_a_reason(tmp_path):
    path = tmp_path / "workspace.json"
    assert load_workspace(path) == (None, None)
    for text, reason in (
        ("{not json", "damaged"),
        ('{"version": 1, "catalogs": [{"path": 7}]}', "path is not text"),
        ('{"version": 1, "catalogs": [{"path": "/a", "brand_rates": {"B": "2"}}]}', "rate"),
        ('{"version": 1, "catalogs": [{"path": "/a", "currency": "usd!"}]}', "currency"),
        ("[" * 100_000, "damaged"),
        (" " * (MAX_WORKSPACE_BYTES + 1), "KiB"),
    ):
        path.write_text(text, encoding="utf-8")
        loaded, warning = load_workspace(path)
        assert loaded == Workspace()
        assert warning is not None
        assert reason in warning, (text[:40], warning)
        assert "recent files are forgotten" in warning


def test_a_column_mapping_is_remembered_per_header_the_newest_first(tmp_path):
    workspace = (
        Workspace()
        .with_column_map("brand-a", {"id": "Code", "title": "Name"})
        .with_column_map("brand-b", {"id": "SKU", "title": "Title"})
        .with_column_map("brand-a", {"id": "Code", "title": "Name", "price": "Cost"})
    )
    assert [s for s, _ in workspace.column_maps] == ["brand-a", "brand-b"]
    assert workspace.column_map("brand-a") == {"id": "Code", "title": "Name", "price": "Cost"}
    assert workspace.column_map("brand-c") is None
    too_long = {"id": "x" * 10_000, "title": "Name"}
    assert workspace.with_column_map("brand-c", too_long) == workspace
    path = tmp_path / "workspace.json"
    save_workspace(path, workspace)
    assert load_workspace(path) == (workspace, None)
    path.write_text('{"version": 1, "column_maps": {"a": {"id": 7}}}', encoding="utf-8")
    loaded, warning = load_workspace(path)
    assert loaded == Workspace()
    assert warning is not None
    assert "column map" in warning


def test_a_rate_out_of_range_is_refused_with_the_field_named():
    workspace = Workspace().with_catalog(CatalogFile("/a.csv"))
    with pytest.raises(SettingsError, match="Commission"):
        workspace.with_rate("/a.csv", "B", None, Decimal("1.5"))
    with pytest.raises(SettingsError, match="not a catalog"):
        workspace.with_rate("/b.csv", "B", None, Decimal("0.1"))


def test_the_largest_workspace_the_app_can_write_is_read_back(tmp_path):
    from seller_console.settings import (
        MAX_CATALOGS,
        MAX_COLUMN_MAPS,
        MAX_COLUMN_NAME_CHARS,
        MAX_MAPPED_FIELDS,
        MAX_PATH_CHARS,
        MAX_RATE_KEY_CHARS,
        MAX_RATES,
        MAX_RECENT,
        MAX_SIGNATURE_CHARS,
    )

    def rates(kind: str) -> tuple[tuple[str, Decimal], ...]:
        return tuple(
            (f"{kind}{n:05d}".ljust(MAX_RATE_KEY_CHARS, "x"), Decimal("0.1234"))
            for n in range(MAX_RATES)
        )

    catalogs = tuple(
        CatalogFile(
            f"/{n}".ljust(MAX_PATH_CHARS, "c"), brand_rates=rates("b"), product_rates=rates("p")
        )
        for n in range(MAX_CATALOGS)
    )
    plans = tuple(f"/{n}".ljust(MAX_PATH_CHARS, "p") for n in range(MAX_RECENT))
    column_map = {f"f{n}": "c".ljust(MAX_COLUMN_NAME_CHARS, "c") for n in range(MAX_MAPPED_FIELDS)}
    biggest = Workspace(catalogs, plans, plans[0])
    for n in range(MAX_COLUMN_MAPS + 1):
        biggest = biggest.with_column_map(f"{n}".ljust(MAX_SIGNATURE_CHARS, "s"), column_map)
    assert len(biggest.column_maps) == MAX_COLUMN_MAPS
    path = tmp_path / "workspace.json"
    save_workspace(path, biggest)
    assert path.stat().st_size <= MAX_WORKSPACE_BYTES
    assert load_workspace(path) == (biggest, None)
