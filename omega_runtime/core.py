"""Core forms: the expander's output and the machine compiler's input (LANGUAGE.md 16.2).

Every node keeps the span of its surface form (`span`); nodes with no surface counterpart are
`synthetic`. Identifiers are already resolved: a local reference names its `Binding` object
(unique per binding occurrence, so hygiene is settled here), a global one its symbol. `PrimRef`
names a built-in procedure directly, whatever the program has redefined (expansions use it).
"""

from __future__ import annotations

import attrs

from .span import Span
from .values import Symbol, Value


@attrs.define(eq=False, slots=True)
class Binding:
    """One bound name. `assigned` is set when any `set!` targets it (it then lives in a store cell)."""

    name: str  # the surface name
    span: Span | None
    kind: str  # param | rest | let | letrec | define | named-let | match | handler | restart | guard | record
    macro: str | None = None  # the macro whose template introduced it, if any
    assigned: bool = False
    references: list[Span] = attrs.field(factory=list)  # every reference and set!, for editors


@attrs.define(eq=False, slots=True)
class Node:
    span: Span | None
    synthetic: bool = attrs.field(default=False, kw_only=True)


@attrs.define(eq=False, slots=True)
class Const(Node):
    value: Value = None


@attrs.define(eq=False, slots=True)
class LocalRef(Node):
    binding: Binding = attrs.field(default=None)


@attrs.define(eq=False, slots=True)
class GlobalRef(Node):
    name: Symbol = attrs.field(default=None)


@attrs.define(eq=False, slots=True)
class PrimRef(Node):
    """A built-in procedure by name (used by expansions: `cons`, `append`, `memv`, ...)."""

    name: str = ""


@attrs.define(eq=False, slots=True)
class SetLocal(Node):
    binding: Binding = attrs.field(default=None)
    expr: CoreNode = attrs.field(default=None)


@attrs.define(eq=False, slots=True)
class SetGlobal(Node):
    name: Symbol = attrs.field(default=None)
    expr: CoreNode = attrs.field(default=None)


@attrs.define(eq=False, slots=True)
class DefineGlobal(Node):
    name: Symbol = attrs.field(default=None)
    expr: CoreNode = attrs.field(default=None)


@attrs.define(eq=False, slots=True)
class Lambda(Node):
    params: list[Binding] = attrs.field(factory=list)
    rest: Binding | None = None
    body: CoreNode = attrs.field(default=None)
    name: str | None = None  # from define, a let/letrec binding of a lambda, or a named let
    doc: str | None = None


@attrs.define(eq=False, slots=True)
class If(Node):
    test: CoreNode = attrs.field(default=None)
    then: CoreNode = attrs.field(default=None)
    else_: CoreNode | None = None  # None: void


@attrs.define(eq=False, slots=True)
class Seq(Node):
    """`begin` / a body: at least one expression. Elements are statement positions."""

    exprs: list[CoreNode] = attrs.field(factory=list)


@attrs.define(eq=False, slots=True)
class Let(Node):
    bindings: list[Binding] = attrs.field(factory=list)
    inits: list[CoreNode] = attrs.field(factory=list)
    body: CoreNode = attrs.field(default=None)


@attrs.define(eq=False, slots=True)
class Letrec(Node):
    """letrec / letrec* / internal definitions: inits evaluated in order, each bound when computed."""

    bindings: list[Binding] = attrs.field(factory=list)
    inits: list[CoreNode] = attrs.field(factory=list)
    body: CoreNode = attrs.field(default=None)


@attrs.define(eq=False, slots=True)
class App(Node):
    fn: CoreNode = attrs.field(default=None)
    args: list[CoreNode] = attrs.field(factory=list)


@attrs.define(eq=False, slots=True)
class And(Node):
    exprs: list[CoreNode] = attrs.field(factory=list)  # empty: #t


@attrs.define(eq=False, slots=True)
class Or(Node):
    exprs: list[CoreNode] = attrs.field(factory=list)  # empty: #f


@attrs.define(eq=False, slots=True)
class Effect(Node):
    op: Symbol = attrs.field(default=None)
    args: list[CoreNode] = attrs.field(factory=list)


@attrs.define(eq=False, slots=True)
class HandleClause:
    op: Symbol
    params: list[Binding]
    k: Binding
    body: CoreNode
    span: Span | None


