"""Caps on a cell, a line, a record and the rows of a file, each named in its message;
Cancel looked at often enough to stop any import at once."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from seller_console.importers import (
    CatalogImportError,
    ImportCancelledError,
    ImportOptions,
    import_catalog,
    source,
)
from tests.hostile.files import corpus
from tests.hostile.files.helpers import check


def test_a_line_over_the_cap_is_refused_and_named(tmp_path: Path) -> None:
    long_title = "x" * (source.MAX_LINE_CHARS + 10)
    text = corpus.GOOGLE_HEADER + corpus.google_row(0) + corpus.google_row(1, price=long_title)
    text += corpus.google_row(2)
    path = corpus.write(tmp_path, "feed.tsv", text)
    code, report, _ = check(path)
    assert code == 0
    assert report["variants"] == 2
    [refused] = report["rejected_rows"]
    assert refused["line"] == 3
    assert "2 MiB" in refused["reason"]


def test_a_cell_over_the_cap_is_refused_and_named(tmp_path: Path) -> None:
    big = '"' + "y" * (source.MAX_CELL_CHARS + 1) + '"'
    text = corpus.GOOGLE_HEADER + corpus.google_row(0) + corpus.google_row(1, price=big)
    path = corpus.write(tmp_path, "feed.tsv", text + corpus.google_row(2))
    code, report, _ = check(path)
    assert code == 0
    assert report["variants"] == 2
    assert "1 MiB" in report["rejected_rows"][0]["reason"]


def test_a_file_over_the_row_cap_is_refused_with_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "MAX_ROWS", 1_000)
    path = corpus.write(tmp_path, "feed.tsv", corpus.short_cells(5_000))
    code, report, err = check(path)
    assert code == 2
    assert "more than 1,000 rows" in report["error"]
    assert "Traceback" not in err


def test_an_xml_feed_over_the_row_cap_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seller_console.importers import merchant_xml

    monkeypatch.setattr(merchant_xml, "MAX_ROWS", 300)
    items = "".join(f"<item><id>{i}</id><title>T</title></item>" for i in range(2_000))
    path = corpus.write(tmp_path, "feed.xml", f"<rss><channel>{items}</channel></rss>")
    with pytest.raises(CatalogImportError, match="more than 300 items"):
        import_catalog(path)


def test_a_single_line_of_short_cells_is_capped_not_held(tmp_path: Path) -> None:
    # One 3 MiB line of empty cells after the header: refused as over the line cap.
    path = corpus.write(tmp_path, "feed.tsv", corpus.GOOGLE_HEADER + "\t" * (3 << 20) + "\n")
    code, report, _ = check(path)
    assert code == 0
    assert "longer than the limit" in report["rejected_rows"][0]["reason"]


def test_the_problem_lists_are_capped_but_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seller_console.importers import report as report_module

    monkeypatch.setattr(report_module, "MAX_LISTED", 100)
    path = corpus.write(tmp_path, "feed.tsv", corpus.short_cells(1_000))
    result = import_catalog(path, ImportOptions())
    assert len(result.report.rejected) == 100
    assert result.report.rows_rejected == 1_000
    assert "... and 900 more, not listed" in "\n".join(result.report.summary_lines())


def _counting_cancel() -> tuple[list[int], Callable[[], bool]]:
    calls = [0]

    def cancel() -> bool:
        calls[0] += 1
        return False

    return calls, cancel


_FORMATS = {
    "feed.tsv": lambda n: corpus.plain_google(n),
    "products.csv": lambda n: (
        corpus.SHOPIFY_HEADER + "".join(corpus.shopify_row(i) for i in range(n))
    ),
    "feed.xml": lambda n: (
        "<rss><channel>"
        + "".join(
            f"<item><id>{i}</id><title>T</title><price>1.00 USD</price></item>" for i in range(n)
        )
        + "</channel></rss>"
    ),
}


@pytest.mark.parametrize("name", sorted(_FORMATS))
def test_cancel_is_looked_at_every_few_hundred_rows(tmp_path: Path, name: str) -> None:
    """The cost bound behind "Cancel stops within 0.5 s": between two looks at cancel an
    import does at most ``CHECK_EVERY`` capped rows, in every phase and format."""
    rows = 20_000
    path = corpus.write(tmp_path, name, _FORMATS[name](rows))
    calls, cancel = _counting_cancel()
    import_catalog(path, ImportOptions(currency="USD"), cancel=cancel)
    assert calls[0] >= rows // source.CHECK_EVERY


@pytest.mark.parametrize("name", sorted(_FORMATS))
def test_cancel_stops_well_before_the_end_of_a_big_file(tmp_path: Path, name: str) -> None:
    path = corpus.write(tmp_path, name, _FORMATS[name](20_000))
    calls = [0]

    def cancel() -> bool:
        calls[0] += 1
        return calls[0] >= 3

    with pytest.raises(ImportCancelledError):
        import_catalog(path, ImportOptions(currency="USD"), cancel=cancel)
    assert calls[0] == 3


class _FailingDisk(io.RawIOBase):
    """A file whose disk fails once ``good`` bytes of it have been read."""

    def __init__(self, path: Path, good: int) -> None:
        super().__init__()
        self._file, self._left = path.open("rb", buffering=0), good

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            raise OSError(5, "Input/output error")
        count = self._file.readinto(memoryview(buffer)[: self._left])
        self._left -= count
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


def test_a_read_error_mid_file_is_unreadable_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = corpus.write(tmp_path, "feed.tsv", corpus.plain_google(3_000))
    good = len("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:100]))
    real_open = Path.open

    def failing_open(self: Path, mode: str = "r", buffering: int = -1, **kw: Any) -> Any:
        # The pass that reads the records (in big chunks, so with its own buffering) meets
        # a disk that fails on line 101; the passes before it read the file whole.
        if self == path and mode == "rb" and buffering > 0:
            return io.BufferedReader(_FailingDisk(path, good), buffering)
        return real_open(self, mode, buffering, **kw)

    monkeypatch.setattr(Path, "open", failing_open)
    code, report, err = check(path)
    assert code == 2
    assert "Input/output error" in report["error"]
    assert "Traceback" not in err


def test_an_xml_element_over_the_cell_cap_refuses_its_item_only(tmp_path: Path) -> None:
    items = [
        f"<item><id>{i}</id><title>T{i}</title><price>1.00 USD</price></item>" for i in range(4)
    ]
    items[2] = items[2].replace(
        "</title>", "</title><description>" + "x" * (source.MAX_CELL_CHARS + 1) + "</description>"
    )
    path = corpus.write(
        tmp_path, "feed.xml", "<rss><channel>" + "".join(items) + "</channel></rss>"
    )
    code, report, _ = check(path)
    assert code == 0
    assert report["variants"] == 3
    [refused] = report["rejected_rows"]
    assert refused["column"] == "<description>"
    assert "1 MiB" in refused["reason"]
