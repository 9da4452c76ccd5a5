"""Reading, expanding, compiling and running programs on one machine: the pipeline every host
(CLI, REPL, runtime facade, debugger) uses. Data flows one way: text -> syntax -> core -> nodes
-> machine steps.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from typing import Any, SupportsIndex, overload

from . import core as C
from . import primitives
from .conditions import OmegaError
from .core import Node as CoreNode
from .library_image import DeferredDefinition, Form, expand_sources
from .machine import nodes as N
from .machine.compiler import Compiler
from .machine.host import Host
from .machine.layout import GLOBAL_ENV
from .machine.machine import Machine
from .machine.procedures import Closure
from .primitives.registry import BUILTINS, Primitive
from .primitives.standard import LIBRARIES, package_text, prelude_source
from .reader import read
from .records import NamedTuple
from .span import Span
from .syntax import Atom, Diagnostic, ReadResult, SList, SVector, Syntax
from .values import Symbol, Vector, sym


def load_builtins() -> dict[str, Primitive]:
    """Import every primitive module once (they register themselves), in name order, and the
    machine's own. (The directory is listed directly: `pkgutil` costs an import at start-up.)"""
    for file in sorted(os.listdir(primitives.__path__[0])):
        if file.endswith(".py") and file != "__init__.py":
            importlib.import_module(f"{primitives.__name__}.{file[:-3]}")
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


class PreparedForm(NamedTuple):
    syntax: Syntax
    node: N.Node
    core: CoreNode | None
    error: Diagnostic | None
    epoch: int = 0  # the interpreter's syntax epoch when the form was expanded


def mentions(syntax: Syntax, names: set[Symbol]) -> bool:
    """Whether any identifier of `syntax` is one of `names`."""
    stack = [syntax]
    while stack:
        syn = stack.pop()
        if isinstance(syn, Atom):
            if syn.value in names:
                return True
        elif isinstance(syn, SList):
            stack.extend(syn.items)
            if syn.tail is not None:
                stack.append(syn.tail)
        elif isinstance(syn, SVector):
            stack.extend(syn.items)
    return False


