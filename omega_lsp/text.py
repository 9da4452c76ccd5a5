"""Document text: line index, position encodings and incremental edits.

Omega spans count code points; LSP positions count code units of the negotiated encoding
(UTF-16 by default, or UTF-8 / UTF-32). Lines end at LF, CRLF or a lone CR, in both worlds,
so only the column needs converting. Python's `str.splitlines` is not used: it also splits at
form feed and other separators that neither Omega nor LSP treats as line ends.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from lsprotocol import types as lsp

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"

_NEWLINE = re.compile(r"\r\n|\r|\n")


def units(s: str, encoding: str) -> int:
    """Length of `s` in code units of `encoding`."""
    if encoding == UTF32 or s.isascii():
        return len(s)
    if encoding == UTF16:
        return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)
    return len(s.encode("utf-8", "surrogatepass"))


def _unit_width(c: str, encoding: str) -> int:
    o = ord(c)
    if encoding == UTF16:
        return 2 if o > 0xFFFF else 1
    if encoding == UTF8:
        return 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
    return 1


class LineIndex:
    """Maps code-point offsets of one text to LSP positions and back."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]  # offset where each line starts
        self.ends: list[int] = []  # offset where each line's content ends (before its terminator)
        for m in _NEWLINE.finditer(text):
            self.ends.append(m.start())
            self.starts.append(m.end())
        self.ends.append(len(text))

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """0-based line holding `offset` (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        return bisect_right(self.starts, offset) - 1

    def position(self, offset: int, encoding: str) -> lsp.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        # An offset inside a CRLF terminator maps to the end of the line's content.
        end = min(offset, self.ends[line])
        return lsp.Position(line=line, character=units(self.text[start:end], encoding))

    def range(self, start: int, end: int, encoding: str) -> lsp.Range:
        return lsp.Range(start=self.position(start, encoding), end=self.position(end, encoding))

    def offset(self, pos: lsp.Position, encoding: str) -> int:
        """Code-point offset of an LSP position; out-of-range columns clamp to the line's end."""
        if pos.line < 0:
            return 0
        if pos.line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[pos.line], self.ends[pos.line]
        want = max(0, pos.character)
        if encoding == UTF32 or self.text[start:end].isascii():
            return min(start + want, end)
        seen = 0
        i = start
        while i < end and seen < want:
            seen += _unit_width(self.text[i], encoding)
            i += 1
        return i


def apply_change(text: str, index: LineIndex, change: lsp.TextDocumentContentChangeEvent,
                 encoding: str) -> str:
    """The text after one `didChange` content change (incremental or whole-document)."""
    if isinstance(change, lsp.TextDocumentContentChangePartial):
        start = index.offset(change.range.start, encoding)
        end = index.offset(change.range.end, encoding)
        if end < start:
            start, end = end, start
        return text[:start] + change.text + text[end:]
    return change.text


def encoding_of(kind: lsp.PositionEncodingKind | str | None) -> str:
    """The encoding name for a negotiated `PositionEncodingKind` (UTF-16 when unset)."""
    value = kind.value if isinstance(kind, lsp.PositionEncodingKind) else kind
    return value if value in (UTF8, UTF16, UTF32) else UTF16
