"""What the subsystems need of the runtime that holds them: a narrow view, so that they do not
import the facade (imports flow one way: runtime.py -> subsystems)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..config import RuntimeConfig
    from ..interpreter import Interpreter
    from ..machine.host import Host
    from ..machine.machine import Machine
    from ..results import EvalResult
    from .budget import BudgetManager
    from .session import Session


class RuntimeLink(Protocol):
    @property
    def machine(self) -> Machine: ...

    @property
    def host(self) -> Host: ...

    @property
    def interpreter(self) -> Interpreter: ...

    @property
    def budget(self) -> BudgetManager: ...

    @property
    def session(self) -> Session: ...

    def get_config(self) -> RuntimeConfig: ...

    def emit(self, name: str, data: Any = None) -> None: ...

    def eval_expr(self, datum: Any) -> EvalResult: ...


__all__ = ["RuntimeLink"]
