"""`syntax-rules` macros: compiling rules, matching a use, and instantiating a template.

Patterns and templates are compiled once, at `define-syntax`. Matching binds pattern variables
to syntax (ellipsis variables to lists of syntax, one list level per ellipsis). Instantiation
renames every template identifier that is not a pattern variable with a mark fresh for this use
(hygiene, see idents.py) and gives template pieces the span of the use; substituted syntax keeps
its own spans. All three walks run on the trampoline: templates and uses may nest deeply.
"""

from __future__ import annotations

from typing import Any

from ..span import Span
from ..syntax import Atom, SList, SVector, Syntax
from ..values import NIL, Symbol
from .errors import E_DUPLICATE, E_ELLIPSIS, E_MALFORMED, E_NO_RULE, fail
from .idents import Key, base_name, base_symbol, ident_key, is_named, rename
from .parse import symbol_list
from .scope import Env
from .trampoline import Gen, run

# Compiled rules are immutable values, equal when their fields are (a macro defined again the
# same way is the same macro). Plain classes, not attrs ones: building attrs classes costs ~0.3 ms
# each at every start-up (issue 15).


class _Value:
    __slots__: tuple[str, ...] = ()

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and self._fields() == other._fields()

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((self.__class__, self._fields()))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:  # pickled in the library image
        return _rebuild, (self.__class__, self._fields())


_set = object.__setattr__


def _rebuild(cls: type[_Value], fields: tuple[Any, ...]) -> _Value:
    value: _Value = object.__new__(cls)
    for name, field in zip(cls.__slots__, fields, strict=True):
        _set(value, name, field)
    return value

# ---- compiled patterns ----------------------------------------------------------------------


class PatVar(_Value):
    __slots__ = ("key",)
    key: Key

    def __init__(self, key: Key) -> None:
        _set(self, "key", key)


class PatLiteral(_Value):
    __slots__ = ("symbol",)
    symbol: Symbol

    def __init__(self, symbol: Symbol) -> None:
        _set(self, "symbol", symbol)


class PatAny(_Value):
    __slots__ = ()


class PatDatum(_Value):
    __slots__ = ("value",)
    value: Any

    def __init__(self, value: Any) -> None:
        _set(self, "value", value)


class PatSeq(_Value):
    __slots__ = ("before", "ellipsis", "ellipsis_vars", "after", "tail", "vector")
    before: tuple[Pat, ...]
    ellipsis: Pat | None  # the repeated sub-pattern, if any
    ellipsis_vars: tuple[Key, ...]  # variables bound inside it (bound to lists)
    after: tuple[Pat, ...]
    tail: Pat | None  # `(p ... . tail)`
    vector: bool

    def __init__(self, before: tuple[Pat, ...], ellipsis: Pat | None, ellipsis_vars: tuple[Key, ...],
                 after: tuple[Pat, ...], tail: Pat | None, vector: bool) -> None:
        _set(self, "before", before)
        _set(self, "ellipsis", ellipsis)
        _set(self, "ellipsis_vars", ellipsis_vars)
        _set(self, "after", after)
        _set(self, "tail", tail)
        _set(self, "vector", vector)


Pat = PatVar | PatLiteral | PatAny | PatDatum | PatSeq

# ---- compiled templates ---------------------------------------------------------------------


class TmplVar(_Value):
    __slots__ = ("key",)
    key: Key

    def __init__(self, key: Key) -> None:
        _set(self, "key", key)


class TmplIdent(_Value):
    __slots__ = ("key",)
    key: Key

    def __init__(self, key: Key) -> None:
        _set(self, "key", key)


class TmplConst(_Value):
    __slots__ = ("value",)
    value: Any

    def __init__(self, value: Any) -> None:
        _set(self, "value", value)


class TmplElem(_Value):
    __slots__ = ("template", "controls")
    template: Tmpl
    controls: tuple[tuple[Key, ...], ...]  # per ellipsis after it: the variables iterated there

    def __init__(self, template: Tmpl, controls: tuple[tuple[Key, ...], ...]) -> None:
        _set(self, "template", template)
        _set(self, "controls", controls)


