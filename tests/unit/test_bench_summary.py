"""The benchmarks' one summary line, ``bench_NAME: key=value ...``, as a script reads it."""

import pytest

from tests.benchmarks._summary import number, summary


def _parse(line: str) -> tuple[str, dict[str, str]]:
    head, _, rest = line.partition(": ")
    return head, dict(pair.split("=", 1) for pair in rest.split(" "))


def test_a_line_names_the_benchmark_and_keeps_the_figures_in_order():
    line = summary(
        "import",
        {
            "rows_per_s": 21809.4,
            "ratio_vs_csv_reader": 3.456,
            "target_ratio": 4,
            "memory_mb": 183.2,
        },
    )
    assert (
        line
        == "bench_import: rows_per_s=21809 ratio_vs_csv_reader=3.46 target_ratio=4 memory_mb=183"
    )
    head, figures = _parse(line)
    assert head == "bench_import"
    assert list(figures) == ["rows_per_s", "ratio_vs_csv_reader", "target_ratio", "memory_mb"]
    assert [float(v) for v in figures.values()] == [21809, 3.46, 4, 183]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (412345.6, "412346"),  # no digit before the point is ever dropped
        (812.4, "812"),
        (23.45678, "23.5"),
        (1.07, "1.07"),
        (2.5, "2.5"),  # no trailing zeros
        (4.0, "4"),
        (0.012345, "0.0123"),  # small figures keep three significant digits
        (-1.234, "-1.23"),
        (0.0, "0"),
        (7, "7"),
        (1_000_000, "1000000"),
    ],
)
def test_numbers_are_plain_and_rounded_to_three_significant_figures(value, text):
    assert number(value) == text
    assert float(text) == pytest.approx(value, rel=5e-3)


def test_the_name_is_given_with_or_without_its_prefix():
    assert summary("bench_ledger", {"alone_orders_per_s": 9000}) == (
        summary("ledger", {"alone_orders_per_s": 9000})
    )
    assert summary("ledger", {}).startswith("bench_ledger:")


def test_a_skipped_part_ends_the_line_after_what_was_measured():
    assert summary("bundle", {}, skipped="no_bundle") == "bench_bundle: skipped=no_bundle"
    assert summary("ui", {"first_window_ms": 812.0}, skipped="no_display") == (
        "bench_ui: first_window_ms=812 skipped=no_display"
    )


@pytest.mark.parametrize(
    ("name", "figures", "skipped"),
    [
        ("", {"rows_per_s": 1.0}, None),
        ("Import", {"rows_per_s": 1.0}, None),
        ("import", {"rows per s": 1.0}, None),
        ("import", {"Memory": 1.0}, None),
        ("import", {"memory_mb": 1.0}, "no bundle"),
    ],
)
def test_names_keys_and_reasons_must_be_one_snake_case_word(name, figures, skipped):
    with pytest.raises(ValueError, match="snake_case"):
        summary(name, figures, skipped=skipped)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "183 MB", True, None])
def test_a_value_that_is_not_a_finite_number_is_refused(value):
    with pytest.raises((TypeError, ValueError), match="number"):
        summary("ui", {"memory_mb": value})
