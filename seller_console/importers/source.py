"""Reading a catalog file: size limit, encoding, delimiter, records and the header row.

The file is streamed, never held whole: the encoding is settled by one incremental decode
pass over the bytes, then a quote-aware ``csv.reader`` walks the records (multi-line cells
included), reporting each record's spreadsheet row and the line it starts on.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final, NamedTuple

from seller_console.importers.errors import CatalogImportError, ImportCancelledError

MAX_FILE_BYTES: Final = 512 * 1024 * 1024
_CHUNK: Final = 1 << 20
_SNIFF_BYTES: Final = 64 * 1024
DELIMITERS: Final = (",", "\t", ";", "|", "~")

csv.field_size_limit(64 * 1024 * 1024)

ProgressFn = Callable[[int, int], None]
"""Called with (bytes read, total bytes) as the import goes."""
CancelFn = Callable[[], bool]
"""Returns True when the user asked to stop."""


@dataclass(frozen=True, slots=True)
class Encoding:
    codec: str  # what Python opens the file with
    label: str  # what the report says
    fallback: bool  # True when the bytes were not valid UTF-8 and cp1252 was assumed
    bad_offset: int | None = None  # where UTF-8 decoding first failed


def check_size(path: Path, max_bytes: int = MAX_FILE_BYTES) -> int:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CatalogImportError(path, "the file does not exist") from None
    except OSError as exc:
        raise CatalogImportError(path, f"the file cannot be read: {exc.strerror}") from None
    if not path.is_file():
        raise CatalogImportError(path, "this is not a file")
    if size > max_bytes:
        raise CatalogImportError(
            path, f"the file is {size / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit"
        )
    if size == 0:
        raise CatalogImportError(path, "the file is empty")
    return size


def open_binary(path: Path, buffering: int = -1) -> BinaryIO:
    try:
        return path.open("rb", buffering=buffering)
    except OSError as exc:
        raise CatalogImportError(path, f"the file cannot be read: {exc.strerror}") from None


def head_bytes(path: Path, count: int = _SNIFF_BYTES) -> bytes:
    with open_binary(path) as fh:
        return fh.read(count)


def detect_encoding(path: Path) -> Encoding:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else cp1252 with a warning."""
    head = head_bytes(path, 4)
    if head.startswith(codecs.BOM_UTF8):
        codec, label = "utf-8-sig", "UTF-8 with BOM"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Encoding("utf-16", "UTF-16", fallback=False)
    else:
        codec, label = "utf-8", "UTF-8"
    decoder = codecs.getincrementaldecoder(codec)()
    offset = 0
    with open_binary(path) as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return Encoding("cp1252", "Windows-1252 (assumed)", True, offset + exc.start)
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return Encoding("cp1252", "Windows-1252 (assumed)", True, offset + exc.start)
    return Encoding(codec, label, fallback=False)


def open_text(path: Path, encoding: Encoding) -> tuple[BinaryIO, io.TextIOWrapper]:
    """The raw file (for progress) and a text view of it for ``csv`` (``newline=''``).

    Read in 1 MiB chunks: each read releases the GIL, and with small reads a worker
    thread importing a file keeps winning it back from the GUI thread.
    """
    raw = open_binary(path, _CHUNK)
    errors = "replace" if encoding.fallback else "strict"
    return raw, io.TextIOWrapper(raw, encoding=encoding.codec, errors=errors, newline="")


def sniff_delimiter(sample_lines: list[str]) -> str:
    """The delimiter that splits the header-like lines most consistently.

    Counts each candidate outside quotes on the first lines; a delimiter wins by the
    number of fields it gives on the first line any of them splits (the header, as a
    rule: data lines are not trusted first, since free text such as a description
    holds commas), then on the line that has the most, ties broken by the order of
    ``DELIMITERS`` (comma first).
    """
    counts = {
        delim: [_count_outside_quotes(line, delim) for line in sample_lines] for delim in DELIMITERS
    }
    first = next((i for i in range(len(sample_lines)) if any(c[i] for c in counts.values())), None)
    best, best_score = ",", (0, 0)
    for delim, found in counts.items():
        score = (found[first] if first is not None else 0, max(found, default=0))
        if score > best_score:
            best, best_score = delim, score
    return best


def _count_outside_quotes(line: str, delim: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            count += 1
    return count


def first_lines(path: Path, encoding: Encoding, count: int = 12) -> list[str]:
    raw, text = open_text(path, encoding)
    with raw, text:
        lines = []
        for line in text:
            lines.append(line.rstrip("\r\n"))
            if len(lines) >= count:
                break
    return lines


class Record(NamedTuple):
    """One CSV record: its spreadsheet row, the line it starts on, and its cells."""

    row: int
    line: int
    cells: list[str]


class RecordReader:
    """Iterates a delimited file's records, reporting progress and honouring cancel."""

    def __init__(
        self,
        path: Path,
        encoding: Encoding,
        delimiter: str,
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        self._progress = progress
        self._cancel = cancel

    def __iter__(self) -> Iterator[Record]:
        total = self.path.stat().st_size
        raw, text = open_text(self.path, self.encoding)
        with raw, text:
            reader = csv.reader(text, delimiter=self.delimiter, quotechar='"', strict=False)
            line = 1
            row = 0
            try:
                for cells in reader:
                    row += 1
                    start = line
                    line = reader.line_num + 1
                    if row % 2048 == 0:
                        if self._cancel is not None and self._cancel():
                            raise ImportCancelledError(self.path)
                        if self._progress is not None:
                            self._progress(raw.tell(), total)
                    yield Record(row, start, cells)
            except csv.Error as exc:
                raise CatalogImportError(
                    self.path, f"the file is not valid CSV near line {reader.line_num}: {exc}"
                ) from None
            except UnicodeDecodeError as exc:
                raise CatalogImportError(
                    self.path, f"the file is not valid {self.encoding.label}: {exc.reason}"
                ) from None
            if self._progress is not None:
                self._progress(total, total)


_HEADER_SPACE = re.compile(r"\s+")


def norm_header(name: str) -> str:
    """A header cell as the alias tables spell it: BOM and blanks trimmed, lower case."""
    return _HEADER_SPACE.sub(" ", name.replace("\ufeff", "").strip()).casefold()


def is_blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()
