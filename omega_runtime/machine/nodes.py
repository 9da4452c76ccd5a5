"""Compiled nodes: the control of a machine state. `step(m)` is one transition (LANGUAGE.md 16.2,
rules 1 and 2): an atomic node becomes its value; a compound node pushes its frame and moves to
its first subexpression. Values meeting frames are handled in `frames.py`.

Each node keeps its core node's span, its `nid` (stable id for breakpoints and the line table)
and `stmt` (an element of a body or `begin` sequence, or a top-level form: a statement stop
candidate, LANGUAGE.md 16.4). Nodes of the prelude are `builtin`: no statement stops, no spans.

`step` (and a frame's `resume`) returns True when its transition was *narrow*: it changed only
the control and the continuation, and the value only if the control became None; the
environment, store, registers and cell counter are the objects they were. A recording debugger
then keeps the step as two references (debug/history.py). Any other outcome returns None, the
safe answer: the step is recorded whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mypy_extensions import mypyc_attr

from ..core import Binding
from ..span import Span
from ..values import MISSING, NIL, VOID, Promise, Symbol, Vector
from ..values import Pair as new_pair
from . import frames as F
from .layout import SLOT0, Layout
from .procedures import Closure
from .procedures import Closure as new_closure

if TYPE_CHECKING:
    from .machine import Machine


@mypyc_attr(allow_interpreted_subclasses=True)
class Node:
    __slots__ = ("span", "synthetic", "nid", "stmt", "builtin", "kind")

    def __init__(self, span: Span | None, synthetic: bool) -> None:
        self.span = span
        self.synthetic = synthetic
        self.nid = 0
        self.stmt = False
        self.builtin = False
        self.kind = type(self).__name__[1:].lower()

    def step(self, m: Machine) -> bool | None:
        raise NotImplementedError

    def children(self) -> list[Node]:
        return []


_TRAPPED: dict[type, type] = {}


def trapped_class(cls: type) -> type:
    """The subclass of node class `cls` a debugger's breakpoint swaps in (Machine.set_traps):
    same slots, and a step that first lets the machine's hooks look at the state."""
    if "untrapped" in cls.__dict__:
        return cls
    trapped = _TRAPPED.get(cls)
    if trapped is None:
        original = cls.step  # type: ignore[attr-defined]

        def step(self: Node, m: Machine) -> bool | None:
            if self.nid in m.trap_nodes:
                m.at_trap()
            return original(self, m)  # type: ignore[no-any-return]

        trapped = type(f"Trapped{cls.__name__}", (cls,), {"__slots__": (), "step": step, "untrapped": cls})
        _TRAPPED[cls] = trapped
    return trapped


@mypyc_attr(allow_interpreted_subclasses=True)
class KConst(Node):
    __slots__ = ("value",)

    def __init__(self, span: Span | None, synthetic: bool, value: Any) -> None:
        super().__init__(span, synthetic)
        self.value = value

    def step(self, m: Machine) -> bool | None:
        m.v = self.value
        m.c = None
        return True


@mypyc_attr(allow_interpreted_subclasses=True)
class KVectorLiteral(Node):
    """A vector literal: each evaluation yields a fresh mutable copy."""

    __slots__ = ("items",)

    def __init__(self, span: Span | None, synthetic: bool, items: tuple[Any, ...]) -> None:
        super().__init__(span, synthetic)
        self.items = items

    def step(self, m: Machine) -> None:
        m.v = Vector(self.items)
        m.c = None


@mypyc_attr(allow_interpreted_subclasses=True)
class KLocal(Node):
    """A local variable at (depth, slot). Boxed ones hold a store cell key in the slot."""

    __slots__ = ("depth", "slot", "boxed", "binding")

    def __init__(self, span: Span | None, synthetic: bool, depth: int, index: int, boxed: bool,
                 binding: Binding) -> None:
        super().__init__(span, synthetic)
        self.depth = depth
        self.slot = index + SLOT0
        self.boxed = boxed
        self.binding = binding

    def step(self, m: Machine) -> bool | None:
        e = m.e
        for _ in range(self.depth):
            e = e[0]
        v = e[self.slot]
        if self.boxed:
            v = m.s.get(v, MISSING)
            if v is MISSING:
                m.unbound(self.binding.name, self)
                return None
        m.v = v
        m.c = None
        return True


