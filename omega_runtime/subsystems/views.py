"""What `get_amb_state`, `get_transaction_state`, `get_fixpoint_state` and the concurrency
subsystem return (RUNTIME.md "Semantic state inspection"): plain attrs classes that the DAP
server renders as scopes. The subsystems import this module only when a view is asked for, so
that a plain run never imports attrs."""

from __future__ import annotations

from typing import Any

import attrs

from ..span import Span


@attrs.frozen
class ChoicePointView:
    id: str  # cp-N
    span: Span | None  # the amb's span
    untried: int  # alternatives not yet tried
    total: int
    tried: int
    created_step: int
    boundary: str  # "top-level" or "collect-N" (the amb-collect it belongs to)


@attrs.frozen
class AmbState:
    choice_points: tuple[ChoicePointView, ...]  # newest first
    collecting: int  # active amb-collect extents

    @property
    def depth(self) -> int:
        return len(self.choice_points)


@attrs.frozen
class FiberView:
    id: int  # 1 is main; a DAP thread id
    name: str
    status: str  # running | ready | blocked | sleeping | done
    waiting_for: str = ""  # blocked: "fiber N" (a join) or "channel"; sleeping: "clock T"
    result: Any = None  # a finished fiber's value


@attrs.frozen
class ConcurrencyState:
    fibers: tuple[FiberView, ...]  # by id, main first
    current: int  # the running fiber
    clock: float  # the virtual clock `sleep` uses, in seconds

    @property
    def live(self) -> tuple[FiberView, ...]:
        return tuple(f for f in self.fibers if f.status != "done")


@attrs.frozen
class ChannelView:
    queued: tuple[Any, ...]  # values sent and not yet received, oldest first
    receivers: tuple[int, ...]  # fibers blocked receiving from it, in arrival order


@attrs.frozen
class FixpointView:
    id: str  # fp-N
    iteration: int  # calls of step so far
    previous: Any
    current: Any
    converged: bool
    max_iter: int
    phase: str  # "step" (computing the next value) or "compare" (calling equal)
    span: Span | None


@attrs.frozen
class FixpointState:
    computations: tuple[FixpointView, ...]  # innermost first

    @property
    def current(self) -> FixpointView:
        return self.computations[0]


@attrs.frozen
class ProposalView:
    kind: str
    target: Any
    old: Any
    new: Any
    span: Span | None


@attrs.frozen
class TransactionView:
    id: str  # tx-N
    status: str
    span: Span | None
    proposals: tuple[ProposalView, ...]


@attrs.frozen
class TransactionState:
    depth: int
    transactions: tuple[TransactionView, ...]  # innermost first
    active: bool = True

    @property
    def current(self) -> TransactionView:
        return self.transactions[0]

    @property
    def proposals(self) -> tuple[ProposalView, ...]:
        return self.current.proposals


__all__ = ["ChoicePointView", "AmbState", "FiberView", "ConcurrencyState", "ChannelView", "FixpointView", "FixpointState", "ProposalView", "TransactionView", "TransactionState"]
