"""The CESK machine: its registers as attributes, the step loop, application, effects, conditions,
restarts, non-local transfers and the extents (LANGUAGE.md 4, 6-12, 16).

The machine state is (c, v, e, k, s, r, nc, t): control node (None while returning `v`),
environment, continuation, store, registers, next cell key, transition count. Every field is an
immutable or persistent structure, so `snapshot()` is O(1) and `restore()` is exact.
"""

from __future__ import annotations

import math
import random as _random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs
import immutables
from mypy_extensions import mypyc_attr

from ..conditions import OmegaError, arity_error, not_a_procedure
from ..primitives.registry import Primitive
from ..span import Span
from ..values import (
    MISSING,
    NIL,
    VOID,
    Condition,
    Pair,
    Promise,
    PromptTag,
    Restart,
    Symbol,
    Vector,
    list_to_python,
    make_list,
    make_values,
    next_serial,
    sym,
)
from . import frames as F
from . import nodes as N
from .layout import GLOBAL_ENV, Layout
from .procedures import Closure, ContinuationProc, OracleProcedure, Resumption
from .registers import Registers
from .signals import poll_signals
from .state import Budget, ChoicePoint, ProposalRecord, State, Transaction

S_ERROR = sym("error")
S_CONDITION = sym("condition")
S_WARNING = sym("warning")
ERROR_SUPERS = (S_ERROR, S_CONDITION)
NEVER = sys.maxsize  # a check_at no transition count reaches



def _own_extents(k: Any, other: Any) -> Iterator[Any]:
    """The extent frames of continuation `k` that continuation `other` does not share,
    innermost first."""
    shared = set()
    o = other
    while o is not None:
        shared.add(id(o))
        o = o.next
    while k is not None and id(k) not in shared:
        if k.__class__ is F.ExtentFrame:
            yield k
        k = k.next

@mypyc_attr(allow_interpreted_subclasses=True)
class MachineHalt(Exception):
    """Raised inside the step loop to stop it: the program exits, or a host asked to stop."""


@mypyc_attr(allow_interpreted_subclasses=True)
class ProgramExit(MachineHalt):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@mypyc_attr(allow_interpreted_subclasses=True)
class Uncaught(MachineHalt):
    """An error no handler took: the program stops (LANGUAGE.md 10.5)."""

    def __init__(self, condition: Condition, backtrace: list[tuple[str, Span | None]]) -> None:
        super().__init__(condition.ctype.name)
        self.condition = condition
        self.backtrace = backtrace