class TmplSeq(_Value):
    __slots__ = ("elems", "tail", "vector")
    elems: tuple[TmplElem, ...]
    tail: Tmpl | None
    vector: bool

    def __init__(self, elems: tuple[TmplElem, ...], tail: Tmpl | None, vector: bool) -> None:
        _set(self, "elems", elems)
        _set(self, "tail", tail)
        _set(self, "vector", vector)


Tmpl = TmplVar | TmplIdent | TmplConst | TmplSeq


class Rule(_Value):
    __slots__ = ("pattern", "template")
    pattern: PatSeq
    template: Tmpl

    def __init__(self, pattern: PatSeq, template: Tmpl) -> None:
        _set(self, "pattern", pattern)
        _set(self, "template", template)


class Macro(_Value):
    __slots__ = ("name", "rules", "span")
    name: str
    rules: tuple[Rule, ...]
    span: Span

    def __init__(self, name: str, rules: tuple[Rule, ...], span: Span) -> None:
        _set(self, "name", name)
        _set(self, "rules", rules)
        _set(self, "span", span)


# ---- compiling ------------------------------------------------------------------------------


def _is_ellipsis(syn: Syntax, literals: frozenset[Symbol]) -> bool:
    key = ident_key(syn)
    return key is not None and base_name(key) == "..." and base_symbol(key) not in literals


def _pattern(syn: Syntax, depth: int, literals: frozenset[Symbol], pvars: dict[Key, int]) -> Gen[Pat]:
    if isinstance(syn, Atom):
        key = ident_key(syn)
        if key is None:
            return PatDatum(syn.value)
        if base_symbol(key) in literals:
            return PatLiteral(base_symbol(key))
        if base_name(key) == "...":
            raise fail(E_ELLIPSIS, "syntax-rules: ... must follow a pattern element", syn)
        if base_name(key) == "_":
            return PatAny()
        if key in pvars:
            raise fail(E_DUPLICATE, f"syntax-rules: pattern variable {base_name(key)} appears twice", syn)
        pvars[key] = depth
        return PatVar(key)
    items = syn.items
    marks = [i for i, item in enumerate(items) if _is_ellipsis(item, literals)]
    if len(marks) > 1:
        raise fail(E_ELLIPSIS, "syntax-rules: two ellipses at one level of a pattern", items[marks[1]])
    if marks and marks[0] == 0:
        raise fail(E_ELLIPSIS, "syntax-rules: ... must follow a pattern element", items[0])
    tail_syn = syn.tail if isinstance(syn, SList) else None
    if tail_syn is not None and _is_ellipsis(tail_syn, literals):
        raise fail(E_ELLIPSIS, "syntax-rules: ... cannot be the tail of a pattern", tail_syn)
    split = marks[0] - 1 if marks else len(items)
    before: list[Pat] = []
    for item in items[:split]:
        before.append((yield _pattern(item, depth, literals, pvars)))
    ellipsis: Pat | None = None
    ellipsis_vars: tuple[Key, ...] = ()
    after: list[Pat] = []
    if marks:
        known = set(pvars)
        ellipsis = yield _pattern(items[split], depth + 1, literals, pvars)
        ellipsis_vars = tuple(k for k in pvars if k not in known)
        for item in items[split + 2:]:
            after.append((yield _pattern(item, depth, literals, pvars)))
    tail = (yield _pattern(tail_syn, depth, literals, pvars)) if tail_syn is not None else None
    return PatSeq(tuple(before), ellipsis, ellipsis_vars, tuple(after), tail, isinstance(syn, SVector))


