"""OBS settings (Show > OBS…): checked field by field, kept in settings.json without the
password, and the self-test's --overlay / --obs arguments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seller_console.cli import broadcast_self_test_problem, build_parser
from seller_console.settings import (
    ObsSettings,
    Profile,
    ProfileKind,
    Settings,
    SettingsError,
    load_settings,
    save_settings,
)


def test_the_defaults_are_off_on_the_local_obs() -> None:
    obs = ObsSettings()
    assert (obs.enabled, obs.url, obs.scene, obs.source, obs.delay_s) == (
        False,
        "ws://127.0.0.1:4455",
        "Scene",
        "Seller Console",
        0.0,
    )
    assert obs.secret_account == "obs-websocket ws://127.0.0.1:4455"
    assert ObsSettings(url="ws://Studio-PC:4455").secret_account == (
        "obs-websocket ws://studio-pc:4455"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url": ""}, "OBS address: enter it"),
        ({"url": "http://127.0.0.1:4455"}, "OBS address: .* is not a websocket address"),
        ({"url": "ws://user:secret@127.0.0.1:4455"}, "no user name or password"),
        ({"url": "ws://127.0.0.1:4455/?password=x"}, "no path, query or fragment"),
        ({"url": "ws://127.0.0.1:99999"}, "OBS address: .* not a valid address"),
        ({"scene": "  "}, "Scene: a name as OBS shows it"),
        ({"source": "a\nb"}, "Source: a name as OBS shows it"),
        ({"delay_s": 61.0}, "Stream delay: between 0 and 60 seconds"),
        ({"delay_s": -1.0}, "Stream delay"),
    ],
)
def test_each_field_is_checked_and_named(changes: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        ObsSettings(**changes)  # type: ignore[arg-type]


def test_obs_settings_round_trip_and_files_without_them_stay_alike(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    plain = Settings(Profile(ProfileKind.LIVE_API, "https://api.example.com"), "EUR")
    save_settings(path, plain)
    assert "obs" not in json.loads(path.read_text())
    obs = ObsSettings(True, " ws://192.168.1.20:4455/ ", "Live", "Shop card", 12.5)
    save_settings(path, Settings(plain.profile, "EUR", obs))
    doc = json.loads(path.read_text())
    assert doc["obs"] == {
        "enabled": True,
        "url": "ws://192.168.1.20:4455",
        "scene": "Live",
        "source": "Shop card",
        "delay_s": 12.5,
    }
    assert "password" not in path.read_text()
    assert load_settings(path) == (Settings(plain.profile, "EUR", obs), None)


def test_damaged_obs_settings_turn_obs_off_and_keep_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "profile": {"kind": "live_api", "url": "https://api.example.com"},
                "last_currency": "EUR",
                "obs": {"enabled": True, "url": "http://nope", "delay_s": 5},
            }
        )
    )
    settings, warning = load_settings(path)
    assert settings.obs == ObsSettings()
    assert settings.profile.kind is ProfileKind.LIVE_API
    assert warning is not None
    assert "OBS address" in warning
    assert "OBS control is off" in warning


def problem(*argv: str) -> tuple[str | None, str]:
    args = build_parser().parse_args(list(argv))
    found = broadcast_self_test_problem(args)
    return found, args.obs_password


def test_self_test_arguments_for_the_overlay_and_obs(tmp_path: Path) -> None:
    secret = tmp_path / "obs-password"
    secret.write_text("s3cret-pass\n")
    assert problem("--self-test", "--overlay") == (None, "")
    assert problem(
        "--self-test", "--obs", "ws://127.0.0.1:4455", "--obs-password-file", str(secret)
    ) == (None, "s3cret-pass")
    assert problem("--overlay")[0] == "--overlay and --obs go with --self-test"
    assert problem("--self-test", "--obs", "http://x")[0] is not None
    assert problem("--self-test", "--obs-password-file", str(secret))[0] == (
        "--obs-password-file goes with --obs"
    )
    missing = problem(
        "--self-test", "--obs", "ws://127.0.0.1:4455", "--obs-password-file", "/nope/pw"
    )[0]
    assert missing is not None
    assert missing.startswith("--obs-password-file: cannot read")
    # the platform self-test checks them too
    assert problem("--self-test", "--platform", "shopee", "--overlay") == (None, "")
    assert problem(
        "--self-test",
        "--platform",
        "tiktok",
        "--obs",
        "ws://127.0.0.1:4455",
        "--obs-password-file",
        str(secret),
    ) == (None, "s3cret-pass")
