"""Numeric primitives (LANGUAGE.md 14.1) called through SimpleContext."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omega_runtime.conditions import OmegaError
from omega_runtime.primitives.context import SimpleContext
from omega_runtime.printer import write_repr
from omega_runtime.values import VOID

ctx = SimpleContext()


def c(name: str, *args: Any) -> Any:
    return ctx.call(name, *args)


def err(name: str, *args: Any) -> OmegaError:
    with pytest.raises(OmegaError) as info:
        ctx.call(name, *args)
    return info.value


def same(a: Any, b: Any) -> bool:
    """Equal with the same exactness (1 and 1.0 differ)."""
    return type(a) is type(b) and (a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)))


def test_arithmetic_examples() -> None:
    got = [c("+"), c("*"), c("+", 1, 2, 3), c("*", 2, 2.5), c("-", 5), c("-", 10, 1, 2), c("+", 1, 2.0)]
    for g, e in zip(got, [0, 1, 6, 5.0, -5, 7, 3.0], strict=True):
        assert same(g, e)
    got = [c("/", 6, 3), c("/", 7, 2), c("/", 2), c("/", 1, 3), c("/", 1.0, 4), c("/", 12, 2, 3), c("/", -9, 3)]
    for g, e in zip(got, [2, 3.5, 0.5, 1 / 3, 0.25, 2, -3], strict=True):
        assert same(g, e)


def test_integer_division_family() -> None:
    assert [c("quotient", -7, 2), c("remainder", -7, 2), c("modulo", -7, 2), c("modulo", 7, -2),
            c("quotient", 17, 5), c("remainder", 17, -5), c("modulo", -7, -2)] == [-3, -1, 1, -1, 3, 2, -1]
    assert same(c("quotient", 7.0, 2), 3.0)
    assert c("quotient", 10**5000, 10**4998) == 100
    for prim in ("quotient", "remainder", "modulo"):
        e = err(prim, 5, 0)
        assert e.ctype == "division-by-zero" and e.message({}) == f"{prim}: division by zero" and e.data == (5,)
    assert err("quotient", 1.5, 1).message({}) == "quotient: expected integer, got 1.5"


def test_division_by_zero() -> None:
    e = err("/", 7, 0)
    assert (e.ctype, e.message({}), e.data) == ("division-by-zero", "/: division by zero", (7,))
    assert err("/", 1.0, 0.0).ctype == "division-by-zero"
    assert err("/", 0).data == (1,)


def test_booleans_are_not_numbers() -> None:
    e = err("+", 1, True)
    assert (e.ctype, e.message({}), e.data) == ("wrong-type", "+: expected number, got #t", ("number", True))
    assert err("<", 1, "a").message({}) == '<: expected number, got "a"'


def test_abs_square_min_max_gcd_lcm() -> None:
    got = [c("abs", -5), c("abs", -5.5), c("square", 3), c("square", 1.5), c("min", 1, 2.0), c("max", 3, 2.0),
           c("max", 1, 5, 3), c("min", 4)]
    for g, e in zip(got, [5, 5.5, 9, 2.25, 1.0, 3.0, 5, 4], strict=True):
        assert same(g, e)
    assert [c("gcd", 12, 18), c("gcd"), c("lcm", 4, 6), c("lcm"), c("gcd", -12, 18), c("gcd", 0, 5)] == [6, 0, 12, 1, 6, 5]


def test_expt_and_sqrt() -> None:
    assert c("expt", 2, 100) == 1267650600228229401496703205376
    for g, e in zip([c("expt", 2, -1), c("expt", 2.0, 3), c("expt", 0, 0), c("expt", 4, 0.5)], [0.5, 8.0, 1, 2.0],
                    strict=True):
        assert same(g, e)
    for g, e in zip([c("sqrt", 16), c("sqrt", 2), c("sqrt", 16.0), c("sqrt", 10**40)],
                    [4, 1.4142135623730951, 4.0, 10**20], strict=True):
        assert same(g, e)
    neg = err("sqrt", -4)
    assert neg.ctype == "value-error" and neg.message({}).startswith("sqrt: ")
    assert same(c("sqrt", 10**401), float(10**200) * math.sqrt(10))


def test_float_overflow_gives_infinity() -> None:
    assert c("*", 1e200, 1e200) == math.inf
    assert c("+", 10**400, 1.0) == math.inf
    assert c("*", -(10**400), 1.5) == -math.inf
    assert c("/", 10**400, 3) == math.inf
    assert c("expt", 10.0, 400) == math.inf
    assert c("exact->inexact", 10**400) == math.inf
    assert math.isnan(c("-", math.inf, math.inf))


def test_comparisons() -> None:
    assert [c("=", 1, 1.0), c("<", 1, 2, 3), c("<", 1, 3, 2), c(">=", 3, 3, 2), c("=", 1), c(">", 2.5, 2)] == [
        True, True, False, True, True, True]
    assert c("=", math.nan, math.nan) is False
    assert c("<", 10**30, 10**30 + 1) is True


def test_transcendental_and_domain_errors() -> None:
    got = [c("exp", 0), c("log", 1), c("sin", 0), c("cos", 0), c("atan", 1, 1), c("atan", 1)]
    for g, e in zip(got, [1.0, 0.0, 0.0, 1.0, 0.7853981633974483, 0.7853981633974483], strict=True):
        assert same(g, e)
    for prim, arg in (("log", 0), ("asin", 2), ("acos", -2), ("log", -1)):
        bad = err(prim, arg)
        assert bad.ctype == "value-error" and bad.message({}).startswith(prim + ": ")
    assert c("log", 10**400) == pytest.approx(400 * math.log(10))


def test_rounding_keeps_exactness() -> None:
    got = [c("floor", 2.5), c("floor", -2.5), c("ceiling", 2.1), c("round", 2.5), c("round", 3.5), c("round", -2.5),
           c("truncate", -2.7), c("round", 7), c("floor", 5)]
    for g, e in zip(got, [2.0, -3.0, 3.0, 2.0, 4.0, -2.0, -2.0, 7, 5], strict=True):
        assert same(g, e)
    assert math.copysign(1.0, c("ceiling", -0.5)) == -1.0
    assert c("floor", math.inf) == math.inf


def test_exactness_conversions() -> None:
    got = [c("inexact", 1), c("exact->inexact", 3), c("exact", 3.0), c("inexact->exact", -2.0), c("exact", 1e18)]
    for g, e in zip(got, [1.0, 3.0, 3, -2, 10**18], strict=True):
        assert same(g, e)
    assert err("exact", 1.5).ctype == "value-error"
    assert err("exact", math.inf).ctype == "value-error"


def test_predicates() -> None:
    assert [c("number?", 1), c("number?", "1"), c("integer?", 2.0), c("integer?", 2.5), c("float?", 2.0),
            c("exact?", 2), c("inexact?", 2.0), c("number?", True), c("integer?", True)] == [
        True, False, True, False, True, True, True, False, False]
    assert [c("zero?", 0.0), c("zero?", 1), c("positive?", 3), c("negative?", -1.5), c("odd?", -3), c("even?", 0)] == [
        True, False, True, True, True, True]
    assert err("odd?", 1.5).message({}) == "odd?: expected integer, got 1.5"
    assert err("zero?", "x").ctype == "wrong-type"


def test_number_string_conversions() -> None:
    assert [c("number->string", 255, 16), c("number->string", 10, 2), c("number->string", 3.0),
            c("number->string", -255, 16), c("number->string", 42), c("number->string", 8, 8)] == [
        "ff", "1010", "3.0", "-ff", "42", "10"]
    got = [c("string->number", "1e3"), c("string->number", "abc"), c("string->number", "-17"),
           c("string->number", ".5"), c("string->number", "ff", 16), c("string->number", "1/2"),
           c("string->number", "101", 2), c("string->number", "+inf.0"), c("string->number", "1.")]
    for g, e in zip(got, [1000.0, False, -17, 0.5, 255, False, 5, math.inf, 1.0], strict=True):
        assert same(g, e)
    assert len(c("number->string", 10**5000)) == 5001
    assert err("number->string", 5, 3).ctype == "value-error"


@given(st.integers(), st.sampled_from([2, 8, 10, 16]))
def test_number_string_round_trip(n: int, radix: int) -> None:
    assert c("string->number", c("number->string", n, radix), radix) == n


@given(st.floats(allow_nan=False))
def test_float_text_round_trips(x: float) -> None:
    assert c("string->number", c("number->string", x)) == x


@given(st.integers(), st.integers().filter(lambda d: d != 0))
def test_quotient_remainder_identity(n: int, d: int) -> None:
    q, r, m = c("quotient", n, d), c("remainder", n, d), c("modulo", n, d)
    assert q * d + r == n and abs(r) < abs(d) and (r == 0 or (r > 0) == (n > 0))
    assert (m - r) % d == 0 and (m == 0 or (m > 0) == (d > 0))


@given(st.integers(min_value=0, max_value=10**60))
def test_sqrt_exact_for_perfect_squares(n: int) -> None:
    assert same(c("sqrt", n * n), n)


def test_random_uses_the_context_generator() -> None:
    local = SimpleContext(seed=0)
    a, b = local.call("random", 100), local.call("random", 100)
    assert local.call("random-seed!", 0) is VOID
    assert (a, b, local.call("random", 100)) == (49, 97, 49)
    local.call("random-seed!", 42)
    assert (local.call("random", 1000), local.call("random", 1000)) == (654, 114)
    local.call("random-seed!", 7)
    assert write_repr(local.call("random", 2.5), {}) == "0.809581912082906"
    assert random.Random(7).random() * 2.5 == 0.809581912082906
    assert local.call("random", 1.0) < 1.0
    assert err("random", 0).ctype == "value-error"
    assert err("random", "x").ctype == "wrong-type"
