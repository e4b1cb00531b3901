"""Google Merchant (and Meta) XML feeds: RSS 2.0 ``<item>`` or Atom ``<entry>``.

Elements are read by local name, whatever their namespace: the ``g:`` namespace may be
declared, missing, or (in broken feeds) used without a declaration. The file is streamed
with ``iterparse``. Malformed XML is parsed again in recovering mode; what was recovered is
reported with the line of the first error, and a feed nothing can be read from stops the
import with that line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final

from seller_console.importers.builder import CatalogBuilder, Where
from seller_console.importers.errors import CatalogImportError, ImportCancelledError
from seller_console.importers.feed import FeedRecord, canonical, import_records
from seller_console.importers.report import WarningKind
from seller_console.importers.source import (
    CHECK_EVERY,
    MAX_CELL_CHARS,
    MAX_ROWS,
    CancelFn,
    ProgressFn,
)

if TYPE_CHECKING:
    from lxml import etree

NAME = "google_merchant_xml"
_ITEM_TAGS: Final = frozenset({"item", "entry"})


def looks_like_xml(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore").lstrip()
    return text.startswith(b"<")


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""  # comments and processing instructions
    name = tag.rsplit("}", 1)[-1]
    return name.rsplit(":", 1)[-1].casefold()


def import_file(
    path: Path, builder: CatalogBuilder, progress: ProgressFn | None, cancel: CancelFn | None
) -> None:
    from lxml import etree  # deferred: only XML feeds need lxml; start-up time

    try:
        records = list(_records(path, recover=False, progress=progress, cancel=cancel))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else "?"
        records = list(_records(path, recover=True, progress=progress, cancel=cancel))
        if not records:
            raise CatalogImportError(
                path, f"the XML is malformed at line {line} and no item could be read: {exc.msg}"
            ) from None
        builder.say_file(
            WarningKind.XML_RECOVERED,
            f"the XML is malformed at line {line} ({exc.msg}); "
            f"{len(records)} items were recovered, anything after the damage "
            "may be missing",
        )
    if not records:
        raise CatalogImportError(
            path, "the XML has no <item> or <entry> elements: it is not a product feed"
        )
    import_records(records, builder, has_quantity=None)


def _records(
    path: Path, recover: bool, progress: ProgressFn | None, cancel: CancelFn | None
) -> Iterator[FeedRecord]:
    from lxml import etree  # deferred: only XML feeds need lxml; start-up time

    total = path.stat().st_size
    count = 0
    with path.open("rb") as raw:
        context = etree.iterparse(
            raw,
            events=("end",),
            recover=recover,
            huge_tree=True,
            resolve_entities=False,
            no_network=True,
            remove_comments=True,
        )
        for _, elem in context:
            if _local(elem.tag) not in _ITEM_TAGS:
                continue
            count += 1
            yield _record(elem, count)
            elem.clear(keep_tail=False)
            parent = elem.getparent()
            if parent is not None:
                while elem.getprevious() is not None:
                    del parent[0]
            if count % CHECK_EVERY == 0:
                if count > MAX_ROWS:
                    raise CatalogImportError(
                        path,
                        f"the feed has more than {MAX_ROWS:,} items, over the limit for one "
                        "catalog: split it into smaller files",
                    )
                if cancel is not None and cancel():
                    raise ImportCancelledError(path)
                if progress is not None:
                    progress(raw.tell(), total)
    if progress is not None:
        progress(total, total)


def _record(item: etree._Element, number: int) -> FeedRecord:
    values: dict[str, list[str]] = {}
    columns: dict[str, str] = {}
    too_long: str | None = None
    for child in item:
        name = _local(child.tag)
        if not name or len(child):  # nested blocks such as <g:shipping> are not product data
            continue
        key = canonical(name)
        if name == "link" and not (child.text or "").strip():
            text = child.get("href", "")  # Atom: <link href="..."/>
        else:
            text = child.text or ""
        if key is None or not text.strip():
            continue
        if len(text) > MAX_CELL_CHARS:  # the same cap as a CSV cell: the item is refused
            too_long = too_long or f"<{name}>"
            continue
        values.setdefault(key, []).append(text.strip())
        columns.setdefault(key, f"<{name}>")
    line = getattr(item, "sourceline", None)  # lxml-stubs mistype it
    where = Where(number, line if isinstance(line, int) else number)
    return FeedRecord(where, values, columns, too_long)
