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
