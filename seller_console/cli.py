"""The command line: ``seller-console catalog check FILE`` for brand reps, tests and checks,
and ``seller-console shows list|report`` for past shows (``shows_cli``; ``shows refresh``
opens the platform, so ``app`` runs it).

Exit codes: 0 the file was imported (rejected rows included), 2 it could not be read at
all or the command was wrong. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from seller_console.importers import (
    FORMATS,
    CatalogImportError,
    ImportOptions,
    import_catalog,
)
from seller_console.importers.fields import CellError, parse_rate
from seller_console.paths import AppPaths
from seller_console.settings import ObsSettings, SettingsError, checked_url

EXIT_OK = 0
EXIT_UNREADABLE = 2


def _add_shows_commands(commands: argparse._SubParsersAction[Any]) -> None:
    """The ``shows`` commands (``shows_cli`` runs them, imported only then: the window's
    start-up parses its arguments with this parser and needs none of it)."""
    shows = commands.add_parser("shows", help="list past shows and print their reports")
    sub = shows.add_subparsers(dest="shows_command", required=True)
    listing = sub.add_parser("list", help="every show, newest first, with its totals")
    listing.add_argument("--json", action="store_true", help="one JSON array")
    report = sub.add_parser("report", help="one show's report")
    report.add_argument("show", metavar="ID", help="the show's id (or a unique prefix of it)")
    form = report.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON object")
    form.add_argument("--csv", action="store_true", help="CSV, as the report dialog exports")
    orders = sub.add_parser(
        "import-orders",
        help="a manual-pins show's orders from the platform's orders export (CSV)",
    )
    orders.add_argument("show", metavar="ID", help="the show's id (or a unique prefix of it)")
    orders.add_argument("file", metavar="FILE", type=Path, help="the orders export")
    orders.add_argument("--json", action="store_true", help="the outcome as one JSON object")
    refresh = sub.add_parser(
        "refresh",
        help="read a past show's orders again from its platform (settlements, refunds)",
    )
    refresh.add_argument("show", metavar="ID", help="the show's id (or a unique prefix of it)")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="seller-console",
        description="Seller Console. With no command it "
        "opens the window (with the demo catalog when nothing else is open).",
    )
    parser.add_argument(
        "--screenshot",
        metavar="FILE",
        type=Path,
        help="open the window, render it to a PNG once the demo has loaded, exit",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="run a whole show headless on the embedded sandbox, check the "
        "totals against the platform's orders, print one line, exit; with --platform, "
        "on that platform, without the window",
    )
    platform = parser.add_argument_group(
        "self-test on a platform",
        "seller-console --self-test --platform shopee|tiktok --base-url URL "
        "--credentials FILE --catalog FILE [--manual-pins]",
    )
    platform.add_argument("--platform", choices=PLATFORMS, help="the platform to test")
    platform.add_argument(
        "--base-url",
        metavar="URL",
        help="the platform's API host (TikTok: also its token host)",
    )
    platform.add_argument(
        "--credentials",
        metavar="FILE",
        type=Path,
        help="JSON: Shopee {partner_id, partner_key, access_token, refresh_token, user_id, "
        "shop_id[, shop_access_token, shop_refresh_token, region]}; TikTok {app_key, "
        "app_secret, access_token, refresh_token[, shop_cipher]}",
    )
    platform.add_argument("--catalog", metavar="FILE", type=Path, help="the catalog to plan from")
    platform.add_argument(
        "--manual-pins",
        action="store_true",
        help="pin by the operator (cues confirmed by the self-test) instead of the pin API",
    )
    outputs = parser.add_argument_group(
        "what the stream shows, checked by the self-test",
        "seller-console --self-test [--overlay] [--obs ws://HOST:PORT --obs-password-file "
        "FILE [--obs-scene NAME]]",
    )
    outputs.add_argument(
        "--overlay",
        action="store_true",
        help="print the product overlay's address and check that every take reaches its "
        "page's event stream within a second",
    )
    outputs.add_argument(
        "--obs",
        metavar="URL",
        help="drive this OBS (obs-websocket v5) during the show, creating its sources if "
        "missing, and read back after each take what OBS shows",
    )
    outputs.add_argument(
        "--obs-password-file",
        metavar="FILE",
        type=Path,
        help="a file holding the obs-websocket password (read into memory only)",
    )
    outputs.add_argument(
        "--obs-scene", metavar="NAME", default="Scene", help="the OBS scene (default: Scene)"
    )
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    _add_shows_commands(commands)
    catalog = commands.add_parser("catalog", help="work with catalog files")
    catalog_commands = catalog.add_subparsers(
        dest="catalog_command", parser_class=_Parser, required=True
    )
    check = catalog_commands.add_parser(
        "check",
        help="import a catalog file and report what was read and what is wrong",
        description="Import a catalog file as the console would, and print its counts and "
        "every problem found (row, column, reason). Nothing is saved.",
    )
    check.add_argument("file", type=Path)
    check.add_argument(
        "--format", choices=sorted(FORMATS), help="skip detection and read the file as this format"
    )
    check.add_argument(
        "--currency",
        metavar="CODE",
        help="currency for prices that carry none (ISO 4217, e.g. USD)",
    )
    check.add_argument(
        "--commission",
        metavar="RATE",
        type=_rate,
        help="the brand's default commission rate (0.15 or 15%%)",
    )
    check.add_argument("--brand", help="brand for products that name none")
    check.add_argument(
        "--map",
        metavar="FIELD=COLUMN",
        action="append",
        default=[],
        type=_mapping,
        help="with --format generic: which column holds a "
        "field (repeatable): id, title, price, currency, brand, image, ...",
    )
    check.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


PLATFORMS = ("shopee", "tiktok")


def platform_self_test_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the platform self-test's arguments, or None."""
    given = [
        name
        for name in ("platform", "base_url", "credentials", "catalog")
        if getattr(args, name) is not None
    ]
    if args.manual_pins:
        given.append("manual_pins")
    if not given:
        return None
    if not args.self_test:
        return (
            "--platform, --base-url, --credentials, --catalog and --manual-pins go with --self-test"
        )
    missing = [
        f"--{name.replace('_', '-')}"
        for name in ("platform", "base_url", "credentials", "catalog")
        if getattr(args, name) is None
    ]
    if missing:
        return f"the self-test on a platform also needs {', '.join(missing)}"
    try:
        checked_url(args.base_url)
    except SettingsError as exc:
        return f"--base-url: {exc.user_message}"
    return None


