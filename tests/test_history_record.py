"""The recorded history is exact (DEBUGGER.md 11.1, debug/history.py): a step the machine
records as narrow (two references) decodes to the very objects of the live state after it.

Every acceptance program, and the debugger's transcript programs, run under the debug controller
with history on while the machine's slow path is made to run after every step; there, before the
normal slow-path work, the newest entry is decoded and compared field by field (by identity) with
the live machine. The normal slow path keeps its own schedule, so the record is the one an
ordinary run makes; at the end every entry is decoded again, now reading back across the narrow
stretches, and compared with the live state seen after its step.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_debug_properties import Op, ops, program
from transcript_programs import PAIRS, STATS

from omega_runtime import OmegaRuntime, RuntimeProviders, interpreter
from omega_runtime.debug.controller import DebugController, Exit, Stop
from omega_runtime.machine.machine import Machine
from omega_runtime.machine.state import State

PROGRAMS = sorted((Path(__file__).resolve().parent / "acceptance").glob("*/*.omega"))
MAX_STEPS = 60_000  # the longest acceptance programs are checked over their first stretch

LOOPS = """(define (count-up n acc) (if (= n 0) acc (count-up (- n 1) (cons n acc))))
(define v (make-vector 3 0))
(define (fill i) (when (< i 3) (vector-set! v i (* i i)) (fill (+ i 1))))
(fill 0)
(define total 0)
(for-each (lambda (x) (set! total (+ total x))) (count-up 50 '()))
(let loop ((i 0) (acc '()))
  (if (< i 20) (loop (+ i 1) (cons (and (> i 3) (or (= i 5) i)) acc)) (display (reverse acc))))
(display (list total v (let* ((a 1) (b (+ a 1))) (* a b))))
"""


def same(a: State, b: State) -> bool:
    return all(x is y or (type(x) is int and x == y) for x, y in zip(a, b, strict=True))


@pytest.fixture
def checked_slow_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """While active, a machine that records checks its newest entry after every step: runtimes
    make `Checked` machines (a subclass, so that this works on the compiled build too, where
    patching the class's methods would not reach the compiled loop)."""
    due: dict[int, int] = {}
    ctx: dict[str, Any] = {"dc": None, "seen": {}, "checked": 0}

    class Checked(Machine):
        __slots__ = ()

        def reset_check(self) -> None:
            Machine.reset_check(self)
            due[id(self)] = self.check_at
            self.check_at = self.t + 1

        def slow_path(self) -> None:
            m = self
            dc = ctx["dc"]
            if m.record is not None and dc is not None and m is dc.m and ctx["checked"] < MAX_STEPS:
                newest = dc.history.newest
                recorded, live = dc.history.get(newest), m.snapshot()
                assert same(recorded, live), f"step {newest}: recorded {recorded[:7]} live {live[:7]}"
                ctx["seen"][newest] = live
                ctx["checked"] += 1
                if ctx["checked"] == MAX_STEPS:
                    dc.pause()  # enough: the rest of a long program is more of the same
            if m.t < due.get(id(m), 0):
                m.check_at = m.t + 1
                return
            try:
                Machine.slow_path(m)  # it may change the state, re-recording the entry, or discard it
            finally:
                if m.record is not None and dc is not None and m is dc.m:
                    ctx["seen"][dc.history.newest] = m.snapshot()

    monkeypatch.setattr(interpreter, "Machine", Checked)
    yield ctx


def run_checked(ctx: dict[str, Any], text: str, name: str) -> DebugController:
    rt = OmegaRuntime.create(preset="debug", providers=RuntimeProviders(stdout=lambda s: None,
                                                                        stderr=lambda s: None))
    dc = DebugController(rt)
    ctx["dc"] = dc
    if dc.launch(text, name):
        return dc  # a reader error: nothing runs
    result: Stop | Exit = dc.resume()
    while isinstance(result, Stop) and ctx["checked"] < MAX_STEPS:
        result = dc.resume()
    history = dc.history
    for step, live in ctx["seen"].items():
        if history.has(step) and history.kind(step) == "step" and history.t_of(step) == live.t:
            assert same(history.get(step), live), f"step {step} decoded again"
    return dc


@pytest.mark.parametrize("program", PROGRAMS, ids=[f"{p.parent.name}/{p.stem}" for p in PROGRAMS])
def test_acceptance_program_records_exactly(program: Path, checked_slow_path: dict[str, Any]) -> None:
    run_checked(checked_slow_path, program.read_text(encoding="utf-8"), program.name)


@pytest.mark.parametrize("text", [PAIRS, STATS, LOOPS], ids=["pairs", "stats", "loops"])
def test_debugger_programs_record_exactly(text: str, checked_slow_path: dict[str, Any]) -> None:
    dc = run_checked(checked_slow_path, text, "prog.omega")
    assert checked_slow_path["checked"] > 40
    # Most entries really are narrow: the check above is about the compact form.
    narrow = sum(1 for i in range(0, len(dc.history.states), 2) if dc.history.states[i].__class__ is not tuple)
    assert narrow > dc.history.size // 2


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=st.lists(ops, min_size=1, max_size=6))
def test_generated_searches_record_exactly(body: list[Op], checked_slow_path: dict[str, Any]) -> None:
    """Generated amb searches with transactions and rollbacks (test_debug_properties.program)."""
    checked_slow_path.update(seen={}, checked=0)
    run_checked(checked_slow_path, program(body), "gen.omega")
    assert checked_slow_path["checked"] > 0
