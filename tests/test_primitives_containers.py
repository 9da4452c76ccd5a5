"""Vectors, hash tables and records (LANGUAGE.md 3.2, 14.4): store-backed contents and writes."""

from __future__ import annotations

from typing import Any

import immutables
import pytest
from hypothesis import given
from hypothesis import strategies as st

from omega_runtime.conditions import OmegaError
from omega_runtime.primitives.context import SimpleContext
from omega_runtime.primitives.hashtables import hash_entries, hash_key
from omega_runtime.printer import write_repr
from omega_runtime.values import NIL, VOID, HashTable, Pair, Vector, make_list, sym


def L(*items: Any) -> Any:
    return make_list(items)


@pytest.fixture
def ctx() -> SimpleContext:
    return SimpleContext()


def err(ctx: SimpleContext, name: Any, *args: Any) -> OmegaError:
    with pytest.raises(OmegaError) as info:
        ctx.call(name, *args)
    return info.value


def test_vectors(ctx: SimpleContext) -> None:
    c = ctx.call
    assert write_repr(L(c("vector", 1, 2), c("make-vector", 2, 0), c("make-vector", 2), c("vector"),
                        c("vector?", Vector([1])), c("vector?", L(1))), ctx.store) == (
        "(#(1 2) #(0 0) #(#<void> #<void>) #() #t #f)")
    v = c("vector", 1, 2, 3)
    assert c("vector-set!", v, 0, sym("x")) is VOID
    assert write_repr(L(v, c("vector-ref", v, 0), c("vector-length", v), c("vector->list", v),
                        c("list->vector", L(sym("a"), sym("b")))), ctx.store) == "(#(x 2 3) x 3 (x 2 3) #(a b))"
    copy = c("vector-copy", v)
    c("vector-fill!", v, 0)
    assert write_repr(L(v, copy), ctx.store) == "(#(0 0 0) #(x 2 3))"
    assert v.items == (1, 2, 3)  # the object keeps its initial contents; writes live in the store


def test_vector_errors(ctx: SimpleContext) -> None:
    v = Vector([1, 2, 3])
    e = err(ctx, "vector-ref", v, 3)
    assert (e.ctype, e.message({}), e.data) == ("index-error", "vector-ref: index 3 out of range for length 3", (3, 3))
    assert err(ctx, "vector-set!", v, -1, 0).data == (-1, 3)
    assert err(ctx, "vector-ref", L(1), 0).message({}) == "vector-ref: expected vector, got (1)"
    assert err(ctx, "vector-ref", Vector([1]), sym("x")).message({}) == "vector-ref: expected integer, got x"


def test_vector_writes_carry_proposals(ctx: SimpleContext) -> None:
    v = Vector([1, 2])
    ctx.call("vector-set!", v, 1, 9)
    key, value, (kind, target, old, new) = ctx.writes[-1]
    assert key == (v, 1) and value == 9
    assert (kind, write_repr(target, ctx.store), old, new) == ("vector-set", "(#(1 9) 1)", 2, 9)


def test_hash_tables(ctx: SimpleContext) -> None:
    c = ctx.call
    h = c("make-hash-table")
    for k, v in ((sym("b"), 2), ("key", sym("str")), (L(1, 2), sym("pair")), (1, sym("int")), (1.0, sym("float")),
                 (True, sym("true"))):
        c("hash-table-set!", h, k, v)
    assert c("hash-table-count", h) == 6
    assert write_repr(L(c("%hash-table-ref", h, "key"), c("%hash-table-ref", h, L(1, 2)), c("%hash-table-ref", h, 1),
                        c("%hash-table-ref", h, 1.0), c("%hash-table-ref", h, True)), ctx.store) == (
        "(str pair int float true)")
    assert write_repr(c("hash-table-keys", h), ctx.store) == '(b "key" (1 2) 1 1.0 #t)'
    assert write_repr(c("hash-table-values", h), ctx.store) == "(2 str pair int float true)"
    assert [c("hash-table-contains?", h, sym("b")), c("hash-table-contains?", h, sym("zz")),
            c("hash-table-ref/default", h, sym("zz"), sym("none"))] == [True, False, sym("none")]
    c("hash-table-set!", h, sym("b"), 20)  # an update keeps its place
    c("hash-table-delete!", h, "key")
    h2 = c("hash-table-copy", h)
    c("hash-table-clear!", h)
    assert [c("hash-table-count", h), c("hash-table-count", h2), c("hash-table?", h2), c("hash-table?", NIL)] == [
        0, 5, True, False]
    assert write_repr(c("hash-table->alist", h2), ctx.store) == (
        "((b . 20) ((1 2) . pair) (1 . int) (1.0 . float) (#t . true))")
    c("hash-table-set!", h2, sym("n"), 1)
    assert c("hash-table-count", h) == 0 and c("hash-table-count", h2) == 6


