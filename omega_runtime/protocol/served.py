"""The runtime as the eval server sees it. The protocol package never imports the facade (the
facade makes its server, and `omega serve` passes its factory in), so imports flow one way:
runtime.py -> protocol."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from ..runtime_parts import RuntimeParts

if TYPE_CHECKING:
    from ..results import EvalResult, EvaluationInterceptor
    from ..subsystems import LLMIntegration, Session, StateCoordinator
    from .server import ProtocolServer


class ServedRuntime(RuntimeParts, Protocol):
    """What a server's session uses of the runtime it serves (an OmegaRuntime)."""

    @property
    def eval_lock(self) -> AbstractContextManager[Any]: ...
    @property
    def evaluation_interceptor(self) -> EvaluationInterceptor | None: ...
    @property
    def session(self) -> Session: ...
    @property
    def llm(self) -> LLMIntegration: ...
    @property
    def state_coordinator(self) -> StateCoordinator: ...
    @property
    def protocol(self) -> ProtocolServer: ...

    def eval(self, code: str, *, source: str = ...) -> EvalResult: ...
    def next_input_name(self) -> str: ...
    def dispose(self) -> None: ...


class RuntimeFactory(Protocol):
    """Makes the runtime a server serves (`OmegaRuntime.create`)."""

    def __call__(self, config: Mapping[str, Any] | None = ..., preset: str | None = ...) -> ServedRuntime: ...


__all__ = ["ServedRuntime", "RuntimeFactory"]
