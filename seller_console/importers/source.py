"""Reading a catalog file: size limit, encoding, delimiter, records and the header row.

The file is streamed, never held whole: the encoding is settled by one incremental decode
pass over the bytes, then a strict, quote-aware ``csv.reader`` walks the records (multi-line
cells included), reporting each record's spreadsheet row and the line it starts on.

Every size is capped, and each cap is named in the message of what it refuses: the file
(``MAX_FILE_BYTES``, ``MAX_ROWS``), a cell (``MAX_CELL_CHARS``), a physical line
(``MAX_LINE_CHARS``, read in pieces so an endless line is never held) and a record
(``MAX_RECORD_LINES``, ``MAX_RECORD_CHARS``). An unbalanced quote is found and its row
refused, without merging or losing the rows after it (``RecordReader``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import deque
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import BinaryIO, Final, NamedTuple

from seller_console.importers.errors import CatalogImportError, ImportCancelledError
from seller_console.importers.report import ImportReport, WarningKind

MAX_FILE_BYTES: Final = 512 * 1024 * 1024
# The two caps a test lowers are not Final: compiled (setup.py), a Final is a constant in
# the machine code, and these are read from the module each time (once per CHECK_EVERY
# records, or per record over several lines: nothing the hot loop pays for).
MAX_ROWS = 1_000_000
"""Rows one catalog may have; a file over it is refused at once (split it)."""
MAX_CELL_CHARS: Final = 1024 * 1024
MAX_LINE_CHARS: Final = 2 * 1024 * 1024
MAX_RECORD_LINES = 2_000
"""Lines one record may span (a quoted multi-line description); more is an unbalanced quote."""
MAX_RECORD_CHARS: Final = 8 * 1024 * 1024
CHECK_EVERY: Final = 256
"""Records between two looks at cancel and progress: with every record capped, a few
milliseconds at most, so Cancel stops an import at once."""
_CHUNK: Final = 1 << 20
_SNIFF_BYTES: Final = 64 * 1024
_SNIFF_LINE_CHARS: Final = 64 * 1024
DELIMITERS: Final = (",", "\t", ";", "|", "~")

csv.field_size_limit(MAX_CELL_CHARS)

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
    # True when the encoding pass saw no line over MAX_LINE_CHARS bytes (so none over
    # MAX_LINE_CHARS characters either): the records can be read on the fast path.
    short_lines: bool = False


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


def detect_encoding(path: Path, cancel: CancelFn | None = None) -> Encoding:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else cp1252 with a warning.

    One pass over the whole file, a megabyte at a time, looking at ``cancel`` after each;
    the same pass says whether every line is short (``Encoding.short_lines``)."""
    head = head_bytes(path, 4)
    if head.startswith(codecs.BOM_UTF8):
        codec, label = "utf-8-sig", "UTF-8 with BOM"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec, label = "utf-16", "UTF-16"
    else:
        codec, label = "utf-8", "UTF-8"
    bad, short_lines = _scan(path, codec, cancel)
    if bad is None:
        # A line feed byte is not a line end in UTF-16: its lines are not measured.
        return Encoding(codec, label, fallback=False, short_lines=short_lines and codec != "utf-16")
    if codec == "utf-16":  # a UTF-16 BOM says what the file is: no guessing past it
        raise CatalogImportError(
            path, f"the file starts as UTF-16 but is not valid UTF-16 (at byte {bad})"
        )
    return Encoding("cp1252", "Windows-1252 (assumed)", True, bad)


def _scan(path: Path, codec: str, cancel: CancelFn | None) -> tuple[int | None, bool]:
    """Where decoding the whole file as ``codec`` first fails (None when it does not), and
    whether no line runs over ``MAX_LINE_CHARS`` bytes.

    A line inside one chunk is shorter than the chunk, so only a line running over chunk
    ends can be too long: one ``find`` and one ``rfind`` per chunk measure it.
    """
    decoder = codecs.getincrementaldecoder(codec)()
    offset = 0
    run = 0  # the bytes since the last line feed
    short = True
    with open_binary(path) as fh:
        while chunk := fh.read(_CHUNK):
            if cancel is not None and cancel():
                raise ImportCancelledError(path)
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start, False
            offset += len(chunk)
            first = chunk.find(b"\n")
            if first < 0:
                run += len(chunk)
            else:
                short = short and run + first < MAX_LINE_CHARS
                run = len(chunk) - chunk.rfind(b"\n") - 1
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return offset + exc.start, False
    return None, short and run < MAX_LINE_CHARS


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
    # Every quote toggles "inside": the even pieces between quotes are outside.
    return sum(piece.count(delim) for piece in line.split('"')[::2])


