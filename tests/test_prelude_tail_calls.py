"""SRFI-1 and R7RS make the last call of `any` and `every` to the predicate a tail call: a loop
through them runs in constant space, as through any other tail call (LANGUAGE.md 4)."""

from __future__ import annotations

import pytest

from omega_runtime import OmegaRuntime

LOOPS = {
    "any": "(any (lambda (x) (down (- n 1))) '(1))",
    "any, more lists": "(any (lambda (x y) (down (- n 1))) '(1) '(2 3))",
    "any, last element": "(any (lambda (x) (and (= x 2) (down (- n 1)))) '(1 2))",
    "every": "(every (lambda (x) (down (- n 1))) '(1))",
    "every, more lists": "(every (lambda (x y) (down (- n 1))) '(1 2) '(3))",
    "every, last element": "(every (lambda (x) (or (= x 1) (down (- n 1)))) '(1 2))",
}


@pytest.mark.parametrize("call", LOOPS.values(), ids=list(LOOPS))
def test_the_last_predicate_call_is_a_tail_call(call: str) -> None:
    depths: list[int] = []
    with OmegaRuntime.create(preset="testing", config={"capabilities": ["tool"]}) as rt:

        def depth() -> bool:
            k, n = rt.state_coordinator.continuation(), 0
            while k is not None:
                k, n = k.next, n + 1
            depths.append(n)
            return True

        rt.register_tool("depth", depth)
        rt.eval(f"(define (down n) (if (= n 0) (effect tool.op 'depth) {call}))")
        for n in (1, 10, 300):
            assert rt.eval(f"(down {n})").printed == "#t"
    assert depths[0] == depths[1] == depths[2], depths


@pytest.mark.parametrize(("expr", "printed"), [
    ("(any odd? '())", "#f"), ("(any odd? '(2 4))", "#f"), ("(any (lambda (x) (and (odd? x) x)) '(2 3 5))", "3"),
    ("(any (lambda (x) (and (> x 2) (* x 10))) '(1 2 3))", "30"), ("(any < '(3 1) '(2 2 9))", "#t"),
    ("(any < '(3 4) '(2 2 9))", "#f"), ("(any + '() '(1))", "#f"),
    ("(every odd? '())", "#t"), ("(every odd? '(1 2 3))", "#f"), ("(every (lambda (x) (* x 2)) '(1 2 3))", "6"),
    ("(every < '(1 2) '(2 3 0))", "#t"), ("(every + '(1 2) '(10 20 30))", "22"), ("(every + '() '(1))", "#t"),
])
def test_any_and_every_values(expr: str, printed: str) -> None:
    with OmegaRuntime.create(preset="testing") as rt:
        assert rt.eval(expr).printed == printed