def _template(syn: Syntax, depth: int, pvars: dict[Key, int], used: set[Key]) -> Gen[Tmpl]:
    """Compile `syn` at ellipsis depth `depth`; `used` collects the pattern variables it holds."""
    if isinstance(syn, Atom):
        key = ident_key(syn)
        if key is None:
            return TmplConst(syn.value)
        if key in pvars:
            if pvars[key] > depth:
                raise fail(E_ELLIPSIS, f"syntax-rules: {base_name(key)} is bound under {pvars[key]} ellipses "
                           f"but used under {depth}", syn)
            used.add(key)
            return TmplVar(key)
        if base_name(key) == "...":
            raise fail(E_ELLIPSIS, "syntax-rules: ... must follow a template element", syn)
        return TmplIdent(key)
    items = syn.items
    if items and is_named(items[0], "...") and ident_key(items[0]) not in pvars:
        raise fail(E_ELLIPSIS, "syntax-rules: ... must follow a template element", items[0])
    elems: list[TmplElem] = []
    i = 0
    while i < len(items):
        k = 0
        while i + 1 + k < len(items) and is_named(items[i + 1 + k], "..."):
            k += 1
        inner: set[Key] = set()
        tmpl = yield _template(items[i], depth + k, pvars, inner)
        used |= inner
        controls: list[tuple[Key, ...]] = []
        for level in range(k):
            ctl = tuple(sorted((v for v in inner if pvars[v] > depth + level), key=repr))
            if not ctl:
                raise fail(E_ELLIPSIS, "syntax-rules: no pattern variable under this ellipsis was bound "
                           "with one", items[i + 1 + level])
            controls.append(ctl)
        elems.append(TmplElem(tmpl, tuple(controls)))
        i += 1 + k
    tail_syn = syn.tail if isinstance(syn, SList) else None
    if tail_syn is not None and is_named(tail_syn, "..."):
        raise fail(E_ELLIPSIS, "syntax-rules: ... cannot be the tail of a template", tail_syn)
    tail = (yield _template(tail_syn, depth, pvars, used)) if tail_syn is not None else None
    return TmplSeq(tuple(elems), tail, isinstance(syn, SVector))


def compile_macro(name: str, spec: Syntax) -> Macro:
    """The Macro for `(syntax-rules (literal...) (pattern template)...)` (E0101, E0104, E0106)."""
    if not (isinstance(spec, SList) and spec.items and is_named(spec.items[0], "syntax-rules")):
        raise fail(E_MALFORMED, "define-syntax: expected (syntax-rules (literal...) (pattern template)...)", spec)
    if spec.tail is not None or len(spec.items) < 2:
        raise fail(E_MALFORMED, "syntax-rules: expected (syntax-rules (literal...) (pattern template)...)", spec)
    literals = frozenset(base_symbol(k) for _, k in symbol_list(spec.items[1], "syntax-rules literals"))
    rules: list[Rule] = []
    for rule in spec.items[2:]:
        if not isinstance(rule, SList) or rule.tail is not None or len(rule.items) != 2:
            raise fail(E_MALFORMED, "syntax-rules: a rule is (pattern template)", rule)
        pat_syn, tmpl_syn = rule.items
        if not isinstance(pat_syn, SList) or not pat_syn.items:
            raise fail(E_MALFORMED, "syntax-rules: a pattern is a list starting with the macro keyword", pat_syn)
        pvars: dict[Key, int] = {}
        body = SList(pat_syn.items[1:], pat_syn.span, pat_syn.tail)  # the head is ignored
        pattern = run(_pattern(body, 0, literals, pvars))
        assert isinstance(pattern, PatSeq)
        template = run(_template(tmpl_syn, 0, pvars, set()))
        rules.append(Rule(pattern, template))
    return Macro(name, tuple(rules), spec.span)


# ---- using ----------------------------------------------------------------------------------

MatchTree = Any  # Syntax, or a list of MatchTree per ellipsis level


def _same_datum(a: Any, b: Any) -> bool:
    return type(a) is type(b) and (a is b or a == b)


def _is_empty(syn: Syntax) -> bool:
    return (isinstance(syn, SList) and not syn.items and syn.tail is None) or (isinstance(syn, Atom) and syn.value is NIL)


