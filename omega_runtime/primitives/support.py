"""`%`-prefixed helpers for `prelude.omega`, plus the stream primitives that call nothing.

The prelude's procedures are Omega closures; these checks make their errors read as the
procedure's own (`map: expected list, got 5`), and the list helpers keep the prelude's loops
short. The first argument of a `%check-*` helper is the reporting procedure's name (a symbol).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..conditions import arity_error, index_error, key_error, value_error, wrong_type
from ..values import NIL, VOID, HashTable, Pair, Procedure, Promise, Value, Vector, list_to_python, make_list
from . import checks
from .registry import PrimContext, primitive


def _each(name: Value, items: Value, check: Callable[[str, Value], Any]) -> Value:
    """Apply `check` (naming the procedure `name`) to every element of the list `items`."""
    prim = checks.name_of(name)
    for item in checks.proper_list(prim, items):
        check(prim, item)
    return VOID


@primitive("%check-list", 2, signature="(%check-list name v)")
def check_list(name: Value, v: Value) -> Value:
    """wrong-type unless `v` is a proper list."""
    checks.proper_list(checks.name_of(name), v)
    return VOID


@primitive("%check-lists", 2, signature="(%check-lists name lists)")
def check_lists(name: Value, lists: Value) -> Value:
    """wrong-type unless every element of `lists` is a proper list."""
    return _each(name, lists, checks.proper_list)


@primitive("%check-procedure", 2, signature="(%check-procedure name v)")
def check_procedure(name: Value, v: Value) -> Value:
    """wrong-type unless `v` is a procedure."""
    checks.procedure(checks.name_of(name), v)
    return VOID


@primitive("%check-number", 2, signature="(%check-number name v)")
def check_number(name: Value, v: Value) -> Value:
    """wrong-type unless `v` is a number."""
    checks.number(checks.name_of(name), v)
    return VOID


@primitive("%check-hash-table", 2, signature="(%check-hash-table name v)")
def check_hash_table(name: Value, v: Value) -> Value:
    """wrong-type unless `v` is a hash table."""
    if not isinstance(v, HashTable):
        raise wrong_type(checks.name_of(name), "hash-table", v)
    return VOID


@primitive("%check-stream", 2, signature="(%check-stream name v)")
def check_stream(name: Value, v: Value) -> Value:
    """wrong-type unless `v` can be a stream (a pair or `()`)."""
    checks.list_start(checks.name_of(name), v)
    return VOID


@primitive("%check-streams", 2, signature="(%check-streams name streams)")
def check_streams(name: Value, streams: Value) -> Value:
    """wrong-type unless every element of `streams` can be a stream."""
    return _each(name, streams, checks.list_start)


@primitive("%check-count", 2, signature="(%check-count name n)")
def check_count(name: Value, n: Value) -> Value:
    """wrong-type unless `n` is an integer, value-error when it is negative."""
    prim = checks.name_of(name)
    if checks.integer(prim, n) < 0:
        raise value_error(prim, f"expected a non-negative count, got {int(n)}", n)
    return VOID


@primitive("%check-rest", 4, signature="(%check-rest procedure fixed max rest)")
def check_rest(proc: Value, fixed: Value, most: Value, rest: Value) -> Value:
    """arity-error for `procedure` (taking `fixed` to `max` arguments) when `fixed` arguments
    plus the rest list are too many: gives prelude procedures with optional arguments exact arity."""
    count = fixed + len(checks.proper_list("%check-rest", rest))
    if count > most:
        name = proc.name if isinstance(proc, Procedure) and proc.name else "<lambda>"
        raise arity_error(name, fixed, most, count, proc)
    return VOID


@primitive("%index-error", 3, signature="(%index-error name index length)")
def raise_index_error(name: Value, k: Value, length: Value) -> Value:
    """Signal index-error for `name`."""
    raise index_error(checks.name_of(name), k, int(length))


@primitive("%key-error", 2, signature="(%key-error name key)")
def raise_key_error(name: Value, key: Value) -> Value:
    """Signal key-error for `name`."""
    raise key_error(checks.name_of(name), key)


@primitive("%cars", 1, signature="(%cars lists)")
def cars(lists: Value) -> Value:
    """The lists' first elements, or #f when any list is empty (the shortest ends the walk)."""
    out = []
    for lst in checks.proper_list("%cars", lists):
        if not isinstance(lst, Pair):
            return False
        out.append(lst.car)
    return make_list(out)


