"""Non-local transfers (LANGUAGE.md 8, 16): unwinding through the extents between two
continuations (after-thunks, rollbacks) and invoking continuations and resumptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError, arity_error
from ..values import (
    VOID,
    make_values,
)
from . import extents
from . import frames as F
from .halts import (
    _own_extents,
)
from .procedures import ContinuationProc, Resumption

if TYPE_CHECKING:
    from .machine import Machine


def unwind_to(m: Machine, target_k: Any, then: Callable[[Machine], object], value: Any = VOID) -> None:
    """Leave every frame above `target_k` (after-thunks run, transactions roll back), then
    call `then` with the continuation set to `target_k`."""
    plan = exit_actions(m, m.k, target_k) + [("final", target_k, then)]
    run_plan(m, plan, 0)


def exit_actions(m: Machine, from_k: Any, to_k: Any) -> list[tuple[Any, ...]]:
    actions: list[tuple[Any, ...]] = []
    for k in _own_extents(from_k, to_k):
        if k.ekind == "dynamic-wind":
            actions.append(("call", k.data[1], k.next))
        elif k.ekind == "with-transaction":
            actions.append(("rollback", k.data, k.next))
    return actions


def enter_actions(m: Machine, from_k: Any, to_k: Any) -> list[tuple[Any, ...]]:
    entering: list[tuple[Any, ...]] = []
    for k in _own_extents(to_k, from_k):
        if k.ekind == "dynamic-wind":
            entering.append(("call", k.data[0], k.next))
        elif k.ekind == "with-transaction":
            entering.append(("check-open", k.data, k.next))
    entering.reverse()  # befores outermost first
    return entering


def run_plan(m: Machine, plan: list[tuple[Any, ...]], i: int) -> None:
    while i < len(plan):
        action = plan[i]
        kind = action[0]
        if kind == "call":
            m.k = F.ActionsFrame(plan, i + 1, action[2])
            m.apply(action[1], (), None)
            return
        if kind == "rollback":
            m.k = action[2]
            extents.rollback_tx(m, action[1], "exit")
        elif kind == "check-open":
            if not extents.tx_is_open(m, action[1]):
                m.k = action[2]
                m.raise_error(OmegaError("transaction-error",
                                            "transaction: cannot re-enter a transaction that is no longer open"),
                                 None)
                return
        elif kind == "final":
            m.k = action[1]
            action[2](m)
            return
        i += 1


def invoke_continuation(m: Machine, f: ContinuationProc, args: tuple[Any, ...], node: Any) -> None:
    # Several arguments are delivered as `values` would (LANGUAGE.md 17.9); none, as before, as void.
    value = args[0] if len(args) == 1 else make_values(args) if args else VOID
    target = f.k
    plan = exit_actions(m, m.k, target) + enter_actions(m, m.k, target)

    def then(m: Machine) -> None:
        m.v, m.c = value, None

    plan.append(("final", target, then))
    run_plan(m, plan, 0)


def invoke_resumption(m: Machine, f: Resumption, args: tuple[Any, ...], node: Any) -> None:
    if len(args) > 1:
        m.raise_error(arity_error("continuation", 0, 1, len(args), f), node)
        return
    value = args[0] if args else VOID
    if m.k is (f.base.next if f.include_base else f.base):
        # Resumed where it was captured from (a tail-resumptive handler: `(k v)` as its clause's
        # last call): the captured frames already lie on this continuation; copying them would
        # cost the whole segment at every resume.
        m.k = f.top
        m.v, m.c = value, None
        return
    segment = []
    k = f.top
    while k is not f.base:
        segment.append(k)
        k = k.next
    if f.include_base:
        segment.append(f.base)
    base = m.k
    for frame in segment[::-1]:
        base = frame.rebased(base)
    m.k = base
    m.v, m.c = value, None
