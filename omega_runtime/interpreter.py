"""Reading, expanding, compiling and running programs on one machine: the pipeline every host
(CLI, REPL, runtime facade, debugger) uses. Data flows one way: text -> syntax -> core -> nodes
-> machine steps.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import attrs

from . import primitives
from .conditions import OmegaError
from .core import Node as CoreNode
from .machine import nodes as N
from .machine.compiler import Compiler
from .machine.host import Host
from .machine.machine import Machine
from .primitives.registry import BUILTINS, Primitive
from .reader import read
from .span import Span
from .syntax import Diagnostic, ReadResult, Syntax
from .values import sym

PRELUDE = Path(__file__).with_name("prelude.omega")


def load_builtins() -> dict[str, Primitive]:
    """Import every primitive module once (they register themselves) and the machine's own."""
    for info in pkgutil.iter_modules(primitives.__path__):
        importlib.import_module(f"{primitives.__name__}.{info.name}")
    importlib.import_module(".machine.control", __package__)
    importlib.import_module(".machine.fibers", __package__)
    importlib.import_module(".machine.dynamic", __package__)
    importlib.import_module(".machine.ports", __package__)
    return BUILTINS


class KRaise(N.Node):
    """A top-level form whose expansion failed: reaching it signals `syntax-error`
    (LANGUAGE.md 15.1) after the forms before it have run."""

    __slots__ = ("error",)

    def __init__(self, span: Span | None, error: OmegaError) -> None:
        super().__init__(span, False)
        self.error = error
        self.kind = "syntax-error"

    def step(self, m: Machine) -> None:
        m.raise_error(self.error, self)


@attrs.define
class PreparedForm:
    syntax: Syntax
    node: N.Node
    core: CoreNode | None
    error: Diagnostic | None


class Interpreter:
    def __init__(self, host: Host) -> None:
        from .expander import Expander

        self.host = host
        self.builtins = load_builtins()
        self.machine = Machine(host)
        self.compiler = Compiler(self.builtins)
        self.expander = Expander()
        host.expand_eval = self._expand_eval
        host.builtin = self.builtins.__getitem__  # type: ignore[attr-defined]
        store = self.machine.s
        for name, prim in self.builtins.items():
            store = store.set(sym(name), prim)
        self.machine.s = store
        self._load_prelude()

    def _load_prelude(self) -> None:
        result = read(PRELUDE.read_text(encoding="utf-8"), "<prelude>")
        if result.diagnostics:
            raise RuntimeError(f"prelude does not read: {result.diagnostics[0].format()}")
        for form in result.data:
            core = self.expander.expand_toplevel(form)
            node = self.compiler.compile(core, builtin=True)
            self.machine.start(node)
            self.machine.run()
        self.machine.t = 0
        self.prelude_store = self.machine.s

    # ---- pipeline --------------------------------------------------------------------------

    def read(self, text: str, file: str) -> ReadResult:
        return read(text, file)

    def prepare(self, form: Syntax) -> PreparedForm:
        """Expand and compile one top-level form; an expansion error becomes a raising node."""
        from .expander import ExpandError

        try:
            core = self.expander.expand_toplevel(form)
        except ExpandError as exc:
            err = OmegaError("syntax-error", exc.message, (exc.code,), restarts=())
            node = KRaise(exc.span, err)
            return PreparedForm(form, node, None, exc.diagnostic())
        return PreparedForm(form, self.compiler.compile(core), core, None)

    def prepare_all(self, result: ReadResult) -> list[PreparedForm]:
        """Expand and compile every form in order (a macro defined by one form is usable from
        the next): the whole program's nodes exist before it runs, so a debugger has its line
        table at launch."""
        return [self.prepare(form) for form in result.data]

    def start_program(self, prepared: list[PreparedForm]) -> None:
        self.machine.start_program([p.node for p in prepared])

    def run_program(self, prepared: list[PreparedForm]) -> Any:
        """Run every form; the last one's value (MachineHalt propagates)."""
        self.start_program(prepared)
        return self.machine.run()

    def _expand_eval(self, m: Machine, datum: Any, node: Any) -> N.Node | None:
        from .expander import ExpandError, datum_to_syntax

        span = m.span_of(node) or Span("<eval>", 1, 1, 1, 1, 0, 0)
        try:
            core = self.expander.expand_toplevel(datum_to_syntax(datum, span))
        except ExpandError as exc:
            m.raise_error(OmegaError("syntax-error", exc.message, (exc.code,), restarts=()), node)
            return None
        return self.compiler.compile(core)