@primitive("%cdrs", 1, signature="(%cdrs lists)")
def cdrs(lists: Value) -> Value:
    """The lists' tails."""
    return make_list([checks.pair("%cdrs", lst).cdr for lst in checks.proper_list("%cdrs", lists)])


@primitive("%any-null?", 1, signature="(%any-null? lists)")
def any_null(lists: Value) -> Value:
    """Is any of the lists (or streams) empty?"""
    return any(x is NIL for x in checks.proper_list("%any-null?", lists))


@primitive("%append-reverse", 2, signature="(%append-reverse reversed tail)")
def append_reverse(rev: Value, tail: Value) -> Value:
    """`(append (reverse reversed) tail)` in one pass."""
    out = tail
    x = rev
    while isinstance(x, Pair):
        out = Pair(x.car, out)
        x = x.cdr
    return out


@primitive("%truncate-reverse", 1, signature="(%truncate-reverse lists)")
def truncate_reverse(lists: Value) -> Value:
    """Each list cut to the shortest one's length, then reversed (for `fold-right`)."""
    pys = [checks.proper_list("%truncate-reverse", lst) for lst in checks.proper_list("%truncate-reverse", lists)]
    n = min((len(p) for p in pys), default=0)
    return make_list([make_list(reversed(p[:n])) for p in pys])


@primitive("%vector-lists", 2, kind="ctx", signature="(%vector-lists name vectors)")
def vector_lists(ctx: PrimContext, name: Value, vectors: Value) -> Value:
    """The vectors' current elements as lists; wrong-type for a non-vector."""
    prim = checks.name_of(name)
    return make_list([make_list(checks.vector(prim, v).elements(ctx.store)) for v in checks.proper_list(prim, vectors)])


@primitive("%sort-check", 1, signature="(%sort-check sequence)")
def sort_check(seq: Value) -> Value:
    """wrong-type unless `seq` is a proper list or a vector."""
    if not isinstance(seq, Vector) and list_to_python(seq) is None:
        raise wrong_type("sort", "list", seq)
    return VOID


@primitive("%singletons", 1, signature="(%singletons list)")
def singletons(lst: Value) -> Value:
    """Each element in a one-element list (the runs merge sort starts from)."""
    return make_list([Pair(x, NIL) for x in checks.proper_list("sort", lst)])


@primitive("stream-car", 1, derives=False, signature="(stream-car stream)")
def stream_car(s: Value) -> Value:
    """The first element of a non-empty stream."""
    return checks.pair("stream-car", s).car


@primitive("%check-stream-pair", 2, signature="(%check-stream-pair name v)")
def check_stream_pair(name: Value, v: Value) -> Value:
    """wrong-type unless `v` is a non-empty stream."""
    checks.pair(checks.name_of(name), v)
    return VOID


@primitive("stream-pair?", 1, signature="(stream-pair? v)")
def stream_pair_p(v: Value) -> Value:
    """Is `v` a pair whose cdr is a promise?"""
    return isinstance(v, Pair) and isinstance(v.cdr, Promise)


@primitive("stream-null?", 1, signature="(stream-null? v)")
def stream_null_p(v: Value) -> Value:
    """Is `v` the empty stream `()`?"""
    return v is NIL


@primitive("%string-lists", 2, signature="(%string-lists name strings)")
def string_lists(name: Value, strings: Value) -> Value:
    """Each string as a list of one-character strings, all cut to the shortest one's length."""
    prim = checks.name_of(name)
    texts = [str.__str__(checks.string(prim, s)) for s in checks.proper_list(prim, strings)]
    n = min((len(t) for t in texts), default=0)
    return make_list([make_list(list(t[:n])) for t in texts])


@primitive("%check-string", 2, signature="(%check-string name v)")
def check_string(name: Value, v: Value) -> Value:
    """wrong-type unless `v` is a string."""
    checks.string(checks.name_of(name), v)
    return VOID
