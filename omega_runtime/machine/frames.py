"""Continuation frames (LANGUAGE.md 16.3). Frames are immutable: a frame that advances (the next
argument of an application, the next form of a sequence) is replaced by a new frame, so every
past state's continuation stays intact for time travel. `resume(m, v)` is rule 3/4 of 16.2: a
value meets the top frame; like a node's `step` it returns True when the transition was narrow
(see nodes.py), None when anything else may have changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from mypy_extensions import mypyc_attr

from ..values import VOID, Pair
from .layout import SLOT0

if TYPE_CHECKING:
    from . import nodes as N
    from .machine import Machine


# What a callback frame or a restart names: name -> fn(m, value, *args), defined in the modules of
# the machine's concerns (conditions, budgets, promises, control primitives).
CALLBACKS: dict[str, Any] = {}


def call_back(m: Machine, method: str, value: Any, args: tuple[Any, ...]) -> None:
    """Call the callback registered as `method` with `value` and `args`."""
    CALLBACKS[method](m, value, *args)


UNKNOWN: Any = object()  # Activation.marked_below before any search reached it

# Whether a marked frame (handle, extent, callback: see innermost_marked) was ever made in this
# process. Until one is, no continuation holds one, and a search for the innermost (each effect,
# choice, failure, signal) is over at once: a search over amb answers with no handler and no
# collect, the commonest, never walks its continuation. (A list: a flag the constructors set.)
MARKED_MADE: list[bool] = [False]


@mypyc_attr(allow_interpreted_subclasses=True)
class Frame:
    __slots__ = ("next",)
    next: Any
    # Class attributes, not per-frame fields (ClassVar: so also in a compiled build).
    kind: ClassVar[str] = "frame"
    is_activation: ClassVar[bool] = False

    @property
    def label(self) -> str:
        """Extent frames: shown between activations in a stack trace."""
        return ""

    def resume(self, m: Machine, v: Any) -> bool | None:
        raise NotImplementedError

    def rebased(self, next_frame: Frame | None) -> Frame:
        """The same frame over another continuation (resumptions reinstall copies)."""
        import copy  # not loaded at every start

        f = copy.copy(self)
        f.next = next_frame
        return f


# The constructors take the continuation below (`next_frame`) as Any: compiled, a parameter
# typed as a frame costs a subclass check at every frame made (none is exactly a `Frame`).
@mypyc_attr(allow_interpreted_subclasses=True)
class NodeFrame(Frame):
    __slots__ = ("node", "env")

    def __init__(self, node: Any, env: Any, next_frame: Any) -> None:
        self.node = node
        self.env = env
        self.next = next_frame


@mypyc_attr(allow_interpreted_subclasses=True)
class PositionFrame(NodeFrame):
    """A node frame that remembers which of the node's subexpressions comes next (`i`)."""

    __slots__ = ("i",)

    def __init__(self, node: Any, env: Any, i: int, next_frame: Any) -> None:
        self.node = node
        self.env = env
        self.i = i
        self.next = next_frame


@mypyc_attr(allow_interpreted_subclasses=True)
class ValuesFrame(NodeFrame):
    """A node frame collecting the values of the node's subexpressions so far (`vals`)."""

    __slots__ = ("vals",)

    def __init__(self, node: Any, env: Any, vals: tuple[Any, ...], next_frame: Any) -> None:
        self.node = node
        self.env = env
        self.vals = vals
        self.next = next_frame


@mypyc_attr(allow_interpreted_subclasses=True)
class IfFrame(NodeFrame):
    __slots__ = ()
    kind = "if"

    def resume(self, m: Machine, v: Any) -> bool | None:
        node = self.node
        m.k = self.next
        env = self.env
        narrow = m.e is env
        if not narrow:
            m.e = env
        if v is not False:
            m.c = node.then
        elif node.else_ is not None:
            m.c = node.else_
        else:
            m.v = VOID
        return narrow


@mypyc_attr(allow_interpreted_subclasses=True)
class SeqFrame(PositionFrame):
    __slots__ = ()
    kind = "seq"

    def resume(self, m: Machine, v: Any) -> bool | None:
        exprs = self.node.exprs
        i = self.i
        env = self.env
        narrow = m.e is env
        if not narrow:
            m.e = env
        if i + 1 >= len(exprs):
            m.k = self.next  # the last form is in tail position
        else:
            m.k = SeqFrame(self.node, env, i + 1, self.next)
        m.c = exprs[i]
        return narrow


