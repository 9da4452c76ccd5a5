"""Position encodings: code-point offsets to UTF-8/16/32 positions and back, and incremental edits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types as lsp

from omega_lsp.text import UTF8, UTF16, UTF32, LineIndex, apply_change

TEXTS = st.lists(st.sampled_from(list("ab(\"é😀λ\t\f") + ["\n", "\r\n", "\r", "\u2028"]), max_size=40).map("".join)
ENCODINGS = st.sampled_from([UTF8, UTF16, UTF32])


def reference_position(text: str, offset: int, enc: str) -> lsp.Position:
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    col = before[before.rfind("\n") + 1:]
    width = {UTF8: len(col.encode()), UTF16: len(col.encode("utf-16-le")) // 2, UTF32: len(col)}[enc]
    return lsp.Position(line=before.count("\n"), character=width)


@given(TEXTS, st.data(), ENCODINGS)
def test_positions_round_trip(text: str, data: st.DataObject, enc: str) -> None:
    offset = data.draw(st.integers(0, len(text)))
    if text[offset - 1:offset + 1] == "\r\n":
        offset -= 1  # the middle of a CRLF is not a position
    ix = LineIndex(text)
    pos = ix.position(offset, enc)
    assert pos == reference_position(text, offset, enc)
    assert ix.offset(pos, enc) == offset


def test_emoji_columns() -> None:
    ix = LineIndex("a😀b\nλx")
    assert ix.position(2, UTF16) == lsp.Position(line=0, character=3)
    assert ix.position(2, UTF8) == lsp.Position(line=0, character=5)
    assert ix.position(2, UTF32) == lsp.Position(line=0, character=2)
    assert ix.offset(lsp.Position(line=1, character=2), UTF8) == 5
    assert ix.offset(lsp.Position(line=7, character=0), UTF16) == 6
    assert ix.offset(lsp.Position(line=0, character=99), UTF16) == 3  # clamped to the line's end


@given(TEXTS, st.data(), ENCODINGS, st.text(max_size=5))
def test_incremental_change(text: str, data: st.DataObject, enc: str, new: str) -> None:
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    for i in (a, b):
        if text[i - 1:i + 1] == "\r\n":
            return
    ix = LineIndex(text)
    change = lsp.TextDocumentContentChangePartial(range=ix.range(a, b, enc), text=new)
    assert apply_change(text, ix, change, enc) == text[:a] + new + text[b:]
