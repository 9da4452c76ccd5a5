"""A primitive with a C-level operator for two arguments of one exact type (`+` on integers,
`string=?` on strings: values.Primitive.pair_op) is called through it by the step loop, and
through its own function by `apply` and by any other argument types. Both ways must agree,
with each other and with the meaning the language gives the primitive, for every input."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omega_runtime.runtime import OmegaRuntime

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

INT_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "=": operator.eq, "<": operator.lt,
    ">": operator.gt, "<=": operator.le, ">=": operator.ge}
STRING_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "string=?": operator.eq, "string<?": operator.lt, "string>?": operator.gt, "string<=?": operator.le,
    "string>=?": operator.ge}

# Integers around the machine word's bounds too (Python's are unbounded; so are Omega's).
integers = st.one_of(st.integers(-1000, 1000), st.integers(-2**70, 2**70))
texts = st.text(st.characters(codec="ascii", exclude_characters='"\\'), max_size=6)


@pytest.fixture(scope="module")
def rt() -> Iterator[OmegaRuntime]:
    with OmegaRuntime.create(preset="testing") as runtime:
        yield runtime


def printed(rt: OmegaRuntime, code: str) -> str:
    result = rt.eval(code, source="pair-ops.omega")
    assert result.condition is None, (code, result.condition and result.condition.message)
    return str(result.printed)


def omega_repr(v: Any) -> str:
    return ("#t" if v else "#f") if isinstance(v, bool) else str(v)


# (operator, left operand, right operand, the meaning's result) for both families of operators.
cases = st.one_of(
    st.tuples(st.sampled_from(sorted(INT_OPS)), integers, integers).map(
        lambda c: (c[0], str(c[1]), str(c[2]), INT_OPS[c[0]](c[1], c[2]))),
    st.tuples(st.sampled_from(sorted(STRING_OPS)), texts, texts).map(
        lambda c: (c[0], f'"{c[1]}"', f'"{c[2]}"', STRING_OPS[c[0]](c[1], c[2]))))


@SETTINGS
@given(cases)
def test_direct_calls_agree_with_apply_and_the_meaning(rt: OmegaRuntime, case: tuple[str, str, str, Any]) -> None:
    op, a, b, expected = case
    direct = printed(rt, f"({op} {a} {b})")
    assert direct == printed(rt, f"(apply {op} (list {a} {b}))")
    assert direct == omega_repr(expected)


def test_other_argument_types_take_the_primitives_own_path(rt: OmegaRuntime) -> None:
    # Floats, mixed numbers and booleans are not exact integers: the primitive decides.
    assert printed(rt, "(list (+ 1 2.5) (* 2.0 3) (< 1 1.5) (= 1 1.0))") == "(3.5 6.0 #t #t)"
    for code, message in (("(+ 1 #t)", "+: expected number"), ('(- "a" 1)', "-: expected number"),
                          ("(string=? 'a \"a\")", "string=?: expected string")):
        result = rt.eval(code, source="pair-ops.omega")
        assert result.condition is not None and message in result.condition.message, code


@pytest.mark.parametrize("kwargs", [{"kind": "ctx"}, {"max_args": 1}, {"min_args": 3, "max_args": None}])
def test_a_pair_operator_needs_a_pure_primitive_of_two_arguments(kwargs: dict[str, Any]) -> None:
    from omega_runtime.primitives.registry import primitive

    spec: dict[str, Any] = {"min_args": 1, "max_args": None, **kwargs}
    with pytest.raises(ValueError, match="pair operator"):
        primitive("pair-test", spec.pop("min_args"), spec.pop("max_args"), pair=(int, operator.add), **spec)