@mypyc_attr(allow_interpreted_subclasses=True)  # tests check every step through a subclass
class Machine:
    """One evaluation context. Hosts drive it through `OmegaRuntime`; the debug controller drives
    `step_once`/`run` and reads states through `snapshot`."""

    def __init__(self, services: Any) -> None:
        self.services = services  # host services: output, oracle, capabilities, tools, expander
        self.c: Any = None
        self.v: Any = VOID
        self.e: Any = GLOBAL_ENV
        self.k: Any = None
        self.s: immutables.Map[Any, Any] = immutables.Map()
        self.r = Registers()
        self.nc = 1
        self.t = 0
        self.check_at: int = NEVER  # the loop's slow path runs when t reaches this
        self.poll_every = 1024
        # Whether a budget with a `seconds` limit was ever opened: until then the clock check
        # need not walk the continuation for budget frames (it would cost O(depth) per poll).
        self.timed_budgets = False
        self.hooks: list[Callable[[Machine], None]] = []  # called on every slow path (debugger, pause)
        # A debugger's recording: every state is appended in History's entry form, and a node
        # whose id is in `trap_nodes` runs the hooks before it is evaluated (see `set_traps`).
        self.record: list[Any] | None = None
        self.trap_nodes: Any = ()
        self._trapped: list[Any] = []
        self.every_step = False  # run the slow path after every step (stepping requests)
        # Names a debugger watches: a primitive about to be applied, an effect about to be
        # dispatched (`effect:OP`); each reports to `services.call_watchers` during the step.
        self.watched_calls: frozenset[str] = frozenset()
        self.watch: Any = None  # a debugger's WatchGuard while it evaluates on a copy of the state

    # ---- state --------------------------------------------------------------------------

    def snapshot(self) -> State:
        return State(self.c, self.v, self.e, self.k, self.s, self.r, self.nc, self.t)

    def restore(self, st: State) -> None:
        self.c, self.v, self.e, self.k, self.s, self.r, self.nc, self.t = st
        self.reset_check()

    def reset_check(self) -> None:
        if self.every_step:
            self.check_at = self.t + 1
        else:
            at = min(self.r.step_deadline, self.t + self.poll_every)
            fibers = self.r.fibers
            if fibers is not None and fibers.ready and fibers.slice_end:
                # Preempt exactly at the slice's end, whatever the polling phase: the schedule
                # must not depend on where a run (or a debugger's resume) started.
                at = min(at, fibers.slice_end)
            self.check_at = NEVER if at >= NEVER else int(at)

    def set_traps(self, nodes: Any) -> None:
        """Make `nodes` (a debugger's breakpoints) software traps, replacing the previous ones:
        each node's class becomes a subclass whose step first runs the hooks with the node as
        the control (the state where a breakpoint hits), so the loop pays nothing per step for
        breakpoints. A trap fires only for a machine whose `trap_nodes` holds it."""
        for node in self._trapped:
            node.__class__ = getattr(node.__class__, "untrapped", node.__class__)
        self._trapped = list(nodes)
        for node in self._trapped:
            node.__class__ = N.trapped_class(node.__class__)
        self.trap_nodes = {node.nid for node in self._trapped}

    def at_trap(self) -> None:
        """A trapped node is about to be evaluated: the hooks see the state whose control it is."""
        for hook in self.hooks:
            hook(self)

    def request_slow_path(self) -> None:
        """Make the loop run its slow path (hooks) right after the current step; thread-safe."""
        self.check_at = 0

    # ---- the loop -----------------------------------------------------------------------

    def start(self, node: Any) -> None:
        """Make `node` (a compiled top-level form) the control, with an empty continuation."""
        self.c = node
        self.e = GLOBAL_ENV
        self.k = None
        self.reset_check()

    def start_program(self, forms: Sequence[Any]) -> None:
        """Evaluate `forms` in order as one run: a ProgramFrame at the bottom of the continuation
        moves from one top-level form to the next."""
        self.r = attrs.evolve(self.r, form=0, choices=())
        if not forms:
            self.c, self.k, self.v = None, None, VOID
            return
        self.c = forms[0]
        self.e = GLOBAL_ENV
        self.k = F.ProgramFrame(forms)
        self.reset_check()

    def current_form(self) -> Any:
        """The top-level form being evaluated (from the ProgramFrame at the bottom), or None."""
        k = self.k
        while k is not None and k.next is not None:
            k = k.next
        if k.__class__ is F.ProgramFrame and self.r.form < len(k.forms):
            return k.forms[self.r.form]
        return None

    def finished(self) -> bool:
        return self.c is None and self.k is None

    def run(self) -> Any:
        """Run the current top-level form to its value. Halting conditions raise MachineHalt.

        The only stepping loop: one transition per iteration; when a debugger records, each new
        state is appended to `record` (two references, debug/history.py); its hooks run on the
        slow path and at trapped nodes (breakpoints, `set_traps`), where the debugger decides
        whether to stop.

        The registers c, v, e, k and the count t live in locals while the loop handles the
        commonest nodes and frames itself (an attribute write and a method call per step were
        the loop's largest costs); they are written back to the machine before any other node's
        `step` or frame's `resume` runs, before the slow path, on return and on an exception,
        and read again after. Each inline transition does exactly what the node's or frame's
        own method does, so step counts and recorded states are the same either way."""
        record = self.record
        ra = record.append if record is not None else None
        kconst, klocal0, klocal1, kglobal = N.KConst, N.KLocal0, N.KLocal1, N.KGlobal
        kapp, kif, kseq, klambda, klet = N.KApp, N.KIf, N.KSeq, N.KLambda, N.KLet
        appframe, ifframe, seqframe, letframe, activation = F.AppFrame, F.IfFrame, F.SeqFrame, F.LetFrame, F.Activation
        closure, primitive, void = Closure, Primitive, VOID
        missing = MISSING
        c: Any = self.c
        v: Any = self.v
        e: Any = self.e
        k: Any = self.k
        t: int = self.t
        check_at: int = self.check_at
        live = True  # whether the locals, not the attributes, hold the state
        narrow: bool | None = True
        # The typed names below (`node_app: N.KApp = c`) cost nothing interpreted; compiled, they
        # let mypyc read the fields directly instead of looking them up by name.
        try:
            while True:
                if c is not None:
                    cc = c.__class__
                    if cc is klocal0:
                        node_local0: N.KLocal0 = c
                        v = e[node_local0.slot]
                        c = None
                        narrow = True
                    elif cc is kapp:
                        node_app: N.KApp = c
                        k = appframe(node_app, e, (), k)
                        c = node_app.fn
                        narrow = True
                    elif cc is kconst:
                        node_const: N.KConst = c
                        v = node_const.value
                        c = None
                        narrow = True
                    elif cc is kglobal and (gv := self.s.get(c.name, missing)) is not missing:
                        v = gv
                        c = None
                        narrow = True
                    elif cc is kif:
                        node_if: N.KIf = c
                        k = ifframe(node_if, e, k)
                        c = node_if.test
                        narrow = True
                    elif cc is klocal1:
                        node_local1: N.KLocal1 = c
                        v = e[0][node_local1.slot]
                        c = None
                        narrow = True
                    elif cc is kseq and c.exprs:
                        node_seq: N.KSeq = c
                        if len(node_seq.exprs) > 1:
                            k = seqframe(node_seq, e, 1, k)
                        c = node_seq.exprs[0]
                        narrow = True
                    elif cc is klet and c.inits:
                        node_let: N.KLet = c
                        k = letframe(node_let, e, (), k)
                        c = node_let.inits[0]
                        narrow = True
                    elif cc is klambda:
                        v = closure(c, e)
                        c = None
                        narrow = True
                    else:
                        self.c, self.v, self.e, self.k, self.t = c, v, e, k, t
                        live = False
                        narrow = c.step(self)
                        c, v, e, k, check_at = self.c, self.v, self.e, self.k, self.check_at
                        live = True
                else:
                    if k is None:
                        self.c, self.v, self.e, self.k, self.t = c, v, e, k, t
                        return v
                    kc = k.__class__
                    if kc is appframe:
                        frame_app: F.AppFrame = k
                        app: N.KApp = frame_app.node
                        vals = frame_app.vals + (v,)
                        n = len(vals)
                        if n <= app.nargs:
                            env = frame_app.env
                            k = appframe(app, env, vals, frame_app.next)
                            c = app.args[n - 1]
                            narrow = e is env
                            e = env
                        else:
                            k = frame_app.next
                            f = vals[0]
                            fc = f.__class__
                            if fc is closure and f.lam.plain_arity == n - 1 and (
                                    k.__class__ is not activation or not f.lam.body.builtin):
                                proc: Closure = f
                                lam: N.KLambda = proc.lam
                                if k.__class__ is activation:
                                    # A tail call replaces the caller's activation, keeping where
                                    # that one was called (as Machine.apply does).
                                    caller: F.Activation = k
                                    k = activation(proc, caller.site, vals[1:], caller.next)
                                else:
                                    k = activation(proc, app, vals[1:], k)
                                e = (proc.env, lam.layout, *vals[1:])
                                c = lam.body
                                narrow = None
                            elif (fc is primitive and f.kind == "pure" and f.min_args < n
                                  and (f.max_args is None or n <= f.max_args + 1) and not self.watched_calls
                                  and not (f.derives and self.services.provenance_seen)):
                                prim: Primitive = f
                                try:
                                    v = prim.fn(*vals[1:])
                                    narrow = True
                                except Exception:
                                    # Machine.apply turns the error into a condition (a pure
                                    # primitive raises the same again).
                                    self.c, self.v, self.e, self.k, self.t = c, v, e, k, t
                                    live = False
                                    narrow = self.apply(prim, vals[1:], app)
                                    c, v, e, k, check_at = self.c, self.v, self.e, self.k, self.check_at
                                    live = True
                            else:
                                self.c, self.v, self.e, self.k, self.t = c, v, e, k, t
                                live = False
                                narrow = self.apply(f, vals[1:], app)
                                c, v, e, k, check_at = self.c, self.v, self.e, self.k, self.check_at
                                live = True
                    elif kc is activation:
                        frame_act: F.Activation = k
                        k = frame_act.next
                        narrow = True
                    elif kc is ifframe:
                        frame_if: F.IfFrame = k
                        branch: N.KIf = frame_if.node
                        env = frame_if.env
                        narrow = e is env
                        e = env
                        k = frame_if.next
                        if v is not False:
                            c = branch.then
                        elif branch.else_ is not None:
                            c = branch.else_
                        else:
                            v = void
                    elif kc is letframe and not k.node.layout.any_boxed:
                        frame_let: F.LetFrame = k
                        let: N.KLet = frame_let.node
                        vals = frame_let.vals + (v,)
                        n = len(vals)
                        if n < len(let.inits):
                            env = frame_let.env
                            k = letframe(let, env, vals, frame_let.next)
                            c = let.inits[n]
                            narrow = e is env
                            e = env
                        else:
                            e = (frame_let.env, let.layout, *vals)
                            k = frame_let.next
                            c = let.body
                            narrow = None
                    elif kc is seqframe:
                        frame_seq: F.SeqFrame = k
                        seq: N.KSeq = frame_seq.node
                        i = frame_seq.i
                        env = frame_seq.env
                        narrow = e is env
                        e = env
                        if i + 1 >= len(seq.exprs):
                            k = frame_seq.next  # the last form is in tail position
                        else:
                            k = seqframe(seq, env, i + 1, frame_seq.next)
                        c = seq.exprs[i]
                    else:
                        self.c, self.v, self.e, self.k, self.t = c, v, e, k, t
                        live = False
                        narrow = k.resume(self, v)
                        c, v, e, k, check_at = self.c, self.v, self.e, self.k, self.check_at
                        live = True
                t += 1
                if ra is not None:
                    # A narrow step is kept as (its control, or its value when there is no control;
                    # the continuation); any other as (the whole state, the continuation).
                    if narrow:
                        ra(v if c is None else c)
                    else:
                        ra((c, v, e, k, self.s, self.r, self.nc))
                    ra(k)
                if t >= check_at:
                    # A request from another thread (request_slow_path) is seen here within
                    # `poll_every` steps, at the next regular check at the latest.
                    self.c, self.v, self.e, self.k, self.t = c, v, e, k, t
                    live = False
                    self.slow_path()
                    c, v, e, k, t, check_at = self.c, self.v, self.e, self.k, self.t, self.check_at
                    live = True
        except BaseException:
            if live:
                self.c, self.v, self.e, self.k, self.t = c, v, e, k, t
            raise

    def slow_path(self) -> None:
        if self.t >= self.r.step_deadline:
            self.check_step_budget()
        if self.r.fibers is not None:
            from .fibers import preempt

            preempt(self)
        if self.t % self.poll_every < 1 or self.hooks:
            self.check_seconds_budget()
            poll_signals()
        record = self.record
        if record is not None:
            # The checks above may have switched fibers or signalled: the step's entry is the
            # state the next step starts from, which the hooks (the debugger) then inspect.
            record[-2] = (self.c, self.v, self.e, self.k, self.s, self.r, self.nc)
            record[-1] = self.k
        for hook in self.hooks:
            hook(self)
        self.reset_check()

    # ---- cells and store writes ------------------------------------------------------------

    def new_cell(self, value: Any = MISSING) -> int:
        key = self.nc
        self.nc = key + 1
        if value is not MISSING:
            self.s = self.s.set(key, value)
        return key

    def box_values(self, layout: Layout, vals: tuple[Any, ...]) -> tuple[Any, ...]:
        out = list(vals)
        for i, boxed in enumerate(layout.boxed):
            if boxed:
                out[i] = self.new_cell(vals[i])
        return tuple(out)

    def write_cell(self, key: Any, value: Any, proposal: tuple[Any, ...] | None = None, init: bool = False) -> None:
        """Every program write to the store goes through here: in a transaction it is also a
        proposal with its undo record (LANGUAGE.md 7)."""
        if self.watch is not None and not init:
            self.watch.check_write(self, key)
        r = self.r
        if r.txs and not init:
            old = self.s.get(key, MISSING)
            kind, target, pold, pnew = proposal if proposal is not None else ("set", key, old, value)
            rec = ProposalRecord(kind, target, pold, pnew, self.current_span())
            self._update_tx(lambda tx: attrs.evolve(tx, undo=tx.undo + (("cell", key, old),),
                                                    proposals=tx.proposals + (rec,)))
        self.s = self.s.set(key, value)
        for watcher in self.services.write_watchers:
            watcher(self, key)

    def delete_cell(self, key: Any) -> None:
        self.write_cell(key, MISSING)

    def _update_tx(self, fn: Callable[[Transaction], Transaction]) -> None:
        txs = self.r.txs
        self.r = attrs.evolve(self.r, txs=txs[:-1] + (fn(txs[-1]),))

    # PrimContext ------------------------------------------------------------------------------

    @property
    def store(self) -> Any:
        return self.s

    def output(self, text: str) -> None:
        self.services.write_output(text)

    def next_counter(self, name: str) -> int:
        n = self.r.counters.get(name, 0) + 1
        self.r = attrs.evolve(self.r, counters=self.r.counters.set(name, n))
        return n

    def next_id(self, name: str) -> int:
        """Run-wide ids (cp, tx, fp, collect): never reused, not restored by backtracking."""
        mono = self.r.mono
        n = mono.ids.get(name, 0) + 1
        self.r = attrs.evolve(self.r, mono=attrs.evolve(mono, ids=mono.ids.set(name, n)))
        return n

    def random_call(self, fn: Callable[[Any], Any]) -> Any:
        rng = _random.Random(self.services.seed)
        if self.r.random_state is not None:
            rng.setstate(self.r.random_state)
        result = fn(rng)
        self.r = attrs.evolve(self.r, random_state=rng.getstate())
        return result

    # ---- variables --------------------------------------------------------------------------

    def unbound(self, name: str, node: Any) -> None:
        self.raise_error(OmegaError("unbound-variable", f"unbound variable: {name}", (sym(name),)), node)

    def assign(self, node: Any, env: Any, v: Any) -> None:
        if node.kind == "setlocal":
            e = env
            for _ in range(node.depth):
                e = e[0]
            self.write_cell(e[node.slot], v, ("set", sym(node.binding.name), self.s.get(e[node.slot], VOID), v))
        elif node.define:
            old = self.s.get(node.name, MISSING)
            self.write_cell(node.name, v, ("set", node.name, VOID if old is MISSING else old, v))
            if isinstance(v, Closure) and v.name is None:
                v.name = node.name.name
        else:
            old = self.s.get(node.name, MISSING)
            if old is MISSING:
                self.unbound(node.name.name, node)
                return
            self.write_cell(node.name, v, ("set", node.name, old, v))
        self.v = VOID

    # ---- application ------------------------------------------------------------------------

    def apply(self, f: Any, args: tuple[Any, ...], node: Any) -> bool | None:
        """Apply `f` to `args` with the current continuation; `node` is the call site. True when
        the application was narrow (a pure primitive's value; see nodes.py)."""
        cls = f.__class__
        if cls is Closure:
            lam = f.lam
            n = lam.nparams
            if lam.rest:
                if len(args) < n:
                    self.raise_error(arity_error(f.name or "<lambda>", n, None, len(args), f), node)
                    return None
                args = args[:n] + (make_list(args[n:]),)
            elif len(args) != n:
                self.raise_error(arity_error(f.name or "<lambda>", n, n, len(args), f), node)
                return None
            layout = lam.layout
            if layout.boxed and True in layout.boxed:
                args = self.box_values(layout, args)
            k = self.k
            site = node
            if k.__class__ is F.Activation:
                # A tail call replaces the caller's activation, keeping where that one was called.
                site = k.site
                if lam.body.builtin:
                    self.k = F.Activation(f, site, args, k.next)
                    # A standard procedure keeps the user call it stands for (span_of).
                    self.k.call = node if node is not None and not node.builtin else getattr(k, "call", None)
                    self.e = (f.env, layout, *args)
                    self.c = lam.body
                    return None
                k = k.next
            self.k = F.Activation(f, site, args, k)
            self.e = (f.env, layout, *args)
            self.c = lam.body
            return None
        if cls is Primitive or isinstance(f, Primitive):
            if self.watched_calls and f.name in self.watched_calls:
                for watcher in self.services.call_watchers:
                    watcher(self, f.name)
            prim_kind: str = f.kind
            nargs = len(args)
            if nargs < f.min_args or (f.max_args is not None and nargs > f.max_args):
                self.raise_error(arity_error(f.name, f.min_args, f.max_args, nargs, f), node)
                return None
            try:
                if prim_kind == "pure":
                    result = f.fn(*args)
                elif prim_kind == "ctx":
                    result = f.fn(self, *args)
                else:
                    f.fn(self, args, node)
                    return None
            except OmegaError as err:
                self.raise_error(err, node)
                return None
            except RecursionError:
                self.raise_error(OmegaError("value-error", f"{f.name}: data nested too deeply"), node)
                return None
            if f.derives and self.services.provenance_seen:
                result = self.services.derive_provenance(f, args, result)
                self.v = result
                self.c = None
                return None
            self.v = result
            self.c = None
            return prim_kind == "pure"
        if cls is ContinuationProc:
            self.invoke_continuation(f, args, node)
            return None
        if cls is Resumption:
            self.invoke_resumption(f, args, node)
            return None
        if cls is OracleProcedure:
            self.services.call_oracle_procedure(self, f, args, node)
            return None
        self.raise_error(not_a_procedure(f), node)
        return None

    # ---- conditions -------------------------------------------------------------------------

    def make_condition(self, err: OmegaError, node: Any) -> Condition:
        data = make_list(list(err.data))
        return Condition(sym(err.ctype), err.message(self.s), data, ERROR_SUPERS, self.span_of(node))

    def raise_error(self, err: OmegaError, node: Any) -> None:
        """A runtime error at `node`: signal it as by `error`, offering its restarts at the signal
        point (the failing expression's continuation is `self.k`)."""
        cond = self.make_condition(err, node)
        k = self.k
        cond.restarts = tuple(Restart(sym(name), ("value",), cond.span, ("resume_with", (k,)))
                              for name in err.restarts if name == "use-value")
        extra = getattr(err, "extra_restarts", ())
        cond.restarts += tuple(extra)
        self.signal(cond, "error")

    def span_of(self, node: Any) -> Span | None:
        """The span of `node`, or of the innermost enclosing user expression that has one."""
        if node is not None and node.span is not None and not node.builtin:
            return node.span  # type: ignore[no-any-return]
        k = self.k
        while k is not None:
            if k.__class__ is F.Activation:
                call = getattr(k, "call", None)
                if call is not None and call.span is not None:
                    return call.span  # type: ignore[no-any-return]
                if not k.site.builtin and k.site.span is not None:
                    return k.site.span  # type: ignore[no-any-return]
            n = getattr(k, "node", None)
            if n is not None and getattr(n, "span", None) is not None and not n.builtin:
                return n.span  # type: ignore[no-any-return]
            k = k.next
        form = self.current_form()
        return form.span if form is not None else None

    def current_span(self) -> Span | None:
        return self.span_of(self.c if self.c is not None else None)

    def signal(self, cond: Condition, severity: str) -> None:
        """Search the active handlers from the signal point (LANGUAGE.md 10.2/10.4)."""
        for watcher in self.services.signal_watchers:
            watcher(self, cond, severity)
        self.search_handlers(cond, severity, self.k, self.k, 0)

    def search_handlers(self, cond: Condition, severity: str, frame: Any, signal_k: Any, start: int) -> None:
        is_error = cond.is_a(S_ERROR)
        while frame is not None:
            fc = frame.__class__
            if fc is F.CallbackFrame and frame.method in ("handler_declined", "guard_declined", "handler_returned"):
                frame = frame.args[4]  # handlers running: their own and inner ones are inactive
                start = 0
                continue
            if fc is F.ExtentFrame:
                if frame.ekind == "handler-bind":
                    types, procs = frame.data
                    for i in range(start, len(types)):
                        if cond.is_a(types[i]):
                            marker = F.CallbackFrame("handler_declined", (cond, severity, frame, i + 1, frame.next, signal_k),
                                                     signal_k, "handler")
                            self.k = marker
                            self.apply(procs[i], (cond,), frame.node)
                            return
                elif frame.ekind == "guard" and is_error and start == 0:
                    self.k = F.CallbackFrame("guard_declined", (cond, severity, frame, 0, frame.next, signal_k),
                                             signal_k, "guard")
                    self.guard_test(cond, frame, 0)
                    return
            start = 0
            frame = frame.next
        self.k = signal_k
        if severity == "signal":
            self.v, self.c = VOID, None
        elif severity == "warn":
            self.services.write_error(self.format_warning(cond) + "\n")
            self.v, self.c = VOID, None
        else:
            self.uncaught(cond)

    def handler_declined(self, _v: Any, cond: Condition, severity: str, frame: Any, i: int, _skip: Any,
                         signal_k: Any) -> None:
        self.search_handlers(cond, severity, frame, signal_k, i)

    def guard_declined(self, _v: Any, cond: Condition, severity: str, frame: Any, i: int, _skip: Any,
                       signal_k: Any) -> None:
        self.search_handlers(cond, severity, frame.next, signal_k, 0)

    def guard_test(self, cond: Condition, gframe: Any, i: int) -> None:
        """Evaluate guard clause `i`'s test at the signal point (the guard-declined marker on top)."""
        info = gframe.node.info
        if i >= len(info.shapes):
            # No clause applies: the guard declines; the marker below continues the search.
            self.v, self.c = VOID, None
            return
        test_node, _body = self._guard_clause_nodes(info, i)
        env = (gframe.env, info.layout, cond.payload)  # a raised non-condition: the object itself
        self.k = F.CallbackFrame("guard_tested", (cond, gframe, i, env), self.k, "guard")
        self.e = env
        self.c = test_node

    @staticmethod
    def _guard_clause_nodes(info: Any, i: int) -> tuple[Any, Any]:
        pos = 0
        for j, (has_body, _arrow) in enumerate(info.shapes):
            test = info.compiled[pos]
            body = info.compiled[pos + 1] if has_body else None
            if j == i:
                return test, body
            pos += 2 if has_body else 1
        raise IndexError(i)

    def guard_tested(self, v: Any, cond: Condition, gframe: Any, i: int, env: Any) -> None:
        if v is False:
            self.guard_test(cond, gframe, i + 1)
            return
        info = gframe.node.info
        _test, body = self._guard_clause_nodes(info, i)
        arrow = info.shapes[i][1]

        def then(m: Machine) -> None:
            m.e = env
            if body is None:
                m.v, m.c = v, None
            elif arrow:
                m.k = F.CallbackFrame("apply_to", (v, gframe.node), m.k)
                m.c = body
            else:
                m.c = body

        self.unwind_to(gframe.next, then)

    def retry_effect(self, _args: tuple[Any, ...], k: Any, node: Any, e: Any, op: str, eargs: tuple[Any, ...]) -> None:
        """The `retry` restart of an oracle error: perform the effect again."""
        self.k, self.e = k, e
        self.perform(sym(op), eargs, node)

    def fp_continue(self, args: tuple[Any, ...], fp: Any, node: Any, k: Any) -> None:
        from .control import fp_continue

        fp_continue(self, args, fp, node, k)

    def apply_to(self, proc: Any, arg: Any, node: Any) -> None:
        self.apply(proc, (arg,), node)

    def format_warning(self, cond: Condition) -> str:
        loc = cond.span.location() if cond.span is not None else "<unknown>"
        label = "warning" if cond.ctype is S_WARNING else cond.ctype.name
        return f"{loc}: {label}: {self.condition_text(cond)}"

    def condition_text(self, cond: Condition) -> str:
        """The message plus, for conditions made by error/warn/signal, each data item written."""
        from ..printer import write_repr

        text = cond.message
        if cond.user_made:
            for item in list_to_python(cond.data) or []:
                text += " " + write_repr(item, self.s)
        return text

    def uncaught(self, cond: Condition) -> None:
        for watcher in self.services.uncaught_watchers:
            if watcher(self, cond):
                return  # a debugger took control at the signal point
        raise Uncaught(cond, self.backtrace(cond))

    def backtrace(self, cond: Condition | None = None) -> list[tuple[str, Span | None]]:
        """Activations innermost first with the span each is evaluating (LANGUAGE.md 15.3)."""
        out: list[tuple[str, Span | None]] = []
        here = cond.span if cond is not None else self.current_span()
        k = self.k
        while k is not None:
            if k.__class__ is F.Activation:
                if not getattr(k.proc.lam.body, "builtin", False):
                    out.append((k.name, here))
                    here = k.site.span if not k.site.builtin else here
                elif not k.site.builtin and k.site.span is not None:
                    here = k.site.span
            k = k.next
        out.append(("<top-level>", here))
        return out

    # ---- restarts ---------------------------------------------------------------------------

    def active_restarts(self) -> list[Restart]:
        out: list[Restart] = []
        k = self.k
        while k is not None:
            kc = k.__class__
            if kc is F.CallbackFrame and k.method in ("handler_declined", "guard_declined"):
                out.extend(k.args[0].restarts)
            elif kc is F.ExtentFrame:
                if k.ekind == "restart-case":
                    for i, (name, _nparams, _rest, _layout, span) in enumerate(k.node.info.clauses):
                        out.append(Restart(name, (), span, ("restart_case_transfer", (k, i))))
                elif k.ekind == "restart-bind":
                    names = k.data[0]
                    for i, name in enumerate(names):
                        out.append(Restart(name, (), k.node.span, ("restart_bind_transfer", (k, i))))
                elif k.ekind == "signal-restarts":
                    out.extend(k.data)
            k = k.next
        return out

    def invoke_restart(self, target: Any, args: tuple[Any, ...], node: Any) -> None:
        restarts = self.active_restarts()
        chosen = None
        if isinstance(target, Restart):
            for r in restarts:
                if r is target or (r.target == target.target):
                    chosen = r
                    break
            name = target.name.name
        else:
            name = target.name if isinstance(target, Symbol) else str(target)
            for r in restarts:
                if r.name.name == name:
                    chosen = r
                    break
        if chosen is None:
            self.raise_error(OmegaError("no-such-restart", f"no active restart named {name}", (sym(name),)), node)
            return
        method, extra = chosen.target
        getattr(self, method)(args, *extra)

    def resume_with(self, args: tuple[Any, ...], k: Any) -> None:
        """`use-value` of a runtime error: the value of the failing expression."""
        self.k = k
        self.v = args[0] if args else VOID
        self.c = None

    def restart_case_transfer(self, args: tuple[Any, ...], frame: Any, i: int) -> None:
        name, nparams, rest, layout, _span = frame.node.info.clauses[i]
        body = frame.node.info.compiled[i]
        if len(args) < nparams or (not rest and len(args) > nparams):
            self.raise_error(arity_error(name.name, nparams, None if rest else nparams, len(args), VOID), frame.node)
            return
        vals = args[:nparams] + ((make_list(args[nparams:]),) if rest else ())
        entry_store = frame.data

        def then(m: Machine) -> None:
            m.undo_writes_since(entry_store)
            vs = m.box_values(layout, vals) if True in layout.boxed else vals
            m.e = (frame.env, layout, *vs)
            m.c = body

        self.unwind_to(frame.next, then)

    def restart_bind_transfer(self, args: tuple[Any, ...], frame: Any, i: int) -> None:
        procs = frame.data[1]
        entry_store = frame.data[2]
        proc = procs[i]

        def then(m: Machine) -> None:
            m.undo_writes_since(entry_store)
            m.apply(proc, args, frame.node)

        self.unwind_to(frame.next, then)

    def undo_writes_since(self, mark: tuple[immutables.Map[Any, Any], int]) -> None:
        """Writes to cells that existed at the restart point are undone; newer cells keep theirs.
        A container slot (vector, record, hash table) existed when its container did."""
        old, serial = mark
        cur = self.s
        if cur is old:
            return
        new = old
        for key, value in cur.items():
            if key in old:
                continue
            container = key[0] if key.__class__ is tuple and key and not isinstance(key[0], str) else key
            born = getattr(container, "serial", None)
            if born is not None and born < serial:
                continue  # existed at the restart point: back to its (initial) content
            new = new.set(key, value)
        self.s = new

    # ---- non-local transfers --------------------------------------------------------------

    def unwind_to(self, target_k: Any, then: Callable[[Machine], object], value: Any = VOID) -> None:
        """Leave every frame above `target_k` (after-thunks run, transactions roll back), then
        call `then` with the continuation set to `target_k`."""
        plan = self.exit_actions(self.k, target_k) + [("final", target_k, then)]
        self.run_plan(plan, 0)

    def exit_actions(self, from_k: Any, to_k: Any) -> list[tuple[Any, ...]]:
        actions: list[tuple[Any, ...]] = []
        for k in _own_extents(from_k, to_k):
            if k.ekind == "dynamic-wind":
                actions.append(("call", k.data[1], k.next))
            elif k.ekind == "with-transaction":
                actions.append(("rollback", k.data, k.next))
        return actions

    def enter_actions(self, from_k: Any, to_k: Any) -> list[tuple[Any, ...]]:
        entering: list[tuple[Any, ...]] = []
        for k in _own_extents(to_k, from_k):
            if k.ekind == "dynamic-wind":
                entering.append(("call", k.data[0], k.next))
            elif k.ekind == "with-transaction":
                entering.append(("check-open", k.data, k.next))
        entering.reverse()  # befores outermost first
        return entering

    def run_plan(self, plan: list[tuple[Any, ...]], i: int) -> None:
        while i < len(plan):
            action = plan[i]
            kind = action[0]
            if kind == "call":
                self.k = F.ActionsFrame(plan, i + 1, action[2])
                self.apply(action[1], (), None)
                return
            if kind == "rollback":
                self.k = action[2]
                self.rollback_tx(action[1], "exit")
            elif kind == "check-open":
                if not self.tx_is_open(action[1]):
                    self.k = action[2]
                    self.raise_error(OmegaError("transaction-error",
                                                "transaction: cannot re-enter a transaction that is no longer open"),
                                     None)
                    return
            elif kind == "final":
                self.k = action[1]
                action[2](self)
                return
            i += 1

    def invoke_continuation(self, f: ContinuationProc, args: tuple[Any, ...], node: Any) -> None:
        # Several arguments are delivered as `values` would (LANGUAGE.md 17.9); none, as before, as void.
        value = args[0] if len(args) == 1 else make_values(args) if args else VOID
        target = f.k
        plan = self.exit_actions(self.k, target) + self.enter_actions(self.k, target)

        def then(m: Machine) -> None:
            m.v, m.c = value, None

        plan.append(("final", target, then))
        self.run_plan(plan, 0)

    def invoke_resumption(self, f: Resumption, args: tuple[Any, ...], node: Any) -> None:
        if len(args) > 1:
            self.raise_error(arity_error("continuation", 0, 1, len(args), f), node)
            return
        value = args[0] if args else VOID
        segment = []
        k = f.top
        while k is not f.base:
            segment.append(k)
            k = k.next
        if f.include_base:
            segment.append(f.base)
        base = self.k
        for frame in segment[::-1]:
            base = frame.rebased(base)
        self.k = base
        self.v, self.c = value, None

    # ---- effects --------------------------------------------------------------------------

    def perform(self, op: Symbol, args: tuple[Any, ...], node: Any) -> None:
        """Dispatch an effect: the innermost `handle` with a clause for `op`, else a built-in
        operation, else `unhandled-effect` (LANGUAGE.md 4.1)."""
        if self.watched_calls and "effect:" + op.name in self.watched_calls:
            for watcher in self.services.call_watchers:
                watcher(self, "effect:" + op.name)
        k = self.k
        while k is not None:
            if k.__class__ is F.HandleFrame:
                clause = k.node.clauses.get(op)
                if clause is not None:
                    if len(args) != clause.nparams:
                        self.raise_error(arity_error(op.name, clause.nparams, clause.nparams, len(args), VOID), node)
                        return
                    resumption = Resumption(self.k, k, True)
                    self.k = k.next
                    self.e = (k.env, clause.layout, *args, resumption)
                    if True in clause.layout.boxed:
                        self.e = (k.env, clause.layout, *self.box_values(clause.layout, (*args, resumption)))
                    self.c = clause.body
                    return
            k = k.next
        from .effects import builtin_effect

        builtin_effect(self, op, args, node)

    # ---- match ----------------------------------------------------------------------------

    def match(self, node: Any, env: Any, value: Any) -> None:
        from ..equality import equal

        for pattern, layout, body in node.clauses:
            slots: list[Any] = [MISSING] * len(layout.bindings)
            if _match(pattern, value, slots, self.s, equal):
                vals = tuple(slots)
                if True in layout.boxed:
                    vals = self.box_values(layout, vals)
                self.e = (env, layout, *vals)
                self.c = body
                return
        from ..printer import write_repr

        self.raise_error(OmegaError("match-failure", f"match: no clause matches {write_repr(value, self.s)}",
                                    (value,)), node)

    # ---- extents --------------------------------------------------------------------------

    def enter_extent(self, node: Any, vals: tuple[Any, ...], env: Any) -> None:
        kind = node.kind
        info = node.info
        self.e = env
        data: Any = None
        if kind == "with-transaction":
            data = self.open_tx(node)
        elif kind == "with-budget":
            data = self.open_budget(node, info.dims, vals)
            if data is None:
                return
        elif kind == "with-capabilities":
            data = frozenset(info.caps)
        elif kind == "handler-bind":
            data = (tuple(info.types), vals)
        elif kind == "restart-bind":
            data = (tuple(info.names), vals, (self.s, next_serial()))
        elif kind == "restart-case":
            data = (self.s, next_serial())
        elif kind == "amb-collect":
            cid = self.next_id("collect")
            data = (cid, self.s, self.r)
        self.k = F.ExtentFrame(kind, node, env, data, self.k)
        self.c = node.body

    def exit_extent(self, frame: Any, v: Any) -> None:
        kind = frame.ekind
        self.v, self.c = v, None
        if kind == "with-transaction":
            if self.tx_is_open(frame.data):
                self.commit_tx(frame.data, v)
        elif kind == "amb-collect":
            self.k = frame  # stay inside: collect the value and force a failure
            cid = frame.data[0]
            mono = self.r.mono
            got = mono.collected.get(cid, ()) + (v,)
            self.r = attrs.evolve(self.r, mono=attrs.evolve(mono, collected=mono.collected.set(cid, got)))
            self.fail(sym("amb-collect"), None)
        elif kind == "dynamic-wind":
            self.k = F.ReturnValueFrame(v, self.k)
            self.apply(frame.data[1], (), None)
        elif kind == "prompt":
            pass

    # ---- transactions ---------------------------------------------------------------------

    def open_tx(self, node: Any) -> int:
        tid = self.next_id("tx")
        cp_mark = self.r.mono.ids.get("cp", 0) + 1
        tx = Transaction(tid, node.span, "open", cp_mark=cp_mark)
        self.r = attrs.evolve(self.r, txs=self.r.txs + (tx,))
        self.services.emit("transaction-begin", {"id": f"tx-{tid}"})
        return tid

    def mark_tx(self, tid: int, status: str) -> None:
        """Closed transactions' statuses live in the store (restored with it)."""
        self.s = self.s.set(("tx-status", tid), status)

    def tx_status(self, tid: int) -> str:
        for tx in self.r.txs:
            if tx.tid == tid:
                return str(tx.status)
        return str(self.s.get(("tx-status", tid), "open"))

    def tx_is_open(self, tid: int) -> bool:
        return any(tx.tid == tid for tx in self.r.txs)

    def _tx_index(self, tid: int) -> int:
        for i, tx in enumerate(self.r.txs):
            if tx.tid == tid:
                return i
        raise KeyError(tid)

    def commit_tx(self, tid: int, value: Any) -> None:
        i = self._tx_index(tid)
        txs = self.r.txs
        # Inner transactions still open (an early exit through commit of an outer one) commit too.
        while len(txs) - 1 > i:
            self._commit_innermost()
            txs = self.r.txs
        self._commit_innermost()

    def _commit_innermost(self) -> None:
        txs = self.r.txs
        tx = txs[-1]
        if len(txs) > 1:
            parent = txs[-2]
            merged = attrs.evolve(parent, undo=parent.undo + tx.undo, proposals=parent.proposals + tx.proposals,
                                  external=parent.external + tx.external)
            self.r = attrs.evolve(self.r, txs=txs[:-2] + (merged,))
            self.services.emit("transaction-commit", {"id": f"tx-{tx.tid}", "nested": True})
            return
        self.r = attrs.evolve(self.r, txs=())
        failure = self.services.perform_external(self, tx.external)
        if failure is not None:
            self._undo(tx.undo)
            self.mark_tx(tx.tid, "failed")
            kind, target, detail = failure
            self.raise_error(OmegaError("commit-failed", f"commit failed: {detail}", (sym(kind), target, detail)), None)
            return
        self.mark_tx(tx.tid, "committed")
        # A committed world cannot be backtracked into.
        self.r = attrs.evolve(self.r, choices=tuple(cp for cp in self.r.choices if cp.cid < tx.cp_mark))
        self.services.emit("transaction-commit", {"id": f"tx-{tx.tid}", "nested": False})

    def rollback_tx(self, tid: int, why: str) -> None:
        """Roll back `tid` and every transaction opened inside it."""
        if not self.tx_is_open(tid):
            return
        i = self._tx_index(tid)
        for watcher in self.services.rollback_watchers:
            watcher(self, self.r.txs[i], why)
        while len(self.r.txs) > i:
            tx = self.r.txs[-1]
            self.r = attrs.evolve(self.r, txs=self.r.txs[:-1])
            self._undo(tx.undo)
            self.mark_tx(tx.tid, "rolled-back")
            self.services.emit("transaction-rollback", {"id": f"tx-{tx.tid}"})

    def _undo(self, undo: tuple[tuple[Any, ...], ...]) -> None:
        s = self.s
        facts = self.r.facts
        for kind, key, old in undo[::-1]:
            if kind == "cell":
                s = s.delete(key) if old is MISSING and key in s else (s if old is MISSING else s.set(key, old))
            else:
                facts = facts.delete(key) if old is None and key in facts else (facts if old is None else facts.set(key, old))
        self.s = s
        self.r = attrs.evolve(self.r, facts=facts)
        for watcher in self.services.write_watchers:
            for kind, key, _old in undo:
                if kind == "cell":
                    watcher(self, key)

    def record_fact_change(self, key: Any, old_entry: Any, kind: str, old: Any, new: Any) -> None:
        if self.r.txs:
            rec = ProposalRecord(kind, key, old, new, self.current_span())
            self._update_tx(lambda tx: attrs.evolve(tx, undo=tx.undo + (("fact", key, old_entry),),
                                                    proposals=tx.proposals + (rec,)))

    def propose_external(self, proposal: Any, target: Any) -> None:
        rec = ProposalRecord(proposal.kind, target, VOID, proposal, self.current_span())
        self._update_tx(lambda tx: attrs.evolve(tx, proposals=tx.proposals + (rec,),
                                                external=tx.external + (proposal,)))

    # ---- budgets --------------------------------------------------------------------------

    def open_budget(self, node: Any, dims: list[str], vals: tuple[Any, ...]) -> Budget | None:
        limits = []
        for dim, val in zip(dims, vals):
            if val.__class__ is bool or not isinstance(val, (int, float)) or val < 0:
                self.raise_error(OmegaError("wrong-type", f"with-budget: expected number, got {val!r}", ("number", val)), node)
                return None
            limits.append((dim, val))
        if any(dim == "seconds" for dim, _ in limits):
            self.timed_budgets = True
        order = ["steps", "llm-calls", "tokens", "seconds"]
        limits.sort(key=lambda x: order.index(x[0]))
        mono = self.r.mono
        b = Budget(self.next_id("budget"), tuple(limits), self.t, mono.llm_calls, mono.tokens, time.monotonic(), node.span)
        for dim, lim in limits:
            if dim == "steps":
                deadline = self.t + lim
                if deadline < self.r.step_deadline:
                    self.r = attrs.evolve(self.r, step_deadline=deadline)
        self.reset_check()
        return b

    def active_budgets(self) -> list[tuple[Any, Budget]]:
        out = []
        k = self.k
        while k is not None:
            if k.__class__ is F.ExtentFrame and k.ekind == "with-budget":
                out.append((k, k.data))
            k = k.next
        return out

    def budget_limit(self, b: Budget, dim: str) -> int | float | None:
        extra = self.s.get(("budget-extra", b.bid, dim), 0)
        for d, lim in b.limits:
            if d == dim:
                return lim + extra  # type: ignore[no-any-return]
        return None

    def budget_used(self, b: Budget, dim: str) -> int | float:
        mono = self.r.mono
        if dim == "steps":
            return self.t - b.start_t
        if dim == "llm-calls":
            return mono.llm_calls - b.start_llm
        if dim == "tokens":
            return mono.tokens - b.start_tokens
        return time.monotonic() - b.start_time

    def check_step_budget(self) -> None:
        deadline = math.inf
        for frame, b in self.active_budgets():
            lim = self.budget_limit(b, "steps")
            if lim is None:
                continue
            if self.budget_used(b, "steps") > lim:
                self.r = attrs.evolve(self.r, step_deadline=math.inf)
                self.budget_exceeded(frame, b, "steps", lim)
                return
            deadline = min(deadline, b.start_t + lim + 1)
        self.r = attrs.evolve(self.r, step_deadline=deadline)

    def check_seconds_budget(self) -> None:
        if not self.timed_budgets:
            return
        for frame, b in self.active_budgets():
            lim = self.budget_limit(b, "seconds")
            if lim is not None and self.budget_used(b, "seconds") > lim:
                self.budget_exceeded(frame, b, "seconds", lim)
                return

    def check_budget_before_oracle(self, node: Any, op: str, args: tuple[Any, ...]) -> bool:
        """True when an oracle request may be sent; else signals budget-exceeded, whose
        `increase-budget` restart performs the effect again."""
        resume = ("retry_effect", (self.k, node, self.e, op, args))
        for frame, b in self.active_budgets():
            lim = self.budget_limit(b, "llm-calls")
            if lim is not None and self.budget_used(b, "llm-calls") + 1 > lim:
                self.budget_exceeded(frame, b, "llm-calls", lim, node, resume)
                return False
            lim = self.budget_limit(b, "seconds")
            if lim is not None and self.budget_used(b, "seconds") > lim:
                self.budget_exceeded(frame, b, "seconds", lim, node, resume)
                return False
        return True

    def check_tokens_after_oracle(self) -> None:
        for frame, b in self.active_budgets():
            lim = self.budget_limit(b, "tokens")
            if lim is not None and self.budget_used(b, "tokens") > lim:
                self.budget_exceeded(frame, b, "tokens", lim)
                return

    def budget_exceeded(self, frame: Any, b: Budget, dim: str, limit: int | float, node: Any = None,
                        resume: tuple[str, tuple[Any, ...]] | None = None) -> None:
        used = self.budget_used(b, dim)
        shown = _num_text(limit)
        err = OmegaError("budget-exceeded", f"{dim} budget of {shown} exceeded",
                         (sym(dim), limit, used if dim != "seconds" else float(used)), restarts=())
        if resume is None:  # a step or time limit: continue where the machine stands
            resume = ("resume_state", (self.c, self.v, self.e, self.k))
        err.extra_restarts = (  # type: ignore[attr-defined]
            Restart(sym("increase-budget"), ("amount",), None, ("increase_budget", (b, dim, resume))),
            Restart(sym("abort"), ("value",), None, ("abort_budget", (frame,))),
        )
        self.services.emit("budget-exceeded", {"dimension": dim, "limit": limit})
        self.raise_error(err, node if node is not None else self.c)

    def increase_budget(self, args: tuple[Any, ...], b: Budget, dim: str, resume: tuple[str, tuple[Any, ...]]) -> None:
        amount = args[0] if args else 0
        key = ("budget-extra", b.bid, dim)
        self.s = self.s.set(key, self.s.get(key, 0) + amount)
        if dim == "steps":
            self.r = attrs.evolve(self.r, step_deadline=self.t + 1)
        self.reset_check()
        getattr(self, resume[0])((), *resume[1])

    def resume_state(self, _args: tuple[Any, ...], c: Any, v: Any, e: Any, k: Any) -> None:
        self.c, self.v, self.e, self.k = c, v, e, k

    def abort_budget(self, args: tuple[Any, ...], frame: Any) -> None:
        value = args[0] if args else False

        def then(m: Machine) -> None:
            m.v, m.c = value, None

        self.unwind_to(frame.next, then)

    def budget_remaining(self) -> list[tuple[str, int | float]]:
        dims: dict[str, int | float] = {}
        for _frame, b in self.active_budgets():
            for dim, _lim in b.limits:
                lim = self.budget_limit(b, dim)
                assert lim is not None
                left = lim - self.budget_used(b, dim)
                if dim != "seconds":
                    left = max(0, left)
                dims[dim] = min(dims.get(dim, math.inf), left)
        order = ["steps", "llm-calls", "tokens", "seconds"]
        return [(d, float(dims[d]) if d == "seconds" else int(dims[d])) for d in order if d in dims]

    # ---- capabilities ---------------------------------------------------------------------

    def capabilities(self) -> frozenset[str]:
        caps = frozenset(self.services.granted_capabilities)
        k = self.k
        while k is not None:
            if k.__class__ is F.ExtentFrame and k.ekind == "with-capabilities":
                caps = caps & k.data
            k = k.next
        return caps

    # ---- amb ------------------------------------------------------------------------------

    def current_boundary(self) -> tuple[int, Any]:
        k = self.k
        while k is not None:
            if k.__class__ is F.ExtentFrame and k.ekind == "amb-collect":
                return k.data[0], k
            k = k.next
        return 0, None

    def choose(self, thunks: list[Any], node: Any) -> None:
        if not thunks:
            self.fail(sym("amb"), node)
            return
        if len(thunks) > 1:
            r = self.r
            mono = r.mono
            cid = mono.ids.get("cp", 0) + 1
            boundary, _ = self.current_boundary()
            alt_spans = tuple(getattr(getattr(getattr(t, "lam", None), "body", None), "span", None) for t in thunks)
            cp = ChoicePoint(cid, self.span_of(node), alt_spans, self.snapshot(), tuple(thunks[1:]), len(thunks), 1,
                             self.t, boundary, node)
            self.r = attrs.evolve(r, choices=r.choices + (cp,),
                                  mono=attrs.evolve(mono, ids=mono.ids.set("cp", cid)))
            if self.services.listening:
                self.services.emit("amb-choice", {"id": f"cp-{cid}", "alternatives": len(thunks)})
        self.apply(thunks[0], (), node)

    def fail(self, reason: Any, node: Any) -> None:
        for watcher in self.services.fail_watchers:
            watcher(self, reason, node)
        boundary, bframe = self.current_boundary()
        choices = self.r.choices
        if choices and choices[-1].boundary == boundary:
            self.resume_choice(choices[-1], None)
            return
        if bframe is not None:
            self.finish_collect(bframe)
            return
        self.raise_error(OmegaError("amb-exhausted", "amb: no more choices", (reason,), restarts=()), node)

    def resume_choice(self, cp: ChoicePoint, index: int | None) -> None:
        """Restore `cp`'s state and take its next untried alternative (or the one at `index`,
        0-based among the remaining)."""
        i = 0 if index is None else index
        thunk = cp.remaining[i]
        rest = cp.remaining[:i] + cp.remaining[i + 1:]
        mono = self.r.mono
        choices = tuple(c for c in self.r.choices if c.cid < cp.cid)
        if rest:
            choices += (attrs.evolve(cp, remaining=rest, tried=cp.tried + 1),)
        st = cp.state
        self.c, self.v, self.e, self.k, self.s, self.nc = None, VOID, st.e, st.k, st.s, st.nc
        self.r = attrs.evolve(st.r, choices=choices, mono=mono)
        if self.services.listening:
            self.services.emit("amb-backtrack", {"id": f"cp-{cp.cid}", "alternative": cp.total - len(cp.remaining) + i + 1})
        # The polling schedule restarts before the watchers run: a watcher (the debugger) may ask
        # for the slow path right after this step, and that request must not be reset away.
        self.reset_check()
        for watcher in self.services.backtrack_watchers:
            watcher(self, cp, i)
        self.apply(thunk, (), cp.node)

    def finish_collect(self, frame: Any) -> None:
        cid, entry_store, entry_regs = frame.data
        mono = self.r.mono
        values = mono.collected.get(cid, ())
        self.s = entry_store
        self.r = attrs.evolve(entry_regs, mono=attrs.evolve(mono, collected=mono.collected.delete(cid)
                                                             if cid in mono.collected else mono.collected))
        self.k = frame.next
        self.v, self.c = make_list(list(values)), None
        self.reset_check()

    # ---- promises -------------------------------------------------------------------------

    def force(self, p: Any, node: Any) -> None:
        if not isinstance(p, Promise):
            self.v, self.c = p, None
            return
        st = p.state(self.s)
        if st[0] == "value":
            self.v, self.c = st[1], None
            return
        _, body, env, chain = st
        self.k = F.CallbackFrame("forced", (p, node, chain), self.k, "force")
        self.e = env
        self.c = body

    def forced(self, v: Any, p: Promise, node: Any, chain: bool) -> None:
        st = p.state(self.s)
        if st[0] == "value":  # forced re-entrantly meanwhile: the first value wins
            self.v, self.c = st[1], None
            return
        if chain:
            if isinstance(v, Promise):
                inner = v.state(self.s)
                if inner[0] == "value":
                    self.s = self.s.set(p, ("value", inner[1]))
                    self.v, self.c = inner[1], None
                    return
                # Iterate: p now shares the inner promise's pending computation (constant depth).
                self.s = self.s.set(p, inner)
                self.force(p, node)
                return
        self.s = self.s.set(p, ("value", v))
        self.v, self.c = v, None


