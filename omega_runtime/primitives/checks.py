"""Argument checks shared by the primitives: each returns the checked value or raises the
`wrong-type` / `index-error` condition of LANGUAGE.md 15.2 naming the primitive."""

from __future__ import annotations

from typing import Any, TypeVar

from ..conditions import index_error, wrong_type
from ..values import NIL, Keyword, Pair, Procedure, Symbol, Value, Vector, list_to_python


def number(prim: str, v: Value) -> int | float:
    if v.__class__ is bool or not isinstance(v, (int, float)):
        raise wrong_type(prim, "number", v)
    return v


def integer(prim: str, v: Value) -> int:
    """An exact integer (indexes, counts, radixes)."""
    if v.__class__ is bool or not isinstance(v, int):
        raise wrong_type(prim, "integer", v)
    return v


def integral(prim: str, v: Value) -> int | float:
    """An integer or an integral float (`integer?` holds): quotient, gcd, odd?, ..."""
    if isinstance(v, int) and v.__class__ is not bool:
        return v
    if isinstance(v, float) and v.is_integer():
        return v
    raise wrong_type(prim, "integer", v)


def string(prim: str, v: Value) -> str:
    if not isinstance(v, str):
        raise wrong_type(prim, "string", v)
    return v


T = TypeVar("T")


def instance(prim: str, v: Value, cls: type[T], type_name: str) -> T:
    """`v` when it is a `cls`, else `PRIM: expected TYPE, got REPR`."""
    if not isinstance(v, cls):
        raise wrong_type(prim, type_name, v)
    return v


def symbol(prim: str, v: Value) -> Symbol:
    return instance(prim, v, Symbol, "symbol")


def keyword(prim: str, v: Value) -> Keyword:
    return instance(prim, v, Keyword, "keyword")


def pair(prim: str, v: Value) -> Pair:
    if not isinstance(v, Pair):
        raise wrong_type(prim, "pair", v)
    return v


def proper_list(prim: str, v: Value) -> list[Value]:
    """The elements of a proper list."""
    items = list_to_python(v)
    if items is None:
        raise wrong_type(prim, "list", v)
    return items


def list_start(prim: str, v: Value) -> Value:
    """`v` when it can begin a list (a pair or `()`); the tail is checked while walking."""
    if v is not NIL and not isinstance(v, Pair):
        raise wrong_type(prim, "list", v)
    return v


def procedure(prim: str, v: Value) -> Procedure:
    return instance(prim, v, Procedure, "procedure")


def vector(prim: str, v: Value) -> Vector:
    return instance(prim, v, Vector, "vector")


def index(prim: str, k: Value, length: int, *, inclusive: bool = False) -> int:
    """An exact integer index in [0, length) (or [0, length] when `inclusive`)."""
    i = integer(prim, k)
    if i < 0 or i > length or (i == length and not inclusive):
        raise index_error(prim, k, length)
    return i


def name_of(v: Any) -> str:
    """The primitive name passed by the prelude as a symbol (or string) to a `%check-*` helper."""
    return v.name if isinstance(v, Symbol) else str(v)


def bounds(prim: str, start: Value, end: Value, length: int) -> tuple[int, int]:
    """Optional `[start [end]]` arguments (None when absent) as a slice within `length`."""
    b = 0 if start is None else index(prim, start, length, inclusive=True)
    e = length if end is None else index(prim, end, length, inclusive=True)
    if b > e:
        raise index_error(prim, start, e)
    return b, e