def _match(pat: Pat, syn: Syntax, out: dict[Key, MatchTree], env: Env) -> Gen[bool]:
    if isinstance(pat, PatVar):
        out[pat.key] = syn
        return True
    if isinstance(pat, PatAny):
        return True
    if isinstance(pat, PatLiteral):
        key = ident_key(syn)
        # A literal matches the same name unless the use site binds that name locally.
        return key is not None and base_symbol(key) is pat.symbol and env.get(key) is None
    if isinstance(pat, PatDatum):
        if pat.value is NIL:
            return _is_empty(syn)
        return isinstance(syn, Atom) and _same_datum(syn.value, pat.value)
    items: tuple[Syntax, ...]
    tail: Syntax | None
    if pat.vector:
        if not isinstance(syn, SVector):
            return False
        items, tail = syn.items, None
    elif isinstance(syn, SList):
        items, tail = syn.items, syn.tail
    elif isinstance(syn, Atom) and syn.value is NIL:
        items, tail = (), None
    else:
        return False
    nb, na = len(pat.before), len(pat.after)
    fixed = nb + na
    if pat.tail is None and tail is not None:
        return False
    if pat.ellipsis is None and pat.tail is None and len(items) != fixed:
        return False
    if len(items) < fixed:
        return False
    for p, s in zip(pat.before, items, strict=False):
        if not (yield _match(p, s, out, env)):
            return False
    if pat.ellipsis is not None:
        n = len(items) - fixed
        found: list[dict[Key, MatchTree]] = []
        for s in items[nb:nb + n]:
            one: dict[Key, MatchTree] = {}
            if not (yield _match(pat.ellipsis, s, one, env)):
                return False
            found.append(one)
        for v in pat.ellipsis_vars:
            out[v] = [one[v] for one in found]
        for p, s in zip(pat.after, items[nb + n:], strict=True):
            if not (yield _match(p, s, out, env)):
                return False
        rest_items: tuple[Syntax, ...] = ()
    else:
        rest_items = items[nb:]
    if pat.tail is not None:
        if rest_items:
            rest: Syntax = SList(rest_items, rest_items[0].span, tail)
        else:
            rest = tail if tail is not None else SList((), syn.span)
        if not (yield _match(pat.tail, rest, out, env)):
            return False
    return True


class _Use(_Value):
    __slots__ = ("span", "mark", "macro")
    span: Span
    mark: int
    macro: str

    def __init__(self, span: Span, mark: int, macro: str) -> None:
        _set(self, "span", span)
        _set(self, "mark", mark)
        _set(self, "macro", macro)


def _instantiate(t: Tmpl, b: dict[Key, MatchTree], use: _Use) -> Gen[Syntax]:
    if isinstance(t, TmplVar):
        value: Syntax = b[t.key]
        return value
    if isinstance(t, TmplIdent):
        return Atom(rename(t.key, use.mark, use.macro), use.span)
    if isinstance(t, TmplConst):
        return Atom(t.value, use.span)
    out: list[Syntax] = []
    for elem in t.elems:
        if not elem.controls:
            out.append((yield _instantiate(elem.template, b, use)))
            continue
        frames = [b]
        for controls in elem.controls:
            nxt: list[dict[Key, MatchTree]] = []
            for frame in frames:
                lists = [frame[v] for v in controls]
                n = len(lists[0])
                if any(len(lst) != n for lst in lists):
                    raise fail(E_ELLIPSIS, f"{use.macro}: pattern variables under one ellipsis matched "
                               "different numbers of forms", use.span)
                for i in range(n):
                    f2 = dict(frame)
                    for v, lst in zip(controls, lists, strict=True):
                        f2[v] = lst[i]
                    nxt.append(f2)
            frames = nxt
        for frame in frames:
            out.append((yield _instantiate(elem.template, frame, use)))
    if t.vector:
        return SVector(tuple(out), use.span)
    tail = (yield _instantiate(t.tail, b, use)) if t.tail is not None else None
    # `(a . rest)` with rest a list is that longer list.
    while isinstance(tail, SList):
        out.extend(tail.items)
        tail = tail.tail
    if isinstance(tail, Atom) and tail.value is NIL:
        tail = None
    return SList(tuple(out), use.span, tail)


def expand_use(macro: Macro, form: SList, env: Env, mark: int) -> Syntax:
    """The expansion of the use `form` by the first matching rule (E0105 if none)."""
    args = SList(form.items[1:], form.span, form.tail)
    for rule in macro.rules:
        bindings: dict[Key, MatchTree] = {}
        if run(_match(rule.pattern, args, bindings, env)):
            return run(_instantiate(rule.template, bindings, _Use(form.span, mark, macro.name)))
    raise fail(E_NO_RULE, f"{macro.name}: no syntax-rules rule matches this use", form)
