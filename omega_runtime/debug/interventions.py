"""The debugger's state changes (DEBUGGER.md 10.1 repl, 10.2, 11.2, 11.3): writes to variables and
places, real console evaluation, restartFrame, goto, stepIn targets, chooseAlternative,
backtrack, commit, rollback and invokeRestart. Each goes through `controller.intervene` (one
history entry; Step Back undoes it), installs its whole new state or none, and raises
`InterventionError(1005, ...)` without changing anything when it is impossible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ..machine import frames as F
from ..machine import nodes as N
from ..machine.layout import GLOBAL_ENV
from ..machine.machine import Machine
from ..machine.procedures import Closure
from ..machine.state import NO_CHOICES
from ..values import VOID, Symbol, list_to_python, sym
from . import inspector as I
from .inspector import EvaluationError
from .stops import Exit, Stop, activation_depth, top_activation
from .values_view import VarNode, short_location
from .views_base import SPECIAL_NAMES, same_state

if TYPE_CHECKING:
    from .controller import DebugController
    from .views import Views  # noqa: F401

IMPOSSIBLE = 1005
EVAL_FAILED = 1006


class InterventionError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@attrs.define
class Target:
    tid: int
    label: str
    line: int
    column: int
    end_line: int
    end_column: int


def impossible(message: str) -> InterventionError:
    return InterventionError(IMPOSSIBLE, message)


class Interventions:
    def __init__(self, controller: DebugController, views: Views) -> None:
        self.c = controller
        self.views = views
        self._goto: dict[int, tuple[Any, int, Any, Any]] = {}
        self._step_in: dict[int, tuple[str, Any]] = {}
        self._next_id = 0

    # ---- plumbing ------------------------------------------------------------------------

    def _intervene(self, summary: str, change: Any, reason: str, description: str | None = None) -> Stop:
        try:
            stop, dropped = self.c.intervene(summary, change)
        except InterventionError:
            raise
        except Exception as exc:  # the change could not be made: nothing changed
            raise impossible(f"{summary}: {exc}") from None
        if dropped:
            self.c.output("console", f"Discarded {dropped:,} recorded steps after step {self.c.cur - 1}\n")
        self.views.invalidate()
        text = description or summary[:1].upper() + summary[1:]
        return attrs.evolve(stop, reason=reason, description=f"{text} (step {stop.step})")

    def _watch(self, text: str, frame_index: int | None) -> Any:
        try:
            return self.views.evaluator.watch(text, self.c.state, self.views.frame_env(frame_index), None,
                                              limit=I_WATCH_LIMIT)
        except EvaluationError as exc:
            raise InterventionError(EVAL_FAILED, str(exc)) from None

    def _ensure_stopped(self) -> None:
        if self.c.finished is not None:
            raise impossible("The program has ended")

    # ---- writes -------------------------------------------------------------------------------

    def set_variable(self, node: VarNode, value_text: str) -> tuple[VarNode, str | None]:
        """setVariable: write `value_text`'s value (watch rules) into the node's place."""
        if node.set_target is None:
            raise impossible(f"{node.name} cannot be changed (pairs and facts are immutable)")
        frame_index = node.set_target[2] if node.set_target[0] == "binding" else None
        return self._write(node.set_target, node.name, value_text, frame_index)

    def set_expression(self, expr: str, value_text: str, frame_index: int | None) -> VarNode:
        try:
            target = self.views.resolve_place(expr, frame_index)
        except EvaluationError as exc:
            raise InterventionError(EVAL_FAILED, str(exc)) from None
        if target is None:
            raise impossible(f"{expr} is not a mutable place")
        node, _note = self._write(target, expr.strip(), value_text, frame_index)
        return node

    def _write(self, target: Any, name: str, value_text: str, frame_index: int | None) -> tuple[VarNode, str | None]:
        self._ensure_stopped()
        value = self._watch(value_text, frame_index)
        kind = target[0]
        note: str | None = None
        if kind == "global":
            key = sym(target[1])

            def change(m: Machine) -> None:
                m.s = m.s.set(key, value)
        elif kind == "binding":
            b: I.BindingInfo = target[1]
            if b.cell is not None:
                cell = b.cell

                def change(m: Machine) -> None:
                    m.s = m.s.set(cell, value)
            else:
                note = (f"{b.surface} is held in its frame: a new version of the frame was installed; "
                        "closures made earlier keep the old value")
                env, slot = b.env, b.slot
                act = self.views.frame(target[2]).activation

                def change(m: Machine) -> None:
                    replace_env(m, env, env[:slot] + (value,) + env[slot + 1:], act)
        elif kind == "vector":
            vec, i = target[1], target[2]

            def change(m: Machine) -> None:
                m.s = m.s.set((vec, i), value)
        elif kind == "record":
            rec, i = target[1], target[2]

            def change(m: Machine) -> None:
                m.s = m.s.set((rec, i), value)
        elif kind == "hash":
            from ..hash_content import hash_content

            table, key_v = target[1], target[2]

            def change(m: Machine) -> None:
                m.s = m.s.set(table, hash_content(table, m.s).set(key_v, value))
        else:
            raise impossible(f"{name} cannot be changed")
        self._intervene(f"set {name} = {value_text.strip()}", change, "goto")
        if note is not None:
            self.c.output("console", note + "\n")
        return self.views.result_node(name, value), note

    # ---- the debug console ------------------------------------------------------------------

    def repl(self, text: str, frame_index: int | None, cancel: Any = None) -> tuple[VarNode, str | None]:
        """Evaluate for real in the frame; a state change becomes one history entry. The `$`
        names answer as in a watch (DEBUGGER.md 10.1): consoles send every input as `repl`."""
        self._ensure_stopped()
        if text.strip() in SPECIAL_NAMES:
            return self.views.evaluate(text, frame_index, "watch", cancel), None
        st = self.c.state
        env = self.views.frame_env(frame_index)
        host = self.c.rt.host
        written: list[Any] = []

        def on_write(_m: Machine, key: Any) -> None:
            written.append(key)

        calls_before = len(host.oracle_events)
        host.write_watchers.append(on_write)
        name = self.c.rt.next_input_name()  # `<repl-N>`: frames in code it defines show its text
        try:
            node = self.views.evaluator.compile(text, env, name)
            value, new = self.views.evaluator.real(node, st, env, cancel)
        except EvaluationError as exc:
            self.c.m.restore(st)
            raise InterventionError(1007 if str(exc) == "cancelled" else EVAL_FAILED, str(exc)) from None
        finally:
            host.write_watchers.remove(on_write)
        self.c.add_source(name, text, [node])
        self.views.evaluator.forget_compiled()  # the input may have defined macros
        calls = len(host.oracle_events) - calls_before
        names = self._written_names(written, st)
        changed = bool(names) or calls > 0 or new.r.facts is not st.r.facts or new.r.txs != st.r.txs
        if not changed:
            self.c.m.restore(st)
            return self.views.result_node(text, value, "repl", new.s), None

        def install(m: Machine) -> None:
            m.restore(new._replace(t=new.t))

        stop = self._intervene(f"repl: {' '.join(text.split())[:60]}", install, "goto")
        parts = []
        if names:
            parts.append(", ".join(names) + " written")
        if calls:
            parts.append(f"{calls} oracle call" + ("" if calls == 1 else "s"))
        line = f"State changed: {'; '.join(parts) or 'registers'} (step {stop.step}; Step Back undoes it)"
        return self.views.result_node(text, value, "repl", new.s), line

    def _written_names(self, keys: list[Any], st: Any) -> list[str]:
        cells: dict[Any, str] = {}
        for fr in self.views.frames():
            if fr.kind in ("activation", "top-level"):
                for b in I.activation_locals(st, fr) + I.closure_bindings(st, fr):
                    if b.cell is not None:
                        cells.setdefault(b.cell, b.surface)
        out: list[str] = []
        for key in keys:
            if isinstance(key, Symbol):
                name = key.name
            elif isinstance(key, int):
                if key >= st.nc:
                    continue  # a cell the evaluation made itself
                name = cells.get(key, f"cell {key}")
            else:
                container = key[0] if isinstance(key, tuple) else key
                if getattr(container, "serial", None) is None:
                    continue
                from .values_view import cut_write

                name = cut_write(container, st.s, 40)
            if name not in out:
                out.append(name)
        return out

    # ---- restartFrame --------------------------------------------------------------------------

    def restart_frame(self, frame_index: int) -> Stop:
        self._ensure_stopped()
        fs = self.views.frames()
        if not 0 <= frame_index < len(fs):
            raise impossible(f"No frame {frame_index}")
        fr = fs[frame_index]
        if not fr.can_restart:
            raise impossible(f"Frame {fr.name} cannot be restarted")
        st = self.c.state
        if fr.kind == "top-level":
            form = st.r.form

            def change(m: Machine) -> None:
                bottom = m.k
                while bottom is not None and bottom.next is not None:
                    bottom = bottom.next
                _rollback_inside(m, None)
                m.r = m.r._replace(choices=NO_CHOICES, step_deadline=m.t + 1)
                m.k = bottom
                m.e = GLOBAL_ENV
                m.c = bottom.forms[form] if isinstance(bottom, F.ProgramFrame) else m.current_form()
                m.reset_check()

            return self._intervene("restart <top-level>", change, "restart", "Restarted the current top-level form")
        act = fr.activation
        proc = act.proc
        if not isinstance(proc, Closure):
            raise impossible(f"Frame {fr.name} cannot be restarted")
        originals = self._original_args(act)

        def restart(m: Machine) -> None:
            _rollback_inside(m, act)
            layout = proc.lam.layout
            vals = m.box_values(layout, originals) if True in layout.boxed else originals
            m.k = F.Activation(proc, act.site, vals, act.next)
            m.e = (proc.env, layout, *vals)
            m.c = proc.lam.body
            m.r = m.r._replace(step_deadline=m.t + 1)
            m.reset_check()

        return self._intervene(f"restart {fr.name}", restart, "restart", f"Restarted {fr.name}")

    def _original_args(self, act: Any) -> tuple[Any, ...]:
        """The activation's arguments as passed: boxed ones read from the oldest recorded state
        holding their cell (its value when the call made it)."""
        layout = act.proc.lam.layout
        args = list(act.args)
        h = self.c.history
        for i, boxed in enumerate(layout.boxed[:len(args)]):
            if not boxed:
                continue
            cell = args[i]
            lo, hi = h.oldest, self.c.cur
            if cell not in h.get(hi).s:
                continue
            while lo < hi:  # first entry whose store holds the cell
                mid = (lo + hi) // 2
                if cell in h.get(mid).s:
                    hi = mid
                else:
                    lo = mid + 1
            args[i] = h.get(lo).s.get(cell, VOID)
        return tuple(args)

    # ---- goto ------------------------------------------------------------------------------------

    def goto_targets(self, file: str, line: int, column: int | None) -> list[Target]:
        self._goto = {}
        out = []
        for seq, _idx, env, k0 in self._sequences():
            for j, expr in enumerate(seq.exprs):
                span = expr.span
                if span is None or expr.synthetic or span.start_line != line or span.file != file:
                    continue
                if column is not None and span.start_col != column:
                    continue
                self._next_id += 1
                self._goto[self._next_id] = (seq, j, env, k0)
                out.append(Target(self._next_id, self.views.source_text(span, 60), span.start_line, span.start_col,
                                  span.end_line, span.end_col))
        return out

    def _sequences(self) -> list[tuple[Any, int, Any, Any]]:
        """(KSeq, index of the current element, its env, its continuation) for the body/begin
        sequences enclosing the current expression in the top activation, innermost first, as
        far as no extent would be left."""
        st = self.c.state
        current, env = _current_node(st)
        if current is None:
            return []
        act = top_activation(st.k)
        root = act.proc.lam.body if act is not None and isinstance(act.proc, Closure) else \
            (self.c.m.current_form() if act is None else None)
        if act is None:
            root = _form_of(st)
        if root is None:
            return []
        path = _path_to(root, current)
        if path is None:
            return []
        out = []
        # Walk outward: frames above each sequence's continuation must be plain node frames.
        depth_env = env
        k = st.k
        for pos in range(len(path) - 1, 0, -1):
            child, parent = path[pos], path[pos - 1]
            if isinstance(parent, (N.KExtent, N.KHandle, N.KLambda)):
                break
            if _binds(parent, child):
                depth_env = depth_env[0] if depth_env is not None else None
            if isinstance(parent, N.KSeq):
                idx = parent.exprs.index(child)
                k0, ok = _continuation_of(k, parent, act)
                if not ok:
                    break
                out.append((parent, idx, depth_env, k0))
        return out

    def goto(self, target_id: int) -> Stop:
        self._ensure_stopped()
        entry = self._goto.get(target_id)
        if entry is None:
            raise InterventionError(1003, f"goto target {target_id} is unknown or expired")
        seq, j, env, k0 = entry
        expr = seq.exprs[j]

        def change(m: Machine) -> None:
            m.e = env
            m.k = F.SeqFrame(seq, env, j + 1, k0) if j + 1 < len(seq.exprs) else k0
            m.c = expr
            m.reset_check()

        return self._intervene(f"goto {short_location(expr.span)}", change, "goto",
                               f"Jumped to {short_location(expr.span)}")

    # ---- stepIn targets --------------------------------------------------------------------------

    def step_in_targets(self, frame_index: int) -> list[Target]:
        if frame_index != 0 or self.c.finished is not None:
            return []
        self._step_in = {}
        st = self.c.state
        out: list[Target] = []
        amb = _amb_next(st)
        if amb is not None:
            lams = amb.args[0].args if amb.args and isinstance(amb.args[0], (N.KApp, N.KThunks)) else []
            for i, lam in enumerate(lams):
                span = getattr(lam, "body", lam).span
                out.append(self._target(("amb", i), f"alternative {i + 1} of {len(lams)}: "
                                        f"{self.views.source_text(span, 60)}", span))
            return out
        if _fail_next(st):
            cps = st.r.choices
            if cps:
                cp = cps[-1]
                for i, thunk in enumerate(cp.remaining):
                    pos = self.views.alternative_position(cp, i)
                    span = thunk.lam.body.span
                    out.append(self._target(("choice", (cp.cid, pos)), f"alternative {pos} of {cp.total}: "
                                            f"{self.views.source_text(span, 60)}", span))
            return out
        if st.c is None:
            return []
        for app in _applications(st.c):
            fn = app.fn
            label = self.views.source_text(app.span, 60)
            if isinstance(fn, N.KGlobal):
                if not isinstance(self.c.rt.machine.global_in(st.s, fn.name), Closure):
                    continue
            elif not isinstance(fn, (N.KLocal, N.KApp, N.KLambda)):
                continue
            out.append(self._target(("call", app), label, app.span))
        return out

    def _target(self, what: tuple[str, Any], label: str, span: Any) -> Target:
        self._next_id += 1
        self._step_in[self._next_id] = what
        if span is None:
            return Target(self._next_id, label, 0, 0, 0, 0)
        return Target(self._next_id, label, span.start_line, span.start_col, span.end_line, span.end_col)

    def step_in(self, target_id: int) -> Stop | Exit:
        self._ensure_stopped()
        what = self._step_in.get(target_id)
        if what is None:
            raise InterventionError(1003, f"stepIn target {target_id} is unknown or expired")
        kind, data = what
        if kind == "choice":
            cid, pos = data
            return self.choose_alternative(f"cp-{cid}", pos)
        if kind == "amb":
            return self._take_amb(data)
        return self._run_to_call(data)

    def _take_amb(self, index: int) -> Stop | Exit:
        if not _choose_ready(self.c.state):
            res = self.c.run_until(lambda st, _stmt: _choose_ready(st))
            self.views.invalidate()
            if isinstance(res, Exit) or not _choose_ready(self.c.state):
                return res

        def change(m: Machine) -> None:
            frame = m.k
            node = frame.node
            thunks = list_to_python(m.v)
            if thunks is None or index >= len(thunks):
                raise ValueError("the amb's alternatives are not ready")
            m.k, m.e = frame.next, frame.env
            m.choose((thunks[index], *thunks[:index], *thunks[index + 1:]), node)

        stop = self._intervene(f"choose alternative {index + 1}", change, "choice",
                               f"Took alternative {index + 1}")
        return stop

    def _run_to_call(self, app: Any) -> Stop | Exit:
        """Run until the call at `app` reaches the first statement stop of its closure's body
        (where a plain stepIn stops), or behave like `next` when it never does (the
        controller's run_until drives the machine)."""
        d = activation_depth(self.c.state.k)

        def entered(st: Any) -> bool:
            act = top_activation(st.k)
            return act is not None and act.site is app and isinstance(act.proc, Closure)

        def reached(st: Any, stmt: bool) -> bool:
            return stmt and (entered(st) or activation_depth(st.k) <= d)

        res = self.c.run_until(reached)
        self.views.invalidate()
        if isinstance(res, Stop) and res.reason == "step" and entered(self.c.state):
            act = top_activation(self.c.state.k)
            return attrs.evolve(res, description=f"Stepped into {act.name} (step {res.step})")
        return res

    # ---- amb -------------------------------------------------------------------------------------

    def choose_alternative(self, choice_point: str, index: int) -> Stop:
        self._ensure_stopped()
        st = self.c.state
        cp = next((c for c in st.r.choices if f"cp-{c.cid}" == choice_point), None)
        if cp is None:
            raise impossible(f"No pending choice point {choice_point}")
        i = next((j for j in range(len(cp.remaining)) if self.views.alternative_position(cp, j) == index), None)
        if i is None:
            raise impossible(f"Alternative {index} of {choice_point} is not pending")

        def change(m: Machine) -> None:
            m.resume_choice(cp, i)

        return self._intervene(f"choose {choice_point} #{index}", change, "choice",
                               f"Chose alternative {index} of {choice_point} (amb at {short_location(cp.span)})")

    def backtrack(self) -> Stop:
        self._ensure_stopped()
        st = self.c.state
        m = self.c.m
        m.restore(st)
        boundary, _frame = m.current_boundary()
        cps = st.r.choices
        if not cps or cps[-1].boundary != boundary:
            raise impossible("No pending choice point to backtrack to")
        cp = cps[-1]
        pos = self.views.alternative_position(cp, 0)

        def change(mm: Machine) -> None:
            mm.resume_choice(cp, None)

        return self._intervene(f"backtrack to cp-{cp.cid} #{pos}", change, "backtrack",
                               f"Backtracked to cp-{cp.cid} (amb at {short_location(cp.span)}): "
                               f"alternative {pos} of {cp.total}")

    # ---- transactions ----------------------------------------------------------------------------

    def commit(self) -> Stop:
        self._ensure_stopped()
        txs = self.c.state.r.txs
        if not txs:
            raise impossible("No open transaction to commit")
        tid = txs[-1].tid

        def change(m: Machine) -> None:
            c, v = m.c, m.v
            m.commit_tx(tid, VOID)
            if m.r.txs and m.r.txs[-1].tid == tid:
                raise ValueError("the commit did not complete")
            if m.c is None and m.v is VOID:  # a plain commit leaves the control where it was
                m.c, m.v = c, v

        return self._intervene(f"commit tx-{tid}", change, "transaction", f"Committed tx-{tid}")

    def rollback(self, value_text: str | None) -> Stop:
        self._ensure_stopped()
        st = self.c.state
        if not st.r.txs:
            raise impossible("No open transaction to roll back")
        value = self._watch(value_text, 0) if value_text else False
        tid = st.r.txs[-1].tid
        frame = st.k
        while frame is not None and not (frame.__class__ is F.ExtentFrame and frame.ekind == "with-transaction"
                                         and frame.data == tid):
            frame = frame.next
        if frame is None:
            raise impossible(f"tx-{tid} has no extent in this thread")

        def change(m: Machine) -> None:
            m.rollback_tx(tid, "rollback!")

            def then(mm: Machine) -> None:
                mm.v, mm.c = value, None

            m.unwind_to(frame.next, then)

        return self._intervene(f"rollback tx-{tid}", change, "transaction", f"Rolled back tx-{tid}")

    # ---- restarts --------------------------------------------------------------------------------

    def invoke_restart(self, name: str, args: list[str]) -> Stop | Exit:
        self._ensure_stopped()
        values = tuple(self._watch(a, 0) for a in args)
        restarts = self.views.restarts()
        chosen = next((r for r in restarts if r.name.name == name), None)
        if chosen is None:
            raise impossible(f"No active restart named {name}")
        method, extra = chosen.target
        pu = self.c.pending_uncaught
        base = pu[1] if pu is not None and same_state(pu[1], self.c.state) else None

        def change(m: Machine) -> None:
            if base is not None:
                m.restore(base)
            F.call_back(m, method, values, extra)

        return self._intervene(f"invoke-restart {name}", change, "restart", f"Invoked restart {name}")


I_WATCH_LIMIT = 100_000


# ---- helpers over continuations and nodes -------------------------------------------------------

def replace_env(m: Machine, old: Any, new: Any, act: Any) -> None:
    """Install `new` in place of the environment frame `old`: in the machine's environment chain
    and in the continuation frames down to the activation `act` (the bottom for top-level)."""
    memo: dict[int, Any] = {id(old): new}

    def rebuild(env: Any) -> Any:
        chain = []
        e = env
        while e is not None and id(e) not in memo and e[0] is not None:
            chain.append(e)
            e = e[0]
        if e is None or id(e) not in memo:
            return env  # `old` is not in this chain
        base = memo[id(e)]
        for frame in reversed(chain):
            base = (base,) + frame[1:]
            memo[id(frame)] = base
        return memo[id(env)] if id(env) in memo else base

    m.e = rebuild(m.e)
    frames = []
    k = m.k
    while k is not None and k is not act:
        frames.append(k)
        k = k.next
    if k is not None:
        frames.append(k)
        k = k.next
    below = k
    for fr in reversed(frames):
        copy_ = fr.rebased(below)
        env = getattr(fr, "env", None)
        if isinstance(env, tuple):
            copy_.env = rebuild(env)
        below = copy_
    m.k = below


def _rollback_inside(m: Machine, act: Any) -> None:
    """Roll back the transactions whose extents lie above `act` (all of them for None)."""
    k = m.k
    tids = []
    while k is not None and k is not act:
        if k.__class__ is F.ExtentFrame and k.ekind == "with-transaction" and m.tx_is_open(k.data):
            tids.append(k.data)
        k = k.next
    for tid in tids:  # innermost first: rollback_tx also rolls back those opened inside
        if m.tx_is_open(tid):
            m.rollback_tx(tid, "restart")


def _current_node(st: Any) -> tuple[Any, Any]:
    """The node being evaluated and its environment (the top node frame's when returning)."""
    if st.c is not None:
        return st.c, st.e
    k = st.k
    if isinstance(k, F.NodeFrame):
        env = k.env
        if isinstance(k, F.LetrecFrame):
            env = env[0]
        return k.node, env
    return None, None


def _form_of(st: Any) -> Any:
    k = st.k
    while k is not None and k.next is not None:
        k = k.next
    if isinstance(k, F.ProgramFrame) and st.r.form < len(k.forms):
        return k.forms[st.r.form]
    return None


def _path_to(root: Any, target: Any) -> list[Any] | None:
    """The nodes from `root` down to `target` (iterative search), or None."""
    parent: dict[int, Any] = {id(root): None}
    stack = [root]
    while stack:
        n = stack.pop()
        if n is target:
            path = [n]
            p = parent[id(n)]
            while p is not None:
                path.append(p)
                p = parent[id(p)]
            return path[::-1]
        for ch in n.children():
            if id(ch) not in parent:
                parent[id(ch)] = n
                stack.append(ch)
    return None


def _binds(parent: Any, child: Any) -> bool:
    """Whether evaluating `child` inside `parent` adds an environment frame."""
    if isinstance(parent, N.KLet):
        return child is parent.body
    if isinstance(parent, N.KLetrec):
        return True
    if isinstance(parent, N.KMatch):
        return child is not parent.expr
    return False


def _continuation_of(k: Any, seq: Any, act: Any) -> tuple[Any, bool]:
    """The continuation of sequence `seq`, found in `k` without crossing extents or `act`."""
    inside = set()
    stack = [seq]
    while stack:
        n = stack.pop()
        if id(n) in inside:
            continue
        inside.add(id(n))
        stack.extend(n.children())
    while k is not None and k is not act:
        if isinstance(k, F.SeqFrame) and k.node is seq:
            return k.next, True
        if not isinstance(k, F.NodeFrame) or isinstance(k, F.HandleFrame):
            return None, False
        if id(k.node) not in inside:
            return k, True
        k = k.next
    return k, True


def _amb_next(st: Any) -> Any:
    c = st.c
    if isinstance(c, N.KEffect) and c.op is sym("amb.choose"):
        return c
    if c is None and isinstance(st.k, F.EffectFrame) and st.k.node.op is sym("amb.choose"):
        return st.k.node
    if c is not None and not c.builtin:
        stack = [c]
        while stack:
            n = stack.pop()
            if isinstance(n, N.KEffect) and n.op is sym("amb.choose"):
                return n
            if isinstance(n, N.KLambda):
                continue
            stack.extend(reversed(n.children()))
    return None


def _choose_ready(st: Any) -> bool:
    k = st.k
    return (st.c is None and isinstance(k, F.EffectFrame) and k.node.op is sym("amb.choose")
            and len(k.vals) + 1 == len(k.node.args))


def _fail_next(st: Any) -> bool:
    c = st.c
    if isinstance(c, N.KEffect) and c.op is sym("amb.fail"):
        return True
    k = st.k
    return c is None and isinstance(k, F.EffectFrame) and k.node.op is sym("amb.fail")


def _applications(root: Any) -> list[Any]:
    """Application nodes of a statement in evaluation order (arguments before the call)."""
    out: list[Any] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        n, done = stack.pop()
        if done:
            out.append(n)
            continue
        if isinstance(n, N.KLambda) or n.synthetic and not isinstance(n, N.KApp):
            continue
        if isinstance(n, N.KApp) and not n.synthetic and not n.builtin:
            stack.append((n, True))
        for ch in reversed(n.children()):
            stack.append((ch, False))
    return out


__all__ = ["Interventions", "InterventionError", "Target", "replace_env"]
