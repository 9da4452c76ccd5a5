"""The amb subsystem: pending choice points as the debugger shows them (LANGUAGE.md 6), and
all-solutions search from Python."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..machine import frames as F
from ..values import make_list, sym

if TYPE_CHECKING:
    from ..results import EvalResult
    from .state import StateCoordinator
    from .views import AmbState, ChoicePointView


class AmbManager:
    def __init__(self, state: StateCoordinator, runtime: Any) -> None:
        self._state = state
        self._rt = runtime

    @property
    def choices_made(self) -> int:
        """Choice points created since the runtime was made (each an amb-choice event)."""
        return int(self._state.machine.choices_made)

    @property
    def backtracks(self) -> int:
        """Backtracks taken since the runtime was made (each an amb-backtrack event)."""
        return int(self._state.machine.backtracks)

    def pending(self) -> tuple[ChoicePointView, ...]:
        """Pending choice points, newest first."""
        from .views import ChoicePointView

        views = []
        for cp in self._state.registers().choices.newest_first():
            views.append(ChoicePointView(f"cp-{cp.cid}", cp.span, len(cp.remaining), cp.total, cp.tried,
                                         cp.created, "top-level" if cp.boundary == 0 else f"collect-{cp.boundary}"))
        return tuple(views)

    def collecting(self) -> int:
        n = 0
        k = F.innermost_marked(self._state.continuation())  # an amb-collect is an extent frame
        while k is not None:
            if k.__class__ is F.ExtentFrame and k.ekind == "amb-collect":
                n += 1
            k = F.innermost_marked(k.next)
        return n

    def is_searching(self) -> bool:
        return bool(self._state.registers().choices) or self.collecting() > 0

    def get_state(self) -> AmbState | None:
        """None when no choice point is pending and no amb-collect is active."""
        if not self.is_searching():
            return None
        from .views import AmbState

        return AmbState(self.pending(), self.collecting())

    def all_solutions(self, code: str) -> EvalResult:
        """Every value of the Omega expression `code`, in the order found (an `amb-collect`)."""
        from ..reader import read

        result = read(code, "<amb>")
        if result.diagnostics or len(result.data) != 1:
            raise ValueError("all_solutions expects exactly one well-formed expression")
        from ..syntax import to_value

        datum = to_value(result.data[0])
        return self._rt.eval_expr(make_list([sym("amb-collect"), datum]))  # type: ignore[no-any-return]


__all__ = ["AmbManager"]