def test_hash_keys_by_identity_for_mutable_values(ctx: SimpleContext) -> None:
    h = ctx.call("make-hash-table")
    v = Vector([1])
    ctx.call("hash-table-set!", h, v, sym("vec"))
    assert ctx.call("hash-table-ref/default", h, Vector([1]), sym("other")) is sym("other")
    assert ctx.call("%hash-table-ref", h, v) is sym("vec")
    assert hash_key(L(1, Vector([])))[0] == 0  # a pair holding a vector is an identity key


def test_hash_errors_and_proposals(ctx: SimpleContext) -> None:
    h = ctx.call("make-hash-table")
    e = err(ctx, "%hash-table-ref", h, "missing")
    assert (e.ctype, e.message({}), e.data) == ("key-error", 'hash-table-ref: no value for key "missing"', ("missing",))
    assert err(ctx, "%hash-table-ref", 5, 1).message({}) == "hash-table-ref: expected hash-table, got 5"
    assert err(ctx, "%hash-table-lookup", sym("hash-table-update!"), 5, 1, 0).message({}) == (
        "hash-table-update!: expected hash-table, got 5")
    ctx.call("hash-table-set!", h, sym("k"), 1)
    ctx.call("hash-table-set!", h, sym("k"), 2)
    ctx.call("hash-table-delete!", h, sym("k"))
    ctx.call("hash-table-delete!", h, sym("absent"))  # nothing to delete: no write
    kinds = [(p[0], p[2], p[3]) for _, _, p in ctx.writes]
    assert kinds == [("hash-set", VOID, 1), ("hash-set", 1, 2), ("hash-delete", 2, VOID)]


def test_old_stores_keep_old_contents(ctx: SimpleContext) -> None:
    h = ctx.call("make-hash-table")
    ctx.call("hash-table-set!", h, "a", 1)
    before = ctx.store
    ctx.call("hash-table-set!", h, "a", 2)
    ctx.call("hash-table-set!", h, "b", 3)
    assert hash_entries(h, before) == [("a", 1)]
    assert hash_entries(h, ctx.store) == [("a", 2), ("b", 3)]
    empty: Any = immutables.Map()
    assert hash_entries(HashTable(), empty) == []


@given(st.lists(st.tuples(st.integers(-3, 3) | st.text(max_size=1), st.integers()), max_size=30))
def test_hash_table_matches_an_ordered_dict(ops: list[tuple[Any, int]]) -> None:
    ctx = SimpleContext()
    h = ctx.call("make-hash-table")
    model: dict[Any, int] = {}
    for k, v in ops:
        if v % 3 == 0:
            ctx.call("hash-table-delete!", h, k)
            model.pop(k, None)
        else:
            ctx.call("hash-table-set!", h, k, v)
            model[k] = v
    assert hash_entries(h, ctx.store) == list(model.items())


def test_long_list_keys_hash_without_recursion(ctx: SimpleContext) -> None:
    key: Any = NIL
    for i in range(100_000):
        key = Pair(key, Pair(i, NIL))
    h = ctx.call("make-hash-table")
    ctx.call("hash-table-set!", h, key, 1)
    rebuilt: Any = NIL
    for i in range(100_000):
        rebuilt = Pair(rebuilt, Pair(i, NIL))
    assert ctx.call("%hash-table-ref", h, rebuilt) == 1


def test_records(ctx: SimpleContext) -> None:
    c = ctx.call
    fields = L(sym("x"), sym("y"))
    rt = c("%record-type", "point", fields)
    make = c("%record-constructor", rt, sym("make-point"), L(sym("x")))
    pred = c("%record-predicate", rt, sym("point?"))
    get_y = c("%record-accessor", rt, sym("point-y"), sym("y"))
    set_y = c("%record-modifier", rt, sym("set-point-y!"), sym("y"))
    p = c(make, 1)
    assert write_repr(p, ctx.store) == "#<point 1 #<void>>"
    assert c(set_y, p, 5) is VOID
    assert write_repr(L(c(get_y, p), c(pred, p), c(pred, 5), c("record?", p), p), ctx.store) == (
        "(5 #t #f #t #<point 1 5>)")
    assert ctx.writes[-1][2][0] == "record-set"
    assert write_repr(make, ctx.store) == "#<procedure make-point>"
    e = err(ctx, get_y, 5)
    assert (e.ctype, e.message({})) == ("wrong-type", "point-y: expected record <point>, got 5")
    other = c("%record-type", "point", fields)  # same name, different type
    assert err(ctx, set_y, c(c("%record-constructor", other, sym("mk"), fields), 1, 2), 0).ctype == "wrong-type"
    assert err(ctx, make).message({}) == "make-point: expected 1 argument, got 0"
    assert err(ctx, "%record-accessor", rt, sym("point-z"), sym("z")).ctype == "value-error"
