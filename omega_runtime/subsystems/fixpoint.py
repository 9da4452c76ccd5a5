"""The fixpoint subsystem (LANGUAGE.md 8): the running `fixpoint` computations, read from the
continuation (their frames carry the iteration state), innermost first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..machine import frames as F

if TYPE_CHECKING:
    from .state import StateCoordinator
    from .views import FixpointState, FixpointView

_FP_METHODS = ("fp_stepped", "fp_compared")


class FixpointManager:
    def __init__(self, state: StateCoordinator) -> None:
        self._state = state
        self.iterations = 0  # fixpoint-iteration events this run

    def on_iteration(self, _data: Any) -> None:
        self.iterations += 1

    def active(self) -> tuple[FixpointView, ...]:
        from .views import FixpointView

        out = []
        k = F.innermost_marked(self._state.continuation())  # a fixpoint's frame is a callback frame
        while k is not None:
            if k.__class__ is F.CallbackFrame and k.method in _FP_METHODS:
                fp = k.args[0]
                out.append(FixpointView(f"fp-{fp.fid}", fp.iteration, fp.previous, fp.current, fp.converged,
                                        fp.max_iter, "step" if k.method == "fp_stepped" else "compare", fp.span))
            k = F.innermost_marked(k.next)
        return tuple(out)

    def is_computing(self) -> bool:
        return bool(self.active())

    def get_state(self) -> FixpointState | None:
        views = self.active()
        if not views:
            return None
        from .views import FixpointState

        return FixpointState(views)


__all__ = ["FixpointManager"]