MAX_PASSWORD_FILE_BYTES = 4096


def broadcast_self_test_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with ``--overlay`` / ``--obs ...``, or None. Reads the password file
    into ``args.obs_password`` (memory only; its one line, without the line end)."""
    args.obs_password = ""
    given = args.overlay or args.obs is not None or args.obs_password_file is not None
    if not given:
        return None
    if not args.self_test:
        return "--overlay and --obs go with --self-test"
    if args.obs is None:
        return "--obs-password-file goes with --obs" if args.obs_password_file else None
    try:
        ObsSettings(True, args.obs, args.obs_scene)
    except SettingsError as exc:
        return f"--obs: {exc.user_message}"
    path: Path | None = args.obs_password_file
    if path is None:
        return None
    try:
        if path.stat().st_size > MAX_PASSWORD_FILE_BYTES:
            return f"--obs-password-file: {path} is too big for a password"
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"--obs-password-file: cannot read {path} ({exc})"
    args.obs_password = text.rstrip("\r\n")
    return None


def _rate(text: str) -> Decimal:
    try:
        rate = parse_rate(text)
    except CellError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if rate is None:
        raise argparse.ArgumentTypeError("empty rate")
    return rate


def _mapping(text: str) -> tuple[str, str]:
    field, sep, column = text.partition("=")
    if not sep or not field.strip() or not column.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not FIELD=COLUMN")
    return field.strip(), column.strip()


def catalog_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    options = ImportOptions(
        format=args.format,
        currency=args.currency,
        commission_rate=args.commission,
        brand=args.brand,
        column_map=dict(args.map),
    )
    try:
        result = import_catalog(args.file, options)
    except CatalogImportError as exc:
        return _unreadable(args, exc.reason, str(exc), out, err)
    except MemoryError:
        # Every cap is there so that this cannot happen; if a machine is that short of
        # memory all the same, it is still "could not be read", never a traceback.
        reason = "the computer ran out of memory reading this file"
        return _unreadable(args, reason, f"{Path(args.file).name}: {reason}", out, err)
    if args.json:
        json.dump(result.report.to_json(), out, ensure_ascii=False)
        out.write("\n")
    else:
        out.write("\n".join(result.report.summary_lines()) + "\n")
    return EXIT_OK


def _unreadable(args: argparse.Namespace, reason: str, text: str, out: TextIO, err: TextIO) -> int:
    if args.json:
        json.dump({"file": str(args.file), "error": reason}, out)
        out.write("\n")
    print(f"cannot import {text}", file=err)
    return EXIT_UNREADABLE


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "catalog":
        return catalog_check(args, out, err)
    if args.command == "shows":
        from seller_console import shows_cli  # deferred: start-up time (see above)

        try:
            return shows_cli.run_command(args, AppPaths.default().show_database, out, err)
        except BrokenPipeError:  # `... | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
    parser.print_help(out)
    return EXIT_OK
