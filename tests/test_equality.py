"""eqv?/equal? (LANGUAGE.md 2.3)."""

from __future__ import annotations

import math
from typing import Any

import immutables
from hypothesis import given
from hypothesis import strategies as st

from omega_runtime.equality import equal, eqv
from omega_runtime.primitives.context import SimpleContext
from omega_runtime.values import NIL, VOID, HashTable, Pair, PInt, PStr, Vector, keyword, make_list, sym

EMPTY: Any = immutables.Map()


def test_numbers_by_exactness_and_ieee() -> None:
    assert eqv(2, 2) and eqv(2.0, 2.0) and eqv(0.0, -0.0)
    assert not eqv(2, 2.0) and not eqv(2.0, 2)
    nan = math.nan
    assert not eqv(nan, nan)
    assert eqv(10**30, 10**30)
    assert eqv(PInt(4, ("oracle", "r")), 4)


def test_booleans_are_not_numbers() -> None:
    assert not eqv(True, 1) and not eqv(1, True) and not eqv(False, 0)
    assert eqv(True, True)


def test_strings_by_content_others_by_identity() -> None:
    assert eqv("ab", "a" + "b")
    assert eqv(PStr("ab", None), "ab")
    assert eqv(sym("x"), sym("x")) and eqv(keyword("k"), keyword("k")) and eqv(NIL, NIL) and eqv(VOID, VOID)
    assert not eqv(make_list([1]), make_list([1]))
    assert not eqv(Vector([1]), Vector([1]))


def test_equal_through_pairs_and_vectors() -> None:
    a = make_list([1, Vector([2, "x"])])
    b = make_list([1, Vector([2, "x"])])
    assert equal(a, b, EMPTY)
    assert not equal(2, 2.0, EMPTY)
    assert equal(Pair(1, 2), Pair(1, 2), EMPTY)
    assert not equal(make_list([1, 2]), make_list([1, 2, 3]), EMPTY)
    assert not equal(Vector([1]), Vector([1, 2]), EMPTY)
    assert not equal(HashTable(), HashTable(), EMPTY)


def test_equal_reads_vector_writes_from_the_store() -> None:
    ctx = SimpleContext()
    v1, v2 = Vector([1, 2]), Vector([1, 2])
    assert equal(v1, v2, ctx.store)
    ctx.call("vector-set!", v1, 0, 9)
    assert not equal(v1, v2, ctx.store)
    assert equal(v1, v2, EMPTY)


def test_equal_terminates_on_cyclic_vectors() -> None:
    ctx = SimpleContext()
    a, b = Vector([0]), Vector([0])
    ctx.call("vector-set!", a, 0, a)
    ctx.call("vector-set!", b, 0, b)
    assert equal(a, b, ctx.store)


def test_equal_is_iterative_on_deep_data() -> None:
    def deep(n: int) -> object:
        v: object = NIL
        for _ in range(n):
            v = Pair(v, Pair(1, NIL))
        return v

    assert equal(deep(100_000), deep(100_000), EMPTY)
    assert equal(make_list(range(300_000)), make_list(range(300_000)), EMPTY)


atoms = st.integers() | st.floats(allow_nan=False) | st.text(max_size=4) | st.booleans()
trees = st.recursive(atoms, lambda kids: st.lists(kids, max_size=4) | st.tuples(kids, kids), max_leaves=25)


def build(x: object) -> object:
    if isinstance(x, list):
        return make_list([build(i) for i in x])
    if isinstance(x, tuple):
        return Vector([build(i) for i in x])
    return x


@given(trees)
def test_equal_is_reflexive_on_fresh_copies(t: object) -> None:
    assert equal(build(t), build(t), EMPTY)


@given(trees, trees)
def test_equal_is_symmetric(a: object, b: object) -> None:
    x, y = build(a), build(b)
    assert equal(x, y, EMPTY) == equal(y, x, EMPTY)
