"""The fixpoint subsystem (LANGUAGE.md 8): the running `fixpoint` computations, read from the
continuation (their frames carry the iteration state), innermost first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ..machine import frames as F
from ..span import Span

if TYPE_CHECKING:
    from .state import StateCoordinator

_FP_METHODS = ("fp_stepped", "fp_compared")


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


class FixpointManager:
    def __init__(self, state: StateCoordinator) -> None:
        self._state = state
        self.iterations = 0  # fixpoint-iteration events this run

    def on_iteration(self, _data: Any) -> None:
        self.iterations += 1

    def active(self) -> tuple[FixpointView, ...]:
        out = []
        k = self._state.continuation()
        while k is not None:
            if k.__class__ is F.CallbackFrame and k.method in _FP_METHODS:
                fp = k.args[0]
                out.append(FixpointView(f"fp-{fp.fid}", fp.iteration, fp.previous, fp.current, fp.converged,
                                        fp.max_iter, "step" if k.method == "fp_stepped" else "compare", fp.span))
            k = k.next
        return tuple(out)

    def is_computing(self) -> bool:
        return bool(self.active())

    def get_state(self) -> FixpointState | None:
        views = self.active()
        return FixpointState(views) if views else None


__all__ = ["FixpointManager", "FixpointState", "FixpointView"]