class TopLevelForms(list[Any]):
    """The compiled top-level forms of a running program, as its ProgramFrame reads them (`len`,
    `forms[i]`). A program is expanded before it runs (a debugger needs its line table at launch);
    a form is expanded again when it is reached if syntax defined at run time (by `eval`) may
    change its expansion, so that every form sees the syntax earlier forms defined, however
    (LANGUAGE.md 0)."""

    def __init__(self, interpreter: Interpreter, prepared: Iterable[PreparedForm]) -> None:
        self._prepared = list(prepared)
        super().__init__(p.node for p in self._prepared)
        self._interpreter = interpreter

    @overload
    def __getitem__(self, i: SupportsIndex) -> Any: ...

    @overload
    def __getitem__(self, i: slice) -> list[Any]: ...

    def __getitem__(self, i: SupportsIndex | slice) -> Any:
        if not isinstance(i, slice):
            p = self._prepared[i]
            if p.epoch != self._interpreter.syntax_epoch:
                p = self._prepared[i] = self._interpreter.refresh(p)
                super().__setitem__(i, p.node)
        return super().__getitem__(i)


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
        # Syntax defined at run time (`eval` of a define-syntax): the epoch counts the changes,
        # `syntax_changes[e]` holds the names the change that ended epoch e defined.
        self.syntax_epoch = 0
        self.syntax_changes: list[frozenset[Symbol]] = []
        # What a host does to each prepared form before it runs (the facade: feature gates,
        # budgets); applied again to a form expanded again (TopLevelForms).
        self.finish: Callable[[PreparedForm], PreparedForm] = lambda prepared: prepared
        store = self.machine.s
        for name, prim in self.builtins.items():
            store = store.set(sym(name), prim)
        self.machine.s = store
        self._load_prelude()

    def _load_prelude(self) -> None:
        """Evaluate the prelude; the libraries, expanded with it, wait for `take_library_forms`
        (the facade loads them once its subsystems exist)."""
        sources = [("<prelude>", prelude_source())]
        sources += [(f"<{name}>", package_text(name)) for name in LIBRARIES]
        expanded = expand_sources(self.expander, sources)
        self.load_builtin_forms(expanded.pop("<prelude>"))
        self._library_forms = [core for forms in expanded.values() for core in forms]

    def load_builtin_forms(self, forms: Iterable[Form],
                           finish: Callable[[CoreNode], CoreNode] | None = None) -> None:
        """Evaluate built-in top-level forms in order (compiled as built-in code, hidden from
        backtraces; `finish` applied to each first). A definition whose value needs no evaluation
        (a lambda, a constant, another such definition's name) is made on its first use instead,
        as a global below the store: most programs use few of the prelude's procedures, and
        compiling them all took a third of creating a runtime. The machine's step count is left
        unchanged, and what the forms define becomes `prelude_store` (no user global)."""
        m = self.machine
        start_t = m.t
        for form in forms:
            if isinstance(form, DeferredDefinition):
                if finish is None and not self._defines(form.name):
                    m.pending_globals[form.name] = self._closure_maker(form.name, form.load)
                    continue
                form = form.load()
            core = form if finish is None else finish(form)
            if isinstance(core, C.DefineGlobal):
                make = self._deferred_definition(core)
                if make is not None:
                    m.pending_globals[core.name] = make
                    continue
            m.start(self.compiler.compile(core, builtin=True))
            m.run()
        m.c, m.k = None, None
        m.t = start_t
        self.prelude_store = m.s

    def _defines(self, name: Symbol) -> bool:
        m = self.machine
        return name in m.s or name in m.pending_globals or name in m.builtin_globals

    def _deferred_definition(self, core: C.DefineGlobal) -> Callable[[], Any] | None:
        """A factory making the value `core` defines, when evaluating it can wait and can observe
        nothing; else None."""
        if self._defines(core.name):
            return None  # a name defined twice keeps its order of evaluation
        expr = core.expr
        if isinstance(expr, C.Lambda):
            return self._closure_maker(core.name, lambda: core)
        if isinstance(expr, C.Const) and not isinstance(expr.value, Vector):
            value = expr.value
            return lambda: value
        m = self.machine
        if isinstance(expr, C.GlobalRef) and expr.name in m.pending_globals:
            target = expr.name
            return lambda: m.global_below(target)
        return None

    def _closure_maker(self, name: Symbol, definition: Callable[[], C.DefineGlobal]) -> Callable[[], Any]:
        """A factory of the procedure a global `(define name (lambda ...))` makes."""

        def make_closure() -> Any:
            lam = self.compiler.compile(definition(), builtin=True).children()[0]
            closure = Closure(lam, GLOBAL_ENV)
            if closure.name is None:
                closure.name = name.name
            return closure

        return make_closure

    def take_library_forms(self) -> list[Form]:
        """The libraries' expanded forms, in order; once (later calls get none)."""
        forms, self._library_forms = self._library_forms, []
        return forms

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
            return PreparedForm(form, node, None, exc.diagnostic(), self.syntax_epoch)
        return PreparedForm(form, self.compiler.compile(core), core, None, self.syntax_epoch)

    def refresh(self, prepared: PreparedForm) -> PreparedForm:
        """`prepared`, expanded again if a name it mentions was defined as syntax at run time
        since it was expanded, or is a macro (whose expansion may use such a name)."""
        changed: set[Symbol] = set(self.expander.macros)
        for names in self.syntax_changes[prepared.epoch:]:
            changed |= names
        if mentions(prepared.syntax, changed):
            return self.finish(self.prepare(prepared.syntax))
        return prepared._replace(epoch=self.syntax_epoch)

    def expand_at_run_time(self, form: Syntax) -> CoreNode:
        """Expand a form `eval` was given (ExpandError propagates); syntax it defines starts a new
        syntax epoch, after which the program's later forms are checked again (TopLevelForms)."""
        before = dict(self.expander.macros)
        try:
            return self.expander.expand_toplevel(form)
        finally:
            after = self.expander.macros
            if after != before:
                self.syntax_changes.append(frozenset(s for s in before.keys() | after.keys()
                                                     if before.get(s) != after.get(s)))
                self.syntax_epoch += 1

    def prepare_all(self, result: ReadResult) -> list[PreparedForm]:
        """Expand and compile every form in order (a macro defined by one form is usable from
        the next): the whole program's nodes exist before it runs, so a debugger has its line
        table at launch."""
        return [self.prepare(form) for form in result.data]

    def start_program(self, prepared: list[PreparedForm]) -> None:
        self.machine.start_program(TopLevelForms(self, prepared))

    def run_program(self, prepared: list[PreparedForm]) -> Any:
        """Run every form; the last one's value (MachineHalt propagates)."""
        self.start_program(prepared)
        return self.machine.run()

    def _expand_eval(self, m: Machine, datum: Any, node: Any) -> N.Node | None:
        from .expander import ExpandError, datum_to_syntax

        span = m.span_of(node) or Span("<eval>", 1, 1, 1, 1, 0, 0)
        try:
            core = self.expand_at_run_time(datum_to_syntax(datum, span))
        except ExpandError as exc:
            m.raise_error(OmegaError("syntax-error", exc.message, (exc.code,), restarts=()), node)
            return None
        return self.compiler.compile(core)
