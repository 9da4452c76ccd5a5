"""Pair and list primitives (LANGUAGE.md 14.2) and the prelude's list helpers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omega_runtime.conditions import OmegaError
from omega_runtime.primitives.context import SimpleContext
from omega_runtime.primitives.registry import BUILTINS
from omega_runtime.printer import write_repr
from omega_runtime.values import NIL, Pair, Vector, list_to_python, make_list, sym

ctx = SimpleContext()


def c(name: str, *args: Any) -> Any:
    return ctx.call(name, *args)


def w(v: Any) -> str:
    return write_repr(v, ctx.store)


def L(*items: Any) -> Any:
    return make_list(items)


def err(name: str, *args: Any) -> OmegaError:
    with pytest.raises(OmegaError) as info:
        ctx.call(name, *args)
    return info.value


def test_pairs_and_cxr() -> None:
    assert w(L(c("cons", 1, 2), c("car", L(1, 2)), c("cdr", L(1, 2)), c("cadr", L(1, 2, 3)), c("cddr", L(1, 2, 3)),
               c("caddr", L(1, 2, 3)), c("cdddr", L(1, 2, 3, 4)), c("cadddr", L(1, 2, 3, 4)),
               c("caar", L(L(1), 2)), c("cdar", L(Pair(1, 5))))) == "((1 . 2) 1 (2) 2 (3) 3 (4) 4 1 5)"
    e = err("car", NIL)
    assert (e.ctype, e.message({}), e.data) == ("wrong-type", "car: expected pair, got ()", ("pair", NIL))
    assert err("cadr", L(1)).message({}) == "cadr: expected pair, got (1)"


def test_list_predicates_and_basics() -> None:
    assert w(L(c("list"), c("list?", L(1, 2)), c("list?", Pair(1, 2)), c("list?", NIL), c("null?", NIL),
               c("pair?", NIL), c("pair?", L(1)))) == "(() #t #f #t #t #f #t)"
    assert w(L(c("length", L(1, 2, 3)), c("reverse", L(1, 2, 3)), c("list-copy", L(1, 2)),
               c("last-pair", L(1, 2, 3)))) == "(3 (3 2 1) (1 2) (3))"
    for prim in ("length", "reverse", "list-copy", "last-pair"):
        e = err(prim, Pair(1, Pair(2, 3)))
        assert e.ctype == "wrong-type" and e.message({}) == f"{prim}: expected list, got (1 2 . 3)"


def test_append() -> None:
    assert w(L(c("append"), c("append", L(1), L(2), 3), c("append", L(1, 2), L(3), NIL, L(4, 5)),
               c("append", NIL, 5))) == "(() (1 2 . 3) (1 2 3 4 5) 5)"
    tail = L(9)
    assert c("append", L(1), tail).cdr is tail
    assert err("append", 1, L(2)).message({}) == "append: expected list, got 1"


def test_indexing() -> None:
    assert w(L(c("list-ref", L(sym("a"), sym("b"), sym("c")), 1), c("list-tail", L(sym("a"), sym("b"), sym("c")), 1),
               c("take", L(1, 2, 3), 2), c("drop", L(1, 2, 3), 2))) == "(b (b c) (1 2) (3))"
    e = err("list-ref", L(1, 2), 2)
    assert (e.ctype, e.message({}), e.data) == ("index-error", "list-ref: index 2 out of range for length 2", (2, 2))
    assert err("take", L(1), 2).ctype == "index-error"
    assert err("list-ref", L(1), -1).ctype == "index-error"
    assert err("list-ref", L(1), sym("x")).message({}) == "list-ref: expected integer, got x"
    assert err("drop", 5, 0).message({}) == "drop: expected list, got 5"
    assert c("list-tail", L(1, 2), 2) is NIL


def test_membership_and_association() -> None:
    assert w(L(c("memq", sym("c"), L(sym("a"), sym("b"), sym("c"), sym("d"))), c("memv", 2.0, L(1, 2, 3)),
               c("%member", "b", L("a", "b", "c")), c("memq", sym("z"), L(sym("a"))))) == '((c d) #f ("b" "c") #f)'
    alist = L(L(sym("a"), 1), L(sym("b"), 2))
    assert c("assq", sym("b"), alist) is alist.cdr.car  # the existing pair, not a copy
    assert w(L(c("assv", 2, L(Pair(1, sym("one")), Pair(2, sym("two")))),
               c("%assoc", "b", L(Pair("a", 1), Pair("b", 2))), c("assq", sym("z"), NIL))) == '((2 . two) ("b" . 2) #f)'
    assert c("%member", Vector([1]), L(Vector([1]))) is not False  # equal? through vectors
    assert err("%member", 1, 5).message({}) == "member: expected list, got 5"
    assert err("assq", 1, L(1)).message({}) == "assq: expected pair, got 1"


def test_derives_flags_follow_provenance_rules() -> None:
    for name in ("car", "cdr", "cadr", "list-ref", "list-tail", "drop", "last-pair", "memq", "memv", "%member",
                 "assq", "assv", "%assoc", "vector-ref", "hash-table-ref/default", "%hash-table-ref", "stream-car"):
        assert BUILTINS[name].derives is False, name
    for name in ("cons", "list", "append", "reverse", "take", "string-append", "+", "substring"):
        assert BUILTINS[name].derives is True, name


def test_delete_and_duplicates() -> None:
    assert w(L(c("delete", 2, L(1, 2, 3, 2)), c("delete", "a", L("a", "b", "a")),
               c("delete-duplicates", L(1, 2, 1, 3, 2)),
               c("delete-duplicates", L(L(sym("a")), L(sym("b")), L(sym("a")))))) == '((1 3) ("b") (1 2 3) ((a) (b)))'
    assert w(c("delete-duplicates", L(Vector([1]), Vector([1]), 1, 1.0))) == "(#(1) 1 1.0)"


def test_iota() -> None:
    assert w(L(c("iota", 5), c("iota", 5, 1), c("iota", 3, 0, 2), c("iota", 0), c("iota", 2, 0.5))) == (
        "((0 1 2 3 4) (1 2 3 4 5) (0 2 4) () (0.5 1.5))")
    assert err("iota", -1).ctype == "value-error"


def test_arity_is_exact() -> None:
    e = err("car")
    assert (e.ctype, e.message({})) == ("arity-error", "car: expected 1 argument, got 0")
    assert err("cons", 1).message({}) == "cons: expected 2 arguments, got 1"
    assert err("-").message({}) == "-: expected at least 1 argument, got 0"
    assert err("substring", "abc").message({}) == "substring: expected 2 to 3 arguments, got 1"


def test_long_lists_are_handled_iteratively() -> None:
    big = make_list(range(1_000_000))
    assert c("length", big) == 1_000_000
    assert c("car", c("reverse", big)) == 999_999
    assert c("list-ref", big, 999_999) == 999_999


@given(st.lists(st.integers()), st.lists(st.integers()))
def test_append_and_reverse_agree_with_python(a: list[int], b: list[int]) -> None:
    assert list_to_python(c("append", make_list(a), make_list(b))) == a + b
    assert list_to_python(c("reverse", make_list(a))) == a[::-1]
    assert c("length", make_list(a)) == len(a)


@given(st.lists(st.integers(min_value=0, max_value=5)))
def test_delete_duplicates_keeps_first_occurrences(a: list[int]) -> None:
    assert list_to_python(c("delete-duplicates", make_list(a))) == list(dict.fromkeys(a))


def test_prelude_helpers() -> None:
    assert w(c("%cars", L(L(1, 2), L(3)))) == "(1 3)"
    assert c("%cars", L(L(1), NIL)) is False
    assert w(c("%cdrs", L(L(1, 2), L(3)))) == "((2) ())"
    assert w(c("%append-reverse", L(3, 2, 1), L(4))) == "(1 2 3 4)"
    assert w(c("%truncate-reverse", L(L(1, 2, 3), L(4, 5)))) == "((2 1) (5 4))"
    assert w(c("%singletons", L(1, 2))) == "((1) (2))"
    assert err("%check-list", sym("map"), 5).message({}) == "map: expected list, got 5"
    assert err("%check-procedure", sym("sort"), 5).message({}) == "sort: expected procedure, got 5"
    assert err("%sort-check", 5).message({}) == "sort: expected list, got 5"
    member = BUILTINS["memq"]  # any procedure with a name serves as the reporting procedure
    e = err("%check-rest", member, 2, 3, L(1, 2))
    assert (e.ctype, e.message({}), e.data) == ("arity-error", "memq: expected 2 to 3 arguments, got 4", (member, 4))
