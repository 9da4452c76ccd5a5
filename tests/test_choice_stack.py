"""Pending choice points as a persistent stack (issue 15): a choice pushes and a backtrack pops
in constant time, sharing the rest; read oldest first, the stack behaves as the tuple it replaced."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from omega_runtime import OmegaRuntime
from omega_runtime.debug.controller import DebugController, Stop
from omega_runtime.machine.state import NO_CHOICES, ChoicePoint, ChoiceStack, State


def choice_point(cid: int) -> ChoicePoint:
    state = State(None, None, None, None, None, None, 0, 0)
    return ChoicePoint(cid, None, ("a",), state, (), 1, 1, 0, 0, None)


# A script of stack operations: ("push",) or ("older", cid).
operations = st.lists(st.one_of(st.just(("push", 0)), st.tuples(st.just("older"), st.integers(0, 30))), max_size=40)


@given(operations)
def test_stack_reads_as_the_tuple_model(ops: list[tuple[str, int]]) -> None:
    stack, model, next_cid = NO_CHOICES, (), 1
    for op, arg in ops:
        if op == "push":
            cp = choice_point(next_cid)
            next_cid += 1
            stack, model = stack.push(cp), model + (cp,)
        else:
            stack, model = stack.older_than(arg), tuple(cp for cp in model if cp.cid < arg)
        assert tuple(stack) == model and len(stack) == len(model) and bool(stack) == bool(model)
        assert stack.newest_first() == list(reversed(model))
        if model:
            assert stack[-1] is model[-1] and stack[0] is model[0] and stack.top is model[-1]


def test_a_choice_shares_the_pending_choice_points_below_it() -> None:
    """Each new choice point is pushed onto the stack the previous choice left, not copied with
    it: with many pending choice points, a choice stays O(1)."""
    program = "(define (go i acc)\n  (if (= i 50) acc (go (+ i 1) (+ acc (amb 1 2)))))\n(go 0 0)\n"
    dc = DebugController(OmegaRuntime.create(preset="debug"))
    assert dc.launch(program, "pending.omega") == []
    result = dc.resume()
    while isinstance(result, Stop):
        result = dc.resume()
    stacks: list[ChoiceStack] = []
    for step in range(dc.history.oldest, dc.history.newest + 1):
        choices = dc.history.get(step).r.choices
        if choices and (not stacks or choices is not stacks[-1]):
            stacks.append(choices)
    assert len(stacks) == 50
    assert all(later.below is earlier for earlier, later in zip(stacks, stacks[1:]))
    assert [cp.cid for cp in stacks[-1]] == list(range(1, 51))
