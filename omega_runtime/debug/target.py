"""The runtime as the debugger sees it. The debug package never imports the facade (the facade
makes its debug subsystems, and `omega debug` passes its factory in), so imports flow one way:
runtime.py -> debug."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ..runtime_parts import RuntimeParts

if TYPE_CHECKING:
    from ..oracle import ReceiptLog


class DebugTarget(RuntimeParts, Protocol):
    """What a DebugController, its views and interventions use of the runtime (an OmegaRuntime)."""

    @property
    def receipt_log(self) -> ReceiptLog: ...
    @property
    def evaluated_sources(self) -> dict[str, tuple[str, list[Any]]]: ...
    @property
    def stderr(self) -> Callable[[str], None]: ...

    def next_input_name(self) -> str: ...
    def prepare_program(self, result: Any, text: str | None, source: str | None = None) -> list[Any]: ...


__all__ = ["DebugTarget"]
