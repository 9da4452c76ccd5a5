"""The CESK machine: its registers as attributes, the step loop, application, effects, conditions,
restarts, non-local transfers and the extents (LANGUAGE.md 4, 6-12, 16).

The machine state is (c, v, e, k, s, r, nc, t): control node (None while returning `v`),
environment, continuation, store, registers, next cell key, transition count. Every field is an
immutable or persistent structure, so `snapshot()` is O(1) and `restore()` is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import immutables
from mypy_extensions import mypyc_attr

from ..conditions import OmegaError
from ..span import Span
from ..values import (
    MISSING,
    VOID,
    Condition,
    Primitive,
    PromptTag,
    Restart,
    Symbol,
    make_list,
    sym,
)
from . import application, budgets, choice, effects, extents, handlers, patterns, promises, stores, transfers
from . import frames as F
from . import nodes as N
from .frames import Activation as new_activation
from .frames import AppFrame as new_app_frame
from .frames import EffectFrame as new_effect_frame
from .frames import IfFrame as new_if_frame
from .frames import LetFrame as new_let_frame
from .frames import SeqFrame as new_seq_frame
from .halts import ERROR_SUPERS, NEVER
from .halts import MachineHalt as MachineHalt
from .halts import ProgramExit as ProgramExit
from .halts import Uncaught as Uncaught
from .layout import GLOBAL_ENV, Layout
from .procedures import Closure, OracleProcedure
from .procedures import Closure as new_closure
from .registers import Registers
from .signals import poll_signals
from .state import NO_CHOICES, ChoicePoint, State, new_record


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
        # Globals below the store: built-in definitions (the prelude's procedures) that are the
        # same in every state, so no state holds them; a name the store lacks is looked up here,
        # and one still pending is made on first use (its factory runs once). A store binding of
        # the same name (a program's define or set!) hides it.
        self.builtin_globals: dict[Any, Any] = {}
        self.pending_globals: dict[Any, Callable[[], Any]] = {}
        self.r = Registers()
        self.nc = 1
        # Statistics of the machine's life (never rewound by time travel): choice points made
        # and backtracks taken (the amb subsystem's counts).
        self.choices_made = 0
        self.backtracks = 0
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
        # Whether an oracle answer (a provenance root) has been seen: until then no primitive
        # result can derive provenance, so none is asked to (LANGUAGE.md 5.7).
        self.provenance_seen = False
        self.polled_at = 0  # the step count at the slow path's last poll (signals, seconds budget)

    # ---- state --------------------------------------------------------------------------

    def snapshot(self) -> State:
        st: State = new_record(State, (self.c, self.v, self.e, self.k, self.s, self.r, self.nc, self.t))
        return st

    def restore(self, st: State) -> None:
        self.c, self.v, self.e, self.k, self.s, self.r, self.nc, self.t = st
        self.reset_check()

    def reset_check(self) -> None:
        if self.every_step:
            self.check_at = self.t + 1
            return
        r = self.r
        at = self.t + self.poll_every
        if r.step_deadline < at:
            at = int(r.step_deadline)
        fibers = r.fibers
        if fibers is not None and fibers.ready and fibers.slice_end:
            # Preempt exactly at the slice's end, whatever the polling phase: the schedule
            # must not depend on where a run (or a debugger's resume) started.
            at = min(at, fibers.slice_end)
        self.check_at = NEVER if at >= NEVER else at

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
        self.r = self.r._replace(form=0, choices=NO_CHOICES)
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

        The only stepping loop: one transition per iteration (or several that nothing can tell
        apart, below); when a debugger records, each new state is appended to `record` (two
        references, debug/history.py); its hooks run on the slow path and at trapped nodes
        (breakpoints, `set_traps`), where the debugger decides whether to stop.

        The registers c, v, e, k and the count t live in locals while the loop handles the
        commonest nodes and frames itself (an attribute write and a method call per step were
        the loop's largest costs); they are written back to the machine before any other node's
        `step` or frame's `resume` runs, before the slow path, on return and on an exception,
        and read again after. Each inline transition does exactly what the node's or frame's
        own method does, so step counts and recorded states are the same either way; `amb`'s
        two effects are performed here too (choice.perform_amb). Where no state between could be
        seen (none recorded, no check due), several steps are taken in one iteration, counted as
        the steps they would be: a call's variable and constant parts (operator, arguments) and
        its application, an `amb` of thunks or a `require`'s failure and its performing, the pop
        of an activation a value leaves."""
        record: list[Any] | None = self.record
        kconst, klocal, klocal0, klocal1, klocal2, kglobal = N.KConst, N.KLocal, N.KLocal0, N.KLocal1, N.KLocal2, N.KGlobal
        kapp, kif, kseq, klambda, klet = N.KApp, N.KIf, N.KSeq, N.KLambda, N.KLet
        keffect, kthunks = N.KEffect, N.KThunks
        appframe, ifframe, seqframe, letframe, activation = F.AppFrame, F.IfFrame, F.SeqFrame, F.LetFrame, F.Activation
        effectframe = F.EffectFrame
        closure, primitive = Closure, Primitive
        missing, no_procedure, not_performed = MISSING, F.NO_PROCEDURE, choice.NOT_PERFORMED
        vals: tuple[Any, ...]
        app: Any  # the call site where `f` is applied (a call, or an amb applying a thunk)
        f: Any
        c: Any = self.c
        v: Any = self.v
        e: Any = self.e
        k: Any = self.k
        t: int = self.t
        check_at: int = self.check_at
        live = True  # whether the locals, not the attributes, hold the state
        # Whether the step was narrow (what `step` and `resume` return), read only when recording:
        # the steps handled inline that are narrow leave it True, the others set it.
        narrow: bool | None = True
        applying = False  # whether the step ends applying `f` (below the dispatch, shared by two paths)
        gathering = False  # whether it takes parts of the call `call` after those `taken` (below)
        taken: tuple[Any, ...]
        call: N.KApp
        # Classes are compared through locals but constructed through global names (`new_*`:
        # compiled, the classes' native constructors), and `type(x)` is preferred to
        # `x.__class__`: interpreted that costs a few nanoseconds, but compiled those are direct
        # calls. So are the typed names below (`node_app: N.KApp = c`):
        # mypyc reads their fields directly instead of looking them up by name.
        try:
            while True:
                if c is not None:
                    cc = type(c)
                    if cc is kapp:
                        node_app: N.KApp = c
                        if record is None and t + 2 + 2 * node_app.nargs < check_at:
                            call = node_app  # its parts taken below, from the first
                            taken = ()
                            gathering = True
                        else:
                            k = new_app_frame(node_app, e, (), k)
                            c = node_app.fn
                    elif cc is kif:
                        node_if: N.KIf = c
                        k = new_if_frame(node_if, e, k)
                        c = node_if.test
                    elif cc is kseq:
                        node_seq: N.KSeq = c
                        exprs = node_seq.exprs
                        if not exprs:
                            v = VOID
                            c = None
                        else:
                            if len(exprs) > 1:
                                k = new_seq_frame(node_seq, e, 1, k)
                            c = exprs[0]
                    elif cc is klocal0:
                        node_local0: N.KLocal0 = c
                        v = e[node_local0.slot]
                        c = None
                    elif cc is klocal1:
                        node_local1: N.KLocal1 = c
                        v = e[0][node_local1.slot]
                        c = None
                    elif cc is kconst:
                        node_const: N.KConst = c
                        v = node_const.value
                        c = None
                    elif cc is kglobal:
                        node_global: N.KGlobal = c
                        gv = self.s.get(node_global.name, missing)
                        if gv is missing:
                            gv = self.builtin_globals.get(node_global.name, missing)
                        if gv is not missing:
                            v = gv
                            c = None
                        else:  # unbound: the node's own step signals it, as below
                            self.c, self.v, self.e, self.k, self.t = c, v, e, k, t
                            live = False
                            narrow = node_global.step(self)
                            c, v, e, k, check_at = self.c, self.v, self.e, self.k, self.check_at
                            live = True
                    elif cc is keffect and c.args:
                        node_effect: N.KEffect = c
                        k = new_effect_frame(node_effect, e, (), k)
                        c = node_effect.args[0]
                        if node_effect.amb and record is None and t + 3 < check_at:
                            # As for a call below: an amb whose argument is its thunks or a
                            # constant (a `require`) meets its frame and is performed at once
                            # when nothing can see the two states between.
                            arg_class = type(c)
                            if arg_class is kthunks or arg_class is kconst:
                                if arg_class is kthunks:
                                    arg_thunks: N.KThunks = c
                                    v = arg_thunks.thunks(e)
                                else:
                                    arg_const: N.KConst = c
                                    v = arg_const.value
                                c = None
                                t += 2
                                self.c, self.v, self.e, self.k, self.t = c, v, e, k, t
                                live = False
                                alternative = choice.perform_amb(self, k, v)
                                if alternative is not_performed:  # handled or watched: the frame's own resume, next
                                    t -= 1
                                else:
                                    c, v, e, k, check_at = self.c, self.v, self.e, self.k, self.check_at
                                    if alternative is not None:  # the alternative taken, applied below
                                        f, app = alternative
                                        vals = ()
                                        n = 0
                                        applying = True
                                live = True
                    elif cc is klet:
                        node_let: N.KLet = c
                        if node_let.inits:
                            k = new_let_frame(node_let, e, (), k)
                            c = node_let.inits[0]
                        else:
                            e = (e, node_let.layout)
                            c = node_let.body
                            narrow = None
                    elif cc is klocal2:
                        node_local2: N.KLocal2 = c
                        v = e[0][0][node_local2.slot]
                        c = None
                    elif cc is klambda:
                        v = new_closure(c, e)
                        c = None
                    elif cc is kthunks:
                        node_thunks: N.KThunks = c
                        v = node_thunks.thunks(e)
                        c = None
                    elif cc is klocal and not c.boxed:
                        node_local: N.KLocal = c
                        env = e
                        for _ in range(node_local.depth):
                            env = env[0]
                        v = env[node_local.slot]
                        c = None
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
                    kc = type(k)
                    if kc is activation and record is None and t + 1 < check_at:
                        # The value leaves a procedure: its activation popped at once, a step
                        # nothing sees (none recorded, no check due), and the frame below met now.
                        leaving: F.Activation = k
                        k = leaving.next
                        t += 1
                        if k is None:
                            self.c, self.v, self.e, self.k, self.t = c, v, e, k, t
                            return v
                        kc = type(k)
                    if kc is appframe:
                        frame_app: F.AppFrame = k
                        call = frame_app.node
                        f = frame_app.fn
                        if f is no_procedure:
                            f = v
                            vals = ()
                        else:
                            vals = frame_app.vals + (v,)
                        n = len(vals)
                        if n < call.nargs:
                            env = frame_app.env
                            if call.taken_at_once[n + 1] and record is None and t + 2 * (call.nargs - n) < check_at:
                                taken = (f, *vals)  # the next parts taken below
                                k = frame_app.next
                                e = env
                                gathering = True
                            else:
                                k = new_app_frame(call, env, vals, frame_app.next, f)
                                c = call.parts[n + 1]
                                narrow = e is env
                                e = env
                        else:
                            k = frame_app.next
                            app = call
                            applying = True
                    elif kc is activation:
                        frame_act: F.Activation = k
                        k = frame_act.next
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
                            v = VOID
                    elif kc is letframe:
                        frame_let: F.LetFrame = k
                        let: N.KLet = frame_let.node
                        vals = frame_let.vals + (v,)
                        n = len(vals)
                        if n < len(let.inits):
                            env = frame_let.env
                            k = new_let_frame(let, env, vals, frame_let.next)
                            c = let.inits[n]
                            narrow = e is env
                            e = env
                        else:
                            layout = let.layout
                            if layout.any_boxed:
                                vals = self.box_values(layout, vals)  # new cells: store and counter only
                            e = (frame_let.env, layout, *vals)
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
                            k = new_seq_frame(seq, env, i + 1, frame_seq.next)
                        c = seq.exprs[i]
                    else:
                        self.c, self.v, self.e, self.k, self.t = c, v, e, k, t
                        live = False
                        alternative = choice.perform_amb(self, k, v) if kc is effectframe else not_performed
                        if alternative is not_performed:
                            narrow = k.resume(self, v)
                        else:
                            narrow = None
                            if alternative is not None:  # the alternative taken, applied below
                                f, app = alternative
                                vals = ()
                                n = 0
                                applying = True
                        c, v, e, k, check_at = self.c, self.v, self.e, self.k, self.check_at
                        live = True
                if gathering:
                    # Nothing sees a call's states before its last value meets its frame (none is
                    # recorded, no check is due, a trapped node has another class): its parts from
                    # the first not `taken`, up to one neither a variable nor a constant, are taken
                    # at once, counted as the steps they would be (two a part), no frame between.
                    gathering = False
                    first = len(taken)
                    store = self.s
                    part: Any
                    for part in call.parts[first:] if first else call.parts:
                        part_class = type(part)
                        if part_class is klocal0:
                            part_local0: N.KLocal0 = part
                            pv = e[part_local0.slot]
                        elif part_class is kglobal:
                            part_global: N.KGlobal = part
                            known = part_global.known
                            if known[0] is store:
                                pv = known[1]
                            else:
                                pv = store.get(part_global.name, missing)
                                if pv is not missing:
                                    part_global.known = (store, pv)
                                else:
                                    pv = self.builtin_globals.get(part_global.name, missing)
                                    if pv is missing:
                                        break  # unbound: its own step signals it
                        elif part_class is kconst:
                            part_const: N.KConst = part
                            pv = part_const.value
                        elif part_class is klocal1:
                            part_local1: N.KLocal1 = part
                            pv = e[0][part_local1.slot]
                        elif part_class is klocal2:
                            part_local2: N.KLocal2 = part
                            pv = e[0][0][part_local2.slot]
                        else:
                            break
                        taken += (pv,)
                    j = len(taken)
                    t += 2 * (j - first)
                    if j > first:
                        v = taken[-1]
                    if j <= call.nargs:  # at part j: in the frame made for it
                        k = new_app_frame(call, e, taken[1:], k, taken[0]) if j else new_app_frame(call, e, (), k)
                        c = call.parts[j]
                    else:  # the last argument's value meets the frame, never made: applied below
                        app = call
                        f = taken[0]
                        vals = taken[1:]
                        n = j - 1
                        c = None
                        applying = True
                if applying:  # a procedure applied to its arguments `vals` at the call `app`
                    applying = False
                    fc = type(f)
                    applied = False
                    if fc is closure:
                        args = vals
                        proc: Closure = f
                        lam: N.KLambda = proc.lam
                        if lam.plain_arity == n:
                            if type(k) is not activation:
                                k = new_activation(proc, app, args, k)
                                applied = True
                            elif not lam.body.builtin:
                                # A tail call replaces the caller's activation, keeping
                                # where that one was called (as Machine.apply does).
                                caller: F.Activation = k
                                k = new_activation(proc, caller.site, args, caller.next)
                                applied = True
                            if applied:
                                e = (proc.env, lam.layout, *args)
                                c = lam.body
                                narrow = None
                    elif fc is primitive:
                        prim: Primitive = f
                        pair_op = prim.pair_op
                        if (pair_op is not None and n == 2
                                and type(a := vals[0]) is (pt := prim.pair_type)
                                and type(b := vals[1]) is pt
                                and not self.watched_calls and not self.provenance_seen):
                            v = pair_op(a, b)  # a pure primitive's C-level operator, raising nothing
                            applied = True
                        elif (prim.kind == "pure" and prim.min_args <= n
                                and (prim.max_args is None or n <= prim.max_args)
                                and not self.watched_calls
                                and not (prim.derives and self.provenance_seen)):
                            try:
                                v = prim.fn(*vals)
                                applied = True
                            except Exception:
                                pass  # Machine.apply makes the error a condition (raised again)
                    if not applied:
                        self.c, self.v, self.e, self.k, self.t = c, v, e, k, t
                        live = False
                        narrow = application.apply(self, f, vals, app)
                        c, v, e, k, check_at = self.c, self.v, self.e, self.k, self.check_at
                        live = True
                t += 1
                if record is not None:
                    # A narrow step is kept as (its control, or its value when there is no control;
                    # the continuation); any other as (the whole state, the continuation).
                    if narrow:
                        record.append(v if c is None else c)
                    else:
                        record.append((c, v, e, k, self.s, self.r, self.nc))
                        narrow = True
                    record.append(k)
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
            budgets.check_step_budget(self)
        if self.r.fibers is not None:
            from .fibers import preempt

            preempt(self)
        if not 0 <= self.t - self.polled_at < self.poll_every or self.hooks:
            # At least every `poll_every` steps, whatever the phase of the checks: a compiled
            # loop whose steps call no interpreted code lets other threads (an interrupt
            # request) and signal handlers run only here.
            self.polled_at = self.t
            budgets.check_seconds_budget(self)
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
        stores.write_cell(self, key, value, proposal, init)

    def delete_cell(self, key: Any) -> None:
        stores.write_cell(self, key, MISSING)

    # PrimContext ------------------------------------------------------------------------------

    @property
    def store(self) -> Any:
        return self.s

    def output(self, text: str) -> None:
        self.services.write_output(text)

    def next_counter(self, name: str) -> int:
        n = self.r.counters.get(name, 0) + 1
        self.r = self.r._replace(counters=self.r.counters.set(name, n))
        return n

    def next_id(self, name: str) -> int:
        """Run-wide ids (cp, tx, fp, collect): never reused, not restored by backtracking."""
        mono = self.r.mono
        n = mono.ids.get(name, 0) + 1
        self.r = self.r._replace(mono=mono._replace(ids=mono.ids.set(name, n)))
        return n

    def random_call(self, fn: Callable[[Any], Any]) -> Any:
        import random  # loaded by the first random number a program asks for, not at every start

        rng = random.Random(self.services.seed)
        if self.r.random_state is not None:
            rng.setstate(self.r.random_state)
        result = fn(rng)
        self.r = self.r._replace(random_state=rng.getstate())
        return result

    # ---- variables --------------------------------------------------------------------------

    def global_below(self, name: Any) -> Any:
        """The built-in global `name` below the store (made now if pending), else MISSING."""
        v = self.builtin_globals.get(name, MISSING)
        if v is MISSING:
            make = self.pending_globals.get(name)
            if make is not None:
                # Made, then no longer pending: a reader on another thread (a debugger's view)
                # meanwhile finds it pending, never missing, and the first value made wins.
                v = self.builtin_globals.setdefault(name, make())
                self.pending_globals.pop(name, None)
        return v

    def global_in(self, store: Any, name: Any) -> Any:
        """The value of the global `name` in a state whose store is `store`, else MISSING."""
        v = store.get(name, MISSING)
        return self.global_below(name) if v is MISSING else v

    def builtin_global_names(self) -> set[Any]:
        """The names of every global below the store, made or pending."""
        return set(self.builtin_globals) | set(self.pending_globals)

    def unbound(self, name: str, node: Any) -> None:
        self.raise_error(OmegaError("unbound-variable", f"unbound variable: {name}", (sym(name),)), node)

    def assign(self, node: Any, env: Any, v: Any) -> None:
        stores.assign(self, node, env, v)

    # ---- application ------------------------------------------------------------------------

    def apply(self, f: Any, args: tuple[Any, ...], node: Any) -> bool | None:
        """Apply `f` to `args` with the current continuation; `node` is the call site. True when
        the application was narrow (a pure primitive's value; see nodes.py)."""
        return application.apply(self, f, args, node)

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
        handlers.signal(self, cond, "error")

    def span_of(self, node: Any) -> Span | None:
        return handlers.span_of(self, node)

    def current_span(self) -> Span | None:
        return handlers.span_of(self, self.c)

    # ---- effects --------------------------------------------------------------------------

    def perform(self, op: Symbol, args: tuple[Any, ...], node: Any) -> None:
        effects.perform(self, op, args, node)

    # ---- what other modules ask of a machine, done in the modules of each concern ------------

    def signal(self, cond: Condition, severity: str) -> None:
        handlers.signal(self, cond, severity)

    def condition_text(self, cond: Condition) -> str:
        return handlers.condition_text(self, cond)

    def backtrace(self, cond: Condition | None = None) -> list[tuple[str, Span | None]]:
        return handlers.backtrace(self, cond)

    def active_restarts(self) -> list[Restart]:
        return handlers.active_restarts(self)

    def invoke_restart(self, target: Any, args: tuple[Any, ...], node: Any) -> None:
        handlers.invoke_restart(self, target, args, node)

    def unwind_to(self, target_k: Any, then: Callable[[Machine], object], value: Any = VOID) -> None:
        transfers.unwind_to(self, target_k, then, value)

    def exit_actions(self, from_k: Any, to_k: Any) -> list[tuple[Any, ...]]:
        return transfers.exit_actions(self, from_k, to_k)

    def run_plan(self, plan: list[tuple[Any, ...]], i: int) -> None:
        transfers.run_plan(self, plan, i)

    def enter_extent(self, node: Any, vals: tuple[Any, ...], env: Any) -> None:
        extents.enter_extent(self, node, vals, env)

    def exit_extent(self, frame: Any, v: Any) -> None:
        extents.exit_extent(self, frame, v)

    def open_tx(self, node: Any) -> int:
        return extents.open_tx(self, node)

    def mark_tx(self, tid: int, status: str) -> None:
        extents.mark_tx(self, tid, status)

    def tx_is_open(self, tid: int) -> bool:
        return extents.tx_is_open(self, tid)

    def commit_tx(self, tid: int, value: Any) -> None:
        extents.commit_tx(self, tid, value)

    def rollback_tx(self, tid: int, why: str) -> None:
        extents.rollback_tx(self, tid, why)

    def record_fact_change(self, key: Any, old_entry: Any, kind: str, old: Any, new: Any) -> None:
        extents.record_fact_change(self, key, old_entry, kind, old, new)

    def propose_external(self, proposal: Any, target: Any) -> None:
        extents.propose_external(self, proposal, target)

    def check_budget_before_oracle(self, node: Any, op: str, args: tuple[Any, ...]) -> bool:
        return budgets.check_budget_before_oracle(self, node, op, args)

    def check_tokens_after_oracle(self) -> None:
        budgets.check_tokens_after_oracle(self)

    def budget_remaining(self) -> list[tuple[str, int | float]]:
        return budgets.budget_remaining(self)

    def capabilities(self) -> frozenset[str]:
        return budgets.capabilities(self)

    def current_boundary(self) -> tuple[int, Any]:
        return choice.current_boundary(self)

    def choose(self, thunks: tuple[Any, ...], node: Any) -> None:
        choice.choose(self, thunks, node)

    def resume_choice(self, cp: ChoicePoint, index: int | None) -> None:
        choice.resume_choice(self, cp, index)

    def force(self, p: Any, node: Any) -> None:
        promises.force(self, p, node)

    def match(self, node: Any, env: Any, value: Any) -> None:
        patterns.match(self, node, env, value)


# The loop makes its commonest frames and closures through the `new_*` names: the classes
# themselves, and interpreted the functions of interpreted.py, which are cheaper to call.
if __file__.endswith(".py"):
    from .interpreted import bind

    bind(globals())

__all__ = ["Machine", "MachineHalt", "ProgramExit", "Uncaught", "PromptTag", "OracleProcedure"]
