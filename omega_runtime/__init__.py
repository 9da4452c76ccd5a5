"""The Omega language runtime: reader, expander, CESK machine and the OmegaRuntime facade.

The package's public face is what RUNTIME.md documents: ``from omega_runtime import
OmegaRuntime, RuntimeConfig, RuntimeProviders``. The names are loaded on first use (PEP 562), so
that tools needing only the reader or the expander (the language server) do not load the whole
runtime.

A compiled build (setup.py) has the step machine's modules also as mypyc extension modules beside
their sources. They are used unless `OMEGA_PURE=1` is set, or, in a source checkout (an editable
install), some source is newer than its extension (edited after the extensions were built): then
every module is loaded from its Python source, so a stale extension never runs in place of the
code beside it.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

_HERE = os.path.dirname(os.path.abspath(__file__))


def _extensions_stale(package: str = _HERE) -> bool:
    """Whether `package` sits in its source checkout (setup.py beside it: an editable install,
    built in place) and a compiled module's source there is newer than the library holding the
    compiled code. An installed package is not edited in place, and installing stamps each file
    with the time it is written: there a source may be a little newer than the library."""
    if not os.path.isfile(os.path.join(os.path.dirname(package), "setup.py")):
        return False
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    machine_dir = os.path.join(package, "machine")
    try:
        library = next(n for n in os.listdir(machine_dir) if n.startswith("_compiled__mypyc") and n.endswith(suffixes))
        built = os.stat(os.path.join(machine_dir, library)).st_mtime
        for directory in (package, machine_dir):
            for name in os.listdir(directory):
                if name.endswith(suffixes) and not name.startswith("_compiled__mypyc"):
                    if os.stat(os.path.join(directory, name.split(".", 1)[0] + ".py")).st_mtime > built:
                        return True
    except (StopIteration, OSError):
        return False
    return False


_MACHINE, _VALUES = __name__ + ".machine.", __name__ + ".values"


class _SourcesFirst:
    """Load this package's modules from their `.py` files even where an extension module exists.
    (A meta path finder by protocol: subclassing `importlib.abc.MetaPathFinder` would import
    `importlib.resources` and `tempfile` at every start.)"""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        # Only the step machine and its values have extension modules: any other module is left
        # to the usual finder, which lists each directory once instead of a check per module.
        if not (fullname.startswith(_MACHINE) or fullname == _VALUES) or not path:
            return None
        leaf = fullname.rpartition(".")[2]
        for directory in path:
            source = os.path.join(directory, leaf + ".py")
            if os.path.isfile(source):
                # What importlib.util.spec_from_file_location makes, without importing
                # importlib.util (~5 ms of modules at every start of the pure build).
                loader = importlib.machinery.SourceFileLoader(fullname, source)
                spec = importlib.machinery.ModuleSpec(fullname, loader, origin=source)
                spec.has_location = True
                return spec
        return None


def compiled() -> bool:
    """Whether the step machine runs compiled (mypyc) in this process."""
    from .machine import machine

    return not (machine.__file__ or "").endswith(".py")


if os.environ.get("OMEGA_PURE", "") not in ("", "0") or _extensions_stale():
    sys.meta_path.insert(0, _SourcesFirst())

if TYPE_CHECKING:
    from .config import PRESETS, RuntimeConfig, RuntimeProviders
    from .debug.facade import StepResult
    from .results import EvalResult
    from .runtime import OmegaRuntime
    from .subsystems.views import AmbState, FixpointState, TransactionState

# name -> the module defining it
_HOMES = {
    "OmegaRuntime": ".runtime",
    "EvalResult": ".results",
    "RuntimeConfig": ".config",
    "RuntimeProviders": ".config",
    "PRESETS": ".config",
    "StepResult": ".debug.facade",
    "AmbState": ".subsystems.views",
    "TransactionState": ".subsystems.views",
    "FixpointState": ".subsystems.views",
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
