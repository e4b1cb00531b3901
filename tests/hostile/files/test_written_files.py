"""Files the app writes and reads back: report CSVs, show plans and the settings file."""

from __future__ import annotations

import asyncio
import csv
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.ledger import Ledger
from seller_console.domain.money import Money
from seller_console.domain.platform_port import IdempotencyKey
from seller_console.domain.rundown import ProductSnapshot, RundownItem, ShowPlan
from seller_console.domain.show_records import (
    PinOutcome,
    PinReceipt,
    PlannedSegment,
    ShowRecord,
    ShowStatus,
)
from seller_console.importers.show_plan import (
    MAX_PLAN_BYTES,
    ShowPlanError,
    load_plan,
    save_plan,
)
from seller_console.services.plan_store import PlanStore
from seller_console.services.reports import (
    ShowReport,
    build_report,
    neutralise_csv_cell,
    write_csv,
)
from seller_console.settings import Settings, load_settings

T0 = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
FORMULAS = [
    '=HYPERLINK("http://evil","x")',
    "@SUM(A1:A9)",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "\tx",
    "\rx",
]


def _report_with(texts: list[str]) -> ShowReport:
    show = ShowRecord("s1", "ses1", texts[0], T0, ShowStatus.ENDED, T0, T0 + timedelta(hours=1))
    segments = tuple(PlannedSegment(f"i{n}", n, text, text, 60) for n, text in enumerate(texts))
    receipts = tuple(
        PinReceipt(IdempotencyKey(f"k{n}"), "s1", text, T0, PinOutcome.FAILED, failure=text)
        for n, text in enumerate(texts)
    )
    return build_report(show, Ledger(CommissionPolicy()).snapshot(), segments, receipts, T0)


def test_report_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    write_csv(_report_with(FORMULAS), path)
    with path.open(newline="", encoding="utf-8") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    for formula in FORMULAS:
        assert formula not in cells
        assert "'" + formula in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]


@pytest.mark.parametrize("number", ["-12.50", "-3", "0.00", "42"])
def test_plain_numbers_stay_numbers(number: str) -> None:
    assert neutralise_csv_cell(number) == number


@given(st.text(max_size=40))
def test_no_neutralised_cell_can_start_a_formula(text: str) -> None:
    cell = neutralise_csv_cell(text)
    assert cell in (text, "'" + text)
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert cell.lstrip("-").replace(".", "", 1).isdigit()


# ------------------------------------------------------------------------- plans
def _plan(title: str = "Friday drop") -> ShowPlan:
    snap = ProductSnapshot(
        "p1",
        "v1",
        "S1",
        title,
        "",
        "Acme",
        Money.of("10.00", "USD"),
        None,
        "",
        5,
        Decimal("0.1"),
        "c",
    )
    return ShowPlan(title, (RundownItem("a", snap, 60),))


def _raw_plan(**changes: object) -> dict[str, object]:
    doc: dict[str, object] = {"format": "seller-console-show-plan", "version": 1, "items": []}
    doc.update(changes)
    return doc


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
        ('{"format": "seller-console-show-plan", "version": ' + "9" * 4_301 + "}", "4301 digits"),
        (json.dumps(_raw_plan(title="x")).replace('"x"', "1e" + "9" * 80), "characters"),
        (json.dumps(_raw_plan(title="\ud800")), "lone surrogate"),
        (json.dumps(_raw_plan(title="NaN")).replace('"NaN"', "NaN"), "not a number"),
        (
            '{"format": "seller-console-show-plan", "version": 1, "items": [{"id": "a", '
            '"product": {"title": "t", "stock": ' + "7" * 40 + "}}]}",
            "40 digits",
        ),
    ],
)
def test_a_hostile_plan_is_refused_on_open_with_a_typed_error(
    tmp_path: Path, text: str, words: str
) -> None:
    path = tmp_path / "hostile.showplan.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with pytest.raises(ShowPlanError, match=words):
        load_plan(path)


def test_a_plan_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.showplan.json"
    with path.open("wb") as fh:
        fh.truncate(MAX_PLAN_BYTES + 1)
    with pytest.raises(ShowPlanError, match="limit for a show plan"):
        load_plan(path)


def test_a_plan_that_cannot_be_saved_says_why_and_keeps_the_last_good_copy(tmp_path: Path) -> None:
    path = tmp_path / "drop.showplan.json"
    save_plan(path, _plan())
    good = path.read_bytes()
    with pytest.raises(ShowPlanError, match="lone surrogate"):
        save_plan(path, _plan("Scarf \udc80"))
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_the_autosave_keeps_the_last_good_copy(tmp_path: Path) -> None:
    store = PlanStore(tmp_path / "autosave.showplan.json")
    asyncio.run(store.autosave(_plan()))
    with pytest.raises(ShowPlanError):
        asyncio.run(store.autosave(_plan("bad \ud800")))
    recovery = asyncio.run(store.recovery())
    assert recovery is not None
    assert recovery.plan == _plan()


# ------------------------------------------------------------------------- settings
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[" * 30_000 + "]" * 30_000, "nested too deeply"),
        ('{"version": ' + "9" * 4_301 + "}", "4301 digits"),
        ('{"version": 1, "last_currency": ' + "9" * 4_301 + "}", "4301 digits"),
        ('{"version": 1, "profile": {"kind": "' + "k" * 50_000 + '"}}', "50000 chars"),
        ("x" * 70_000, "over 64 KiB"),
    ],
)
def test_hostile_settings_fall_back_to_the_defaults_and_say_why(
    tmp_path: Path, text: str, words: str
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(text, encoding="utf-8")
    settings, warning = load_settings(path)
    assert settings == Settings()
    assert warning is not None
    assert words in warning
    assert len(warning) < 1_000


@given(st.binary(max_size=200))
def test_settings_loading_never_raises(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.json"
        path.write_bytes(data)
        settings, _ = load_settings(path)
        assert isinstance(settings, Settings)
