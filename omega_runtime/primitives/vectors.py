"""Vector primitives (LANGUAGE.md 14.4). A vector's initial contents live in the object and later
writes in the store under `(vector, index)`; `vector-map`/`vector-for-each` are in the prelude."""

from __future__ import annotations

from ..conditions import value_error
from ..values import VOID, Value, Vector, make_list
from . import cells, checks
from .registry import PrimContext, primitive


def write_slot(ctx: PrimContext, v: Vector, i: int, value: Value) -> None:
    cells.write(ctx, (v, i), value, "vector-set", v, i, v.ref(ctx.store, i), value)


@primitive("vector", 0, None, signature="(vector v ...)")
def vector(*args: Value) -> Value:
    """A new vector of the arguments."""
    return Vector(args)


@primitive("make-vector", 1, 2, signature="(make-vector k [fill])")
def make_vector(k: Value, fill: Value = VOID) -> Value:
    """A new vector of `k` slots holding `fill` (default void)."""
    n = checks.integer("make-vector", k)
    if n < 0:
        raise value_error("make-vector", f"length must be non-negative, got {n}", k)
    return Vector((fill,) * n)


@primitive("vector?", 1, signature="(vector? v)")
def vector_p(v: Value) -> Value:
    """Is `v` a vector?"""
    return isinstance(v, Vector)


@primitive("vector-length", 1, signature="(vector-length vector)")
def vector_length(v: Value) -> Value:
    """Number of slots."""
    return len(checks.vector("vector-length", v).items)


@primitive("vector-ref", 2, kind="ctx", derives=False, signature="(vector-ref vector k)")
def vector_ref(ctx: PrimContext, v: Value, k: Value) -> Value:
    """Slot `k` (from 0)."""
    vec = checks.vector("vector-ref", v)
    return vec.ref(ctx.store, checks.index("vector-ref", k, len(vec.items)))


@primitive("vector-set!", 3, kind="ctx", signature="(vector-set! vector k value)")
def vector_set(ctx: PrimContext, v: Value, k: Value, value: Value) -> Value:
    """Store `value` in slot `k`."""
    vec = checks.vector("vector-set!", v)
    write_slot(ctx, vec, checks.index("vector-set!", k, len(vec.items)), value)
    return VOID


@primitive("vector-fill!", 2, 4, kind="ctx", signature="(vector-fill! vector value [start [end]])")
def vector_fill(ctx: PrimContext, v: Value, value: Value, start: Value = None, end: Value = None) -> Value:
    """Store `value` in every slot (from `start` to `end`)."""
    vec = checks.vector("vector-fill!", v)
    b, e = checks.bounds("vector-fill!", start, end, len(vec.items))
    for i in range(b, e):
        write_slot(ctx, vec, i, value)
    return VOID


@primitive("vector->list", 1, 3, kind="ctx", signature="(vector->list vector [start [end]])")
def vector_to_list(ctx: PrimContext, v: Value, start: Value = None, end: Value = None) -> Value:
    """A new list of the current elements (from `start` to `end`)."""
    vec = checks.vector("vector->list", v)
    b, e = checks.bounds("vector->list", start, end, len(vec.items))
    return make_list(vec.elements(ctx.store)[b:e])


@primitive("list->vector", 1, signature="(list->vector list)")
def list_to_vector(lst: Value) -> Value:
    """A new vector of the list's elements."""
    return Vector(checks.proper_list("list->vector", lst))


@primitive("vector-copy", 1, 3, kind="ctx", signature="(vector-copy vector [start [end]])")
def vector_copy(ctx: PrimContext, v: Value, start: Value = None, end: Value = None) -> Value:
    """A new vector of the current elements (from `start` to `end`)."""
    vec = checks.vector("vector-copy", v)
    b, e = checks.bounds("vector-copy", start, end, len(vec.items))
    return Vector(vec.elements(ctx.store)[b:e])