@mypyc_attr(allow_interpreted_subclasses=True)
class LetFrame(ValuesFrame):
    __slots__ = ()
    kind = "let"

    def resume(self, m: Machine, v: Any) -> bool | None:
        node = self.node
        vals = self.vals + (v,)
        n = len(vals)
        if n < len(node.inits):
            env = self.env
            m.k = LetFrame(node, env, vals, self.next)
            m.c = node.inits[n]
            if m.e is env:
                return True
            m.e = env
            return None
        m.k = self.next
        layout = node.layout
        if layout.any_boxed:
            vals = m.box_values(layout, vals)
        m.e = (self.env, layout, *vals)
        m.c = node.body
        return None


@mypyc_attr(allow_interpreted_subclasses=True)
class LetrecFrame(PositionFrame):
    __slots__ = ()
    kind = "letrec"

    def resume(self, m: Machine, v: Any) -> None:
        node = self.node
        env = self.env
        i = self.i
        m.write_cell(env[SLOT0 + i], v, ("set", node.layout.bindings[i].name, None, v), init=True)
        m.e = env
        if i + 1 < len(node.inits):
            m.k = LetrecFrame(node, env, i + 1, self.next)
            m.c = node.inits[i + 1]
        else:
            m.k = self.next
            m.c = node.body


@mypyc_attr(allow_interpreted_subclasses=True)
class SetFrame(NodeFrame):
    __slots__ = ()
    kind = "set"

    def resume(self, m: Machine, v: Any) -> None:
        m.k = self.next
        m.e = self.env
        m.assign(self.node, self.env, v)


NO_PROCEDURE: Any = object()  # AppFrame.fn before the operator's value arrives


@mypyc_attr(allow_interpreted_subclasses=True)
class AppFrame(ValuesFrame):
    """A call being evaluated: the operator first (`fn`, NO_PROCEDURE until its value arrives),
    then the arguments, collected in `vals`. Holding the procedure apart from its arguments, a
    call makes neither a one-element tuple nor a slice of the arguments."""

    __slots__ = ("fn",)
    kind = "app"

    def __init__(self, node: Any, env: Any, vals: tuple[Any, ...], next_frame: Any,
                 fn: Any = NO_PROCEDURE) -> None:
        self.node = node
        self.env = env
        self.vals = vals
        self.next = next_frame
        self.fn = fn

    def resume(self, m: Machine, v: Any) -> bool | None:
        node = self.node
        fn = self.fn
        vals: tuple[Any, ...]
        if fn is NO_PROCEDURE:
            fn, vals = v, ()
        else:
            vals = self.vals + (v,)
        n = len(vals)
        if n < node.nargs:
            env = self.env
            m.k = AppFrame(node, env, vals, self.next, fn)
            m.c = node.args[n]
            if m.e is env:
                return True
            m.e = env
            return None
        m.k = self.next
        return m.apply(fn, vals, node)


@mypyc_attr(allow_interpreted_subclasses=True)
class AndOrFrame(PositionFrame):
    __slots__ = ()
    kind = "and"

    def resume(self, m: Machine, v: Any) -> bool | None:
        node = self.node
        is_and = node.kind == "and"
        if (v is False) if is_and else (v is not False):
            m.k = self.next
            m.v = v
            return True
        exprs = node.exprs
        i = self.i
        env = self.env
        narrow = m.e is env
        if not narrow:
            m.e = env
        if i + 1 >= len(exprs):
            m.k = self.next
        else:
            m.k = AndOrFrame(node, env, i + 1, self.next)
        m.c = exprs[i]
        return narrow


@mypyc_attr(allow_interpreted_subclasses=True)
class EffectFrame(ValuesFrame):
    __slots__ = ()
    kind = "effect"

    def resume(self, m: Machine, v: Any) -> None:
        node: N.KEffect = self.node  # typed: compiled, its fields are read directly
        vals = self.vals + (v,)
        if len(vals) < len(node.args):
            m.k = EffectFrame(node, self.env, vals, self.next)
            m.e = self.env
            m.c = node.args[len(vals)]
            return
        m.k = self.next
        m.e = self.env
        m.perform(node.op, vals, node)


