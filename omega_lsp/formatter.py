"""The canonical Omega layout, used by `textDocument/formatting`.

Rules (cljfmt-like: the author's line breaks are kept, everything else is canonical):
* tokens on one line are separated by one space; none after an opener or a prefix, none before a closer;
* closers never start a line (they join the line before, unless that line ends in a `;` comment);
* runs of blank lines become one blank line; leading and trailing blank lines go; the file ends in a newline;
* a continuation line is indented by its innermost open list: vectors, data lists and lists whose head is not
  a symbol align with their first element; body forms (`define`, `let`, `lambda`, ...) indent two columns;
  other calls align with their first argument when it shares the head's line, else one column in;
* atoms, strings and comments are copied verbatim, so the data and comments read back unchanged.
Text with reader errors, or with anything outside the reader's data and comments, is not formatted.
"""

from __future__ import annotations

import attrs

from omega_runtime.reader import read
from omega_runtime.syntax import Atom, ReadResult, SList, SVector, Syntax
from omega_runtime.values import Symbol

from .knowledge import BODY_FORMS

OPEN, CLOSE, ATOM, PREFIX, DOT, COMMENT, LINE_COMMENT = range(7)


@attrs.define(slots=True)
class _Tok:
    kind: int
    start: int
    end: int
    text: str
    symbol: str | None = None  # for atoms that are symbols
    vector: bool = False  # for openers


@attrs.define(slots=True)
class _List:
    open_col: int
    opener_len: int
    vector: bool
    elems: int = 0
    head: str | None = None
    head_line: int = -1
    align_col: int | None = None
    glued: bool = False  # the next datum belongs to a prefix just printed

    def indent(self) -> int:
        if self.vector or self.head is None:
            return self.open_col + self.opener_len
        if self.head in BODY_FORMS or self.head.startswith(("define", "with-")):
            return self.open_col + 2
        return self.align_col if self.align_col is not None else self.open_col + 1


def _tokens(text: str, rr: ReadResult) -> list[_Tok]:
    """Every token of the data in source order (comments not included)."""
    out: list[_Tok] = []
    stack: list[Syntax | _Tok] = list(reversed(rr.data))
    while stack:
        s = stack.pop()
        if isinstance(s, _Tok):
            out.append(s)
            continue
        sp = s.span
        if isinstance(s, Atom):
            sym = s.value.name if isinstance(s.value, Symbol) else None
            out.append(_Tok(ATOM, sp.start_offset, sp.end_offset, text[sp.start_offset:sp.end_offset], sym))
            continue
        items: list[Syntax | _Tok] = list(s.items)
        if isinstance(s, SList) and items and text[sp.start_offset] not in "([#":
            head = s.items[0].span  # a prefixed datum: the head's span is the prefix's characters
            out.append(_Tok(PREFIX, head.start_offset, head.end_offset, text[head.start_offset:head.end_offset]))
            stack.extend(reversed(items[1:]))
            continue
        opener = "#(" if text.startswith("#(", sp.start_offset) else text[sp.start_offset]
        out.append(_Tok(OPEN, sp.start_offset, sp.start_offset + len(opener), opener, vector=isinstance(s, SVector)))
        tail: list[Syntax | _Tok] = []
        if isinstance(s, SList) and s.tail is not None:
            dot = _dot_offset(text, rr, s.items[-1].span.end_offset, s.tail.span.start_offset)
            tail = [_Tok(DOT, dot, dot + 1, "."), s.tail]
        closer = _Tok(CLOSE, sp.end_offset - 1, sp.end_offset, text[sp.end_offset - 1])
        stack.append(closer)
        stack.extend(reversed(items + tail))
    return out


def _dot_offset(text: str, rr: ReadResult, start: int, end: int) -> int:
    inside = [(c.start_offset, c.end_offset) for c in rr.comments if start <= c.start_offset < end]
    for i in range(start, end):
        if text[i] == "." and not any(a <= i < b for a, b in inside):
            return i
    raise ValueError("dotted pair without a dot")


def _with_comments(text: str, rr: ReadResult, toks: list[_Tok]) -> list[_Tok] | None:
    comments = [_Tok(LINE_COMMENT if text.startswith(";", c.start_offset) else COMMENT,
                     c.start_offset, c.end_offset, text[c.start_offset:c.end_offset]) for c in rr.comments]
    if text.startswith("#!") and not any(c.start == 0 for c in comments):
        end = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=len(text))
        comments.append(_Tok(LINE_COMMENT, 0, end, text[:end]))
    merged = sorted(toks + comments, key=lambda t: (t.start, -t.end))
    out: list[_Tok] = []
    for t in merged:
        if out and t.start < out[-1].end:
            if out[-1].kind in (COMMENT, LINE_COMMENT) and t.end <= out[-1].end:
                continue  # inside a block or datum comment, already copied with it
            return None
        if t.kind == LINE_COMMENT:
            t.text = t.text.rstrip("\r\n")
            t.end = t.start + len(t.text)
        out.append(t)
    return out


def format_text(text: str) -> str | None:
    """`text` in the canonical layout, or None if it cannot be formatted safely (reader errors)."""
    rr = read(text, "<format>")
    if rr.diagnostics:
        return None
    try:
        toks = _with_comments(text, rr, _tokens(text, rr))
    except (ValueError, IndexError):
        return None
    if toks is None:
        return None
    lines: list[str] = []
    cur: list[str] = []
    col = 0
    stack: list[_List] = []
    prev: _Tok | None = None
    pos = 0
    for t in toks:
        gap = text[pos:t.start]
        if gap.strip():
            return None  # something the reader skipped silently: leave the text alone
        pos = t.end
        breaks = gap.count("\n") + gap.count("\r") - gap.count("\r\n")
        if prev is None:
            newline = False
        elif prev.kind == LINE_COMMENT:
            newline = True
        elif t.kind == CLOSE or prev.kind == PREFIX:
            newline = False
        else:
            newline = breaks > 0
        if newline:
            lines.append("".join(cur))
            if breaks > 1 and t.kind != CLOSE:
                lines.append("")
            col = stack[-1].indent() if stack else 0
            cur = [" " * col]
        elif prev is not None and prev.kind not in (OPEN, PREFIX) and t.kind != CLOSE:
            cur.append(" ")
            col += 1
        ctx = stack[-1] if stack else None
        if ctx is not None and t.kind in (ATOM, OPEN, PREFIX, DOT):
            if ctx.glued:
                ctx.glued = t.kind == PREFIX
            else:
                ctx.elems += 1
                line_no = len(lines)
                if ctx.elems == 1:
                    ctx.head = t.symbol if t.kind == ATOM else None
                    ctx.head_line = line_no
                elif ctx.elems == 2 and line_no == ctx.head_line and t.kind != DOT:
                    ctx.align_col = col
                ctx.glued = t.kind == PREFIX
        cur.append(t.text)
        if t.kind == OPEN:
            stack.append(_List(col, len(t.text), t.vector))
        elif t.kind == CLOSE:
            stack.pop()
        nl = max(t.text.rfind("\n"), t.text.rfind("\r"))
        col = len(t.text) - nl - 1 if nl >= 0 else col + len(t.text)
        prev = t
    if text[pos:].strip():
        return None
    if cur:
        lines.append("".join(cur))
    eol = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"  # keep a CRLF file CRLF
    out = eol.join(lines)
    return out + eol if out else ""
