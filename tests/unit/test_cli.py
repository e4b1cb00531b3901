import io
import json
import subprocess
import sys

from seller_console.cli import main

SHOPIFY = "Handle,Title,Variant SKU,Variant Price\na,Alpha,A1,10\nb,,B1,x\n"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_check_prints_counts_and_problems(tmp_path):
    path = tmp_path / "shop.csv"
    path.write_text(SHOPIFY)
    code, out, _ = run("catalog", "check", str(path), "--currency", "USD")
    assert code == 0
    assert "shopify" in out
    assert "products: 1" in out
    assert "row 3, column 'Title': the first row of product 'b' has no title" in out


def test_check_json_has_the_documented_keys(tmp_path):
    path = tmp_path / "shop.csv"
    path.write_text(SHOPIFY)
    code, out, _ = run("catalog", "check", str(path), "--json")
    assert code == 0
    data = json.loads(out)
    for key in ("format", "products", "variants", "rejected_rows", "warnings", "currencies"):
        assert key in data
    assert data["format"] == "shopify"
    assert (data["products"], data["variants"]) == (1, 1)
    assert data["rejected_rows"] == [
        {
            "row": 3,
            "column": "Title",
            "reason": "the first row of product 'b' has no title",
            "line": 3,
        }
    ]
    assert data["currencies"] == ["XXX"]


def test_unreadable_file_exits_2_with_one_message(tmp_path):
    code, _, err = run("catalog", "check", str(tmp_path / "nope.csv"))
    assert code == 2
    assert err.strip() == "cannot import nope.csv: the file does not exist"
    code, _, err = run("catalog", "check", str(tmp_path / "nope.csv"), "--currency", "ZZZ")
    assert code == 2
    assert "unknown currency code 'ZZZ'" in err


def test_bad_arguments_exit_2_without_traceback(tmp_path):
    code = subprocess.run(
        [
            sys.executable,
            "-m",
            "seller_console",
            "catalog",
            "check",
            "x.csv",
            "--commission",
            "lots",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert code.returncode == 2
    assert "Traceback" not in code.stderr
    assert "is not a rate" in code.stderr


def test_shows_import_orders_imports_once_and_reports_bad_rows(tmp_path, monkeypatch):
    """``shows import-orders ID FILE``: a manual-pins show's export, by a prefix of its id;
    the bad rows are listed with row, column and reason; again is nothing new."""
    import asyncio
    from datetime import UTC, datetime

    from seller_console.domain.show_records import PlatformAccount, ShowRecord, ShowStatus
    from seller_console.paths import AppPaths
    from seller_console.storage import Database, ShowStore

    monkeypatch.setenv("SELLER_CONSOLE_HOME", str(tmp_path / "home"))
    database = AppPaths.default().show_database
    database.parent.mkdir(parents=True)
    start, end = datetime(2026, 12, 1, 20, tzinfo=UTC), datetime(2026, 12, 1, 21, tzinfo=UTC)

    async def make() -> None:
        db = await Database.open(database)
        try:
            show = ShowRecord(
                "manual123",
                "m1",
                "Whatnot night",
                start,
                ShowStatus.ENDED,
                start,
                end,
                PlatformAccount("manual", ""),
                by_time=True,
            )
            await ShowStore(db).create_show(show, [])
            still_live = ShowRecord(
                "live456",
                "m2",
                "Still on",
                start,
                ShowStatus.LIVE,
                start,
                None,
                PlatformAccount("manual", ""),
                by_time=True,
            )
            await ShowStore(db).create_show(still_live, [])
        finally:
            await db.close()

    asyncio.run(make())
    export = tmp_path / "orders.csv"
    export.write_text(
        "order id,time,sku,qty,amount,currency\n"
        "W1,2026-12-01T20:10:00Z,CARD-1,1,5.00,USD\n"
        "W2,2026-12-01T20:20:00Z,CARD-1,two,5.00,USD\n"
    )
    code, out, err = run("shows", "import-orders", "manual", str(export))
    assert (code, err) == (0, "")
    assert "1 orders, 1 new, 0 changed, 1 rows rejected" in out
    assert "row 3, column 'qty':" in out
    code, out, _ = run("shows", "import-orders", "manual", str(export), "--json")
    assert code == 0
    assert json.loads(out)["new"] == 0
    code, out, _ = run("shows", "report", "manual", "--json")
    assert json.loads(out)["totals"][0]["gross"] == "5.00"
    code, _, err = run("shows", "import-orders", "live456", str(export))
    assert code == 2
    assert "has not ended" in err
    code, _, err = run("shows", "import-orders", "nosuch", str(export))
    assert code == 2
    assert "no show" in err


def test_shows_refresh_says_why_it_cannot_and_exits_2(tmp_path, monkeypatch):
    """``shows refresh ID`` opens the chosen profile's platform: a manual-pins show has
    nothing to read again, an unknown id is named, no database is said so; never a traceback."""
    import asyncio
    from datetime import UTC, datetime

    from seller_console.app import shows_refresh
    from seller_console.domain.show_records import PlatformAccount, ShowRecord, ShowStatus
    from seller_console.paths import AppPaths
    from seller_console.settings import Profile, ProfileKind, Settings, save_settings, settings_file
    from seller_console.storage import Database, ShowStore

    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "cache")
    out, err = io.StringIO(), io.StringIO()
    assert shows_refresh("abc", paths, out, err) == 2
    assert "no show database" in err.getvalue()

    save_settings(settings_file(paths.config_dir), Settings(Profile(ProfileKind.MANUAL)))
    paths.show_database.parent.mkdir(parents=True)
    start = datetime(2026, 12, 1, 20, tzinfo=UTC)

    async def make() -> None:
        db = await Database.open(paths.show_database)
        try:
            show = ShowRecord(
                "manual9",
                "m9",
                "Night",
                start,
                ShowStatus.ENDED,
                start,
                start,
                PlatformAccount("manual", "no API"),
                by_time=True,
            )
            await ShowStore(db).create_show(show, [])
        finally:
            await db.close()

    asyncio.run(make())
    out, err = io.StringIO(), io.StringIO()
    assert shows_refresh("manual", paths, out, err) == 2
    assert "orders export" in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert shows_refresh("zzz", paths, out, err) == 2
    assert "no show 'zzz'" in err.getvalue()
