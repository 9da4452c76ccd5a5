"""Bodies: internal definitions anywhere in a body become one Letrec over it (letrec* order).

Pass 1 macro-expands each form's head just enough to see definitions and `begin`s to splice,
binding each defined name as it is met (so later heads see it shadow a keyword or macro).
Pass 2 expands everything in the full scope. Expressions met between definitions run in order:
each is folded into the next definition's init as a synthetic Seq.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..core import Binding, Const, Letrec, Node, Seq
from ..span import Span
from ..syntax import SList, Syntax
from ..values import VOID
from .definitions import DEFINITION_FORMS, Definition, check_new, parse_definition
from .errors import E_DEFINE_SYNTAX, E_MALFORMED, fail
from .idents import Key
from .scope import MACRO, SPECIAL, Env, new_binding
from .trampoline import Gen

if TYPE_CHECKING:
    from .expander import Expander


def expand_body(x: Expander, forms: Sequence[Syntax], env: Env, span: Span) -> Gen[Node]:
    entries: list[tuple[Syntax, Definition | None, Binding | None]] = []
    seen: set[Key] = set()
    has_defs = False
    stack = list(reversed(forms))
    while stack:
        f = stack.pop()
        kind, info = x.classify(f, env)
        while kind == MACRO:
            assert isinstance(f, SList)
            f = x.use_macro(info, f, env)
            kind, info = x.classify(f, env)
        if kind == SPECIAL and isinstance(f, SList):
            if info == "begin":
                if f.tail is not None:
                    raise fail(E_MALFORMED, "begin: improper list", f)
                stack.extend(reversed(f.items[1:]))
                continue
            if info in DEFINITION_FORMS:
                for d in parse_definition(x, f, info):
                    check_new(seen, d)
                    b = new_binding(d.atom, d.key, d.kind)
                    env = env.set(d.key, b)
                    entries.append((f, d, b))
                    has_defs = True
                continue
            if info == "define-syntax":
                raise fail(E_DEFINE_SYNTAX, "define-syntax is allowed only at top level", f)
        entries.append((f, None, None))
    if not has_defs:
        exprs: list[Node] = []
        for f, _, _ in entries:
            exprs.append((yield x.sub(f, env)))
        if not exprs:
            return Const(span, value=VOID, synthetic=True)
        return Seq(span, exprs=exprs, synthetic=True)
    bindings: list[Binding] = []
    inits: list[Node] = []
    pending: list[Node] = []
    for f, maybe_d, maybe_b in entries:
        if maybe_d is None or maybe_b is None:
            pending.append((yield x.sub(f, env)))
            continue
        d, b = maybe_d, maybe_b
        init = yield d.init(env)
        if pending:
            init = Seq(d.span, exprs=pending + [init], synthetic=True)
            pending = []
        bindings.append(b)
        inits.append(init)
    body: Node = Seq(span, exprs=pending, synthetic=True) if pending else Const(span, value=VOID, synthetic=True)
    return Letrec(span, bindings=bindings, inits=inits, body=body, synthetic=True)
