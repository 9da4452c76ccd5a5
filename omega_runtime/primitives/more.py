"""The standard procedures LANGUAGE.md 17.8 adds: numeric predicates and integer division, more
string and vector procedures, the `string-ci` family, and character procedures over
one-character strings. (`string-map` / `string-for-each` call procedures: prelude.omega.)"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..conditions import division_by_zero, value_error, wrong_type
from ..printer import write_repr
from ..values import VOID, MultipleValues, Symbol, Value, Vector, is_float, is_int, is_number, make_list
from . import checks
from .registry import PrimContext, primitive
from .vectors import write_slot

# ---- numbers ---------------------------------------------------------------------------------


@primitive("exact-integer?", 1, signature="(exact-integer? v)")
def exact_integer_p(v: Value) -> Value:
    """Is `v` an exact integer?"""
    return is_int(v)


primitive("exact-rational?", 1, signature="(exact-rational? v)",
          doc="Is `v` an exact rational? (= exact-integer?: there are no exact rationals)")(exact_integer_p)


def _float_test(name: str, test: Callable[[float], bool], doc: str) -> None:
    def check(v: Value) -> Value:
        if not is_number(v):
            raise wrong_type(name, "number", v)
        return test(float(v)) if is_float(v) else test(0.0)

    check.__doc__ = doc
    primitive(name, 1, signature=f"({name} x)")(check)


_float_test("nan?", math.isnan, "Is `x` the float NaN?")
_float_test("finite?", math.isfinite, "Is `x` neither infinite nor NaN?")
_float_test("infinite?", math.isinf, "Is `x` +inf.0 or -inf.0?")


@primitive("real?", 1, signature="(real? v)")
def real_p(v: Value) -> Value:
    """Is `v` a number (every Omega number is real)?"""
    return is_number(v)


@primitive("rational?", 1, signature="(rational? v)")
def rational_p(v: Value) -> Value:
    """Is `v` a finite number?"""
    return is_int(v) or (is_float(v) and math.isfinite(v))


def _int2(name: str, a: Value, b: Value) -> tuple[int, int]:
    x, y = checks.integer(name, a), checks.integer(name, b)
    if y == 0:
        raise division_by_zero(name, a)
    return int(x), int(y)


def _trunc(x: int, y: int) -> int:
    q = abs(x) // abs(y)
    return q if (x < 0) == (y < 0) else -q


@primitive("floor/", 2, signature="(floor/ n d)")
def floor_div(a: Value, b: Value) -> Value:
    """Two values: the floor quotient and its remainder (the divisor's sign)."""
    x, y = _int2("floor/", a, b)
    return MultipleValues((x // y, x % y))


@primitive("truncate/", 2, signature="(truncate/ n d)")
def truncate_div(a: Value, b: Value) -> Value:
    """Two values: the quotient truncated toward zero and its remainder (the dividend's sign)."""
    x, y = _int2("truncate/", a, b)
    q = _trunc(x, y)
    return MultipleValues((q, x - q * y))


@primitive("floor-quotient", 2, signature="(floor-quotient n d)")
def floor_quotient(a: Value, b: Value) -> Value:
    """The quotient rounded toward negative infinity."""
    x, y = _int2("floor-quotient", a, b)
    return x // y


@primitive("floor-remainder", 2, signature="(floor-remainder n d)")
def floor_remainder(a: Value, b: Value) -> Value:
    """The remainder of floor division (the divisor's sign)."""
    x, y = _int2("floor-remainder", a, b)
    return x % y


@primitive("truncate-quotient", 2, signature="(truncate-quotient n d)")
def truncate_quotient(a: Value, b: Value) -> Value:
    """The quotient truncated toward zero."""
    x, y = _int2("truncate-quotient", a, b)
    return _trunc(x, y)


@primitive("truncate-remainder", 2, signature="(truncate-remainder n d)")
def truncate_remainder(a: Value, b: Value) -> Value:
    """The remainder of truncating division (the dividend's sign)."""
    x, y = _int2("truncate-remainder", a, b)
    return x - _trunc(x, y) * y


@primitive("exact-integer-sqrt", 1, signature="(exact-integer-sqrt n)")
def exact_integer_sqrt(n: Value) -> Value:
    """Two values s and r with s*s + r = n, s as large as possible."""
    k = int(checks.integer("exact-integer-sqrt", n))
    if k < 0:
        raise value_error("exact-integer-sqrt", f"expected a non-negative integer, got {k}", n)
    s = math.isqrt(k)
    return MultipleValues((s, k - s * s))


# ---- equality of booleans and symbols --------------------------------------------------------


def _all_same(name: str, ok: Callable[[Value], bool], type_name: str) -> Callable[..., Value]:
    def same(*args: Value) -> Value:
        for a in args:
            if not ok(a):
                raise wrong_type(name, type_name, a)
        return all(args[i] is args[i + 1] for i in range(len(args) - 1))

    same.__doc__ = f"Are all the {type_name}s the same?"
    return same


primitive("boolean=?", 2, None, signature="(boolean=? b1 b2 ...)")(
    _all_same("boolean=?", lambda v: v is True or v is False, "boolean"))
primitive("symbol=?", 2, None, signature="(symbol=? s1 s2 ...)")(
    _all_same("symbol=?", lambda v: isinstance(v, Symbol), "symbol"))


@primitive("make-list", 1, 2, signature="(make-list k [fill])")
def make_list_(k: Value, fill: Value = VOID) -> Value:
    """A list of `k` elements, each `fill` (default void)."""
    n = int(checks.integer("make-list", k))
    if n < 0:
        raise value_error("make-list", f"expected a non-negative count, got {n}", k)
    return make_list([fill] * n)


# ---- strings ---------------------------------------------------------------------------------


def _char(name: str, c: Value) -> str:
    if not isinstance(c, str) or len(c) != 1:
        raise wrong_type(name, "string", c) if not isinstance(c, str) else \
            value_error(name, f"expected a one-character string, got {write_repr(c, {})}", c)
    return str.__str__(c)


@primitive("make-string", 1, 2, signature="(make-string k [fill])")
def make_string(k: Value, fill: Value = " ") -> Value:
    """`k` copies of the one-character string `fill` (default a space)."""
    n = int(checks.integer("make-string", k))
    if n < 0:
        raise value_error("make-string", f"expected a non-negative count, got {n}", k)
    return _char("make-string", fill) * n


@primitive("string", 0, None, signature="(string char ...)")
def string(*chars: Value) -> Value:
    """The one-character strings concatenated."""
    return "".join(_char("string", c) for c in chars)


@primitive("string-copy", 1, 3, signature="(string-copy s [start [end]])")
def string_copy(s: Value, start: Value = None, end: Value = None) -> Value:
    """The string (from `start` to `end`)."""
    text = checks.string("string-copy", s)
    b, e = checks.bounds("string-copy", start, end, len(text))
    return str.__str__(text)[b:e]


@primitive("string-foldcase", 1, signature="(string-foldcase s)")
def string_foldcase(s: Value) -> Value:
    """Unicode full case folding (`"Straße"` gives `"strasse"`)."""
    return str.casefold(checks.string("string-foldcase", s))


def _ci_compare(name: str, test: Callable[[str, str], bool]) -> None:
    def compare(*args: Value) -> Value:
        folded = [str.casefold(checks.string(name, a)) for a in args]
        return all(test(folded[i], folded[i + 1]) for i in range(len(folded) - 1))

    compare.__doc__ = f"`{name[:-4]}{name[-1]}` of the case-folded strings, over adjacent pairs."
    primitive(name, 1, None, signature=f"({name} s1 s2 ...)")(compare)


for _name, _test in (("string-ci=?", lambda a, b: a == b), ("string-ci<?", lambda a, b: a < b),
                     ("string-ci>?", lambda a, b: a > b), ("string-ci<=?", lambda a, b: a <= b),
                     ("string-ci>=?", lambda a, b: a >= b)):
    _ci_compare(_name, _test)


# ---- vectors ---------------------------------------------------------------------------------


@primitive("vector-append", 0, None, kind="ctx", signature="(vector-append vector ...)")
def vector_append(ctx: PrimContext, *vectors: Value) -> Value:
    """A new vector of the vectors' current elements."""
    out: list[Value] = []
    for v in vectors:
        out += checks.vector("vector-append", v).elements(ctx.store)
    return Vector(out)


@primitive("vector-copy!", 3, 5, kind="ctx", signature="(vector-copy! to at from [start [end]])")
def vector_copy_bang(ctx: PrimContext, to: Value, at: Value, src: Value, start: Value = None,
                     end: Value = None) -> Value:
    """Copy `from`'s elements (from `start` to `end`) into `to` from index `at`."""
    target = checks.vector("vector-copy!", to)
    source = checks.vector("vector-copy!", src)
    b, e = checks.bounds("vector-copy!", start, end, len(source.items))
    i = checks.index("vector-copy!", at, len(target.items), inclusive=True)
    if i + (e - b) > len(target.items):
        raise value_error("vector-copy!", f"{e - b} elements do not fit at index {i} of a vector of length "
                                          f"{len(target.items)}", to)
    for j, x in enumerate(source.elements(ctx.store)[b:e]):
        write_slot(ctx, target, i + j, x)
    return VOID


@primitive("string->vector", 1, 3, signature="(string->vector s [start [end]])")
def string_to_vector(s: Value, start: Value = None, end: Value = None) -> Value:
    """A vector of the one-character strings of `s` (from `start` to `end`)."""
    text = checks.string("string->vector", s)
    b, e = checks.bounds("string->vector", start, end, len(text))
    return Vector(list(str.__str__(text)[b:e]))


@primitive("vector->string", 1, 3, kind="ctx", signature="(vector->string vector [start [end]])")
def vector_to_string(ctx: PrimContext, v: Value, start: Value = None, end: Value = None) -> Value:
    """The vector's strings (from `start` to `end`) concatenated."""
    vec = checks.vector("vector->string", v)
    b, e = checks.bounds("vector->string", start, end, len(vec.items))
    return "".join(str.__str__(checks.string("vector->string", x)) for x in vec.elements(ctx.store)[b:e])


# ---- characters (one-character strings) ------------------------------------------------------


def _char_fn(name: str, fn: Callable[[str], Value], doc: str) -> None:
    def apply(c: Value) -> Value:
        return fn(_char(name, c))

    apply.__doc__ = doc
    primitive(name, 1, signature=f"({name} char)")(apply)


_char_fn("char-upcase", lambda c: c.upper() if len(c.upper()) == 1 else c, "The upper-case character.")
_char_fn("char-downcase", lambda c: c.lower() if len(c.lower()) == 1 else c, "The lower-case character.")
_char_fn("char-alphabetic?", str.isalpha, "Is the character a letter?")
_char_fn("char-numeric?", str.isdecimal, "Is the character a decimal digit?")
_char_fn("char-whitespace?", str.isspace, "Is the character whitespace?")