@attrs.define(eq=False, slots=True)
class Handle(Node):
    body: CoreNode = attrs.field(default=None)
    clauses: list[HandleClause] = attrs.field(factory=list)
    return_param: Binding | None = None
    return_body: CoreNode | None = None


# ---- match patterns -------------------------------------------------------------------------


@attrs.define(eq=False, slots=True)
class PAny:
    """`_` or `else`."""


@attrs.define(eq=False, slots=True)
class PBind:
    """`?x`; `first` is False for a repeated occurrence, which must match an `equal?` value."""

    binding: Binding
    first: bool = True


@attrs.define(eq=False, slots=True)
class PConst:
    """A number, string, boolean, keyword, `'d` or `()`: compared with `equal?`."""

    value: Value


@attrs.define(eq=False, slots=True)
class PList:
    """`(p...)`, `(p... . tail)` or, with `repeat`, `(p... q ...)` (then `after` follow it)."""

    items: list[Pattern]
    tail: Pattern | None = None
    repeat: Pattern | None = None
    repeat_binders: list[Binding] = attrs.field(factory=list)  # binders of `repeat`: bound to lists


@attrs.define(eq=False, slots=True)
class PVector:
    items: list[Pattern]


Pattern = PAny | PBind | PConst | PList | PVector


@attrs.define(eq=False, slots=True)
class MatchClause:
    pattern: Pattern
    binders: list[Binding]  # every binder of the pattern, in first-occurrence order
    body: CoreNode
    span: Span | None


@attrs.define(eq=False, slots=True)
class Match(Node):
    expr: CoreNode = attrs.field(default=None)
    clauses: list[MatchClause] = attrs.field(factory=list)


@attrs.define(eq=False, slots=True)
class Delay(Node):
    expr: CoreNode = attrs.field(default=None)
    force_chain: bool = False  # delay-force


@attrs.define(eq=False, slots=True)
class OracleLambda(Node):
    params: list[Binding] = attrs.field(factory=list)
    rest: Binding | None = None
    spec: CoreNode = attrs.field(default=None)
    name: str | None = None


# ---- extent forms ---------------------------------------------------------------------------


@attrs.define(eq=False, slots=True)
class WithTransaction(Node):
    body: CoreNode = attrs.field(default=None)


@attrs.define(eq=False, slots=True)
class WithBudget(Node):
    limits: list[tuple[str, CoreNode]] = attrs.field(factory=list)  # (steps|llm-calls|tokens|seconds, expr)
    body: CoreNode = attrs.field(default=None)


@attrs.define(eq=False, slots=True)
class WithCapabilities(Node):
    capabilities: list[str] = attrs.field(factory=list)
    body: CoreNode = attrs.field(default=None)


@attrs.define(eq=False, slots=True)
class HandlerBind(Node):
    handlers: list[tuple[Symbol, CoreNode]] = attrs.field(factory=list)
    body: CoreNode = attrs.field(default=None)


@attrs.define(eq=False, slots=True)
class RestartClause:
    name: Symbol
    params: list[Binding]
    rest: Binding | None
    body: CoreNode
    span: Span | None


@attrs.define(eq=False, slots=True)
class RestartCase(Node):
    expr: CoreNode = attrs.field(default=None)
    clauses: list[RestartClause] = attrs.field(factory=list)


@attrs.define(eq=False, slots=True)
class RestartBind(Node):
    restarts: list[tuple[Symbol, CoreNode]] = attrs.field(factory=list)
    body: CoreNode = attrs.field(default=None)


@attrs.define(eq=False, slots=True)
class GuardClause:
    test: CoreNode  # `else` is Const(True)
    body: CoreNode | None  # None: the test's value
    arrow: bool  # `(test => proc)`: body evaluates to proc, called on the test's value
    span: Span | None


@attrs.define(eq=False, slots=True)
class Guard(Node):
    var: Binding = attrs.field(default=None)
    clauses: list[GuardClause] = attrs.field(factory=list)
    body: CoreNode = attrs.field(default=None)


@attrs.define(eq=False, slots=True)
class AmbCollect(Node):
    expr: CoreNode = attrs.field(default=None)


CoreNode = Node
