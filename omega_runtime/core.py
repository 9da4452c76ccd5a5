"""Core forms: the expander's output and the machine compiler's input (LANGUAGE.md 16.2).

Every node keeps the span of its surface form (`span`); nodes with no surface counterpart are
`synthetic`. Identifiers are already resolved: a local reference names its `Binding` object
(unique per binding occurrence, so hygiene is settled here), a global one its symbol. `PrimRef`
names a built-in procedure directly, whatever the program has redefined (expansions use it).

The classes are plain slotted classes written out, not attrs classes: building ~40 attrs classes
cost ~12 ms of every start-up (issue 15). `record_fields` lists a class's fields for generic walks.
"""

from __future__ import annotations

from typing import Any

from .span import Span
from .values import Symbol, Value

# The default of a field that has one only so that it can be given by keyword: callers set it.
_UNSET: Any = None

_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}


def record_fields(cls: type) -> tuple[tuple[str, str], ...]:
    """The fields of a core class, base class fields first: (name, annotation text) pairs, e.g.
    `("args", "list[CoreNode]")` (the annotations are not evaluated)."""
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = tuple(
            (name, str(annotation))
            for klass in reversed(cls.__mro__) if issubclass(klass, _Record)
            for name, annotation in vars(klass).get("__annotations__", {}).items())
    return fields


class _Record:
    """The base of every core class: slotted (weak references allowed), equal only to itself,
    shown with its fields."""

    __slots__ = ("__weakref__",)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name, _ in record_fields(type(self)))
        return f"{type(self).__name__}({shown})"


class Binding(_Record):
    """One bound name. `assigned` is set when any `set!` targets it (it then lives in a store cell)."""

    __slots__ = ("name", "span", "kind", "macro", "assigned", "references")

    name: str  # the surface name
    span: Span | None
    kind: str  # param | rest | let | letrec | define | named-let | match | handler | restart | guard | record
    macro: str | None  # the macro whose template introduced it, if any
    assigned: bool
    references: list[Span]  # every reference and set!, for editors

    def __init__(
        self,
        name: str,
        span: Span | None,
        kind: str,
        macro: str | None = None,
        assigned: bool = False,
        references: list[Span] | None = None,
    ) -> None:
        self.name = name
        self.span = span
        self.kind = kind
        self.macro = macro
        self.assigned = assigned
        self.references = [] if references is None else references


class Node(_Record):
    __slots__ = ("span", "synthetic")

    span: Span | None
    synthetic: bool

    def __init__(self, span: Span | None, *, synthetic: bool = False) -> None:
        self.span = span
        self.synthetic = synthetic


class Const(Node):
    __slots__ = ("value",)

    value: Value

    def __init__(self, span: Span | None, value: Value = _UNSET, *, synthetic: bool = False) -> None:
        self.span = span
        self.synthetic = synthetic
        self.value = value


class LocalRef(Node):
    __slots__ = ("binding",)

    binding: Binding

    def __init__(self, span: Span | None, binding: Binding = _UNSET, *, synthetic: bool = False) -> None:
        self.span = span
        self.synthetic = synthetic
        self.binding = binding


class GlobalRef(Node):
    __slots__ = ("name",)

    name: Symbol

    def __init__(self, span: Span | None, name: Symbol = _UNSET, *, synthetic: bool = False) -> None:
        self.span = span
        self.synthetic = synthetic
        self.name = name


class PrimRef(Node):
    """A built-in procedure by name (used by expansions: `cons`, `append`, `memv`, ...)."""

    __slots__ = ("name",)

    name: str

    def __init__(self, span: Span | None, name: str = "", *, synthetic: bool = False) -> None:
        self.span = span
        self.synthetic = synthetic
        self.name = name


