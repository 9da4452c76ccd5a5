"""Framing (DEBUGGER.md 1): bodies survive any chunking; unknown headers are ignored."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from omega_dap.protocol import Event, FrameReader, FramingError, Response, encode, to_wire

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                           max_leaves=20)


@given(st.lists(st.dictionaries(st.text(), json_values, max_size=5), min_size=1, max_size=5),
       st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=20))
def test_any_chunking_yields_the_same_messages(msgs: list[dict[str, object]], cuts: list[int]) -> None:
    data = b"".join(encode(m) for m in msgs)
    reader = FrameReader()
    got: list[object] = []
    i = 0
    k = 0
    while i < len(data):
        n = cuts[k % len(cuts)]
        got.extend(json.loads(b) for b in reader.feed(data[i:i + n]) if isinstance(b, bytes))
        i += n
        k += 1
    assert got == msgs


def test_unknown_header_fields_are_ignored_and_bad_headers_reported() -> None:
    reader = FrameReader()
    out = reader.feed(b'X-Other: 1\r\nContent-Length: 2\r\n\r\n{}Bogus: 3\r\n\r\nContent-Length: 4\r\n\r\nnull')
    assert out[0] == b"{}"
    assert isinstance(out[1], FramingError)
    assert out[2] == b"null"


def test_messages_unstructure_without_absent_fields() -> None:
    assert to_wire(Event("initialized")) == {"event": "initialized", "seq": 0, "type": "event"}
    r = to_wire(Response(3, "next"))
    assert r == {"request_seq": 3, "command": "next", "success": True, "seq": 0, "type": "response"}
    assert encode({"a": "é"}).startswith(b"Content-Length: 10\r\n\r\n")
