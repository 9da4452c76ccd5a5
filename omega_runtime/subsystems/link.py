"""What the subsystems need of the runtime that holds them: a narrow view, so that they do not
import the facade (imports flow one way: runtime.py -> subsystems)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ..runtime_parts import RuntimeParts

if TYPE_CHECKING:
    from ..results import EvalResult
    from .budget import BudgetManager
    from .session import Session


class RuntimeLink(RuntimeParts, Protocol):
    @property
    def budget(self) -> BudgetManager: ...

    @property
    def session(self) -> Session: ...

    def eval_expr(self, datum: Any) -> EvalResult: ...


__all__ = ["RuntimeLink"]