def first_lines(path: Path, encoding: Encoding, count: int = 12) -> list[str]:
    """The first lines, each cut at ``_SNIFF_LINE_CHARS`` (the rest of a long line skipped)."""
    raw, text = open_text(path, encoding)
    with raw, text:
        lines: list[str] = []
        while len(lines) < count and (line := text.readline(_SNIFF_LINE_CHARS)):
            if line[-1] not in "\r\n":
                while (rest := text.readline(_SNIFF_LINE_CHARS)) and rest[-1] not in "\r\n":
                    pass
            lines.append(line.rstrip("\r\n"))
    return lines


class Record(NamedTuple):
    """One CSV record: its spreadsheet row, the line it starts on, and its cells."""

    row: int
    line: int
    cells: list[str]


class _LineTooLongError(Exception):
    """A physical line over ``MAX_LINE_CHARS`` (its text was skipped, never held)."""


class _RecordTooLongError(Exception):
    """A record running over ``MAX_RECORD_LINES`` lines or ``MAX_RECORD_CHARS`` characters."""


_TOO_LONG: Final = "\x00too long\x00"  # stands in the buffer for a line that was skipped


class _Lines:
    """The file's physical lines for ``csv.reader``, each line capped, the current record's
    lines kept so a broken record can be read again line by line.

    An iterator class, not a generator: an error raised here reaches the caller of the
    ``csv.reader`` and the next record starts cleanly on the next line.
    """

    def __init__(self, text: io.TextIOWrapper, line: int = 0) -> None:
        self._readline = text.readline
        self.line = line  # physical lines read so far
        self.buffer: list[str] = []  # the lines of the record being read
        self.chars = 0  # their characters (the reader resets both for each record)

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if len(self.buffer) >= MAX_RECORD_LINES or self.chars > MAX_RECORD_CHARS:
            raise _RecordTooLongError
        line = self._readline(MAX_LINE_CHARS + 1)
        if not line:
            raise StopIteration
        self.line += 1
        if len(line) > MAX_LINE_CHARS:
            while (rest := self._readline(MAX_LINE_CHARS)) and rest[-1] not in "\r\n":
                pass  # skip the rest of the line without keeping it
            self.buffer.append(_TOO_LONG)
            raise _LineTooLongError
        self.buffer.append(line)
        self.chars += len(line)
        return line


def _mib(chars: int) -> str:
    return f"{chars / (1024 * 1024):g} MiB"


