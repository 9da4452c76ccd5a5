"""Events noticed during a step are credited to that step (issue 13, defect 1), checked on
generated amb searches: a backtrack recorded at entry s is the transition from s to s + 1 that
resumed that choice point, whatever the machine's polling schedule, and stepping reports
`backtrack` exactly at the entries those transitions made, live and over the record alike."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_debug_properties import Op, launch, ops, program, run_to_end

from omega_runtime.debug.controller import DebugController, Exit, Stop


def credited_backtracks(dc: DebugController) -> dict[int, tuple[int, int]]:
    """Entry -> (choice point id, index among its remaining alternatives) of each recorded backtrack."""
    out = {}
    for step, events in dc.events.items():
        for ev in events:
            if ev.kind == "backtrack":
                cp, index = ev.data
                out[step] = (cp.cid, index)
    return out


def backtrack_stops(dc: DebugController) -> list[int]:
    stops = []
    result: Stop | Exit = dc.resume("in")
    while isinstance(result, Stop):
        if result.reason == "backtrack":
            stops.append(result.step)
        result = dc.resume("in")
    return stops


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ops, min_size=1, max_size=6))
def test_backtracks_are_credited_to_the_step_that_resumed_the_choice_point(body: list[Op]) -> None:
    dc = launch(program(body))
    run_to_end(dc)  # `continue`: the machine runs its slow path only when asked
    credited = credited_backtracks(dc)
    for step, (cid, index) in credited.items():
        before, after = dc.history.get(step), dc.history.get(step + 1)
        pending = {cp.cid: cp for cp in before.r.choices}
        assert cid in pending, f"step {step}: cp-{cid} is not pending"
        cp = pending[cid]
        expected = [(c.cid, len(c.remaining)) for c in before.r.choices if c.cid < cid]
        if len(cp.remaining) > 1:
            expected.append((cid, len(cp.remaining) - 1))
        assert [(c.cid, len(c.remaining)) for c in after.r.choices] == expected, f"step {step}"
        assert dc.entry_summary(step + 1) == f"backtrack to cp-{cid} #{cp.total - len(cp.remaining) + index + 1}"
    # Stepping in reports `backtrack` at the entries the backtracks made, live...
    live = launch(program(body))
    live_stops = backtrack_stops(live)
    assert live_stops == sorted(s + 1 for s in credited_backtracks(live))
    assert credited_backtracks(live).keys() == credited.keys()
    # ... and over the record of the `continue` run.
    dc.goto_step(0)
    assert backtrack_stops(dc) == sorted(s + 1 for s in credited)
