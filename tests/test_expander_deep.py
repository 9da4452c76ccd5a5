"""Depth, speed and round-trip properties of the expander."""

from __future__ import annotations

import sys
import time
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from omega_runtime import core as C
from omega_runtime.equality import equal
from omega_runtime.expander import Expander, ExpandError, datum_to_syntax, expand_program
from omega_runtime.expander.idents import strip
from omega_runtime.reader import read
from omega_runtime.span import Span
from omega_runtime.values import NIL, Pair, Vector, keyword, make_list, sym

SPAN = Span("<eval>", 1, 1, 1, 1, 0, 0)
DEPTH = 10_000


def expand_text(text: str) -> list[Any]:
    result = read(text, "deep.omega")
    assert not result.diagnostics
    nodes, _ = expand_program(result.data)
    assert not any(isinstance(n, ExpandError) for n in nodes)
    return nodes


def test_limits_are_not_raised() -> None:
    assert sys.getrecursionlimit() <= 10_000  # the depth tests below mean something


def test_deeply_nested_calls() -> None:
    (n,) = expand_text("(list " * DEPTH + "1" + ")" * DEPTH)
    depth = 0
    while isinstance(n, C.App):
        depth += 1
        n = n.args[0]
    assert depth == DEPTH and isinstance(n, C.Const)


def test_deeply_nested_lets_resolve_outer_binding() -> None:
    text = "".join(f"(let ((x{i} {i})) " for i in range(DEPTH)) + "x0" + ")" * DEPTH
    (n,) = expand_text(text)
    outer = n.bindings[0]
    for _ in range(DEPTH):
        n = n.body if isinstance(n, C.Let) else n.exprs[0]
        n = n.exprs[0] if isinstance(n, C.Seq) else n
    assert isinstance(n, C.LocalRef) and n.binding is outer and len(outer.references) == 1


def test_deep_quasiquote_match_macro_and_begin() -> None:
    expand_text("`" + "(a " * DEPTH + ",(+ 1 2)" + ")" * DEPTH)
    expand_text("(match 1 (" + "(" * DEPTH + "?x" + ")" * DEPTH + " x))")
    expand_text("(define-syntax m (syntax-rules () ((_ x) (list x))))" + "(m " * DEPTH + "1" + ")" * DEPTH)
    expand_text("(define (f) " + "(begin " * DEPTH + "(define z 1)" + ")" * DEPTH + " z)")
    expand_text("(lambda () " + "(when 1 " * DEPTH + "2" + ")" * DEPTH + ")")


def test_deep_quoted_data() -> None:
    (n,) = expand_text("'" + "(" * 100_000 + ")" * 100_000)
    assert isinstance(n.value, Pair)


def test_deep_eval_datum() -> None:
    v: Any = NIL
    for _ in range(100_000):
        v = Pair(v, NIL)
    syn = datum_to_syntax(Pair(sym("quote"), Pair(v, NIL)), SPAN)
    n = Expander().expand_toplevel(syn)
    assert isinstance(n, C.Const) and equal(n.value, v, {})


def test_ten_thousand_line_program_is_fast() -> None:
    chunk = """(define (f{i} x . rest)
  (define z (* x 2))
  (let loop ((k 0) (acc '()))
    (cond ((> k 3) (reverse acc))
          (else (loop (+ k 1) (cons `(k ,k ,@rest) acc)))))
  (match (list x z) ((?a ?b) (my-or a b)) (_ (case z ((1 2) 'small) (else 'big)))))
"""
    text = "(define-syntax my-or (syntax-rules () ((_ a b) (let ((t a)) (if t t b)))))\n"
    text += "".join(chunk.format(i=i) for i in range(10_000 // 7))
    result = read(text, "big.omega")
    start = time.perf_counter()
    nodes, _ = expand_program(result.data)
    elapsed = time.perf_counter() - start
    assert len(nodes) == 10_000 // 7 + 1 and not any(isinstance(n, ExpandError) for n in nodes)
    assert elapsed < 5.0  # about 0.3 s measured; generous for slow CI machines


atoms = st.one_of(
    st.integers(), st.floats(allow_nan=False), st.text(max_size=5), st.booleans(),
    st.sampled_from([sym("a"), sym("if"), sym("..."), keyword("k"), NIL]),
)
data = st.recursive(
    atoms,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4).map(make_list),
        st.tuples(st.lists(kids, min_size=1, max_size=3), atoms.filter(lambda a: a is not NIL)).map(
            lambda p: make_list(p[0], p[1])),
        st.lists(kids, max_size=3).map(Vector),
    ),
    max_leaves=20,
)


@given(data)
def test_datum_to_syntax_round_trips(v: Any) -> None:
    assert equal(strip(datum_to_syntax(v, SPAN)), v, {})


@given(data)
def test_quote_and_constant_quasiquote_give_the_datum(v: Any) -> None:
    x = Expander()
    for head in ("quote", "quasiquote"):
        n = x.expand_toplevel(datum_to_syntax(make_list([sym(head), v]), SPAN))
        assert isinstance(n, C.Const) and equal(n.value, v, {})
