"""The Expander: resolves identifiers and dispatches forms to their special-form handlers.

It holds the global macro table, which persists across top-level forms (a macro is usable from
the form after its definition). Every expansion routine is a generator run by the trampoline,
so source nesting never grows the Python stack.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..core import App, Binding, Const, GlobalRef, LocalRef, Node, PrimRef, Seq
from ..span import Span
from ..syntax import Atom, SList, SVector, Syntax
from ..values import NIL, VOID, Symbol, sym
from . import definitions
from .body import expand_body
from .errors import E_DEFINE_SYNTAX, E_KEYWORD, E_MALFORMED, E_NO_RULE, fail
from .forms import EXPRESSION_FORMS
from .idents import Key, base_symbol, ident_key, strip
from .parse import identifier, parts
from .scope import EMPTY_ENV, MACRO, OTHER, SPECIAL, SPECIAL_FORMS, Env
from .syntax_rules import Macro, compile_macro, expand_use
from .trampoline import Gen, run

Handler = Callable[["Expander", SList, Env], Gen[Node]]

# Bounds runaway recursive macros (the language server expands on every edit).
MAX_MACRO_EXPANSIONS = 200_000



@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic GC would rescan the many live generators and fresh nodes of an expansion over
    and over (measured: 2-4x slower); expansion makes no garbage cycles, so pause it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Expander:
    """Expands top-level forms to core nodes; `macros` maps each macro's symbol to its rules."""

    def __init__(self) -> None:
        self.macros: dict[Symbol, Macro] = {}
        self._marks = itertools.count(1)
        self._expansions = 0

    # ---- public API ---------------------------------------------------------------------

    def expand_toplevel(self, form: Syntax) -> Node:
        """The core node for one top-level form; raises ExpandError."""
        self._expansions = 0
        with gc_paused():
            return run(self.toplevel(form))

    def expand_in_scope(self, form: Syntax, bindings: dict[str, Binding]) -> Node:
        """Expand the expression `form` where each name of `bindings` refers to that local
        binding (a debugger evaluating in a frame); raises ExpandError."""
        self._expansions = 0
        env = EMPTY_ENV.update({sym(name): b for name, b in bindings.items()})

        def gen() -> Gen[Node]:
            sub = self.sub(form, env)
            if isinstance(sub, Node):
                return sub
            node: Node = yield sub
            return node

        with gc_paused():
            return run(gen())

    def export_state(self) -> tuple[dict[Symbol, Macro], int]:
        """What expanding leaves behind: the macros and the next mark (a library image keeps it)."""
        next_mark = next(self._marks)
        self._marks = itertools.count(next_mark)
        return dict(self.macros), next_mark

    def import_state(self, macros: dict[Symbol, Macro], next_mark: int) -> None:
        """Continue as the expander that exported this state."""
        self.macros.update(macros)
        self._marks = itertools.count(next_mark)

    def is_macro(self, name: str) -> bool:
        return sym(name) in self.macros

    # ---- classification -----------------------------------------------------------------

    def classify(self, form: Syntax, env: Env) -> tuple[str, Any]:
        """(SPECIAL, name), (MACRO, Macro) or (OTHER, None) by the head of `form` in `env`."""
        if isinstance(form, SList) and form.items:
            key = ident_key(form.items[0])
            if key is not None and env.get(key) is None:
                s = base_symbol(key)
                if s in SPECIAL_FORMS:
                    return SPECIAL, s.name
                macro = self.macros.get(s)
                if macro is not None:
                    return MACRO, macro
        return OTHER, None

    def use_macro(self, macro: Macro, form: SList, env: Env) -> Syntax:
        self._expansions += 1
        if self._expansions > MAX_MACRO_EXPANSIONS:
            raise fail(E_NO_RULE, f"{macro.name}: macro expansion does not terminate "
                       f"(over {MAX_MACRO_EXPANSIONS} expansions)", form)
        return expand_use(macro, form, env, next(self._marks))

    # ---- top level ----------------------------------------------------------------------

    def toplevel(self, form: Syntax) -> Gen[Node]:
        kind, info = self.classify(form, EMPTY_ENV)
        while kind == MACRO:
            assert isinstance(form, SList)
            form = self.use_macro(info, form, EMPTY_ENV)
            kind, info = self.classify(form, EMPTY_ENV)
        if kind == SPECIAL and isinstance(form, SList):
            if info == "begin":
                if form.tail is not None:
                    raise fail(E_MALFORMED, "begin: improper list", form)
                if len(form.items) == 1:
                    return Const(form.span, value=VOID)
                exprs: list[Node] = []
                for item in form.items[1:]:
                    exprs.append((yield self.toplevel(item)))
                return Seq(form.span, exprs=exprs)
            if info in definitions.DEFINITION_FORMS:
                result: Node = yield definitions.toplevel_definition(self, form, info)
                return result
            if info == "define-syntax":
                return self.define_syntax(form)
        result = yield self.sub(form, EMPTY_ENV)
        return result

    def define_syntax(self, form: SList) -> Node:
        name_syn, spec = parts(form, 2, 2, "(define-syntax name (syntax-rules ...))")
        atom, key = identifier(name_syn, E_MALFORMED, "define-syntax: name")
        s = base_symbol(key)
        if s in SPECIAL_FORMS:
            raise fail(E_KEYWORD, f"define-syntax: cannot redefine the special form {s.name}", atom)
        self.macros[s] = compile_macro(s.name, spec)
        return Const(form.span, value=VOID, synthetic=True)

    # ---- expressions --------------------------------------------------------------------

    def sub(self, syn: Syntax, env: Env) -> Node | Gen[Node]:
        """The expansion of expression `syn`: a node at once for atoms, else a generator to yield."""
        if isinstance(syn, Atom):
            return self.atom(syn, env)
        return self._compound(syn, env)

    def atom(self, syn: Atom, env: Env) -> Node:
        key = ident_key(syn)
        if key is None:
            return Const(syn.span, value=syn.value)
        binding = env.get(key)
        if binding is not None:
            binding.references.append(syn.span)
            return LocalRef(syn.span, binding=binding)
        s = base_symbol(key)
        if s in SPECIAL_FORMS:
            raise fail(E_MALFORMED, f"{s.name}: special form used as a variable", syn)
        if s in self.macros:
            raise fail(E_MALFORMED, f"{s.name}: macro used as a variable", syn)
        return GlobalRef(syn.span, name=s)

    def _compound(self, syn: Syntax, env: Env) -> Gen[Node]:
        while True:
            if isinstance(syn, Atom):
                return self.atom(syn, env)
            if isinstance(syn, SVector):
                return Const(syn.span, value=strip(syn))
            if not syn.items and syn.tail is None:
                return Const(syn.span, value=NIL)
            kind, info = self.classify(syn, env)
            if kind == MACRO:
                syn = self.use_macro(info, syn, env)
                continue
            if kind == SPECIAL:
                if info == "define-syntax":
                    raise fail(E_DEFINE_SYNTAX, "define-syntax is allowed only at top level", syn)
                result: Node = yield EXPRESSION_FORMS[info](self, syn, env)
                return result
            result = yield self.application(syn, env)
            return result

    def application(self, form: SList, env: Env) -> Gen[Node]:
        if form.tail is not None or not form.items:
            raise fail(E_MALFORMED, "procedure call: improper list", form)
        fn = yield self.sub(form.items[0], env)
        args: list[Node] = []
        for a in form.items[1:]:
            args.append((yield self.sub(a, env)))
        return App(form.span, fn=fn, args=args)

    def body(self, forms: Sequence[Syntax], env: Env, span: Span) -> Gen[Node]:
        """A body: internal definitions make one Letrec (see body.py)."""
        return expand_body(self, forms, env, span)

    def sequence(self, forms: Sequence[Syntax], env: Env, span: Span) -> Gen[Node]:
        """Expressions in order (no definitions): the one node, or a synthetic Seq of several."""
        exprs: list[Node] = []
        for f in forms:
            exprs.append((yield self.sub(f, env)))
        if len(exprs) == 1:
            return exprs[0]
        return Seq(span, exprs=exprs, synthetic=True)

    # ---- small builders -----------------------------------------------------------------

    @staticmethod
    def prim(name: str, span: Span) -> PrimRef:
        return PrimRef(span, name=name, synthetic=True)

    @staticmethod
    def void(span: Span) -> Const:
        return Const(span, value=VOID, synthetic=True)

    def ref(self, key: Key, env: Env, span: Span) -> Node:
        """A synthetic reference (not recorded in `references`) to `key` as seen from `env`."""
        binding = env.get(key)
        if binding is not None:
            return LocalRef(span, binding=binding, synthetic=True)
        return GlobalRef(span, name=base_symbol(key), synthetic=True)
