"""Pair and list primitives (LANGUAGE.md 14.2) that call no procedures.

Primitives returning an existing part of an argument (car, list-tail, memq, assoc, ...) are
registered with `derives=False`: the part keeps its own provenance (5.7). The higher-order list
procedures live in `prelude.omega`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..conditions import index_error, value_error, wrong_type
from ..equality import equal, eqv
from ..values import NIL, Pair, Value, make_list
from . import checks
from .hashtables import hash_key
from .registry import PrimContext, primitive


@primitive("cons", 2, signature="(cons a b)")
def cons(a: Value, b: Value) -> Value:
    """A new pair."""
    return Pair(a, b)


@primitive("car", 1, derives=False, signature="(car pair)")
def car(p: Value) -> Value:
    """The first part of a pair."""
    if type(p) is Pair:
        return p.car
    raise wrong_type("car", "pair", p)


@primitive("cdr", 1, derives=False, signature="(cdr pair)")
def cdr(p: Value) -> Value:
    """The second part of a pair."""
    if type(p) is Pair:
        return p.cdr
    raise wrong_type("cdr", "pair", p)


def _cxr(name: str) -> Callable[[Value], Value]:
    path = name[-2:0:-1]  # "cadr" -> "da": apply d first, then a

    def walk(v: Value) -> Value:
        x = v
        for step in path:
            if not isinstance(x, Pair):
                raise wrong_type(name, "pair", v)
            x = x.car if step == "a" else x.cdr
        return x

    walk.__doc__ = f"`{name}`: " + " of ".join("car" if c == "a" else "cdr" for c in name[1:-1]) + "."
    return walk


for _name in ("caar", "cadr", "cdar", "cddr", "caddr", "cdddr", "cadddr"):
    primitive(_name, 1, derives=False, signature=f"({_name} pair)")(_cxr(_name))


@primitive("list", 0, None, signature="(list v ...)")
def list_(*args: Value) -> Value:
    """A new list of the arguments."""
    return make_list(args)


@primitive("list?", 1, signature="(list? v)")
def list_p(v: Value) -> Value:
    """Is `v` a proper list?"""
    while type(v) is Pair:
        v = v.cdr
    return v is NIL


@primitive("null?", 1, signature="(null? v)")
def null_p(v: Value) -> Value:
    """Is `v` the empty list?"""
    return v is NIL


@primitive("pair?", 1, signature="(pair? v)")
def pair_p(v: Value) -> Value:
    """Is `v` a pair?"""
    return type(v) is Pair


@primitive("length", 1, signature="(length list)")
def length(v: Value) -> Value:
    """Number of elements of a proper list."""
    n = 0
    x = v
    while type(x) is Pair:
        n += 1
        x = x.cdr
    if x is not NIL:
        raise wrong_type("length", "list", v)
    return n


@primitive("reverse", 1, signature="(reverse list)")
def reverse(v: Value) -> Value:
    """A new list of the elements in reverse order."""
    out: Value = NIL
    x = v
    while type(x) is Pair:
        out = Pair(x.car, out)
        x = x.cdr
    if x is not NIL:
        raise wrong_type("reverse", "list", v)
    return out


@primitive("list-copy", 1, signature="(list-copy list)")
def list_copy(v: Value) -> Value:
    """A new list with the same elements."""
    return make_list(checks.proper_list("list-copy", v))


@primitive("last-pair", 1, derives=False, signature="(last-pair list)")
def last_pair(v: Value) -> Value:
    """The last pair of a non-empty proper list."""
    checks.proper_list("last-pair", v)
    if not isinstance(v, Pair):
        raise wrong_type("last-pair", "pair", v)
    x = v
    while isinstance(x.cdr, Pair):
        x = x.cdr
    return x


@primitive("append", 0, None, signature="(append list ... tail)")
def append(*args: Value) -> Value:
    """The lists' elements in one new list ending with the last argument (any value)."""
    if not args:
        return NIL
    result = args[-1]
    for lst in reversed(args[:-1]):
        result = make_list(checks.proper_list("append", lst), result)
    return result


def _nth_tail(prim: str, lst: Value, k: Value, *, need_element: bool) -> Value:
    """The tail after `k` pairs; index-error when the list is too short."""
    checks.list_start(prim, lst)
    i = checks.integer(prim, k)
    x = lst
    n = 0
    while n < i and isinstance(x, Pair):
        x = x.cdr
        n += 1
    if i < 0 or n < i or (need_element and not isinstance(x, Pair)):
        while isinstance(x, Pair):  # count the rest for the message
            x = x.cdr
            n += 1
        raise index_error(prim, k, n)
    return x


@primitive("list-ref", 2, derives=False, signature="(list-ref list k)")
def list_ref(lst: Value, k: Value) -> Value:
    """Element `k` (from 0)."""
    return _nth_tail("list-ref", lst, k, need_element=True).car


