"""The history keeps at most `historyLimit` entries, and fewer when their estimated size would
pass half of the memory available at launch (DEBUGGER.md 3): the oldest are dropped, a console
message says so, and every entry kept is exactly the state the run had at that step."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from test_debug_properties import SETTINGS, Op, digest, launch, ops, program, run_to_end

from omega_runtime import OmegaRuntime, RuntimeProviders
from omega_runtime.debug.controller import DebugController
from omega_runtime.debug.history import ENTRY_BYTES, History, available_memory

LOOP = "(define (spin n) (if (< n 3000) (spin (+ n 1)) n))\n(display (spin 0))\n"


@SETTINGS
@given(st.lists(ops, min_size=1, max_size=6), st.integers(5, 60))
def test_the_entries_kept_under_a_limit_are_the_run_s_states(body: list[Op], limit: int) -> None:
    text = program(body)
    whole = launch(text)
    run_to_end(whole)
    limited = launch(text)
    limited.set_history_limit(limit)
    run_to_end(limited)
    h = limited.history
    assert h.newest == whole.history.newest
    # (the oldest are dropped a tenth of the limit at a time)
    assert min(h.newest + 1, limit - max(limit // 10, 1)) <= h.size <= limit
    assert h.oldest == h.newest - h.size + 1
    assert len(h.states) <= 4 * limit + 4  # dropped entries' slots do not pile up
    for step in range(h.oldest, h.newest + 1):
        assert digest(h.get(step)) == digest(whole.history.get(step)), f"step {step}"


def controller(memory_entries: int | None, limit: int = 1_000_000) -> tuple[DebugController, list[str]]:
    console: list[str] = []
    rt = OmegaRuntime.create(preset="debug", providers=RuntimeProviders(stdout=lambda s: None))
    dc = DebugController(rt, history_limit=limit)
    dc.history.memory_entries = memory_entries
    dc.output = lambda category, text: console.append(text)
    assert dc.launch(LOOP, "loop.omega") == []
    return dc, console


def test_half_the_available_memory_bounds_the_history_and_the_console_says_so() -> None:
    dc, console = controller(memory_entries=500)
    run_to_end(dc)
    assert dc.history.size <= 500 and dc.history.oldest > 0
    assert console[-1] == (f"Half of the memory available (500 entries of history) reached: "
                           f"the oldest recorded step is now {dc.history.oldest:,}\n")


def test_the_limit_bounds_the_history_when_it_is_the_smaller() -> None:
    dc, console = controller(memory_entries=50_000, limit=400)
    run_to_end(dc)
    assert dc.history.size <= 400
    assert console[-1] == f"History limit of 400 entries reached: the oldest recorded step is now {dc.history.oldest:,}\n"


def test_the_memory_bound_is_counted_in_estimated_entries() -> None:
    assert History(10**6, memory=2 * ENTRY_BYTES * 1234).capacity == 1234
    assert History(100, memory=2 * ENTRY_BYTES * 1234).capacity == 100
    assert History(100, memory=None).capacity == 100
    memory = available_memory()
    assert memory is not None and memory > 0  # Linux says (MemAvailable)
    assert DebugController(OmegaRuntime.create(preset="debug")).history.memory_entries is not None  # asked at launch
