"""Numeric primitives (LANGUAGE.md 14.1).

Integers are Python ints (never overflow); any float argument makes the result a float; float
overflow gives +inf.0/-inf.0 (Python raises OverflowError when a huge int meets a float, which
is caught and redone in floats). `+ - < = car cdr ...` are the machine's hot path: two plain ints
are tried first.
"""

from __future__ import annotations

import math
import operator
import re
import sys
from collections.abc import Callable
from typing import Any

from ..conditions import division_by_zero, value_error, wrong_type
from ..number_syntax import parse_prefixed
from ..printer import float_repr, write_repr
from ..values import VOID, Value
from . import checks
from .registry import PrimContext, primitive

sys.set_int_max_str_digits(0)  # integers of any size convert to and from text

Num = int | float


def to_float(x: Num) -> float:
    """`x` as a float, +-inf when an int is beyond the float range."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def _nums(prim: str, args: tuple[Value, ...]) -> tuple[Num, ...]:
    for a in args:
        if a.__class__ is bool or not isinstance(a, (int, float)):
            raise wrong_type(prim, "number", a)
    return args


def _floats(args: tuple[Num, ...]) -> list[float]:
    return [to_float(a) for a in args]


def _fold(args: tuple[Num, ...], start: Num, op: Callable[[Any, Any], Any]) -> Num:
    acc = start
    try:
        for a in args:
            acc = op(acc, a)
        return acc
    except OverflowError:  # a huge int met a float: redo in floats
        facc = to_float(start)
        for f in _floats(args):
            facc = op(facc, f)
        return facc


@primitive("+", 0, None, signature="(+ z ...)", pair=(int, operator.add))
def add(*args: Value) -> Value:
    """Sum of the arguments; `(+)` is 0."""
    if len(args) == 2:
        a, b = args
        if type(a) is int and type(b) is int:
            return a + b
    return _fold(_nums("+", args), 0, lambda x, y: x + y)


@primitive("*", 0, None, signature="(* z ...)", pair=(int, operator.mul))
def mul(*args: Value) -> Value:
    """Product of the arguments; `(*)` is 1."""
    if len(args) == 2:
        a, b = args
        if type(a) is int and type(b) is int:
            return a * b
    return _fold(_nums("*", args), 1, lambda x, y: x * y)


@primitive("-", 1, None, signature="(- z ...)", pair=(int, operator.sub))
def sub(*args: Value) -> Value:
    """`(- z)` negates; `(- a b ...)` subtracts the rest from `a`."""
    if len(args) == 2:
        a, b = args
        if type(a) is int and type(b) is int:
            return a - b
    nums = _nums("-", args)
    if len(nums) == 1:
        return -nums[0]
    return _fold(nums[1:], nums[0], lambda x, y: x - y)


def _divide(x: Num, y: Num) -> Num:
    if y == 0:
        raise division_by_zero("/", x)
    if type(x) is not float and type(y) is not float and isinstance(x, int) and isinstance(y, int):
        q, r = divmod(x, y)
        if r == 0:
            return q
    try:
        return x / y
    except OverflowError:
        fx, fy = to_float(x), to_float(y)
        if math.isinf(fx) or math.isinf(fy):
            return fx / fy
        return math.copysign(math.inf, x) * math.copysign(1.0, y)


@primitive("/", 1, None, signature="(/ z ...)")
def div(*args: Value) -> Value:
    """Division; integers dividing exactly give an integer, else a float. `(/ z)` is 1/z."""
    nums = _nums("/", args)
    if len(nums) == 1:
        return _divide(1, nums[0])
    acc = nums[0]
    for y in nums[1:]:
        acc = _divide(acc, y)
    return acc


def _comparison(name: str, test: Callable[[Any, Any], bool]) -> Callable[..., Value]:
    def compare(*args: Value) -> Value:
        if len(args) == 2:
            a, b = args
            if type(a) is int and type(b) is int:
                return test(a, b)
        nums = _nums(name, args)
        for i in range(len(nums) - 1):
            if not test(nums[i], nums[i + 1]):
                return False
        return True

    compare.__doc__ = f"`{name}` over adjacent pairs of numbers."
    return compare


for _name, _test in (("=", operator.eq), ("<", operator.lt), (">", operator.gt), ("<=", operator.le),
                     (">=", operator.ge)):
    primitive(_name, 1, None, signature=f"({_name} x y ...)", pair=(int, _test))(_comparison(_name, _test))


def _int_pair(prim: str, a: Value, b: Value) -> tuple[int, int, bool]:
    """Both integral; the ints and whether the result must be a float."""
    x, y = checks.integral(prim, a), checks.integral(prim, b)
    if y == 0:
        raise division_by_zero(prim, a)
    return int(x), int(y), isinstance(x, float) or isinstance(y, float)


def _trunc_quotient(x: int, y: int) -> int:
    q = abs(x) // abs(y)
    return -q if (x < 0) != (y < 0) else q


@primitive("quotient", 2, signature="(quotient n d)")
def quotient(a: Value, b: Value) -> Value:
    """Integer division truncating toward zero."""
    x, y, fl = _int_pair("quotient", a, b)
    q = _trunc_quotient(x, y)
    return float(q) if fl else q


@primitive("remainder", 2, signature="(remainder n d)")
def remainder(a: Value, b: Value) -> Value:
    """Remainder of truncating division: the sign of the dividend."""
    x, y, fl = _int_pair("remainder", a, b)
    r = x - y * _trunc_quotient(x, y)
    return float(r) if fl else r


@primitive("modulo", 2, signature="(modulo n d)")
def modulo(a: Value, b: Value) -> Value:
    """Remainder of floor division: the sign of the divisor."""
    x, y, fl = _int_pair("modulo", a, b)
    r = x % y
    return float(r) if fl else r


@primitive("abs", 1, signature="(abs x)")
def abs_(x: Value) -> Value:
    """Absolute value."""
    return abs(checks.number("abs", x))


@primitive("square", 1, signature="(square x)")
def square(x: Value) -> Value:
    """`x` times `x`."""
    n = checks.number("square", x)
    try:
        return n * n
    except OverflowError:
        return math.inf


def _extreme(name: str, args: tuple[Value, ...], pick: Callable[..., Any]) -> Value:
    nums = _nums(name, args)
    best = pick(nums)
    return to_float(best) if any(isinstance(n, float) for n in nums) else best


@primitive("min", 1, None, signature="(min x y ...)")
def min_(*args: Value) -> Value:
    """Smallest argument; a float argument makes the result a float."""
    return _extreme("min", args, min)


@primitive("max", 1, None, signature="(max x y ...)")
def max_(*args: Value) -> Value:
    """Largest argument; a float argument makes the result a float."""
    return _extreme("max", args, max)


def _gcd_lcm(name: str, args: tuple[Value, ...], fn: Callable[..., int]) -> Value:
    vals = [checks.integral(name, a) for a in args]
    r = fn(*(int(v) for v in vals))
    return float(r) if any(isinstance(v, float) for v in vals) else r


@primitive("gcd", 0, None, signature="(gcd n ...)")
def gcd(*args: Value) -> Value:
    """Greatest common divisor; `(gcd)` is 0."""
    return _gcd_lcm("gcd", args, math.gcd)


@primitive("lcm", 0, None, signature="(lcm n ...)")
def lcm(*args: Value) -> Value:
    """Least common multiple; `(lcm)` is 1."""
    return _gcd_lcm("lcm", args, math.lcm)


@primitive("expt", 2, signature="(expt base power)")
def expt(base: Value, power: Value) -> Value:
    """`base` to the `power`; exact for an integer to a non-negative integer power."""
    b, p = checks.number("expt", base), checks.number("expt", power)
    if isinstance(p, int) and isinstance(b, int) and p >= 0:
        return b**p
    if b == 0 and p < 0:
        raise division_by_zero("expt", base)
    fb, fp = to_float(b), to_float(p)
    try:
        return math.pow(fb, fp)
    except OverflowError:
        negative = fb < 0 and fp.is_integer() and int(fp) % 2 == 1
        return -math.inf if negative else math.inf
    except ValueError:
        raise value_error("expt", f"{write_repr(base, {})} to the power {write_repr(power, {})} is not a real number",
                          base, power) from None


@primitive("sqrt", 1, signature="(sqrt x)")
def sqrt(x: Value) -> Value:
    """Square root; exact for perfect squares, negative arguments are a value-error."""
    n = checks.number("sqrt", x)
    if n < 0:
        raise value_error("sqrt", f"negative argument {write_repr(x, {})}", x)
    if isinstance(n, int):
        r = math.isqrt(n)
        if r * r == n:
            return r
        try:
            return math.sqrt(n)
        except OverflowError:
            return float(r)
    return math.sqrt(n)


def _unary_float(name: str, fn: Callable[[float], float]) -> Callable[[Value], Value]:
    def apply(x: Value) -> Value:
        n = checks.number(name, x)
        try:
            return fn(n if isinstance(n, int) and name == "log" else to_float(n))  # log takes big ints
        except OverflowError:
            return math.inf
        except ValueError:
            raise value_error(name, f"argument {write_repr(x, {})} is outside the domain", x) from None

    apply.__doc__ = f"`{name}` of a number, as a float."
    return apply


for _name, _fn in (("exp", math.exp), ("log", math.log), ("sin", math.sin), ("cos", math.cos),
                   ("tan", math.tan), ("asin", math.asin), ("acos", math.acos)):
    primitive(_name, 1, signature=f"({_name} x)")(_unary_float(_name, _fn))


@primitive("atan", 1, 2, signature="(atan y [x])")
def atan(y: Value, x: Value = None) -> Value:
    """Arc tangent; with two arguments the angle of the point (x, y)."""
    fy = to_float(checks.number("atan", y))
    if x is None:
        return math.atan(fy)
    return math.atan2(fy, to_float(checks.number("atan", x)))


def _rounding(name: str, fn: Callable[[float], int]) -> Callable[[Value], Value]:
    def apply(x: Value) -> Value:
        n = checks.number(name, x)
        if isinstance(n, int) or not math.isfinite(n):
            return n
        r = float(fn(n))
        return math.copysign(0.0, n) if r == 0 else r  # keep IEEE's signed zero

    apply.__doc__ = f"`{name}`, keeping exactness."
    return apply


for _name, _fn2 in (("floor", math.floor), ("ceiling", math.ceil), ("round", round), ("truncate", math.trunc)):
    primitive(_name, 1, signature=f"({_name} x)")(_rounding(_name, _fn2))


def _inexact(name: str) -> Callable[[Value], Value]:
    def apply(x: Value) -> Value:
        return to_float(checks.number(name, x))

    apply.__doc__ = "The number as a float."
    return apply


def _exact(name: str) -> Callable[[Value], Value]:
    def apply(x: Value) -> Value:
        n = checks.number(name, x)
        if isinstance(n, int):
            return n
        if not n.is_integer():
            raise value_error(name, f"no exact integer equals {float_repr(n)}", x)
        return int(n)

    apply.__doc__ = "An integral float as an integer; other floats are a value-error."
    return apply


for _name in ("exact->inexact", "inexact"):
    primitive(_name, 1, signature=f"({_name} x)")(_inexact(_name))
for _name in ("inexact->exact", "exact"):
    primitive(_name, 1, signature=f"({_name} x)")(_exact(_name))


@primitive("number?", 1, signature="(number? v)")
def number_p(v: Value) -> Value:
    """Integers and floats (not booleans)."""
    return v.__class__ is not bool and isinstance(v, (int, float))


@primitive("integer?", 1, signature="(integer? v)")
def integer_p(v: Value) -> Value:
    """Integers and integral floats."""
    if isinstance(v, float):
        return v.is_integer()
    return isinstance(v, int) and v.__class__ is not bool


@primitive("float?", 1, signature="(float? v)")
def float_p(v: Value) -> Value:
    """Floats."""
    return isinstance(v, float)


@primitive("exact?", 1, signature="(exact? z)")
def exact_p(v: Value) -> Value:
    """Is the number an integer (exact)?"""
    return isinstance(checks.number("exact?", v), int)


@primitive("inexact?", 1, signature="(inexact? z)")
def inexact_p(v: Value) -> Value:
    """Is the number a float?"""
    return isinstance(checks.number("inexact?", v), float)


@primitive("zero?", 1, signature="(zero? z)")
def zero_p(v: Value) -> Value:
    """Is the number zero?"""
    return checks.number("zero?", v) == 0


@primitive("positive?", 1, signature="(positive? x)")
def positive_p(v: Value) -> Value:
    """Is the number greater than zero?"""
    return checks.number("positive?", v) > 0


@primitive("negative?", 1, signature="(negative? x)")
def negative_p(v: Value) -> Value:
    """Is the number less than zero?"""
    return checks.number("negative?", v) < 0


@primitive("odd?", 1, signature="(odd? n)")
def odd_p(v: Value) -> Value:
    """Is the integer odd?"""
    return int(checks.integral("odd?", v)) % 2 == 1


@primitive("even?", 1, signature="(even? n)")
def even_p(v: Value) -> Value:
    """Is the integer even?"""
    return int(checks.integral("even?", v)) % 2 == 0


_RADIXES = (2, 8, 10, 16)
_DIGITS = "0123456789abcdef"


def _radix(prim: str, r: Value) -> int:
    radix = checks.integer(prim, r)
    if radix not in _RADIXES:
        raise value_error(prim, f"radix must be 2, 8, 10 or 16, got {radix}", r)
    return radix


def int_to_string(n: int, radix: int) -> str:
    if radix == 10:
        return int.__repr__(n)
    if radix == 16:
        return format(n, "x")
    if radix == 8:
        return format(n, "o")
    return format(n, "b")


@primitive("number->string", 1, 2, signature="(number->string z [radix])")
def number_to_string(z: Value, radix: Value = 10) -> Value:
    """The number's text; integers in radix 2, 8, 10 or 16."""
    n = checks.number("number->string", z)
    r = _radix("number->string", radix)
    if isinstance(n, float):
        if r != 10:
            raise value_error("number->string", "floats are written in radix 10 only", z)
        return float_repr(n)
    return int_to_string(int(n), r)