@mypyc_attr(allow_interpreted_subclasses=True)
class KLocal0(KLocal):
    __slots__ = ()

    def step(self, m: Machine) -> bool | None:
        m.v = m.e[self.slot]
        m.c = None
        return True


@mypyc_attr(allow_interpreted_subclasses=True)
class KLocal1(KLocal):
    __slots__ = ()

    def step(self, m: Machine) -> bool | None:
        m.v = m.e[0][self.slot]
        m.c = None
        return True


@mypyc_attr(allow_interpreted_subclasses=True)
class KLocal2(KLocal):
    __slots__ = ()

    def step(self, m: Machine) -> bool | None:
        m.v = m.e[0][0][self.slot]
        m.c = None
        return True


@mypyc_attr(allow_interpreted_subclasses=True)
class KGlobal(Node):
    __slots__ = ("name", "known")

    def __init__(self, span: Span | None, synthetic: bool, name: Symbol) -> None:
        super().__init__(span, synthetic)
        self.name = name
        # (a store, the value it holds for `name`), as the step loop last found it: a store is
        # immutable, so while the machine's is the same object the value is, without a lookup.
        # One pair, replaced whole: a reader on another thread never sees a store with another's
        # value.
        self.known: tuple[Any, Any] = (None, None)

    def step(self, m: Machine) -> bool | None:
        v = m.global_in(m.s, self.name)
        if v is MISSING:
            m.unbound(self.name.name, self)
            return None
        m.v = v
        m.c = None
        return True


@mypyc_attr(allow_interpreted_subclasses=True)
class KSetLocal(Node):
    __slots__ = ("depth", "slot", "expr", "binding")

    def __init__(self, span: Span | None, synthetic: bool, depth: int, index: int, expr: Node,
                 binding: Binding) -> None:
        super().__init__(span, synthetic)
        self.depth = depth
        self.slot = index + SLOT0
        self.expr = expr
        self.binding = binding

    def step(self, m: Machine) -> bool | None:
        m.k = F.SetFrame(self, m.e, m.k)
        m.c = self.expr
        return True

    def children(self) -> list[Node]:
        return [self.expr]


@mypyc_attr(allow_interpreted_subclasses=True)
class KSetFrozen(Node):
    """`set!` of a binding held in its frame (never assigned by the program): refused."""

    __slots__ = ("expr", "binding")

    def __init__(self, span: Span | None, synthetic: bool, expr: Node, binding: Binding) -> None:
        super().__init__(span, synthetic)
        self.expr = expr
        self.binding = binding

    def step(self, m: Machine) -> None:
        from ..conditions import OmegaError

        if m.watch is not None:
            m.watch.refuse(f"writes {self.binding.name}")
        m.raise_error(OmegaError("value-error", f"set!: {self.binding.name} is held in its frame and cannot be "
                                 "assigned here (use setVariable)", ()), self)

    def children(self) -> list[Node]:
        return [self.expr]


@mypyc_attr(allow_interpreted_subclasses=True)
class KSetGlobal(Node):
    __slots__ = ("name", "expr", "define")

    def __init__(self, span: Span | None, synthetic: bool, name: Symbol, expr: Node, define: bool) -> None:
        super().__init__(span, synthetic)
        self.name = name
        self.expr = expr
        self.define = define
        self.kind = "define" if define else "set"

    def step(self, m: Machine) -> bool | None:
        m.k = F.SetFrame(self, m.e, m.k)
        m.c = self.expr
        return True

    def children(self) -> list[Node]:
        return [self.expr]


