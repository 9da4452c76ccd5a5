"""`match` (LANGUAGE.md 3.5): clause patterns to core patterns, binders to Bindings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import Binding, MatchClause, Node, PAny, PBind, PConst, PList, PVector
from ..core import Match as MatchNode
from ..core import Pattern as CorePattern
from ..syntax import Atom, SList, SVector, Syntax
from ..values import NIL, Keyword, sym
from .errors import E_MALFORMED, E_PATTERN, fail
from .idents import Key, base_name, ident_key, is_named, strip, with_symbol
from .parse import parts
from .scope import Env, extend, is_aux, new_binding
from .trampoline import Gen

if TYPE_CHECKING:
    from .expander import Expander


class _Binders:
    """The binders of one clause pattern, in first-occurrence order, with the repeat they live in."""

    def __init__(self) -> None:
        self.bindings: dict[Key, Binding] = {}
        self.scope_of: dict[Key, int] = {}
        self.scopes = 0  # repeats opened so far; 0 is the clause itself


def _constant(v: object) -> bool:
    return isinstance(v, (int, float, str, Keyword)) or v is NIL


def _pattern(syn: Syntax, binders: _Binders, scope: int, created: list[Binding]) -> Gen[CorePattern]:
    if isinstance(syn, Atom):
        key = ident_key(syn)
        if key is None:
            if _constant(syn.value):
                return PConst(syn.value)
            raise fail(E_PATTERN, "match: invalid pattern", syn)
        name = base_name(key)
        if name == "_":
            return PAny()
        if name.startswith("?") and len(name) > 1:
            bkey = with_symbol(key, sym(name[1:]))
            old = binders.bindings.get(bkey)
            if old is not None:
                if binders.scope_of[bkey] != scope:
                    raise fail(E_PATTERN, f"match: ?{old.name} is repeated inside and outside a `...` repeat", syn)
                return PBind(old, first=False)
            b = new_binding(syn, bkey, "match")
            binders.bindings[bkey] = b
            binders.scope_of[bkey] = scope
            created.append(b)
            return PBind(b)
        raise fail(E_PATTERN, f"match: invalid pattern {name} (write ?{name} to bind, '{name} for the symbol)", syn)
    if isinstance(syn, SVector):
        vitems: list[CorePattern] = []
        for item in syn.items:
            if is_named(item, "..."):
                raise fail(E_PATTERN, "match: ... is not allowed in a vector pattern", item)
            vitems.append((yield _pattern(item, binders, scope, created)))
        return PVector(vitems)
    if syn.tail is None and len(syn.items) == 2 and is_named(syn.items[0], "quote"):
        return PConst(strip(syn.items[1]))
    if not syn.items and syn.tail is None:
        return PConst(NIL)
    items = list(syn.items)
    dots = [i for i, item in enumerate(items) if is_named(item, "...")]
    repeat: CorePattern | None = None
    repeat_binders: list[Binding] = []
    if dots:
        at = dots[0]
        if len(dots) > 1 or at != len(items) - 1 or at == 0 or syn.tail is not None:
            raise fail(E_PATTERN, "match: `q ...` must end a list pattern, once", items[at])
        repeat_syn = items[at - 1]
        items = items[:at - 1]
    out: list[CorePattern] = []
    for item in items:
        out.append((yield _pattern(item, binders, scope, created)))
    if dots:
        binders.scopes += 1
        inner: list[Binding] = []
        repeat = yield _pattern(repeat_syn, binders, binders.scopes, inner)
        repeat_binders = inner
        created.extend(inner)
    tail = (yield _pattern(syn.tail, binders, scope, created)) if syn.tail is not None else None
    return PList(out, tail=tail, repeat=repeat, repeat_binders=repeat_binders)


def expand_match(x: Expander, form: SList, env: Env) -> Gen[Node]:
    rest = parts(form, 1, None, "(match expr (pattern body...)...)")
    expr = yield x.sub(rest[0], env)
    clauses: list[MatchClause] = []
    for clause in rest[1:]:
        if not isinstance(clause, SList) or clause.tail is not None or len(clause.items) < 2:
            raise fail(E_MALFORMED, "match: a clause is (pattern body...)", clause)
        pat_syn = clause.items[0]
        binders = _Binders()
        pattern: CorePattern
        if is_aux(pat_syn, "else", env):
            pattern = PAny()
        else:
            pattern = yield _pattern(pat_syn, binders, 0, [])
        scope = extend(env, list(binders.bindings.items()))
        body = yield x.body(clause.items[1:], scope, clause.span)
        clauses.append(MatchClause(pattern, list(binders.bindings.values()), body, clause.span))
    return MatchNode(form.span, expr=expr, clauses=clauses)
