"""``seller-console --self-test --platform ...``: its arguments and credentials file are
checked before anything connects, and every problem is one line that says what is wrong."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from seller_console.cli import build_parser, platform_self_test_problem
from seller_console.platform_selftest import Options, main


def problem(*argv: str) -> str | None:
    return platform_self_test_problem(build_parser().parse_args(list(argv)))


def test_the_platform_arguments_go_together_with_self_test() -> None:
    assert problem("--self-test") is None
    assert problem() is None
    said = problem("--platform", "shopee")
    assert said is not None
    assert "go with --self-test" in said
    said = problem("--self-test", "--platform", "tiktok", "--base-url", "https://x.example")
    assert said == "the self-test on a platform also needs --credentials, --catalog"
    said = problem(
        "--self-test",
        "--platform",
        "tiktok",
        "--base-url",
        "http://tiktok.example",
        "--credentials",
        "c.json",
        "--catalog",
        "cat.csv",
    )
    assert said is not None
    assert said.startswith("--base-url: ")
    assert "plain http" in said


def test_an_unknown_platform_is_refused_by_the_parser() -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["--self-test", "--platform", "youtube"])
    assert exited.value.code == 2


@pytest.mark.parametrize(
    ("platform", "doc", "reason"),
    [
        ("shopee", {"partner_id": 1}, "'user_id' must be a positive whole number"),
        (
            "shopee",
            {"partner_id": 1, "user_id": 2, "shop_id": 3, "partner_key": ""},
            "'partner_key' must be a non-empty string",
        ),
        ("tiktok", {"app_key": "k", "app_secret": "s"}, "'access_token' must be a non-empty"),
        ("tiktok", ["not", "an", "object"], "is not a JSON object"),
    ],
)
def test_a_bad_credentials_file_fails_with_the_field_before_any_call(
    tmp_path: Path, platform: str, doc: object, reason: str
) -> None:
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps(doc))
    out, err = io.StringIO(), io.StringIO()
    # Port 9 on this machine: nothing listens, and nothing is reached before the check.
    options = Options(platform, "https://127.0.0.1:9", credentials, tmp_path / "none.csv")
    assert main(options, out, err) == 1
    line = out.getvalue().strip()
    assert line.startswith("self-test: FAILED: ")
    assert reason in line


def test_a_missing_credentials_file_says_so(tmp_path: Path) -> None:
    out = io.StringIO()
    options = Options("shopee", "https://127.0.0.1:9", tmp_path / "nope.json", tmp_path / "c.csv")
    assert main(options, out, io.StringIO()) == 1
    assert out.getvalue().startswith("self-test: FAILED: cannot read ")