@mypyc_attr(allow_interpreted_subclasses=True)
class KLambda(Node):
    __slots__ = ("nparams", "rest", "layout", "body", "name", "doc", "plain_arity")

    def __init__(self, span: Span | None, synthetic: bool, nparams: int, rest: bool, layout: Layout,
                 body: Node, name: str | None, doc: str | None) -> None:
        super().__init__(span, synthetic)
        self.nparams = nparams
        self.rest = rest
        self.layout = layout
        self.body = body
        self.name = name
        self.doc = doc
        # The argument count the step loop's inline closure entry takes as it is (no rest list,
        # no boxed parameter); -1 when every call goes through Machine.apply.
        self.plain_arity = -1 if rest or True in layout.boxed else nparams

    def step(self, m: Machine) -> bool | None:
        m.v = Closure(self, m.e)
        m.c = None
        return True

    def children(self) -> list[Node]:
        return [self.body]


@mypyc_attr(allow_interpreted_subclasses=True)
class KIf(Node):
    __slots__ = ("test", "then", "else_")

    def __init__(self, span: Span | None, synthetic: bool, test: Node, then: Node, else_: Node | None) -> None:
        super().__init__(span, synthetic)
        self.test = test
        self.then = then
        self.else_ = else_

    def step(self, m: Machine) -> bool | None:
        m.k = F.IfFrame(self, m.e, m.k)
        m.c = self.test
        return True

    def children(self) -> list[Node]:
        return [self.test, self.then] + ([self.else_] if self.else_ is not None else [])


@mypyc_attr(allow_interpreted_subclasses=True)
class KSeq(Node):
    __slots__ = ("exprs",)

    def __init__(self, span: Span | None, synthetic: bool, exprs: list[Node]) -> None:
        super().__init__(span, synthetic)
        self.exprs: list[Any] = exprs  # (Any: see KApp.parts)

    def step(self, m: Machine) -> bool | None:
        exprs = self.exprs
        if not exprs:
            m.v = VOID
            m.c = None
            return True
        if len(exprs) > 1:
            m.k = F.SeqFrame(self, m.e, 1, m.k)
        m.c = exprs[0]
        return True

    def children(self) -> list[Node]:
        return list(self.exprs)


@mypyc_attr(allow_interpreted_subclasses=True)
class KLet(Node):
    __slots__ = ("inits", "layout", "body")

    def __init__(self, span: Span | None, synthetic: bool, inits: list[Node], layout: Layout, body: Node) -> None:
        super().__init__(span, synthetic)
        self.inits: list[Any] = inits  # (Any: see KApp.parts)
        self.layout = layout
        self.body = body

    def step(self, m: Machine) -> bool | None:
        if not self.inits:
            m.e = (m.e, self.layout)
            m.c = self.body
            return None
        m.k = F.LetFrame(self, m.e, (), m.k)
        m.c = self.inits[0]
        return True

    def children(self) -> list[Node]:
        return self.inits + [self.body]


@mypyc_attr(allow_interpreted_subclasses=True)
class KLetrec(Node):
    """Every binding is a store cell, uninitialized (reading it is unbound-variable) until its
    init has run; inits run in order in the new frame."""

    __slots__ = ("inits", "layout", "body")

    def __init__(self, span: Span | None, synthetic: bool, inits: list[Node], layout: Layout, body: Node) -> None:
        super().__init__(span, synthetic)
        self.inits = inits
        self.layout = layout
        self.body = body

    def step(self, m: Machine) -> None:
        cells = []
        for _ in self.inits:
            cells.append(m.nc)
            m.nc += 1
        env = (m.e, self.layout, *cells)
        m.e = env
        if not self.inits:
            m.c = self.body
            return
        m.k = F.LetrecFrame(self, env, 0, m.k)
        m.c = self.inits[0]

    def children(self) -> list[Node]:
        return self.inits + [self.body]


AT_ONCE = (KLocal0, KLocal1, KLocal2, KGlobal, KConst)


