"""RUNTIME.md "Events": `step` sees every transition while a handler is registered, `stopped`
and `breakpoint-hit` fire whenever the debug controller stops, whoever drives it (issue 16.4)."""

from __future__ import annotations

from typing import Any

from omega_runtime import OmegaRuntime
from omega_runtime.debug.controller import DebugController

SRC = "(define (double x)\n  (* 2 x))\n(define r (double 21))\nr\n"
LOOP = "(let loop ((i 0)) (if (< i 50) (loop (+ i 1)) i))"


def test_a_step_handler_sees_each_transition_while_registered() -> None:
    with OmegaRuntime.create() as rt:
        seen: list[int] = []

        def on_step(data: Any) -> None:
            seen.append(data["step"])

        rt.on("step", on_step)
        first = rt.eval(LOOP)
        assert first.printed == "50"
        assert len(seen) == first.steps > 100
        assert seen == list(range(seen[0], seen[0] + first.steps))
        assert all(data_step >= 0 for data_step in seen)
        rt.off("step", on_step)
        seen.clear()
        assert rt.eval(LOOP).printed == "50"
        assert seen == []


def test_step_events_carry_the_state_after_the_transition() -> None:
    with OmegaRuntime.create() as rt:
        values: list[Any] = []
        rt.on("step", lambda data: values.append(data["state"].v))
        rt.eval("(+ 1 (* 2 3))")
        assert values[-1] == 7 and 6 in values


def test_step_events_under_the_debug_controller() -> None:
    with OmegaRuntime.create() as rt:
        seen: list[int] = []
        rt.on("step", lambda data: seen.append(data["step"]))
        rt.debug.launch(SRC, "d.omega")
        rt.breakpoints.set_line("d.omega", [{"line": 2}])
        first = rt.debug.resume()
        assert first.reason == "breakpoint"
        assert seen == list(range(1, first.step + 1))
        end = rt.debug.resume()
        assert seen == list(range(1, rt.history.newest + 1)) and end.code == 0


def test_stopped_and_breakpoint_hit_through_the_facade() -> None:
    with OmegaRuntime.create() as rt:
        stops: list[Any] = []
        hits: list[Any] = []
        rt.on("stopped", stops.append)
        rt.on("breakpoint-hit", hits.append)
        rt.debug.launch(SRC, "d.omega")
        [bp] = rt.breakpoints.set_line("d.omega", [{"line": 2}])
        stop = rt.debug.resume()
        assert [s["reason"] for s in stops] == ["breakpoint"] and stops[0]["step"] == stop.step
        assert [(h["step"], h["breakpoints"]) for h in hits] == [(stop.step, [bp.bid])]
        rt.step()  # runtime.step() drives the controller one instruction
        assert [s["reason"] for s in stops] == ["breakpoint", "step"]
        rt.debug.step_back()
        assert stops[-1]["reason"] == "step" and len(stops) == 3
        assert len(hits) == 1


def test_stopped_fires_for_any_controller_of_the_runtime() -> None:
    # The DAP server and `omega debug` each drive a DebugController of their own on the runtime.
    with OmegaRuntime.create() as rt:
        stops: list[Any] = []
        hits: list[Any] = []
        rt.on("stopped", stops.append)
        rt.on("breakpoint-hit", hits.append)
        dc = DebugController(rt)
        dc.launch(SRC, "d.omega")
        dc.set_function_breakpoints([{"name": "double"}])
        stop = dc.resume()
        assert stop.reason == "function breakpoint"
        assert stops[-1]["reason"] == "function breakpoint" and hits[-1]["step"] == stop.step
        dc.resume("over")
        assert stops[-1]["reason"] == "step" and len(hits) == 1