@mypyc_attr(allow_interpreted_subclasses=True)
class HandleFrame(NodeFrame):
    """The delimiter of a `handle` form; a value reaching it runs the return clause."""

    __slots__ = ()
    kind = "handle"

    def __init__(self, node: Any, env: Any, next_frame: Any) -> None:
        self.node = node
        self.env = env
        self.next = next_frame
        MARKED_MADE[0] = True

    @property
    def label(self) -> str:
        return "handle (" + " ".join(op.name for op in self.node.clauses) + ")"

    def resume(self, m: Machine, v: Any) -> None:
        m.k = self.next
        node = self.node
        if node.ret_body is None:
            m.v = v
            return
        m.e = (self.env, node.ret_layout, v)
        m.c = node.ret_body


@mypyc_attr(allow_interpreted_subclasses=True)
class MatchFrame(NodeFrame):
    __slots__ = ()
    kind = "match"

    def resume(self, m: Machine, v: Any) -> None:
        m.k = self.next
        m.e = self.env
        m.match(self.node, self.env, v)


@mypyc_attr(allow_interpreted_subclasses=True)
class OracleLambdaFrame(NodeFrame):
    __slots__ = ()
    kind = "oracle-lambda"

    def resume(self, m: Machine, v: Any) -> None:
        from .procedures import OracleProcedure

        node = self.node
        m.k = self.next
        m.e = self.env
        m.v = OracleProcedure(node.name, node.params, node.rest, v, node.span)


@mypyc_attr(allow_interpreted_subclasses=True)
class ExtentPreFrame(ValuesFrame):
    __slots__ = ()
    kind = "extent-pre"

    def resume(self, m: Machine, v: Any) -> None:
        node = self.node
        vals = self.vals + (v,)
        m.e = self.env
        if len(vals) < len(node.pre):
            m.k = ExtentPreFrame(node, self.env, vals, self.next)
            m.c = node.pre[len(vals)]
            return
        m.k = self.next
        m.enter_extent(node, vals, self.env)


@mypyc_attr(allow_interpreted_subclasses=True)
class Activation(Frame):
    """A procedure activation: the closure, the call site, the original arguments (restartFrame).

    `call`, set only on a standard procedure's activation made by a tail call from user code, is
    that user call: its errors are located there (`site` is then the replaced caller's site)."""

    __slots__ = ("proc", "site", "args", "call", "marked_below")
    kind = "activation"
    is_activation = True

    def __init__(self, proc: Any, site: Any, args: tuple[Any, ...], next_frame: Any) -> None:
        self.proc = proc
        self.site = site  # the application node (its span is the call site)
        self.args = args
        self.next = next_frame
        self.call: Any = None  # declared here: a compiled (mypyc) class has no other attributes
        # The innermost handle, extent or callback frame below this one, once a search found it
        # (see innermost_marked; what lies below a frame never changes).
        self.marked_below: Any = UNKNOWN

    def rebased(self, next_frame: Frame | None) -> Frame:
        f = Activation(self.proc, self.site, self.args, next_frame)
        f.call = self.call
        return f

    @property
    def name(self) -> str:
        return self.proc.name or "<lambda>"

    def resume(self, m: Machine, v: Any) -> bool | None:
        m.k = self.next
        return True


@mypyc_attr(allow_interpreted_subclasses=True)
class ReturnValueFrame(Frame):
    """Discard the value reaching it and return `value` instead (used after thunks run)."""

    __slots__ = ("value",)
    kind = "return-value"

    def __init__(self, value: Any, next_frame: Any) -> None:
        self.value = value
        self.next = next_frame

    def resume(self, m: Machine, v: Any) -> bool | None:
        m.k = self.next
        m.v = self.value
        return True


@mypyc_attr(allow_interpreted_subclasses=True)
class ActionsFrame(Frame):
    """Run the machine actions of an unwinding plan one by one (after-thunks, rollbacks, ...),
    each as ordinary machine steps, then the final transfer. See `Machine.run_plan`."""

    __slots__ = ("plan", "i")
    kind = "unwind"

    def __init__(self, plan: Any, i: int, next_frame: Any) -> None:
        self.plan = plan
        self.i = i
        self.next = next_frame

    def resume(self, m: Machine, v: Any) -> None:
        m.k = self.next
        m.run_plan(self.plan, self.i)