@primitive("list-tail", 2, derives=False, signature="(list-tail list k)")
def list_tail(lst: Value, k: Value) -> Value:
    """The list without its first `k` elements."""
    return _nth_tail("list-tail", lst, k, need_element=False)


@primitive("drop", 2, derives=False, signature="(drop list k)")
def drop(lst: Value, k: Value) -> Value:
    """The list without its first `k` elements."""
    return _nth_tail("drop", lst, k, need_element=False)


@primitive("take", 2, signature="(take list k)")
def take(lst: Value, k: Value) -> Value:
    """A new list of the first `k` elements."""
    _nth_tail("take", lst, k, need_element=False)
    items = []
    x = lst
    for _ in range(int(k)):
        items.append(x.car)
        x = x.cdr
    return make_list(items)


def _member_by(prim: str, x: Value, lst: Value, same: Callable[[Value, Value], bool]) -> Value:
    checks.list_start(prim, lst)
    p = lst
    while isinstance(p, Pair):
        if same(x, p.car):
            return p
        p = p.cdr
    if p is not NIL:
        raise wrong_type(prim, "list", lst)
    return False


def _assoc_by(prim: str, x: Value, alist: Value, same: Callable[[Value, Value], bool]) -> Value:
    checks.list_start(prim, alist)
    p = alist
    while isinstance(p, Pair):
        entry = p.car
        if not isinstance(entry, Pair):
            raise wrong_type(prim, "pair", entry)
        if same(x, entry.car):
            return entry
        p = p.cdr
    if p is not NIL:
        raise wrong_type(prim, "list", alist)
    return False


@primitive("memq", 2, derives=False, signature="(memq x list)")
def memq(x: Value, lst: Value) -> Value:
    """The tail starting at the first element `eq?` to `x`, or #f."""
    return _member_by("memq", x, lst, eqv)


@primitive("memv", 2, derives=False, signature="(memv x list)")
def memv(x: Value, lst: Value) -> Value:
    """The tail starting at the first element `eqv?` to `x`, or #f."""
    return _member_by("memv", x, lst, eqv)


@primitive("%member", 2, kind="ctx", derives=False, signature="(%member x list)")
def member2(ctx: PrimContext, x: Value, lst: Value) -> Value:
    """`member` by `equal?` (the prelude's `member` handles a custom equality)."""
    store = ctx.store
    return _member_by("member", x, lst, lambda a, b: equal(a, b, store))


@primitive("assq", 2, derives=False, signature="(assq key alist)")
def assq(x: Value, alist: Value) -> Value:
    """The first pair whose car is `eq?` to `key`, or #f."""
    return _assoc_by("assq", x, alist, eqv)


@primitive("assv", 2, derives=False, signature="(assv key alist)")
def assv(x: Value, alist: Value) -> Value:
    """The first pair whose car is `eqv?` to `key`, or #f."""
    return _assoc_by("assv", x, alist, eqv)


@primitive("%assoc", 2, kind="ctx", derives=False, signature="(%assoc key alist)")
def assoc2(ctx: PrimContext, x: Value, alist: Value) -> Value:
    """`assoc` by `equal?` (the prelude's `assoc` handles a custom equality)."""
    store = ctx.store
    return _assoc_by("assoc", x, alist, lambda a, b: equal(a, b, store))


@primitive("delete", 2, kind="ctx", signature="(delete x list)")
def delete(ctx: PrimContext, x: Value, lst: Value) -> Value:
    """A new list without the elements `equal?` to `x`."""
    store = ctx.store
    return make_list([e for e in checks.proper_list("delete", lst) if not equal(x, e, store)])


@primitive("delete-duplicates", 1, kind="ctx", signature="(delete-duplicates list)")
def delete_duplicates(ctx: PrimContext, lst: Value) -> Value:
    """A new list keeping the first of each group of `equal?` elements."""
    store = ctx.store
    seen_keys: set[object] = set()
    kept_other: list[Value] = []  # elements with identity keys (vectors, ...): compared by equal?
    out = []
    for e in checks.proper_list("delete-duplicates", lst):
        key = hash_key(e)
        if key[0] != 0:  # content key: equal? coincides with key equality
            if key in seen_keys:
                continue
            seen_keys.add(key)
        else:
            if any(equal(e, k, store) for k in kept_other):
                continue
            kept_other.append(e)
        out.append(e)
    return make_list(out)


@primitive("iota", 1, 3, signature="(iota count [start step])")
def iota(count: Value, start: Value = 0, step: Value = 1) -> Value:
    """`(iota 5 1) => (1 2 3 4 5)`."""
    n = checks.integer("iota", count)
    if n < 0:
        raise value_error("iota", f"count must be non-negative, got {n}", count)
    s, d = checks.number("iota", start), checks.number("iota", step)
    return make_list([s + i * d for i in range(n)])
