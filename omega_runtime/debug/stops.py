"""What a debug run is about: the stops and exits a request ends at, the events noticed inside a
step, the stepping mode of a running request, and the walk over a continuation's activations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from ..machine import frames as F
from ..machine.machine import MachineHalt
from ..machine.state import State
from ..values import Condition
from .breakpoints import LineTable


class DebugStop(MachineHalt):
    """Raised by the controller's hook to end a live run at a stop."""


@attrs.define
class Stop:
    reason: str  # entry step breakpoint "function breakpoint" "data breakpoint" exception pause goto restart choice backtrack transaction
    description: str
    step: int
    hit_ids: list[int] = attrs.field(factory=list)
    text: str | None = None  # exception stops: the condition type or filter id
    condition: Condition | None = None
    filter: str | None = None
    detail: str = ""  # other filters' exceptionInfo description


@attrs.define
class Source:
    """A source the controller has prepared: a launched program, or in attach mode each file and
    `<repl-N>` input the session has evaluated (breakpoints bind through its line table)."""

    text: str
    line_table: LineTable
    roots: list[Any]  # the compiled top-level nodes


@attrs.define
class Exit:
    code: int
    report: str | None = None  # an uncaught condition's report (LANGUAGE.md 15.3)


@attrs.define
class Event:
    """Something that happened during the transition from entry `step` to the next."""

    kind: str  # signal rollback oracle backtrack uncaught
    data: Any
    filter: str | None = None


def activation_depth(k: Any) -> int:
    n = 0
    while k is not None:
        if k.__class__ is F.Activation:
            n += 1
        k = k.next
    return n


def top_activation(k: Any) -> Any:
    while k is not None:
        if k.__class__ is F.Activation:
            return k
        k = k.next
    return None


def is_node_control(st: State) -> bool:
    c = st.c
    return c is not None and not c.synthetic and not c.builtin and c.span is not None


class Mode:
    """A running request's target: continue, in, over, out, instruction (forward)."""

    def __init__(self, kind: str, granularity: str, st: State, line: int | None) -> None:
        self.kind = kind
        self.granularity = granularity
        self.depth = activation_depth(st.k)
        self.activation = top_activation(st.k)
        self.line = line
        self.form = st.r.form
        self.steps = 0
        self.until = -1
        self.target: Callable[[State, bool], bool] | None = None



BREAKPOINT_REASONS = ("breakpoint", "function breakpoint", "data breakpoint")


__all__ = ["BREAKPOINT_REASONS", "DebugStop", "Event", "Exit", "Mode", "Source", "Stop", "activation_depth",
           "is_node_control", "top_activation"]