# Compiled (and cached by `re`) on first use, not at every start.
_INT_RE = r"[+-]?[0-9]+\Z"
_FLOAT_RE = r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z|[+-]?[0-9]+[eE][+-]?[0-9]+\Z"
_RADIX_RE = {2: r"[+-]?[01]+\Z", 8: r"[+-]?[0-7]+\Z", 16: r"[+-]?[0-9a-fA-F]+\Z"}
_SPECIAL = {"+inf.0": math.inf, "-inf.0": -math.inf, "+nan.0": math.nan}


def parse_number(text: str, radix: int = 10) -> int | float | None:
    """A number in reader syntax (LANGUAGE.md 1.3, `#` prefixes included), or None."""
    if text.startswith("#"):
        return parse_prefixed(text)
    if radix != 10:
        return int(text, radix) if re.match(_RADIX_RE[radix], text) else None
    if re.match(_INT_RE, text):
        return int(text)
    if re.match(_FLOAT_RE, text):
        return float(text)
    return _SPECIAL.get(text)


@primitive("string->number", 1, 2, signature="(string->number s [radix])")
def string_to_number(s: Value, radix: Value = 10) -> Value:
    """The number the text reads as, or #f."""
    text = checks.string("string->number", s)
    n = parse_number(str(text), _radix("string->number", radix))
    return False if n is None else n


@primitive("random", 1, kind="ctx", signature="(random limit)")
def random_(ctx: PrimContext, limit: Value) -> Value:
    """An integer in [0, n) for an integer n > 0, a float in [0, x) for a float x > 0."""
    n = checks.number("random", limit)
    if n <= 0 or (isinstance(n, float) and not math.isfinite(n)):
        raise value_error("random", f"expected a positive number, got {write_repr(limit, {})}", limit)
    if isinstance(n, int):
        bound = int(n)
        return ctx.random_call(lambda rng: rng.randrange(bound))
    x = float(n)
    return ctx.random_call(lambda rng: rng.random() * x)


@primitive("random-seed!", 1, kind="ctx", signature="(random-seed! n)")
def random_seed(ctx: PrimContext, seed: Value) -> Value:
    """Reseed the run's generator."""
    n = int(checks.integer("random-seed!", seed))

    def reseed(rng: Any) -> Value:
        rng.seed(n)
        return VOID

    return ctx.random_call(reseed)
