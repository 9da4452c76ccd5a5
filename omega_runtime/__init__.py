"""The Omega language runtime: reader, expander, CESK machine and the OmegaRuntime facade.

The package's public face is what RUNTIME.md documents: ``from omega_runtime import
OmegaRuntime, RuntimeConfig, RuntimeProviders``. The names are loaded on first use (PEP 562), so
that tools needing only the reader or the expander (the language server) do not load the whole
runtime.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import PRESETS, RuntimeConfig, RuntimeProviders
    from .debug.facade import StepResult
    from .results import EvalResult
    from .runtime import OmegaRuntime
    from .subsystems import AmbState, FixpointState, TransactionState

# name -> the module defining it
_HOMES = {
    "OmegaRuntime": ".runtime",
    "EvalResult": ".results",
    "RuntimeConfig": ".config",
    "RuntimeProviders": ".config",
    "PRESETS": ".config",
    "StepResult": ".debug.facade",
    "AmbState": ".subsystems",
    "TransactionState": ".subsystems",
    "FixpointState": ".subsystems",
}

__all__ = ["OmegaRuntime", "RuntimeConfig", "RuntimeProviders", "EvalResult", "StepResult",
           "AmbState", "TransactionState", "FixpointState", "PRESETS"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'omega_runtime' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