def _num_text(x: int | float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def _match(pattern: Any, value: Any, slots: list[Any], store: Any, equal: Callable[[Any, Any, Any], bool]) -> bool:
    """Iterative pattern matching; fills `slots`. Repeat binders collect lists."""
    work: list[tuple[Any, Any]] = [(pattern, value)]
    while work:
        pat, val = work.pop()
        kind = pat[0]
        if kind == "any":
            continue
        if kind == "bind":
            _, slot, first = pat
            if first and slots[slot] is MISSING:
                slots[slot] = val
            elif not equal(slots[slot], val, store):
                return False
            continue
        if kind == "const":
            if not equal(pat[1], val, store):
                return False
            continue
        if kind == "vec":
            if not isinstance(val, Vector) or len(val) != len(pat[1]):
                return False
            work.extend(reversed(list(zip(pat[1], val.elements(store)))))
            continue
        _, items, tail, repeat, repeat_slots = pat
        cur = val
        pending: list[tuple[Any, Any]] = []
        for sub in items:
            if not isinstance(cur, Pair):
                return False
            pending.append((sub, cur.car))
            cur = cur.cdr
        if repeat is not None:
            elems = list_to_python(cur)
            if elems is None:
                return False
            collected: list[list[Any]] = [[] for _ in repeat_slots]
            for item in elems:
                sub_slots = list(slots)
                for s in repeat_slots:
                    sub_slots[s] = MISSING
                if not _match(repeat, item, sub_slots, store, equal):
                    return False
                for j, s in enumerate(repeat_slots):
                    collected[j].append(sub_slots[s])
            for j, s in enumerate(repeat_slots):
                slots[s] = make_list(collected[j])
        elif tail is not None:
            pending.append((tail, cur))
        elif cur is not NIL:
            return False
        work.extend(reversed(pending))  # left to right: a repeated ?x compares with the first
    return True


__all__ = ["Machine", "MachineHalt", "ProgramExit", "Uncaught", "PromptTag", "OracleProcedure"]
