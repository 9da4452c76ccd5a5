"""write/display forms (LANGUAGE.md 2.1, 2.2) through printer.write_repr / display_repr."""

from __future__ import annotations

import math
from typing import Any

import immutables
from hypothesis import given
from hypothesis import strategies as st

from omega_runtime.primitives.context import SimpleContext
from omega_runtime.primitives.registry import BUILTINS
from omega_runtime.printer import display_repr, write_repr
from omega_runtime.values import (
    NIL,
    VOID,
    Condition,
    HashTable,
    Keyword,
    Pair,
    PFloat,
    PInt,
    Procedure,
    Promise,
    PromptTag,
    Proposal,
    PStr,
    Restart,
    Symbol,
    Vector,
    keyword,
    make_list,
    sym,
)

EMPTY: Any = immutables.Map()


def w(v: object) -> str:
    return write_repr(v, EMPTY)


def d(v: object) -> str:
    return display_repr(v, EMPTY)


def test_atoms() -> None:
    assert [w(x) for x in (True, False, 42, -7, 3.5, 2.0, "s", sym("sym"), keyword("kw"), NIL, VOID)] == [
        "#t", "#f", "42", "-7", "3.5", "2.0", '"s"', "sym", ":kw", "()", "#<void>"]


def test_pairs_and_lists() -> None:
    assert w(Pair(1, 2)) == "(1 . 2)"
    assert w(Pair(1, Pair(2, 3))) == "(1 2 . 3)"
    assert w(make_list([1, make_list([2, Vector([3, "x"])]), NIL])) == '(1 (2 #(3 "x")) ())'
    assert w(make_list([sym("quote"), sym("a")])) == "(quote a)"
    assert w(Vector([])) == "#()"


def test_floats() -> None:
    cases = {1.5: "1.5", -0.0: "-0.0", 1e16: "1e+16", 1e15: "1000000000000000.0", 1e-7: "1e-07",
             0.1 + 0.2: "0.30000000000000004", math.inf: "+inf.0", -math.inf: "-inf.0", math.nan: "+nan.0"}
    for x, text in cases.items():
        assert w(x) == text


def test_big_integers_print_in_full() -> None:
    assert w(10**5000) == "1" + "0" * 5000


def test_string_escapes() -> None:
    assert w('a"b\\c') == '"a\\"b\\\\c"'
    assert w("tab\tnl\ncr\r") == '"tab\\tnl\\ncr\\r"'
    assert w("\x01\x07\x7f") == '"\\u0001\\u0007\\u007f"'
    assert w("café 日本") == '"café 日本"'


def test_display_prints_strings_raw_at_any_depth() -> None:
    v = make_list([1, "a b", Vector(["c", sym("d")]), make_list(["e"])])
    assert d(v) == "(1 a b #(c d) (e))"
    assert w(v) == '(1 "a b" #("c" d) ("e"))'
    assert d(make_list(["x", sym("y"), keyword("z"), 1.5, False])) == "(x y :z 1.5 #f)"
    assert d(Symbol("hello world")) == "hello world"


def test_provenance_subclasses_print_as_plain_values() -> None:
    assert w(PStr("4", ("oracle", "r-1"))) == '"4"'
    assert w(PInt(4, None)) == "4"
    assert w(PFloat(0.5, None)) == "0.5"


def test_procedures_and_objects() -> None:
    assert w(BUILTINS["car"]) == "#<procedure car>"
    assert w(Procedure(None)) == "#<procedure>"

    class Cont(Procedure):
        write_tag = "continuation"
        show_name = False

    class Oracle(Procedure):
        write_tag = "oracle-procedure"

    assert w(Cont("k")) == "#<continuation>"
    assert w(Oracle("ask")) == "#<oracle-procedure ask>"
    assert w(Promise(("value", 1))) == "#<promise>"
    assert w(Condition(sym("wrong-type"), "m", NIL, ())) == "#<condition wrong-type>"
    assert w(Restart(sym("retry-it"), (), None, None)) == "#<restart retry-it>"
    assert w(PromptTag(sym("p"))) == "#<prompt-tag p>"
    assert w(Proposal(3, "shell", "ls", None)) == "#<proposal 3 shell>"


def test_records_and_hash_tables_read_the_store() -> None:
    ctx = SimpleContext()
    rt = ctx.call("%record-type", "point", make_list([sym("x"), sym("y")]))
    make = ctx.call("%record-constructor", rt, sym("make-point"), make_list([sym("x"), sym("y")]))
    p = ctx.call(make, 1, "two")
    assert write_repr(p, ctx.store) == '#<point 1 "two">'
    assert display_repr(p, ctx.store) == "#<point 1 two>"
    assert write_repr(rt, ctx.store) == "#<record-type point>"
    h = ctx.call("make-hash-table")
    assert isinstance(h, HashTable)
    ctx.call("hash-table-set!", h, sym("a"), 1)
    ctx.call("hash-table-set!", h, sym("b"), 2)
    assert write_repr(h, ctx.store) == "#<hash-table 2>"
    assert write_repr(h, EMPTY) == "#<hash-table 0>"  # an old store shows the old content


def test_cycles_only_on_the_current_path() -> None:
    ctx = SimpleContext()
    v = Vector([1, 2])
    ctx.call("vector-set!", v, 1, v)
    assert write_repr(v, ctx.store) == "#(1 #<cycle>)"
    shared = Vector([sym("x")])
    assert write_repr(make_list([shared, shared]), ctx.store) == "(#(x) #(x))"
    inner = Vector([0])
    outer = Vector([inner, inner])
    ctx.call("vector-set!", inner, 0, outer)
    assert write_repr(outer, ctx.store) == "#(#(#<cycle>) #(#<cycle>))"


def test_deep_nesting_is_iterative() -> None:
    depth = 100_000
    v: object = NIL
    for _ in range(depth):
        v = Pair(v, NIL)
    text = w(v)
    assert text == "(" * depth + "()" + ")" * depth
    vec: object = 0
    for _ in range(depth):
        vec = Vector([vec])
    assert w(vec) == "#(" * depth + "0" + ")" * depth


def test_long_list() -> None:
    assert w(make_list(range(200_000))).count(" ") == 199_999


@given(st.text())
def test_write_form_of_strings_round_trips_through_python_unescape(s: str) -> None:
    text = w(s)
    assert text.startswith('"') and text.endswith('"')
    body = text[1:-1]
    # Every control character is escaped; the JSON-like \uXXXX decoding recovers the string.
    assert not any(ord(c) < 0x20 for c in body)
    decoded = body.encode("utf-8").decode("unicode_escape") if s.isascii() else None
    if decoded is not None:
        assert decoded == s


@given(st.recursive(st.integers() | st.booleans() | st.text(max_size=3),
                    lambda kids: st.lists(kids, max_size=4), max_leaves=30))
def test_display_equals_write_without_strings(tree: object) -> None:
    def build(x: object) -> object:
        return make_list([build(i) for i in x]) if isinstance(x, list) else x

    v = build(tree)
    if '"' not in w(v):
        assert d(v) == w(v)


def test_keyword_and_symbol_objects() -> None:
    assert w(Keyword("k")) == ":k"
    assert w(Symbol("g1", interned=False)) == "g1"
