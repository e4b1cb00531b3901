"""The SSE decoder: complete blocks only, the cursor moves at a blank line, any split of
the bytes gives the same events."""

from __future__ import annotations

import random

from seller_console.platform.sse import ServerSentEvent, SSEDecoder

STREAM = (
    b": keep-alive\n\n"
    b'id: 1\nevent: order.created\ndata: {"a": 1}\n\n'
    b"event: viewers.updated\r\ndata: line one\r\ndata: line two\r\n\r\n"
    b"id: 3\n\n"
    b"id: 4\revent: pin.changed\rdata:x\r\r"
    b"retry: 2500\ndata: plain\n\n"
)


def decode_all(chunks: list[bytes], start: str | None = None) -> list[ServerSentEvent]:
    decoder = SSEDecoder(start)
    out: list[ServerSentEvent] = []
    for chunk in chunks:
        out.extend(decoder.feed(chunk))
    return out


def test_blocks_decode_with_their_cursor() -> None:
    events = decode_all([STREAM])
    assert [(e.event, e.data, e.last_event_id, e.id_in_block) for e in events] == [
        ("order.created", '{"a": 1}', "1", True),
        ("viewers.updated", "line one\nline two", "1", False),
        ("message", None, "3", True),
        ("pin.changed", "x", "4", True),
        ("message", "plain", "4", False),
    ]
    assert events[-1].retry_ms == 2500


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted(set(cuts))
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


def test_any_split_of_the_bytes_gives_the_same_events() -> None:
    whole = decode_all([STREAM])
    for cut in range(len(STREAM) + 1):
        assert decode_all(split(STREAM, [cut])) == whole, cut
    rng = random.Random(4)
    for _ in range(2000):
        cuts = [rng.randrange(len(STREAM) + 1) for _ in range(rng.randint(2, 20))]
        assert decode_all(split(STREAM, cuts)) == whole, cuts
    assert decode_all([STREAM[i : i + 1] for i in range(len(STREAM))]) == whole


def test_a_block_cut_before_its_blank_line_is_not_yielded_and_does_not_move_the_cursor() -> None:
    decoder = SSEDecoder("7")
    events = decoder.feed(b'id: 8\nevent: order.created\ndata: {"id": "o-8"}\n')
    assert events == []
    assert decoder.last_event_id == "7"


def test_comments_alone_yield_nothing() -> None:
    assert decode_all([b": keep-alive\n\n: keep-alive\n\n"]) == []


def test_a_byte_order_mark_at_the_start_is_ignored_even_when_split() -> None:
    events = decode_all([b"\xef", b"\xbb", b"\xbfid: 2\ndata: d\n\n"])
    assert [(e.data, e.last_event_id) for e in events] == [("d", "2")]


def test_an_id_with_nul_is_ignored_and_unknown_fields_are_skipped() -> None:
    events = decode_all([b"id: 1\n\nid: a\x00b\nfoo: bar\ndata: z\n\n"], start=None)
    assert [(e.data, e.last_event_id) for e in events] == [(None, "1"), ("z", "1")]


def test_a_cr_lf_split_across_chunks_is_one_line_end() -> None:
    events = decode_all([b"data: a\r", b"\n\r", b"\n"])
    assert [e.data for e in events] == ["a"]
