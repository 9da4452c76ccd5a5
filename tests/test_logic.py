"""Relational programming over amb: unification, fresh, conde, run and run*."""

from __future__ import annotations

from typing import Any

import immutables
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omega_runtime import OmegaRuntime
from omega_runtime.subsystems.logic import LVar, reify, unify, walk_all
from omega_runtime.subsystems.state import to_omega, to_python
from omega_runtime.values import sym

EMPTY: immutables.Map[Any, Any] = immutables.Map()

USER_APPENDO = """
(define (my-appendo l s out)
  (conde ((== l '()) (== s out))
         ((fresh (a d res) (== l (cons a d)) (== out (cons a res)) (my-appendo d s res)))))
"""


@pytest.fixture(scope="module")
def rt():  # type: ignore[no-untyped-def]
    with OmegaRuntime.create() as runtime:
        runtime.eval(USER_APPENDO)
        yield runtime


def ev(rt: OmegaRuntime, code: str) -> str:
    result = rt.eval(code)
    assert result.ok, result.report
    return result.printed


def test_the_classic_appendo_query_gives_four_answers_in_order(rt: OmegaRuntime) -> None:
    expected = "((() (1 2 3)) ((1) (2 3)) ((1 2) (3)) ((1 2 3) ()))"
    assert ev(rt, "(run* (q) (fresh (x y) (== q (list x y)) (my-appendo x y '(1 2 3))))") == expected
    assert ev(rt, "(run* (q) (fresh (x y) (== q (list x y)) (appendo x y '(1 2 3))))") == expected


def test_appendo_runs_forwards_and_backwards(rt: OmegaRuntime) -> None:
    assert ev(rt, "(run* (q) (appendo '(1 2) '(3) q))") == "((1 2 3))"
    assert ev(rt, "(run* (q) (appendo q '(3) '(1 2 3)))") == "((1 2))"
    assert ev(rt, "(run* (q) (appendo q '(4) '(1 2 3)))") == "()"


def test_several_query_variables(rt: OmegaRuntime) -> None:
    assert ev(rt, "(run* (x y) (appendo x y '(a)))") == "((() (a)) ((a) ()))"


def test_fresh_variables_are_reified_by_first_occurrence(rt: OmegaRuntime) -> None:
    assert ev(rt, "(run* (q) (fresh (x y) (== q (list y x y))))") == "((_.0 _.1 _.0))"


def test_run_n_stops_an_infinite_relation(rt: OmegaRuntime) -> None:
    rt.eval("(define (nato n) (conde ((== n 'z)) ((fresh (m) (== n (list 's m)) (nato m)))))")
    assert ev(rt, "(run 3 (q) (nato q))") == "(z (s z) (s (s z)))"
    assert ev(rt, "(run 0 (q) (nato q))") == "()"
    assert ev(rt, "(run 5 (q) (membero q '(a b)))") == "(a b)"


def test_unification_failure_and_conjunction(rt: OmegaRuntime) -> None:
    assert ev(rt, "(run* (q) (== 1 2))") == "()"
    assert ev(rt, "(run* (q) (membero q '(1 2 3 4)) (membero q '(3 4 5)))") == "(3 4)"
    assert ev(rt, "(run* (q) (== q '(1 . 2)) (caro q 1) (cdro q 2) (conso 1 2 q))") == "((1 . 2))"


def test_queries_leave_no_trace_and_nest(rt: OmegaRuntime) -> None:
    assert ev(rt, "(run* (q) (== q (run* (r) (membero r '(x y)))))") == "((x y))"
    assert ev(rt, "(list (run* (q) (== q 1)) (amb 'outer-still-works))") == "((1) outer-still-works)"


def test_a_failing_goal_outside_run_is_amb_exhausted(rt: OmegaRuntime) -> None:
    result = rt.eval("(== 1 2)")
    assert result.condition is not None and result.condition.ctype.name == "amb-exhausted"


def test_logic_manager_query_from_python(rt: OmegaRuntime) -> None:
    assert rt.logic.query("(run* (q) (membero q '(a 1 \"s\")))") == ["a", 1, "s"]
    with pytest.raises(RuntimeError, match="unbound"):
        rt.logic.query("(run* (q) (no-such-relation q))")


def test_unify_deep_data_iteratively() -> None:
    x = LVar("x")
    deep = to_omega([1])
    for _ in range(100_000):
        deep = to_omega([deep])
    s = unify(x, deep, EMPTY, immutables.Map())
    assert s is not None
    assert walk_all(x, s) is not None
    s2 = unify(deep, deep, EMPTY, immutables.Map())
    assert s2 is not None


terms = st.recursive(st.one_of(st.integers(-5, 5), st.sampled_from(["a", "b"])),
                     lambda inner: st.lists(inner, max_size=3), max_leaves=10)


@settings(max_examples=100, deadline=None)
@given(terms, terms)
def test_unify_is_symmetric_and_makes_terms_equal(a: Any, b: Any) -> None:
    store: immutables.Map[Any, Any] = immutables.Map()
    u, v = to_omega(a), to_omega(b)
    assert (unify(u, v, EMPTY, store) is not None) == (unify(v, u, EMPTY, store) is not None) == (a == b)


@settings(max_examples=100, deadline=None)
@given(terms)
def test_a_variable_unifies_with_any_term_and_reifies_to_it(a: Any) -> None:
    x = LVar("x")
    s = unify(to_omega([a, 1]), to_omega([x, 1]), EMPTY, immutables.Map())
    assert s is not None
    assert to_python(reify(x, s)) == a
    assert reify(LVar("y"), EMPTY) is sym("_.0")
