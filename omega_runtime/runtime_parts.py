"""What every package that works for the runtime sees of it: the machine, the interpreter, the
host and the configuration. The subsystems (RuntimeLink), the debugger (DebugTarget) and the eval
server (ServedRuntime) each extend this protocol with what else they use, so none of them imports
the facade (imports flow one way: runtime.py -> subsystems, debug, protocol)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .config import RuntimeConfig
    from .interpreter import Interpreter
    from .machine.host import Host
    from .machine.machine import Machine


class RuntimeParts(Protocol):
    @property
    def machine(self) -> Machine: ...
    @property
    def interpreter(self) -> Interpreter: ...
    @property
    def host(self) -> Host: ...

    def get_config(self) -> RuntimeConfig: ...
    def emit(self, name: str, data: Any = None) -> None: ...
