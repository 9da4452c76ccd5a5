"""Where nothing can see the states between (no recording, no check due), the step loop takes
a call's operator variable and its variable or constant arguments at once (Machine.run), counting
the steps they would be. That must be invisible: every program, run so, shows at each of its slow
paths (made frequent here, at varied phases) the state the same program reaches at the same step
count when the slow path runs after every step, where nothing is taken at once; and the two runs
end with the same value, output and step count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_debug_properties import Op, ops, program

from omega_runtime import OmegaRuntime, RuntimeProviders, interpreter
from omega_runtime.machine.machine import Machine
from omega_runtime.printer import write_repr

PROGRAMS = sorted((Path(__file__).resolve().parent / "acceptance").glob("*/*.omega"))
MAX_STEPS = 40_000  # long programs are compared over their first stretch

CALLS = """(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(define (count-up n acc) (if (= n 0) acc (count-up (- n 1) (cons n acc))))
(define (apply-to f x y) (f x y))
(define k 3)
(let loop ((i 0) (acc '()))
  (if (< i 30) (loop (+ i 1) (cons (apply-to + i k) acc)) (display (reverse acc))))
(display (list (fib 12) (count-up 5 '()) ((lambda (a b c) (list c b a)) 1 'x "s") (list) (vector 1 2)))
(display (undefined-variable 1 2))
"""


def text(v: Any, m: Machine) -> str:
    """`v` written, its fractional numbers masked: the times oracle receipts and seconds
    budgets hold are not the same in two runs."""
    return re.sub(r"[0-9]+\.[0-9]+(e-?[0-9]+)?", "_", write_repr(v, m.s))


def shape(m: Machine) -> tuple[Any, ...]:
    """What two runs of one program must agree on at a step count: control, value, the frames'
    kinds and nodes, the innermost lexical frame's values, the store's size, the registers'
    choice points."""
    frames = []
    k = m.k
    while k is not None:
        node = getattr(k, "node", None) or getattr(k, "site", None)  # an activation: its call site
        frames.append((type(k).__name__, getattr(node, "nid", None),
                       len(getattr(k, "vals", ()) or ())))
        k = k.next
    env = m.e
    local = [text(x, m) for x in env[2:]] if isinstance(env, tuple) and len(env) > 2 else []
    control = m.c.nid if m.c is not None else None
    return (m.t, control, text(m.v, m), frames, local, len(m.s), len(m.r.choices))


def in_program(m: Machine) -> bool:
    """Whether `m` runs the program, not a library loaded on first use (whose steps are not
    counted: each such run restores the count)."""
    k = m.k
    while k is not None and k.next is not None:
        k = k.next
    return type(k).__name__ == "ProgramFrame"


@pytest.fixture
def sampled(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Runtimes make `Sampled` machines: every `poll` steps (or every step, with `poll` 0) the
    slow path runs and, up to MAX_STEPS, notes the machine's shape by step count."""
    ctx: dict[str, Any] = {"poll": 0, "shapes": {}, "watched": frozenset()}

    class Sampled(Machine):
        __slots__ = ()

        def reset_check(self) -> None:
            poll = ctx["poll"]
            self.every_step = poll == 0
            if poll:
                self.poll_every = poll
            self.watched_calls = ctx["watched"]
            Machine.reset_check(self)

        def slow_path(self) -> None:
            if self.t < MAX_STEPS and in_program(self):
                ctx["shapes"].setdefault(self.t, shape(self))
            Machine.slow_path(self)

    monkeypatch.setattr(interpreter, "Machine", Sampled)
    yield ctx


def run(ctx: dict[str, Any], text: str, poll: int, general: bool = False) -> tuple[dict[int, Any], tuple[Any, ...]]:
    # `general`: a watched procedure that never runs keeps every application and effect off the
    # loop's own paths (a watch must see each): they go through Machine.apply and Machine.perform.
    ctx.update(poll=poll, watched=frozenset({"no-such-procedure"}) if general else frozenset())
    out: list[str] = []
    with OmegaRuntime.create(preset="testing", providers=RuntimeProviders(
            stdout=out.append, stderr=lambda s: None)) as rt:
        ctx["shapes"] = {}  # the program's, not the prelude's
        result = rt.eval(text, source="fused.omega")
        condition = result.condition.message if result.condition is not None else None
        return ctx["shapes"], (result.printed, condition, "".join(out), result.steps)


def compare(ctx: dict[str, Any], text: str, poll: int, general: bool = False) -> int:
    """Compare `text` run with its slow path every `poll` steps (or, with `general`, every step
    but through the general paths) against every step."""
    fused, fused_end = run(ctx, text, poll, general)
    stepwise, stepwise_end = run(ctx, text, 0)
    assert fused_end == stepwise_end
    compared = 0
    for t, seen in fused.items():
        if t in stepwise:
            assert seen == stepwise[t], f"step {t}"
            compared += 1
    return compared


@pytest.mark.parametrize("program", PROGRAMS, ids=[f"{p.parent.name}/{p.stem}" for p in PROGRAMS])
def test_acceptance_programs_are_the_same_taken_at_once(program: Path, sampled: dict[str, Any]) -> None:
    compare(sampled, program.read_text(encoding="utf-8"), poll=len(program.name) % 7 + 5)


@pytest.mark.parametrize("poll", [3, 8, 13, 64])
def test_calls_are_the_same_taken_at_once(poll: int, sampled: dict[str, Any]) -> None:
    assert compare(sampled, CALLS, poll) > 100


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=st.lists(ops, min_size=1, max_size=6), poll=st.integers(3, 40))
def test_generated_searches_are_the_same_taken_at_once(body: list[Op], poll: int, sampled: dict[str, Any]) -> None:
    compare(sampled, program(body), poll)


AMB_PROGRAMS = [p for p in PROGRAMS if "amb" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("program", AMB_PROGRAMS, ids=[f"{p.parent.name}/{p.stem}" for p in AMB_PROGRAMS])
def test_amb_performed_by_the_loop_is_what_its_frame_performs(program: Path, sampled: dict[str, Any]) -> None:
    """The loop performs `amb.choose` and `amb.fail` itself (choice.perform_amb) and applies the
    alternative taken; each state, every step, is the one the effect frame's own `resume` and
    Machine.perform reach."""
    assert compare(sampled, program.read_text(encoding="utf-8"), 0, general=True) > 10


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=st.lists(ops, min_size=1, max_size=6))
def test_generated_searches_are_the_same_by_the_general_paths(body: list[Op], sampled: dict[str, Any]) -> None:
    compare(sampled, program(body), 0, general=True)


def test_a_global_taken_at_once_is_the_one_its_store_holds() -> None:
    """A call's global operator or argument taken at once is remembered with the store it was
    read in (KGlobal.known); any write makes another store, so a redefinition, an assignment or
    a store restored by backtracking or by the end of a collect is seen at the next call."""
    code = """(define (f) 1)
(define (call-f) (f))
(define n 0)
(define (bump) (set! n (+ n 1)) n)
(define out (list (call-f) (bump) (bump)))
(define (f) 2)
(set! out (cons (call-f) out))
(set! f (lambda () 3))
(set! out (cons (call-f) out))
(define picked (amb-collect (let ((x (amb 1 2 3))) (set! n (* 10 x)) (require (> x 1)) (bump))))
(list out picked n)"""
    with OmegaRuntime.create(preset="testing") as rt:
        result = rt.eval(code)
        assert result.condition is None, result.report
        assert result.printed == "((3 2 1 1 2) (21 31) 2)"  # the collect ends in the store it began in
