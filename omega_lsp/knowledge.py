"""What the server knows before reading a file: special forms and built-in procedures.

Built-ins come from the runtime's registry (`BUILTINS`), filled by importing the primitive
modules and the machine (which registers its control primitives), plus the top-level
procedures of the runtime's Omega prelude, read with the runtime's own reader and expander.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from functools import lru_cache
from importlib import resources

import attrs

from omega_runtime.expander import SPECIAL_FORM_NAMES

log = logging.getLogger(__name__)

# LANGUAGE.md section 3, in its order: the expander's own list.
SPECIAL_FORMS: tuple[str, ...] = tuple(SPECIAL_FORM_NAMES)
SPECIAL_FORM_SET = frozenset(SPECIAL_FORMS)

# Forms whose body is indented two columns by the formatter (the rest align with their first argument).
BODY_FORMS = frozenset({
    "define", "lambda", "let", "let*", "letrec", "letrec*", "when", "unless", "do", "define-syntax",
    "syntax-rules", "define-record-type", "match", "handle", "on", "return", "with-transaction", "with-budget",
    "with-capabilities", "oracle-lambda", "handler-bind", "restart-case", "restart-bind", "guard", "case",
    "amb-collect", "delay", "delay-force", "begin", "case-lambda", "parameterize", "let-values", "let*-values",
    "define-values", "receive",
})


@attrs.frozen
class ProcInfo:
    """A procedure the server can describe: arity, signature, documentation."""

    name: str
    min_args: int
    max_args: int | None  # None: any number
    signature: str
    doc: str
    origin: str  # builtin | prelude | file


def _import_runtime_modules() -> None:
    """Import every primitive module and the machine so that `BUILTINS` is complete."""
    for package in ("omega_runtime.primitives", "omega_runtime.machine"):
        try:
            pkg = importlib.import_module(package)
        except Exception:  # a part still being written must not stop the server
            log.warning("cannot import %s", package, exc_info=True)
            continue
        for mod in pkgutil.iter_modules(getattr(pkg, "__path__", [])):
            try:
                importlib.import_module(f"{package}.{mod.name}")
            except Exception:
                log.warning("cannot import %s.%s", package, mod.name, exc_info=True)


def _prelude_procedures() -> dict[str, ProcInfo]:
    """Top-level procedures of `omega_runtime/prelude.omega`, if the runtime ships one."""
    try:
        text = resources.files("omega_runtime").joinpath("prelude.omega").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError, ModuleNotFoundError):
        return {}
    from .analysis import analyze  # late: analysis needs this module's tables

    result = analyze(text, "prelude.omega", with_builtins=False)
    out: dict[str, ProcInfo] = {}
    for name, d in result.definitions.items():
        if d.proc is not None:
            out[name] = attrs.evolve(d.proc, origin="prelude")
    return out


@lru_cache(maxsize=1)
def builtin_procedures() -> dict[str, ProcInfo]:
    """Every procedure a program may call without defining it."""
    _import_runtime_modules()
    from omega_runtime.primitives.registry import BUILTINS

    table: dict[str, ProcInfo] = {}
    for name, p in BUILTINS.items():
        table[name] = ProcInfo(name, p.min_args, p.max_args, p.signature or f"({name} ...)", p.doc, "builtin")
    for name, info in _prelude_procedures().items():
        table.setdefault(name, info)
    return table
