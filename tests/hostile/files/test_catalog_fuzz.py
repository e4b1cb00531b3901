"""Whatever the file holds, ``catalog check`` exits 0 (imported, problems listed) or 2
(unreadable), and what it imports the window imports too: never 1, never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.files import corpus
from tests.hostile.files.helpers import check, window_import

_HEADERS = [
    corpus.GOOGLE_HEADER,
    corpus.SHOPIFY_HEADER,
    "id,title,price,sale_price,currency,quantity_to_sell_on_facebook,image[0].url\n",
    "ID,Type,SKU,Name,Regular price,Sale price,Stock,Parent,Images\n",
    "<rss><channel><item><id>1</id><title>",
]
_PIECES = st.sampled_from(
    [",", "\t", '"', '""', "\n", "\r\n", "\r", "1e1000000", "9" * 60, "-0", "0.004",
     "1,5", "€", "USD", "x", " ", "variation", "simple", "id:1", "</item>", "<item>",
     "\ufeff", "é", "\x00", "'", "=HYPERLINK(", "https://[oops/a.png", "//cdn/a.jpg"]
)  # fmt: skip


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(header=st.sampled_from(_HEADERS), body=st.lists(_PIECES, max_size=80).map("".join))
def test_catalog_check_exits_0_or_2_and_the_window_agrees(header: str, body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes((header + body).encode("utf-8", errors="surrogatepass"))
        code, report, err = check(path, "--currency", "USD")
        assert code in (0, 2), err
        if code == 0:
            assert window_import(path).report.variants == report["variants"]


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe" + "id,title,price\n".encode("utf-16-le") + b"\x00\xd8",
        b"\xff\xfe" + "id\ttitle\tprice\n".encode("utf-16-le") + b"\x41",
    ],
)
def test_broken_utf16_is_unreadable_not_a_crash(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "feed.csv"
    path.write_bytes(data)
    code, report, _ = check(path)
    assert code == 2
    assert "UTF-16" in report["error"]
