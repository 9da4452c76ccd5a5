"""Properties of the reader: it is total, its spans agree with the text, and it reads back what
the printer writes."""

from __future__ import annotations

import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from omega_runtime.printer import write_repr
from omega_runtime.reader import read
from omega_runtime.span import Span
from omega_runtime.syntax import ReadResult, SList, SVector, Syntax, to_value
from omega_runtime.values import NIL, Keyword, Pair, Symbol, Value, Vector, keyword, make_list, sym

# ---------------------------------------------------------------------------------------------
# Totality and span consistency on arbitrary text

# Text rich in everything the reader treats specially.
_TRICKY = st.lists(
    st.sampled_from(list("()[]{}\"\\;'`,#|.@:+-eE0123456789abtfnu \t\n\r\f") + ["\r\n", "é", "😀", "#|", "|#"]),
    max_size=80).map("".join)
_TEXT = st.one_of(st.text(max_size=80), _TRICKY)


def _position(text: str, offset: int) -> tuple[int, int]:
    """(line, column) of `offset`, counted directly: LF, CRLF and a lone CR end lines."""
    before = text[:offset]
    breaks = list(re.finditer(r"\r\n|\r|\n", before))
    if offset < len(text) and before.endswith("\r") and text[offset] == "\n":
        breaks.pop()  # between the CR and LF of one CRLF: still on the CR's line
    line_start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, offset - line_start + 1


def _check_span(text: str, span: Span) -> None:
    assert span.file == "p.omega"
    assert 0 <= span.start_offset <= span.end_offset <= len(text)
    assert (span.start_line, span.start_col) == _position(text, span.start_offset)
    assert (span.end_line, span.end_col) == _position(text, span.end_offset)


def _nodes(result: ReadResult) -> list[tuple[Syntax, Syntax | None]]:
    """Every syntax object with its parent, iteratively."""
    out: list[tuple[Syntax, Syntax | None]] = []
    stack: list[tuple[Syntax, Syntax | None]] = [(d, None) for d in result.data]
    while stack:
        node, parent = stack.pop()
        out.append((node, parent))
        if isinstance(node, (SList, SVector)):
            stack.extend((item, node) for item in node.items)
        if isinstance(node, SList) and node.tail is not None:
            stack.append((node.tail, node))
    return out


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_read_is_total_and_its_spans_agree_with_the_text(text: str) -> None:
    result = read(text, "p.omega")
    assert isinstance(result, ReadResult)
    for node, parent in _nodes(result):
        _check_span(text, node.span)
        if parent is not None:  # elements lie inside their list
            assert parent.span.contains(node.span)
    for d in result.diagnostics:
        _check_span(text, d.span)
        assert d.code in {f"E000{i}" for i in range(1, 9)} and d.severity == "error" and d.message
    for c in result.comments:
        _check_span(text, c)
    starts = [c.start_offset for c in result.comments]
    assert starts == sorted(starts)
    # Top-level data come in order and do not overlap.
    ends = [(d.span.start_offset, d.span.end_offset) for d in result.data]
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:], strict=False))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["(", ")", "[", "]", "#(", "'", "#;", ".", "x", " "]), max_size=60))
def test_every_opener_is_closed_or_reported(tokens: list[str]) -> None:
    text = " ".join(tokens)
    result = read(text, "p.omega")
    depth = 0
    for t in tokens:  # a ( [ or #( still open at the end must have an E0002
        if t in ("(", "[", "#("):
            depth += 1
        elif t in (")", "]") and depth:
            depth -= 1
    assert sum(d.code == "E0002" for d in result.diagnostics) == depth


# ---------------------------------------------------------------------------------------------
# Reading back what the printer writes

_SYMBOL_CHARS = "abcxyz!$%&*/<=>?^_~+-.:@|#0123456789éλ"
_NOT_SYMBOL = re.compile(
    r"[+-]?[0-9]+|[+-]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)"
    r"|[+-]inf\.0|\+nan\.0|null|\.|:.+|#.*")
_symbols = st.text(alphabet=_SYMBOL_CHARS, min_size=1, max_size=8).filter(
    lambda s: not _NOT_SYMBOL.fullmatch(s)).map(sym)
_keywords = st.text(alphabet=_SYMBOL_CHARS, min_size=1, max_size=8).map(keyword)
_atoms = st.one_of(
    st.integers(), st.floats(), st.booleans(), st.just(NIL), st.text(max_size=12), _symbols, _keywords)


def _pair(items: list[Value], tail: Value) -> Value:
    return make_list(items, tail) if items else tail


_data = st.recursive(
    _atoms,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5).map(lambda xs: make_list(xs)),
        st.builds(_pair, st.lists(inner, min_size=1, max_size=4), st.one_of(_atoms, inner)),
        st.lists(inner, max_size=4).map(Vector),
    ),
    max_leaves=30)


def _same(a: Value, b: Value) -> bool:
    """Structural equality of data; floats by representation (so nan, -0.0 compare), iterative."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, Pair):
            stack += [(x.car, y.car), (x.cdr, y.cdr)]
        elif isinstance(x, Vector):
            if len(x.items) != len(y.items):
                return False
            stack += list(zip(x.items, y.items, strict=True))
        elif isinstance(x, float):
            if not (repr(x) == repr(y) or (math.isnan(x) and math.isnan(y))):
                return False
        elif isinstance(x, (Symbol, Keyword)) or x is NIL:
            if x is not y:
                return False
        elif x != y:
            return False
    return True


@settings(max_examples=300, deadline=None)
@given(_data)
def test_reading_the_written_form_gives_the_datum_back(datum: Value) -> None:
    text = write_repr(datum, {})
    result = read(text, "p.omega")
    assert result.diagnostics == ()
    assert len(result.data) == 1
    assert _same(to_value(result.data[0]), datum), text


_SEPARATORS = st.sampled_from([" ", "\n", "\r\n", "\r", "\t", " ; comment\n", " #| block #| nested |# |# ",
                               " #;skipped ", " #;(skipped list) ", "\f"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_data, min_size=1, max_size=5), st.data())
def test_whitespace_and_comments_between_data_do_not_matter(data: list[Value], draw: st.DataObject) -> None:
    text = "".join(write_repr(d, {}) + draw.draw(_SEPARATORS) for d in data)
    result = read(text, "p.omega")
    assert result.diagnostics == ()
    assert len(result.data) == len(data)
    assert all(_same(to_value(s), d) for s, d in zip(result.data, data, strict=True))