@mypyc_attr(allow_interpreted_subclasses=True)
class KApp(Node):
    __slots__ = ("fn", "args", "nargs", "parts", "taken_at_once")

    def __init__(self, span: Span | None, synthetic: bool, fn: Node, args: list[Node]) -> None:
        super().__init__(span, synthetic)
        self.fn = fn
        self.args = args
        self.nargs = len(args)
        # In evaluation order; typed Any: compiled, a node read from a tuple of `Node` costs a
        # subclass check, and the step loop reads these at every call.
        self.parts: tuple[Any, ...] = (fn, *args)
        # Whether each part is a variable or a constant, which the step loop may take at once
        # (Machine.run; a hint only: it checks each part's class as it takes it).
        self.taken_at_once: tuple[bool, ...] = tuple(type(p) in AT_ONCE for p in self.parts)

    def step(self, m: Machine) -> bool | None:
        m.k = F.AppFrame(self, m.e, (), m.k)
        m.c = self.fn
        return True

    def children(self) -> list[Node]:
        return [self.fn] + self.args


@mypyc_attr(allow_interpreted_subclasses=True)
class KThunks(Node):
    """The list of an `amb`'s alternatives, each a thunk (a closure of no parameter over the
    current environment), made in one transition: the `(list (lambda () a) ...)` the expander
    writes would take two per alternative and three more (compiler._plan)."""

    __slots__ = ("args",)

    def __init__(self, span: Span | None, synthetic: bool, args: list[Node]) -> None:
        super().__init__(span, synthetic)
        self.args = args  # the alternatives' KLambda nodes, in amb order

    def step(self, m: Machine) -> bool | None:
        m.v = self.thunks(m.e)
        m.c = None
        return True

    def thunks(self, env: Any) -> Any:
        """The list of the alternatives' thunks over `env`."""
        lst: Any = NIL
        for lam in reversed(self.args):
            lst = new_pair(new_closure(lam, env), lst)
        return lst

    def children(self) -> list[Node]:
        return list(self.args)


@mypyc_attr(allow_interpreted_subclasses=True)
class KAnd(Node):
    __slots__ = ("exprs",)

    def __init__(self, span: Span | None, synthetic: bool, exprs: list[Node]) -> None:
        super().__init__(span, synthetic)
        self.exprs = exprs

    def step(self, m: Machine) -> bool | None:
        if not self.exprs:
            m.v = True
            m.c = None
            return True
        if len(self.exprs) > 1:
            m.k = F.AndOrFrame(self, m.e, 1, m.k)
        m.c = self.exprs[0]
        return True

    def children(self) -> list[Node]:
        return list(self.exprs)


@mypyc_attr(allow_interpreted_subclasses=True)
class KOr(KAnd):
    __slots__ = ()

    def step(self, m: Machine) -> bool | None:
        if not self.exprs:
            m.v = False
            m.c = None
            return True
        if len(self.exprs) > 1:
            m.k = F.AndOrFrame(self, m.e, 1, m.k)
        m.c = self.exprs[0]
        return True


@mypyc_attr(allow_interpreted_subclasses=True)
class KEffect(Node):
    __slots__ = ("op", "args", "amb")

    def __init__(self, span: Span | None, synthetic: bool, op: Symbol, args: list[Node]) -> None:
        super().__init__(span, synthetic)
        self.op = op
        self.args: list[Any] = args  # (Any: see KApp.parts)
        # amb's two operations with their one argument (thunks or a reason): the step loop may
        # take them at once (Machine.run)
        self.amb = op.name in ("amb.choose", "amb.fail") and len(args) == 1

    def step(self, m: Machine) -> bool | None:
        if not self.args:
            m.perform(self.op, (), self)
            return None
        m.k = F.EffectFrame(self, m.e, (), m.k)
        m.c = self.args[0]
        return True

    def children(self) -> list[Node]:
        return list(self.args)