class SetLocal(Node):
    __slots__ = ("binding", "expr")

    binding: Binding
    expr: CoreNode

    def __init__(
        self,
        span: Span | None,
        binding: Binding = _UNSET,
        expr: CoreNode = _UNSET,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.binding = binding
        self.expr = expr


class SetGlobal(Node):
    __slots__ = ("name", "expr")

    name: Symbol
    expr: CoreNode

    def __init__(
        self, span: Span | None, name: Symbol = _UNSET, expr: CoreNode = _UNSET, *, synthetic: bool = False
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.name = name
        self.expr = expr


class DefineGlobal(Node):
    __slots__ = ("name", "expr")

    name: Symbol
    expr: CoreNode

    def __init__(
        self, span: Span | None, name: Symbol = _UNSET, expr: CoreNode = _UNSET, *, synthetic: bool = False
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.name = name
        self.expr = expr


class Lambda(Node):
    __slots__ = ("params", "rest", "body", "name", "doc")

    params: list[Binding]
    rest: Binding | None
    body: CoreNode
    name: str | None  # from define, a let/letrec binding of a lambda, or a named let
    doc: str | None

    def __init__(
        self,
        span: Span | None,
        params: list[Binding] | None = None,
        rest: Binding | None = None,
        body: CoreNode = _UNSET,
        name: str | None = None,
        doc: str | None = None,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.params = [] if params is None else params
        self.rest = rest
        self.body = body
        self.name = name
        self.doc = doc


class If(Node):
    __slots__ = ("test", "then", "else_")

    test: CoreNode
    then: CoreNode
    else_: CoreNode | None  # None: void

    def __init__(
        self,
        span: Span | None,
        test: CoreNode = _UNSET,
        then: CoreNode = _UNSET,
        else_: CoreNode | None = None,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.test = test
        self.then = then
        self.else_ = else_


class Seq(Node):
    """`begin` / a body: at least one expression. Elements are statement positions."""

    __slots__ = ("exprs",)

    exprs: list[CoreNode]

    def __init__(
        self, span: Span | None, exprs: list[CoreNode] | None = None, *, synthetic: bool = False
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.exprs = [] if exprs is None else exprs


class Let(Node):
    __slots__ = ("bindings", "inits", "body")

    bindings: list[Binding]
    inits: list[CoreNode]
    body: CoreNode

    def __init__(
        self,
        span: Span | None,
        bindings: list[Binding] | None = None,
        inits: list[CoreNode] | None = None,
        body: CoreNode = _UNSET,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.bindings = [] if bindings is None else bindings
        self.inits = [] if inits is None else inits
        self.body = body


class Letrec(Node):
    """letrec / letrec* / internal definitions: inits evaluated in order, each bound when computed."""

    __slots__ = ("bindings", "inits", "body")

    bindings: list[Binding]
    inits: list[CoreNode]
    body: CoreNode

    def __init__(
        self,
        span: Span | None,
        bindings: list[Binding] | None = None,
        inits: list[CoreNode] | None = None,
        body: CoreNode = _UNSET,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.bindings = [] if bindings is None else bindings
        self.inits = [] if inits is None else inits
        self.body = body


class App(Node):
    __slots__ = ("fn", "args")

    fn: CoreNode
    args: list[CoreNode]

    def __init__(
        self,
        span: Span | None,
        fn: CoreNode = _UNSET,
        args: list[CoreNode] | None = None,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.fn = fn
        self.args = [] if args is None else args


class And(Node):
    __slots__ = ("exprs",)

    exprs: list[CoreNode]  # empty: #t

    def __init__(
        self, span: Span | None, exprs: list[CoreNode] | None = None, *, synthetic: bool = False
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.exprs = [] if exprs is None else exprs


class Or(Node):
    __slots__ = ("exprs",)

    exprs: list[CoreNode]  # empty: #f

    def __init__(
        self, span: Span | None, exprs: list[CoreNode] | None = None, *, synthetic: bool = False
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.exprs = [] if exprs is None else exprs


class Effect(Node):
    __slots__ = ("op", "args")

    op: Symbol
    args: list[CoreNode]

    def __init__(
        self,
        span: Span | None,
        op: Symbol = _UNSET,
        args: list[CoreNode] | None = None,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.op = op
        self.args = [] if args is None else args


class HandleClause(_Record):
    __slots__ = ("op", "params", "k", "body", "span")

    op: Symbol
    params: list[Binding]
    k: Binding
    body: CoreNode
    span: Span | None

    def __init__(
        self, op: Symbol, params: list[Binding], k: Binding, body: CoreNode, span: Span | None
    ) -> None:
        self.op = op
        self.params = params
        self.k = k
        self.body = body
        self.span = span


class Handle(Node):
    __slots__ = ("body", "clauses", "return_param", "return_body")

    body: CoreNode
    clauses: list[HandleClause]
    return_param: Binding | None
    return_body: CoreNode | None

    def __init__(
        self,
        span: Span | None,
        body: CoreNode = _UNSET,
        clauses: list[HandleClause] | None = None,
        return_param: Binding | None = None,
        return_body: CoreNode | None = None,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.body = body
        self.clauses = [] if clauses is None else clauses
        self.return_param = return_param
        self.return_body = return_body


# ---- match patterns -------------------------------------------------------------------------


class PAny(_Record):
    """`_` or `else`."""

    __slots__ = ()

    def __init__(self, ) -> None:
        pass


class PBind(_Record):
    """`?x`; `first` is False for a repeated occurrence, which must match an `equal?` value."""

    __slots__ = ("binding", "first")

    binding: Binding
    first: bool

    def __init__(self, binding: Binding, first: bool = True) -> None:
        self.binding = binding
        self.first = first


class PConst(_Record):
    """A number, string, boolean, keyword, `'d` or `()`: compared with `equal?`."""

    __slots__ = ("value",)

    value: Value

    def __init__(self, value: Value) -> None:
        self.value = value


class PList(_Record):
    """`(p...)`, `(p... . tail)` or, with `repeat`, `(p... q ...)` (then `after` follow it)."""

    __slots__ = ("items", "tail", "repeat", "repeat_binders")

    items: list[Pattern]
    tail: Pattern | None
    repeat: Pattern | None
    repeat_binders: list[Binding]  # binders of `repeat`: bound to lists

    def __init__(
        self,
        items: list[Pattern],
        tail: Pattern | None = None,
        repeat: Pattern | None = None,
        repeat_binders: list[Binding] | None = None,
    ) -> None:
        self.items = items
        self.tail = tail
        self.repeat = repeat
        self.repeat_binders = [] if repeat_binders is None else repeat_binders


class PVector(_Record):
    __slots__ = ("items",)

    items: list[Pattern]

    def __init__(self, items: list[Pattern]) -> None:
        self.items = items


Pattern = PAny | PBind | PConst | PList | PVector


class MatchClause(_Record):
    __slots__ = ("pattern", "binders", "body", "span")

    pattern: Pattern
    binders: list[Binding]  # every binder of the pattern, in first-occurrence order
    body: CoreNode
    span: Span | None

    def __init__(self, pattern: Pattern, binders: list[Binding], body: CoreNode, span: Span | None) -> None:
        self.pattern = pattern
        self.binders = binders
        self.body = body
        self.span = span


class Match(Node):
    __slots__ = ("expr", "clauses")

    expr: CoreNode
    clauses: list[MatchClause]

    def __init__(
        self,
        span: Span | None,
        expr: CoreNode = _UNSET,
        clauses: list[MatchClause] | None = None,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.expr = expr
        self.clauses = [] if clauses is None else clauses


class Delay(Node):
    __slots__ = ("expr", "force_chain")

    expr: CoreNode
    force_chain: bool  # delay-force

    def __init__(
        self,
        span: Span | None,
        expr: CoreNode = _UNSET,
        force_chain: bool = False,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.expr = expr
        self.force_chain = force_chain


class OracleLambda(Node):
    __slots__ = ("params", "rest", "spec", "name")

    params: list[Binding]
    rest: Binding | None
    spec: CoreNode
    name: str | None

    def __init__(
        self,
        span: Span | None,
        params: list[Binding] | None = None,
        rest: Binding | None = None,
        spec: CoreNode = _UNSET,
        name: str | None = None,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.params = [] if params is None else params
        self.rest = rest
        self.spec = spec
        self.name = name


# ---- extent forms ---------------------------------------------------------------------------


class WithTransaction(Node):
    __slots__ = ("body",)

    body: CoreNode

    def __init__(self, span: Span | None, body: CoreNode = _UNSET, *, synthetic: bool = False) -> None:
        self.span = span
        self.synthetic = synthetic
        self.body = body


class WithBudget(Node):
    __slots__ = ("limits", "body")

    limits: list[tuple[str, CoreNode]]  # (steps|llm-calls|tokens|seconds, expr)
    body: CoreNode

    def __init__(
        self,
        span: Span | None,
        limits: list[tuple[str, CoreNode]] | None = None,
        body: CoreNode = _UNSET,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.limits = [] if limits is None else limits
        self.body = body


class WithCapabilities(Node):
    __slots__ = ("capabilities", "body")

    capabilities: list[str]
    body: CoreNode

    def __init__(
        self,
        span: Span | None,
        capabilities: list[str] | None = None,
        body: CoreNode = _UNSET,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.capabilities = [] if capabilities is None else capabilities
        self.body = body


class HandlerBind(Node):
    __slots__ = ("handlers", "body")

    handlers: list[tuple[Symbol, CoreNode]]
    body: CoreNode

    def __init__(
        self,
        span: Span | None,
        handlers: list[tuple[Symbol, CoreNode]] | None = None,
        body: CoreNode = _UNSET,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.handlers = [] if handlers is None else handlers
        self.body = body


class RestartClause(_Record):
    __slots__ = ("name", "params", "rest", "body", "span")

    name: Symbol
    params: list[Binding]
    rest: Binding | None
    body: CoreNode
    span: Span | None

    def __init__(
        self, name: Symbol, params: list[Binding], rest: Binding | None, body: CoreNode, span: Span | None
    ) -> None:
        self.name = name
        self.params = params
        self.rest = rest
        self.body = body
        self.span = span


class RestartCase(Node):
    __slots__ = ("expr", "clauses")

    expr: CoreNode
    clauses: list[RestartClause]

    def __init__(
        self,
        span: Span | None,
        expr: CoreNode = _UNSET,
        clauses: list[RestartClause] | None = None,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.expr = expr
        self.clauses = [] if clauses is None else clauses


class RestartBind(Node):
    __slots__ = ("restarts", "body")

    restarts: list[tuple[Symbol, CoreNode]]
    body: CoreNode

    def __init__(
        self,
        span: Span | None,
        restarts: list[tuple[Symbol, CoreNode]] | None = None,
        body: CoreNode = _UNSET,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.restarts = [] if restarts is None else restarts
        self.body = body


class GuardClause(_Record):
    __slots__ = ("test", "body", "arrow", "span")

    test: CoreNode  # `else` is Const(True)
    body: CoreNode | None  # None: the test's value
    arrow: bool  # `(test => proc)`: body evaluates to proc, called on the test's value
    span: Span | None

    def __init__(self, test: CoreNode, body: CoreNode | None, arrow: bool, span: Span | None) -> None:
        self.test = test
        self.body = body
        self.arrow = arrow
        self.span = span


class Guard(Node):
    __slots__ = ("var", "clauses", "body")

    var: Binding
    clauses: list[GuardClause]
    body: CoreNode

    def __init__(
        self,
        span: Span | None,
        var: Binding = _UNSET,
        clauses: list[GuardClause] | None = None,
        body: CoreNode = _UNSET,
        *,
        synthetic: bool = False,
    ) -> None:
        self.span = span
        self.synthetic = synthetic
        self.var = var
        self.clauses = [] if clauses is None else clauses
        self.body = body


class AmbCollect(Node):
    __slots__ = ("expr",)

    expr: CoreNode

    def __init__(self, span: Span | None, expr: CoreNode = _UNSET, *, synthetic: bool = False) -> None:
        self.span = span
        self.synthetic = synthetic
        self.expr = expr


CoreNode = Node
