"""A delimited file opened as a table: preamble rows skipped, the header row found by content.

Help rows above the header (Meta's ``# Required | ...``, ``# ref_application_id``, TikTok's
``context`` rows and its leading label column) are recognised, and the header is the first
row that a format recognises: never a fixed position.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from seller_console.importers.errors import UnknownFormatError
from seller_console.importers.report import ImportReport
from seller_console.importers.source import (
    CancelFn,
    Encoding,
    ProgressFn,
    Record,
    RecordReader,
    first_lines,
    is_blank,
    norm_header,
    sniff_delimiter,
)

_HEADER_SEARCH_ROWS = 40
_TIKTOK_LABELS = frozenset({"context", "columns", "example"})

HeaderTest = Callable[[list[str]], bool]
"""Given a row's normalised cells, True when it is this format's header."""
Getter = Callable[[str], str]
"""A row's cell by canonical field name."""


@dataclass(slots=True)
class Table:
    path: Path
    encoding: Encoding
    delimiter: str
    header: list[str]  # the file's own column names (BOM and blanks trimmed)
    header_row: int
    label_column: bool  # a leading label column (TikTok template) is dropped from every row
    records: Generator[Record, None, None]

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file now, however far it was read: an import that stops early (a
        refusal, a cancel) must not leave it open until the collector finds it, and
        compiled generators (setup.py) are not closed when they are freed."""
        self.records.close()

    def columns(self) -> dict[str, int]:
        """Normalised column name -> position; the first of duplicated names wins."""
        found: dict[str, int] = {}
        for i, name in enumerate(self.header):
            found.setdefault(norm_header(name), i)
        return found

    def data(self) -> Iterator[Record]:
        """Data records, blank and label rows skipped, label column dropped."""
        if not self.label_column:
            for record in self.records:
                first = record.cells[0] if record.cells else ""
                # A first cell with text (a handle, an id) is the common, non-blank case.
                if (first and not first.isspace()) or not is_blank(record.cells):
                    yield record
            return
        for record in self.records:
            cells = record.cells
            if cells and cells[0].strip().casefold() in _TIKTOK_LABELS:
                continue
            if not is_blank(cells[1:]):
                yield Record(record.row, record.line, cells[1:])


class Columns:
    """A format's canonical fields located in a table's header by their aliases.

    A missing column reads as blank, and ``column(key)`` gives the name the file uses,
    for reports.
    """

    def __init__(self, table: Table, aliases: Mapping[str, Sequence[str]]) -> None:
        found = table.columns()
        self.header = table.header
        self.positions: dict[str, int] = {}
        for key, names in aliases.items():
            pos = next((found[n] for n in names if n in found), None)
            if pos is not None:
                self.positions[key] = pos

    def has(self, key: str) -> bool:
        return key in self.positions

    def column(self, key: str) -> str:
        pos = self.positions.get(key)
        return self.header[pos] if pos is not None else key

    def get(self, cells: list[str], key: str) -> str:
        pos = self.positions.get(key)
        if pos is None or pos >= len(cells):
            return ""
        return cells[pos]


def open_table(
    path: Path,
    encoding: Encoding,
    headers: dict[str, HeaderTest],
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    report: ImportReport | None = None,
) -> tuple[str, Table]:
    """Find the header row among the first rows, and which format it belongs to.

    ``headers`` maps format names to their header tests, tried in order on each row.
    Raises ``UnknownFormatError`` when no row looks like a header of any of them.
    Rows the reader refuses (an unbalanced quote, a cap) go to ``report``.
    """
    delimiter = sniff_delimiter(_header_candidates(first_lines(path, encoding)))
    reader = RecordReader(path, encoding, delimiter, progress, cancel, report)
    records = iter(reader)
    looked: list[Record] = []
    try:
        for record in records:
            looked.append(record)
            cells = record.cells
            label = bool(cells) and cells[0].strip().casefold() == "columns"
            names = [norm_header(c) for c in (cells[1:] if label else cells)]
            for name, test in headers.items():
                if test(names):
                    header = [
                        c.replace("\ufeff", "").strip() for c in (cells[1:] if label else cells)
                    ]
                    reader.width = len(cells)
                    return name, Table(
                        path, encoding, delimiter, header, record.row, label, records
                    )
            if len(looked) >= _HEADER_SEARCH_ROWS:
                break
    except BaseException:
        records.close()
        raise
    records.close()
    raise UnknownFormatError(path, _unknown_format_reason(looked))


def _header_candidates(lines: list[str]) -> list[str]:
    """Lines that may hold the header: comment and help lines are not counted."""
    kept = [line for line in lines if line.strip() and not line.lstrip("\ufeff").startswith("#")]
    return kept[:6] or lines


def _unknown_format_reason(looked: list[Record]) -> str:
    if not looked:
        return "the file has no rows"
    first = next((r for r in looked if not is_blank(r.cells)), looked[0])
    shown = ", ".join(repr(c.strip()) for c in first.cells[:6] if c.strip())
    return (
        "this is not a catalog format the console knows (Shopify, Google Merchant, Meta, "
        "TikTok, WooCommerce); no header row was found in the first "
        f"{len(looked)} rows (row {first.row} starts with {shown or 'nothing'}). "
        "To import any other CSV, choose which column holds each field: in the window, "
        "choose the format 'Generic CSV (map columns)'; with catalog check, "
        "--format generic --map FIELD=COLUMN."
    )