@mypyc_attr(allow_interpreted_subclasses=True)
class HandleClauseK:
    __slots__ = ("op", "nparams", "layout", "body", "span")

    def __init__(self, op: Symbol, nparams: int, layout: Layout, body: Node, span: Span | None) -> None:
        self.op = op
        self.nparams = nparams
        self.layout = layout
        self.body = body
        self.span = span


@mypyc_attr(allow_interpreted_subclasses=True)
class KHandle(Node):
    __slots__ = ("body", "clauses", "ret_layout", "ret_body")

    def __init__(self, span: Span | None, synthetic: bool, body: Node, clauses: dict[Symbol, HandleClauseK],
                 ret_layout: Layout | None, ret_body: Node | None) -> None:
        super().__init__(span, synthetic)
        self.body = body
        self.clauses = clauses
        self.ret_layout = ret_layout
        self.ret_body = ret_body

    def step(self, m: Machine) -> bool | None:
        m.k = F.HandleFrame(self, m.e, m.k)
        m.c = self.body
        return True

    def children(self) -> list[Node]:
        out = [self.body] + [c.body for c in self.clauses.values()]
        return out + ([self.ret_body] if self.ret_body is not None else [])


@mypyc_attr(allow_interpreted_subclasses=True)
class KMatch(Node):
    __slots__ = ("expr", "clauses")

    def __init__(self, span: Span | None, synthetic: bool, expr: Node, clauses: list[Any]) -> None:
        super().__init__(span, synthetic)
        self.expr = expr
        self.clauses = clauses  # (pattern, layout, body)

    def step(self, m: Machine) -> bool | None:
        m.k = F.MatchFrame(self, m.e, m.k)
        m.c = self.expr
        return True

    def children(self) -> list[Node]:
        return [self.expr] + [c[2] for c in self.clauses]


@mypyc_attr(allow_interpreted_subclasses=True)
class KDelay(Node):
    __slots__ = ("expr", "chain")

    def __init__(self, span: Span | None, synthetic: bool, expr: Node, chain: bool) -> None:
        super().__init__(span, synthetic)
        self.expr = expr
        self.chain = chain

    def step(self, m: Machine) -> None:
        m.v = Promise(("thunk", self.expr, m.e, self.chain))
        m.c = None

    def children(self) -> list[Node]:
        return [self.expr]


@mypyc_attr(allow_interpreted_subclasses=True)
class KOracleLambda(Node):
    __slots__ = ("params", "rest", "spec", "name")

    def __init__(self, span: Span | None, synthetic: bool, params: tuple[str, ...], rest: str | None,
                 spec: Node, name: str | None) -> None:
        super().__init__(span, synthetic)
        self.params = params
        self.rest = rest
        self.spec = spec
        self.name = name

    def step(self, m: Machine) -> bool | None:
        m.k = F.OracleLambdaFrame(self, m.e, m.k)
        m.c = self.spec
        return True

    def children(self) -> list[Node]:
        return [self.spec]


@mypyc_attr(allow_interpreted_subclasses=True)
class KExtent(Node):
    """Extent forms: a list of `pre` expressions evaluated first (limits, handlers, restart
    procedures), then the machine enters the extent (`Machine.enter_extent`) and runs `body`."""

    __slots__ = ("pre", "body", "info")

    def __init__(self, span: Span | None, synthetic: bool, kind: str, pre: list[Node], body: Node,
                 info: Any) -> None:
        super().__init__(span, synthetic)
        self.kind = kind
        self.pre = pre
        self.body = body
        self.info = info

    def step(self, m: Machine) -> None:
        if not self.pre:
            m.enter_extent(self, (), m.e)
            return
        m.k = F.ExtentPreFrame(self, m.e, (), m.k)
        m.c = self.pre[0]

    def children(self) -> list[Node]:
        extra = self.info.children() if hasattr(self.info, "children") else []
        return self.pre + [self.body] + extra


# KThunks makes its closures and pairs through the `new_*` names: interpreted, the cheaper
# functions of interpreted.py.
if __file__.endswith(".py"):
    from .interpreted import bind

    bind(globals())