class RecordReader:
    """Iterates a delimited file's records, reporting progress and honouring cancel.

    Records are read by a strict ``csv.reader`` on capped lines (``MAX_LINE_CHARS``,
    ``MAX_CELL_CHARS``, ``MAX_RECORD_LINES``, ``MAX_RECORD_CHARS``), so one broken quote
    can never merge the rows after it into one cell:

    - a record that breaks the CSV rules on a single line (text after a closing quote) is
      read leniently, with a warning;
    - a record that breaks them over several lines (a quote that never closes, or closes
      in the middle of a later row), that runs over a cap, or whose later lines each look
      like a whole row (``width`` delimiters), is an unbalanced quote: its first row is
      refused with its line, and the lines after it are read again one by one, so every
      row around the damage is kept or refused on its own.

    A file whose lines are all short is read first on a fast path (``_plain``), and the
    careful reading above takes over at its first record that is not plainly good. Every
    line is read at most three times (fast, careful, one by one), so the cost stays
    linear in the file's size. Refused rows and warnings go to ``report`` (when given).
    """

    def __init__(
        self,
        path: Path,
        encoding: Encoding,
        delimiter: str,
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
        report: ImportReport | None = None,
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        self._progress = progress
        self._cancel = cancel
        self._report = report
        self.width: int | None = None  # the header's width, once the header is known
        self._widest = 0  # the most cells a one-line record has had
        self._row = 0

    def __iter__(self) -> Generator[Record, None, None]:
        total = self.path.stat().st_size
        try:
            resume = 1
            if self.encoding.short_lines:
                resume = yield from self._plain(total)
            if resume:
                yield from self._careful(total, resume)
        except UnicodeDecodeError as exc:
            raise CatalogImportError(
                self.path, f"the file is not valid {self.encoding.label}: {exc.reason}"
            ) from None
        if self._progress is not None:
            self._progress(total, total)

    def _plain(self, total: int) -> Generator[Record, None, int]:
        """The fast path, for a file whose lines are all short: ``csv.reader`` reads the
        text itself, and each record is looked at once it is read. At the first record
        that is not plainly good (a CSV error, a cap, rows it may have swallowed) it
        stops, and returns that record's first line for ``_careful`` to go on from;
        0 when the file ended."""
        raw, text = open_text(self.path, self.encoding)
        with raw, text:
            reader = csv.reader(text, delimiter=self.delimiter, quotechar='"', strict=True)
            done = 0  # lines read before this record
            row, widest = self._row, self._widest  # kept in local names: the hot loop
            new = tuple.__new__
            try:
                while True:
                    if row % CHECK_EVERY == 0:
                        self._row = row
                        self._checkpoint((raw.tell(), total))
                    try:
                        cells = next(reader)
                    except StopIteration:
                        return 0
                    except csv.Error:
                        return done + 1
                    if reader.line_num - done == 1:
                        if len(cells) > widest:
                            widest = self._widest = len(cells)
                    elif self._unusual(cells, reader.line_num - done):
                        return done + 1
                    row += 1
                    # tuple.__new__ makes the Record in C (a NamedTuple's own __new__ is
                    # Python code: a frame per record)
                    yield new(Record, (row, done + 1, cells))
                    done = reader.line_num
            finally:
                self._row = row

    def _unusual(self, cells: list[str], lines: int) -> bool:
        """Whether a record read on the fast path over several lines needs ``_careful``:
        over a cap, or rows it may have swallowed.

        The record's middle lines lie whole inside its cells: joined with a quote, a piece
        between two line ends that holds no quote is such a line, as the file has it. The
        raw text is at most twice the cells' characters (doubled quotes) plus three per
        cell (quotes, delimiter) and two per line end, so a record under that is under
        the cap."""
        joined = '"'.join(cells)
        if lines > MAX_RECORD_LINES or 2 * len(joined) + 3 * len(cells) + 2 * lines > (
            MAX_RECORD_CHARS
        ):
            return True
        # A middle line that is a whole row holds width - 1 delimiters; a record with
        # fewer has none (most multi-line descriptions), and is not split.
        whole_row = (self.width or 0) - 1
        middle = _LINE_END.split(joined)[1:-1] if joined.count(self.delimiter) >= whole_row else []
        return self._swallowed(middle, cells)

    def _careful(self, total: int, first_line: int) -> Iterator[Record]:
        """The records from ``first_line`` on, every line capped and every record's lines
        kept, so that a broken record is read again line by line (see the class)."""
        raw, text = open_text(self.path, self.encoding)
        with raw, text:
            if first_line > 1:  # after the fast path, whose lines are all short
                deque(islice(text, first_line - 1), maxlen=0)
            lines = _Lines(text, first_line - 1)
            buffer = lines.buffer  # the current record's lines (cleared, never replaced)
            reader = csv.reader(lines, delimiter=self.delimiter, quotechar='"', strict=True)
            while True:
                start = lines.line + 1
                buffer.clear()  # a new record
                lines.chars = 0
                if self._row % CHECK_EVERY == 0:
                    self._checkpoint((raw.tell(), total))
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except (csv.Error, _LineTooLongError, _RecordTooLongError) as exc:
                    yield from self._broken(list(buffer), start, _why(exc))
                    continue
                if len(buffer) > 1:
                    if self._swallowed(buffer[1:-1], cells):
                        yield from self._broken(
                            list(buffer),
                            start,
                            "a quoted cell on this row runs over the rows after it "
                            "(its quote is unbalanced)",
                        )
                        continue
                elif len(cells) > self._widest:
                    self._widest = len(cells)
                self._row += 1
                yield Record(self._row, start, cells)

    def _checkpoint(self, progress: tuple[int, int] | None = None) -> None:
        """The row cap and cancel; ``progress`` (bytes read, of the total) is reported."""
        if self._row > MAX_ROWS:
            raise CatalogImportError(
                self.path,
                f"the file has more than {MAX_ROWS:,} rows, over the limit for one "
                "catalog: split it into smaller files",
            )
        if self._cancel is not None and self._cancel():
            raise ImportCancelledError(self.path)
        if progress is not None and self._progress is not None:
            self._progress(*progress)

    def _swallowed(self, middle: list[str], cells: list[str]) -> bool:
        """Whether a record read over several lines has swallowed the rows after it
        (``middle``: the lines between its first and its last).

        A quote that opens a cell and is closed, cleanly, by a stray quote on a later row
        (``6x9"``) merges the rows between into that cell, and the record then has more
        cells than the header and than any one-line row (the closing row's own cells come
        after), or lines in the middle that are whole rows: as many delimiters as the
        header, and no quote.
        """
        width = self.width
        if width is None:
            return False
        widest = max(width, self._widest)
        if len(cells) > widest and any(c.strip() for c in cells[widest:]):
            return True
        if width < 4:
            return False
        delimiter = self.delimiter
        return any(line.count(delimiter) == width - 1 and '"' not in line for line in middle)

    def _broken(self, buffer: list[str], start: int, why: str) -> Iterator[Record]:
        """A record that could not be read as it stands: see the class docstring."""
        if len(buffer) <= 1:
            yield from self._single(
                buffer[0] if buffer else "", start, f"{why}: the row was read leniently"
            )
            return
        self._row += 1
        self._refuse(
            start,
            f"{why}: the row is refused and the {len(buffer) - 1} line(s) after it are "
            "read again one by one",
        )
        for offset, line in enumerate(buffer[1:], start=1):
            if self._row % CHECK_EVERY == 0:
                self._checkpoint()
            yield from self._single(line, start + offset, None)

    def _single(self, line: str, number: int, note: str | None) -> Iterator[Record]:
        """One physical line read on its own, leniently (``note``: the warning to give);
        refused if a quote stays open to its end or a cell is over the cap."""
        self._row += 1
        if line is _TOO_LONG:
            self._refuse(number, f"the line is longer than the limit of {_mib(MAX_LINE_CHARS)}")
            return
        if not line.endswith(("\n", "\r")):
            line += "\n"
        try:
            cells = next(csv.reader([line], delimiter=self.delimiter, strict=False), [])
        except csv.Error:
            self._refuse(number, f"a cell is longer than the limit of {_mib(MAX_CELL_CHARS)}")
            return
        if any("\n" in c or "\r" in c for c in cells):
            self._refuse(number, 'an unbalanced quote (") on this row: the row is refused')
            return
        if self._report is not None and note is not None and cells:
            self._report.warn(WarningKind.STRAY_QUOTE, note, self._row, None, number)
        yield Record(self._row, number, cells)

    def _refuse(self, line: int, reason: str) -> None:
        if self._report is None:
            raise CatalogImportError(self.path, f"line {line}: {reason}")
        if self.width is not None:
            self._report.rows_read += 1
        self._report.reject(reason, self._row, None, line)


def _why(exc: Exception) -> str:
    if isinstance(exc, _LineTooLongError):
        return f"a line is longer than the limit of {_mib(MAX_LINE_CHARS)}"
    if isinstance(exc, _RecordTooLongError):
        return (
            f"a quoted cell opened on this row runs over {MAX_RECORD_LINES:,} lines or "
            f"{_mib(MAX_RECORD_CHARS)} (its quote is unbalanced)"
        )
    if "field larger than field limit" in str(exc):
        return f"a cell is longer than the limit of {_mib(MAX_CELL_CHARS)}"
    return f'an unbalanced quote (") on this row ({exc})'


_LINE_END: Final = re.compile("\r\n|\r|\n")  # as a text file opened with newline="" ends lines
_HEADER_SPACE = re.compile(r"\s+")


def norm_header(name: str) -> str:
    """A header cell as the alias tables spell it: BOM and blanks trimmed, lower case."""
    return _HEADER_SPACE.sub(" ", name.replace("\ufeff", "").strip()).casefold()


def is_blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()
