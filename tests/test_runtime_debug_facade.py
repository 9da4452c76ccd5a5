"""The facade's debug subsystems and step(): one controller behind `debug`, `breakpoints`,
`inspector`, `history`, `snapshots`."""

from __future__ import annotations

import pytest

from omega_runtime import OmegaRuntime
from omega_runtime.debug.controller import Exit, Stop

SRC = "(define (double x)\n  (* 2 x))\n(define r (double 21))\nr\n"


def test_step_runs_one_transition_until_terminal() -> None:
    with OmegaRuntime.create() as rt:
        assert rt.is_terminal()
        with pytest.raises(RuntimeError):
            rt.step()
        assert rt.debug.launch(SRC, "d.omega") == []
        steps = []
        while not rt.is_terminal():
            result = rt.step()
            steps.append(result.step)
        assert steps == list(range(1, len(steps) + 1))
        assert result.terminal and result.value == "42"
        assert rt.history.newest == steps[-1]


def test_breakpoints_inspector_history_and_snapshots() -> None:
    with OmegaRuntime.create() as rt:
        rt.debug.launch(SRC, "d.omega")
        [bp] = rt.breakpoints.set_line("d.omega", [{"line": 2}])
        assert bp.verified and bp.line == 2
        stop = rt.debug.resume()
        assert isinstance(stop, Stop) and stop.reason == "breakpoint"
        scopes = rt.inspector.scopes(0)
        assert scopes[0].name == "Locals"
        locals_ = scopes[0].node.fetch(0, None, None)
        assert [(v.name, v.value) for v in locals_] == [("x", "21")]
        assert rt.inspector.evaluate("(+ x 1)", 0, "watch").value == "22"
        at = rt.snapshots.save("at-double")
        assert isinstance(rt.debug.resume(), Exit)
        back = rt.snapshots.restore("at-double")
        assert back.step == at and rt.inspector.evaluate("x", 0, "watch").value == "21"
        assert rt.snapshots.names() == ["at-double"]
        assert rt.debug.step_back().step < at