@mypyc_attr(allow_interpreted_subclasses=True)
class CallbackFrame(Frame):
    """A value reaching it is passed to the callback `method` (`call_back`) with `args`.
    Used by higher-order primitives implemented in the machine (force, fixpoint, handlers...)."""

    __slots__ = ("method", "args", "tag")
    kind = "primitive"

    def __init__(self, method: str, args: tuple[Any, ...], next_frame: Any, tag: str = "") -> None:
        self.method = method
        self.args = args
        self.next = next_frame
        self.tag = tag
        MARKED_MADE[0] = True

    @property
    def label(self) -> str:
        return self.tag

    def resume(self, m: Machine, v: Any) -> None:
        m.k = self.next
        call_back(m, self.method, v, self.args)


@mypyc_attr(allow_interpreted_subclasses=True)
class ExtentFrame(Frame):
    """An extent: transaction, budget, capabilities, handler-bind, restart-case/bind, guard,
    amb-collect, prompt, dynamic-wind. `data` holds what the kind needs; a value reaching it runs
    `Machine.exit_extent`."""

    __slots__ = ("ekind", "node", "env", "data")
    kind = "extent"

    def __init__(self, ekind: str, node: Any, env: Any, data: Any, next_frame: Any) -> None:
        self.ekind = ekind
        self.node = node
        self.env = env
        self.data = data
        self.next = next_frame
        MARKED_MADE[0] = True

    @property
    def label(self) -> str:
        return self.ekind

    def resume(self, m: Machine, v: Any) -> None:
        m.k = self.next
        m.exit_extent(self, v)


@mypyc_attr(allow_interpreted_subclasses=True)
class ProgramFrame(Frame):
    """The bottom of every continuation while a program runs: a value reaching it ends the
    current top-level form (discarding its choice points) and starts the next one. The form
    index lives in the registers, so a continuation captured in an earlier form, re-entered,
    finishes that form and then goes on after the form that invoked it (LANGUAGE.md 11)."""

    __slots__ = ("forms", "values")
    kind = "program"

    def __init__(self, forms: Sequence[Any]) -> None:
        # Compiled top-level nodes, in order. A Sequence, not a list: the compiled build would
        # index a list directly, past the interpreter's TopLevelForms (which re-expands a form).
        self.forms = forms
        self.next = None

    def resume(self, m: Machine, v: Any) -> None:
        from .layout import GLOBAL_ENV
        from .state import NO_CHOICES

        i = m.r.form + 1
        m.r = m.r._replace(choices=NO_CHOICES, form=i)
        if i >= len(self.forms):
            m.k = None  # the program's value: the last form's
            m.v = v
            return
        m.e = GLOBAL_ENV
        m.c = self.forms[i]


def frames_of(k: Frame | None) -> list[Frame]:
    out = []
    while k is not None:
        out.append(k)
        k = k.next
    return out


def list_from(values: list[Any]) -> Any:
    from ..values import NIL

    result: Any = NIL
    for x in values[::-1]:
        result = Pair(x, result)
    return result


def innermost_marked(k: Any) -> Any:
    """The innermost handle, extent or callback frame of continuation `k` (`k` itself included),
    or None: the frames that make up the dynamic context, where an effect looks for its handler,
    a choice for its amb-collect, a signal for its handlers, a parameter for its binding. Each
    activation the search passes remembers the answer for the continuation below it, so the
    searches of a continuation that keeps deepening (amb, effects or signals inside a deep
    recursion) cost only the frames pushed since the last one, not the whole continuation."""
    if not MARKED_MADE[0]:
        return None
    f = k
    found: Any = None
    while f is not None:
        cls = type(f)
        if cls is HandleFrame or cls is ExtentFrame or cls is CallbackFrame:
            found = f
            break
        if cls is Activation:
            act: Activation = f
            if act.marked_below is not UNKNOWN:
                found = act.marked_below
                break
        f = f.next
    passed = k  # a second walk to where the first stopped (no list: most searches pass none)
    while passed is not f:
        if type(passed) is Activation:
            passed_act: Activation = passed
            passed_act.marked_below = found
        passed = passed.next
    return found
