"""What a debugger shows at a stop (DEBUGGER.md 8-10, 12): frames, scopes (Locals, Closure,
Globals and the program-wide Omega scopes), values, evaluation under the watch rules,
completions, data breakpoint targets and exception info. Read-only: every change goes through
`interventions.Interventions`. Everything is computed on demand and cached until `invalidate`
(called at each stop or jump), so a `scopes` request never enumerates a scope.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from ..machine import frames as F
from ..machine.layout import GLOBAL_ENV
from ..machine.procedures import Closure
from ..machine.state import State
from ..printer import write_repr, write_string
from ..values import MISSING, Condition, HashTable, Promise, Record, Symbol, Vector, list_to_python, sym
from . import inspector as I
from .inspector import BindingInfo, EvaluationError, FrameInfo
from .stops import activation_depth, top_activation
from .values_view import (
    LISTS,
    Renderer,
    VarNode,
    cached_named,
    cut_write,
    grouped,
    key_expr,
    leaf,
    memo_range,
    number_text,
    page,
    short_location,
    static_children,
    type_of,
)

if TYPE_CHECKING:
    from .controller import DebugController
    from .stops import Stop

SPECIAL_NAMES = ("$amb", "$tx", "$fixpoint", "$facts", "$budget", "$oracle", "$conditions", "$step")
SCOPE_OF_NAME = {"$amb": "Choice Points", "$tx": "Transactions", "$fixpoint": "Fixpoint", "$facts": "Facts",
                 "$budget": "Budget", "$oracle": "Oracle", "$conditions": "Conditions"}
PROGRAM_SCOPES = ["Choice Points", "Transactions", "Fixpoint", "Facts", "Budget", "Oracle", "Conditions"]
BUDGET_DIMS = ("steps", "llm-calls", "tokens", "seconds")
HOVER_LIMIT = 10_000
WATCH_LIMIT = 100_000
ORACLE_SHOWN = 50
RECENT_SPAN_SCAN = 256  # entries looked back for a top frame without a location


@attrs.define
class ScopeView:
    name: str
    node: VarNode
    expensive: bool
    hint: str | None = None


def same_state(a: State | None, b: State | None) -> bool:
    """Whether two State tuples hold the same parts (the history may rebuild the tuple)."""
    if a is None or b is None:
        return a is b
    return all(x is y for x, y in zip(a, b, strict=True))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class Views:
    """The read side of the debugger for one controller."""

    def __init__(self, controller: DebugController) -> None:
        self.c = controller
        self.rt = controller.rt
        self.evaluator = I.Evaluator(controller.rt.interpreter)
        self.started = time.monotonic()
        self.hex = False
        self._alt_positions: dict[int, tuple[int, int]] | None = None
        self._global_names: tuple[set[Any], list[Any]] | None = None
        self.stop: Stop | None = None
        controller.evaluate_condition = self._evaluate_condition
        self.invalidate()

    # ---- caches ---------------------------------------------------------------------------

    def invalidate(self) -> None:
        """Drop everything computed for the previous stop (call at every stop and jump)."""
        self._frames: list[FrameInfo] | None = None
        self._frames_state: State | None = None
        self._scopes: dict[int, list[ScopeView]] = {}
        self._program: dict[str, VarNode] = {}
        self._globals: list[Symbol] | None = None
        self._renderer: Renderer | None = None

    def note_stop(self, stop: Stop | None) -> None:
        """The stop being shown (exception filters, rollback stops); also invalidates."""
        self.stop = stop
        self.invalidate()

    @property
    def state(self) -> State:
        return self.c.state

    def _check_state(self) -> State:
        st = self.state
        if not same_state(self._frames_state, st):
            self.invalidate()
            self._frames_state = st
        return st

    def current_stop(self) -> Stop | None:
        stop = self.stop if self.stop is not None else getattr(self.c, "_stop_result", None)
        return stop if stop is not None and stop.step == self.c.cur else None

    def renderer(self) -> Renderer:
        st = self._check_state()
        if self._renderer is None:
            self._renderer = Renderer(st.s, self._force, self._env_node, self.hex, continuation=st.k)
        return self._renderer

    # ---- frames ---------------------------------------------------------------------------

    def frames(self) -> list[FrameInfo]:
        st = self._check_state()
        if self._frames is None:
            frames = I.all_frames(st)
            top = next((f for f in frames if f.kind in ("activation", "top-level")), None)
            if top is not None and top.span is None:
                top.span = self._recent_span(st)
            self._frames = frames
        return self._frames

    def _recent_span(self, st: State) -> Any:
        """The top activation's location when its state has none (a value returning from a
        restart or an assignment to its caller's activation frame): where the same activation
        last had one in the recorded entries before, i.e. the expression whose value returns."""
        c = self.c
        if not c.history.has(c.cur):
            return None
        act = top_activation(st.k)
        for s in range(c.cur - 1, max(c.history.oldest, c.cur - RECENT_SPAN_SCAN) - 1, -1):
            before = c.history.get(s)
            if top_activation(before.k) is not act:
                return None
            span = I.top_span(before)
            if span is not None:
                return span
        return None

    def frame(self, index: int | None) -> FrameInfo:
        fs = self.frames()
        if index is None:
            return fs[0]
        if not 0 <= index < len(fs):
            raise IndexError(f"frame {index} does not exist")
        return fs[index]

    def frame_env(self, index: int | None) -> Any:
        """The environment to evaluate in for frame `index` (labels: the nearest frame below)."""
        fs = self.frames()
        i = 0 if index is None else index
        while i < len(fs):
            if fs[i].kind in ("activation", "top-level") and fs[i].env is not None:
                return fs[i].env
            i += 1
        return GLOBAL_ENV

    # ---- scopes ---------------------------------------------------------------------------

    def scopes(self, frame_index: int) -> list[ScopeView]:
        self._check_state()
        cached = self._scopes.get(frame_index)
        if cached is not None:
            return cached
        fr = self.frame(frame_index)
        out: list[ScopeView] = []
        if fr.kind in ("activation", "top-level"):
            out.append(ScopeView("Locals", self._locals_node(fr, frame_index), False, "locals"))
            out.append(ScopeView("Closure", self._closure_node(fr, frame_index), False))
            out.append(ScopeView("Globals", self._globals_node(), True))
        for name in PROGRAM_SCOPES:
            node = self.program_scope(name)
            if name == "Budget" or node.named or node.indexed:
                out.append(ScopeView(name, node, False))
        self._scopes[frame_index] = out
        return out

    def _binding_nodes(self, infos: list[BindingInfo], frame_index: int) -> list[VarNode]:
        r = self.renderer()
        out = []
        for b in infos:
            target = ("binding", b, frame_index)
            if b.value is I.UNINITIALIZED or b.value is MISSING:
                out.append(VarNode(b.name, I.UNINITIALIZED, None, b.surface if b.evaluable else None,
                                   set_target=target))
                continue
            out.append(r.node(b.name, b.value, b.surface if b.evaluable else None, set_target=target))
        return out

    def _locals_node(self, fr: FrameInfo, frame_index: int) -> VarNode:
        st = self.state
        infos = I.activation_locals(st, fr)
        nodes = self._binding_nodes(infos, frame_index)
        return VarNode("Locals", "", None, None, named=len(nodes), read_only=True, virtual=True,
                       fetch=static_children(nodes))

    def _closure_node(self, fr: FrameInfo, frame_index: int) -> VarNode:
        infos = I.closure_bindings(self.state, fr)
        nodes = self._binding_nodes(infos, frame_index)
        return VarNode("Closure", "", None, None, named=len(nodes), read_only=True, virtual=True,
                       fetch=static_children(nodes))

    def global_keys(self) -> list[Symbol]:
        """User definitions' names sorted, with built-ins the program redefined (DEBUGGER.md 9.1).
        The sorted list is reused while the set of defined names stays the same, so a stop costs
        one pass over the store's keys (values are read per page)."""
        st = self._check_state()
        if self._globals is None:
            store = st.s
            base = self.rt.interpreter.prelude_store
            user = {k for k in store.keys()
                    if k.__class__ is Symbol and (k not in base or base.get(k) is not store.get(k))}
            if self._global_names is None or self._global_names[0] != user:
                self._global_names = (user, sorted(user, key=lambda k: k.name))
            self._globals = self._global_names[1]
        return self._globals

    def globals_list(self) -> list[tuple[str, Any]]:
        store = self.state.s
        return [(k.name, store.get(k)) for k in self.global_keys()]

    def _globals_node(self) -> VarNode:
        keys = self.global_keys()
        r = self.renderer()
        store = self.state.s

        def make(a: int, b: int) -> list[VarNode]:
            return [r.node(k.name, store.get(k), k.name, set_target=("global", k.name)) for k in keys[a:b]]

        count, fetch = grouped(len(keys), memo_range(make))
        return VarNode("Globals", "", None, None, named=count, read_only=True, virtual=True, fetch=fetch)

    def _env_node(self, name: str, env: Any) -> VarNode:
        """A closure's environment: its frames' bindings, nearest first (no evaluateName)."""
        st = self.state
        infos = I.bindings_of(st, env)
        r = self.renderer()

        def make() -> list[VarNode]:
            out = []
            for b in reversed(infos):  # nearest first
                v = b.value
                out.append(leaf(b.name, I.UNINITIALIZED) if v is I.UNINITIALIZED else
                           r.node(b.name, v, None, read_only=True))
            return out

        return VarNode(name, plural(len(infos), "binding"), None, None, named=len(infos), read_only=True,
                       virtual=True, fetch=cached_named(make))

    def _force(self, p: Promise) -> Any:
        """An unforced promise's value, computed on a copy of the state (the program's promise
        stays unforced)."""
        return self.evaluator.watch("(force %promise)", self.state, GLOBAL_ENV, {"%promise": p},
                                    limit=WATCH_LIMIT)

    # ---- the program-wide scopes ----------------------------------------------------------------

    def program_scope(self, name: str) -> VarNode:
        self._check_state()
        node = self._program.get(name)
        if node is None:
            make: Callable[[], VarNode] = {
                "Choice Points": self._choice_points, "Transactions": self._transactions,
                "Fixpoint": self._fixpoints, "Facts": self._facts, "Budget": self._budget,
                "Oracle": self._oracle, "Conditions": self._conditions}[name]
            node = self._program[name] = make()
        return node

    def _scope(self, name: str, ev: str, nodes_or_count: Any, fetch: Any = None) -> VarNode:
        if fetch is None:
            nodes = nodes_or_count
            return VarNode(name, "", None, ev, named=len(nodes), read_only=True, virtual=True,
                           fetch=static_children(nodes))
        return VarNode(name, "", None, ev, named=nodes_or_count, read_only=True, virtual=True, fetch=fetch)

    # Choice Points -----------------------------------------------------------------------------

    def alt_positions(self) -> dict[int, tuple[int, int]]:
        """id(KLambda) of each amb alternative -> (position from 1, total), from the program's nodes."""
        if self._alt_positions is None:
            from ..machine import nodes as N

            out: dict[int, tuple[int, int]] = {}
            stack: list[Any] = [root for source in self.c.sources.values() for root in source.roots]
            seen: set[int] = set()
            while stack:
                n = stack.pop()
                if id(n) in seen:
                    continue
                seen.add(id(n))
                if isinstance(n, N.KEffect) and n.op is sym("amb.choose") and n.args and isinstance(n.args[0], N.KApp):
                    lams = n.args[0].args
                    for i, lam in enumerate(lams):
                        out[id(lam)] = (i + 1, len(lams))
                stack.extend(n.children())
            self._alt_positions = out
        return self._alt_positions

    def alternative_position(self, cp: Any, i: int) -> int:
        """The position in its `amb` (from 1) of `cp.remaining[i]`."""
        thunk = cp.remaining[i]
        pos = self.alt_positions().get(id(getattr(thunk, "lam", None)))
        if pos is not None:
            return pos[0]
        return int(cp.total) - len(cp.remaining) + i + 1

    def source_text(self, span: Any, limit: int = 80) -> str:
        source = self.c.sources.get(span.file) if span is not None else None
        if source is None:
            return "?"
        text = " ".join(source.text[span.start_offset:span.end_offset].split())
        return text if len(text) <= limit else text[:limit - 1] + "…"

    def choice_point_label(self, cp: Any) -> str:
        return f"amb at {short_location(cp.span)} · alternative {cp.tried} of {cp.total} · {len(cp.remaining)} left"

    def _boundary_text(self, cp: Any) -> str:
        if cp.boundary == 0:
            return "top-level form"
        k = cp.state.k
        while k is not None:
            if k.__class__ is F.ExtentFrame and k.ekind == "amb-collect" and k.data[0] == cp.boundary:
                return f"amb-collect at {short_location(k.node.span)}"
            k = k.next
        return "amb-collect"

    def _choice_node(self, cp: Any, depth: int) -> VarNode:
        def children() -> list[VarNode]:
            alts = []
            for i, thunk in enumerate(cp.remaining):
                pos = self.alternative_position(cp, i)
                span = getattr(getattr(thunk, "lam", None), "body", None)
                span = getattr(span, "span", None)
                alts.append(leaf(f"#{pos}", f"{self.source_text(span)}   ({short_location(span)})", "alternative",
                                 location=span))
            rem_text = " · ".join(f"{a.name} {a.value.split('   (')[0]}" for a in alts)
            remaining = VarNode("remaining", rem_text, None, None, indexed=len(alts), read_only=True,
                                virtual=True, fetch=static_children([], alts))
            return [leaf("id", f"cp-{cp.cid}"), leaf("location", short_location(cp.span), location=cp.span),
                    leaf("created", f"step {cp.created}"), leaf("depth", str(depth)),
                    leaf("boundary", self._boundary_text(cp)), leaf("tried", str(cp.tried)), remaining]

        return VarNode(f"cp-{cp.cid}", self.choice_point_label(cp), "choice point", None, named=7, read_only=True,
                       location=cp.span, fetch=_lazy_named(children))

    def _choice_points(self) -> VarNode:
        cps = self.state.r.choices
        n = len(cps)

        def make(a: int, b: int) -> list[VarNode]:
            return [self._choice_node(cps[n - 1 - i], n - i) for i in range(a, b)]

        count, fetch = grouped(n, memo_range(make))
        node = self._scope("Choice Points", "$amb", count, fetch)
        node.value = plural(n, "pending choice point") if n else "none"
        node.type = "choice points"
        return node

    # Transactions ----------------------------------------------------------------------------

    def proposal_text(self, p: Any) -> str:
        store = self.state.s
        target = p.target
        if isinstance(target, Symbol):
            tgt = target.name
        else:
            items = list_to_python(target)
            tgt = " ".join(cut_write(x, store, 40) for x in items) if items else cut_write(target, store, 40)
        if p.kind in ("set", "vector-set", "hash-set", "record-set", "fact-assert"):
            return f"{p.kind} {tgt}: {cut_write(p.old, store, 40)} → {cut_write(p.new, store, 40)}"
        return f"{p.kind} {tgt}"

    def _transaction_node(self, tx: Any, depth: int, rolling: bool) -> VarNode:
        r = self.renderer()
        status = "rolling-back" if rolling else tx.status
        props = tx.proposals

        def prop_node(i: int) -> VarNode:
            p = props[i]
            kids = [leaf("kind", p.kind), r.node("target", p.target, None, read_only=True),
                    r.node("old", p.old, None, read_only=True), r.node("new", p.new, None, read_only=True),
                    leaf("location", short_location(p.span), location=p.span)]
            return VarNode(f"#{i + 1}", self.proposal_text(p), "proposal", None, named=5, read_only=True,
                           location=p.span, fetch=static_children(kids))

        def children() -> list[VarNode]:
            count, fetch = grouped(len(props), memo_range(lambda a, b: [prop_node(i) for i in range(a, b)]))
            pnode = VarNode("proposals", plural(len(props), "proposal"), None, None, named=count, read_only=True,
                            virtual=True, fetch=fetch)
            return [leaf("id", f"tx-{tx.tid}"), leaf("depth", str(depth)), leaf("status", status),
                    leaf("location", short_location(tx.span), location=tx.span), pnode]

        value = f"{status} · depth {depth} · {plural(len(props), 'proposal')}"
        return VarNode(f"tx-{tx.tid}", value, "transaction", None, named=5, read_only=True,
                       location=tx.span, fetch=_lazy_named(children))

    def _transactions(self) -> VarNode:
        txs = self.state.r.txs
        stop = self.current_stop()
        rolling = stop is not None and stop.filter == "transaction-rolled-back"
        nodes = [self._transaction_node(tx, i + 1, rolling and i == len(txs) - 1)
                 for i, tx in reversed(list(enumerate(txs)))]
        node = self._scope("Transactions", "$tx", nodes)
        node.value = plural(len(txs), "open transaction") if txs else "none"
        node.type = "transactions"
        return node

    # Fixpoint -------------------------------------------------------------------------------

    def active_fixpoints(self) -> list[Any]:
        out: list[Any] = []
        seen: set[int] = set()
        k = self.state.k
        while k is not None:
            if k.__class__ is F.CallbackFrame and k.method in ("fp_stepped", "fp_compared") and k.args:
                fp = k.args[0]
                if fp.fid not in seen:
                    seen.add(fp.fid)
                    out.append((fp, k))
            k = k.next
        return out

    def _fixpoints(self) -> VarNode:
        r = self.renderer()
        nodes = []
        for fp, _k in self.active_fixpoints():
            kids = [leaf("iteration", str(fp.iteration)), r.node("previous", fp.previous, None, read_only=True),
                    r.node("current", fp.current, None, read_only=True), leaf("max-iter", str(fp.max_iter)),
                    leaf("converged?", "#t" if fp.converged else "#f"), r.node("step", fp.step, None, read_only=True),
                    leaf("location", short_location(fp.span), location=fp.span)]
            nodes.append(VarNode(f"fp-{fp.fid}", f"iteration {fp.iteration} of {fp.max_iter}", "fixpoint", None,
                                 named=len(kids), read_only=True, location=fp.span,
                                 fetch=static_children(kids)))
        node = self._scope("Fixpoint", "$fixpoint", nodes)
        node.value = plural(len(nodes), "active fixpoint") if nodes else "none"
        node.type = "fixpoints"
        return node

    # Facts -------------------------------------------------------------------------------------

    def _facts(self) -> VarNode:
        facts = self.state.r.facts
        r = self.renderer()
        ordered: list[tuple[Any, Any]] | None = None

        def make(a: int, b: int) -> list[VarNode]:
            nonlocal ordered
            if ordered is None:
                ordered = sorted(((k, e) for k, e in facts.items()), key=lambda kv: kv[1][0])
            out = []
            for key, (_seq, value) in ordered[a:b]:
                name = key.name if isinstance(key, Symbol) else write_repr(key, r.store)
                out.append(r.node(name, value, f"(fact {key_expr(key, r.store)})", read_only=True))
            return out

        count, fetch = grouped(len(facts), memo_range(make))
        node = self._scope("Facts", "$facts", count, fetch)
        node.value = plural(len(facts), "fact") if len(facts) else "none"
        node.type = "facts"
        return node

    # Budget ------------------------------------------------------------------------------------

    def budgets(self) -> list[tuple[Any, Any]]:
        out = []
        k = self.state.k
        while k is not None:
            if k.__class__ is F.ExtentFrame and k.ekind == "with-budget" and k.data is not None:
                out.append((k, k.data))
            k = k.next
        return out

    def budget_figures(self) -> list[tuple[str, float, float | None]]:
        """(dimension, used, limit) with the tightest active budget per dimension."""
        st = self.state
        mono = st.r.mono
        totals = {"steps": st.t, "llm-calls": mono.llm_calls, "tokens": mono.tokens,
                  "seconds": time.monotonic() - self.started}
        best: dict[str, tuple[float, float, float]] = {}  # dim -> (left, used, limit)
        for _k, b in self.budgets():
            for dim, lim in b.limits:
                limit = lim + st.s.get(("budget-extra", b.bid, dim), 0)
                used = {"steps": st.t - b.start_t, "llm-calls": mono.llm_calls - b.start_llm,
                        "tokens": mono.tokens - b.start_tokens, "seconds": time.monotonic() - b.start_time}[dim]
                left = limit - used
                if dim not in best or left < best[dim][0]:
                    best[dim] = (left, used, limit)
        out: list[tuple[str, float, float | None]] = []
        for dim in BUDGET_DIMS:
            if dim in best:
                out.append((dim, best[dim][1], best[dim][2]))
            else:
                out.append((dim, totals[dim], None))
        return out

    def _budget(self) -> VarNode:
        nodes = []
        for dim, used, limit in self.budget_figures():
            if dim == "seconds":
                used = round(float(used), 1)
            if limit is None:
                text = f"used {number_text(used)} (no limit)"
                kids = [leaf("limit", "none"), leaf("used", number_text(used)), leaf("remaining", "unlimited")]
            else:
                left = max(0, limit - used) if dim != "seconds" else round(limit - used, 1)
                text = f"used {number_text(used)} of {number_text(limit)} ({number_text(left)} left)"
                kids = [leaf("limit", number_text(limit)), leaf("used", number_text(used)),
                        leaf("remaining", number_text(left))]
            nodes.append(VarNode(dim, text, "budget", None, named=3, read_only=True,
                                 fetch=static_children(kids)))
        active = [leaf(f"#{i + 1}", I.extent_label(k), "with-budget", location=b.span)
                  for i, (k, b) in enumerate(self.budgets())]
        nodes.append(VarNode("active", plural(len(active), "with-budget extent") if active else "none", None, None,
                             named=len(active), read_only=True, virtual=True, fetch=static_children(active)))
        node = self._scope("Budget", "$budget", nodes)
        node.value = "no active budget" if not active else plural(len(active), "active budget")
        node.type = "budget"
        return node

    # Oracle ------------------------------------------------------------------------------------

    def oracle_events(self) -> list[Any]:
        """This timeline's oracle calls up to the current state, oldest first."""
        t = self.state.t
        return [ev for ev in self.rt.host.oracle_events if ev.step < t]

    def _oracle(self) -> VarNode:
        events = self.oracle_events()[-ORACLE_SHOWN:][::-1]
        nodes = []
        for ev in events:
            rc = ev.receipt
            tokens = rc.total_tokens
            prompt = rc.prompt if len(rc.prompt) <= 60 else rc.prompt[:59] + "…"
            answer = rc.response if len(rc.response) <= 60 else rc.response[:59] + "…"
            value = f"{write_string(prompt)} → {write_string(answer)} · {ev.source} · {plural(tokens, 'token')}"
            kids = [leaf("receipt", rc.id), leaf("seq", str(rc.seq)), leaf("step", str(ev.step)), leaf("op", rc.op),
                    leaf("prompt", write_string(rc.prompt), "string"), leaf("answer", write_string(rc.response), "string"),
                    leaf("tokens", str(tokens)), leaf("oracle", str(rc.oracle)), leaf("source", ev.source)]
            if ev.source == "replayed":
                kids.append(leaf("from", ev.origin))
            nodes.append(VarNode(rc.id, value, "oracle call", None, named=len(kids), read_only=True,
                                 location=ev.span, fetch=static_children(kids)))
        node = self._scope("Oracle", "$oracle", nodes)
        node.value = plural(len(nodes), "oracle call") if nodes else "none"
        node.type = "oracle calls"
        return node

    # Conditions ----------------------------------------------------------------------------------

    def stopped_condition(self) -> Condition | None:
        pu = self.c.pending_uncaught
        if pu is not None and same_state(pu[1], self.state):
            return pu[0]
        stop = self.current_stop()
        return stop.condition if stop is not None else None

    def handlers(self) -> list[tuple[str, str, Any]]:
        """(kind, types, span) of the active handler-bind and guard extents, innermost first."""
        out = []
        k = self.state.k
        while k is not None:
            if k.__class__ is F.ExtentFrame:
                if k.ekind == "handler-bind":
                    out.append(("handler-bind", " ".join(t.name for t in k.data[0]), k.node.span))
                elif k.ekind == "guard":
                    out.append(("guard", "", k.node.span))
            k = k.next
        return out

    def restarts(self) -> list[Any]:
        """The restarts usable now: the stopped condition's own, then the active ones."""
        cond = self.stopped_condition()
        own = list(cond.restarts) if cond is not None else []
        m = self.c.m
        saved = m.snapshot()
        try:
            m.restore(self.state)
            active = m.active_restarts()
        finally:
            m.restore(saved)
        return own + [r for r in active if r not in own]

    def _conditions(self) -> VarNode:
        r = self.renderer()
        nodes = []
        cond = self.stopped_condition()
        if cond is not None:
            nodes.append(r.node("condition", cond, None, read_only=True))
        hs = self.handlers()
        if hs:
            kids = [leaf(f"#{i + 1}", f"{kind} ({types})" if types else kind, kind, location=span)
                    for i, (kind, types, span) in enumerate(hs)]
            nodes.append(VarNode("handlers", plural(len(kids), "handler"), None, None, named=len(kids),
                                 read_only=True, virtual=True, fetch=static_children(kids)))
        rs = self.restarts()
        if rs:
            kids = []
            for rs_ in rs:
                sub = [leaf("name", rs_.name.name), leaf("parameters", "(" + " ".join(rs_.params) + ")"),
                       leaf("location", short_location(rs_.span), location=rs_.span)]
                kids.append(VarNode(rs_.name.name, f"#<restart {rs_.name.name}>", "restart", None, named=3,
                                    read_only=True, location=rs_.span, fetch=static_children(sub)))
            nodes.append(VarNode("restarts", plural(len(kids), "restart"), None, None, named=len(kids),
                                 read_only=True, virtual=True, fetch=static_children(kids)))
        node = self._scope("Conditions", "$conditions", nodes)
        node.value = (f"{cond.ctype.name}: {self.c.m.condition_text(cond)}" if cond is not None
                      else (plural(len(nodes), "entry") if nodes else "none"))
        node.type = "conditions"
        return node

    # ---- $step ----------------------------------------------------------------------------------

    def _step_node(self) -> VarNode:
        c = self.c
        st = self.state
        h = c.history
        span = st.c.span if st.c is not None and not getattr(st.c, "builtin", False) else None
        if span is None:
            fs = self.frames()
            span = fs[0].span if fs else None
        kids = [leaf("step", str(c.cur)), leaf("oldest", str(h.oldest)), leaf("newest", str(h.newest)),
                leaf("kind", h.kind(c.cur) if h.has(c.cur) else "step"),
                leaf("summary", c.entry_summary(c.cur) if h.has(c.cur) else ""),
                leaf("line", str(span.start_line if span else 0)), leaf("column", str(span.start_col if span else 0)),
                leaf("depth", str(activation_depth(st.k))), leaf("transitions", str(st.t))]
        return VarNode("$step", f"step {c.cur}", "step", "$step", named=len(kids), read_only=True, virtual=True,
                       fetch=static_children(kids))

    # ---- evaluate ------------------------------------------------------------------------------

    def _evaluate_condition(self, text: str, st: State, extras: dict[str, Any]) -> Any:
        """The controller's hook: breakpoint and filter conditions, logpoints (watch rules, top frame)."""
        fs = I.frames(st)
        env = GLOBAL_ENV
        for f in fs:
            if f.kind in ("activation", "top-level") and f.env is not None:
                env = f.env
                break
        try:
            return self.evaluator.watch(text, st, env, extras, limit=WATCH_LIMIT)
        except EvaluationError as exc:
            raise ValueError(str(exc)) from None

    def evaluate(self, text: str, frame_index: int | None, context: str, cancel: Any = None) -> VarNode:
        """`evaluate` for watch, hover, clipboard and variables contexts, on a copy of the state.
        Raises EvaluationError (DAP 1006)."""
        st = self._check_state()
        name = text.strip()
        if name in SCOPE_OF_NAME:
            node = self.program_scope(SCOPE_OF_NAME[name])
            return attrs.evolve(node, name=name, evaluate_name=name)
        if name == "$step":
            return self._step_node()
        env = self.frame_env(frame_index)
        limit = HOVER_LIMIT if context == "hover" else WATCH_LIMIT
        value = self.evaluator.watch(text, st, env, None, limit=limit, cancel=cancel)
        return self.result_node(text, value, context)

    def result_node(self, text: str, value: Any, context: str = "watch", store: Any = None) -> VarNode:
        r = self.renderer() if store is None else Renderer(store, self._force, self._env_node, self.hex)
        node = r.node(text, value, text.strip(), read_only=True)
        from ..values import VOID

        if value is VOID:
            node.value = ""
        elif context == "clipboard":
            node.value = write_repr(value, r.store)
        return node

    # ---- completions ---------------------------------------------------------------------------

    def completions(self, frame_index: int | None, text: str, column: int) -> list[tuple[str, str]]:
        """(label, type) for the word before `column` (1-based) in `text`."""
        from ..expander import SPECIAL_FORM_NAMES

        before = text[:max(0, column - 1)]
        i = len(before)
        while i > 0 and before[i - 1] not in " \t\n()[]'`,\"":
            i -= 1
        word = before[i:]
        out: list[tuple[str, str]] = []
        seen: set[str] = set()

        def add(label: str, kind: str) -> None:
            if label.startswith(word) and label not in seen and not label.startswith("%"):
                seen.add(label)
                out.append((label, kind))

        if word.startswith("$"):
            for n in SPECIAL_NAMES:
                add(n, "variable")
            return out
        st = self._check_state()
        fs = self.frames()
        idx = 0 if frame_index is None else frame_index
        if 0 <= idx < len(fs) and fs[idx].kind in ("activation", "top-level"):
            for b in I.activation_locals(st, fs[idx]) + I.closure_bindings(st, fs[idx]):
                if b.evaluable:
                    add(b.surface, "variable")
        for gname, v in self.globals_list():
            add(gname, "function" if isinstance(v, Closure) else "variable")
        for bname in self.builtin_names():
            add(bname, "function")
        for kw in sorted(SPECIAL_FORM_NAMES if isinstance(SPECIAL_FORM_NAMES, (list, tuple)) else SPECIAL_FORM_NAMES.split()):
            add(kw, "keyword")
        for n in SPECIAL_NAMES:
            add(n, "variable")
        return out

    def builtin_names(self) -> list[str]:
        """Primitives and prelude definitions, sorted (computed once)."""
        names = getattr(self, "_builtin_names", None)
        if names is None:
            interp = self.rt.interpreter
            found = set(interp.builtins)
            found.update(k.name for k in interp.prelude_store.keys() if isinstance(k, Symbol))
            names = self._builtin_names = sorted(found)
        return names

    # ---- data breakpoints ------------------------------------------------------------------------

    def data_breakpoint_info(self, parent: VarNode | None, name: str,
                             frame_index: int | None) -> tuple[str | None, str, bool]:
        """(dataId or None, description, canPersist) per DEBUGGER.md 6.4."""
        if parent is not None:
            child = None
            if parent.fetch is not None:
                for n in parent.fetch(0, None, None):
                    if n.name == name:
                        child = n
                        break
            if child is None:
                return None, f"{name} is not a child of {parent.name}", False
            return self.target_info(child.set_target, name, child)
        return self.target_info(self.resolve_place(name, frame_index), name, None)

    def target_info(self, target: Any, name: str, node: VarNode | None) -> tuple[str | None, str, bool]:
        data_id, description, persist = self._target_info(target, name, node)
        if data_id is not None:  # a stop names the target as its description does
            self.c.data_names[data_id] = description.split(" (", 1)[0]
        return data_id, description, persist

    def _target_info(self, target: Any, name: str, node: VarNode | None) -> tuple[str | None, str, bool]:
        keys: dict[tuple[int, str], Any] = self.c.data_slot_keys
        if target is None:
            if node is not None and node.type in ("pair",) or name.startswith(("(car", "(cdr", "(list-ref")):
                return None, f"{name} is a pair element: pairs are immutable, so it cannot change", False
            return None, f"{name} cannot change or is not a variable", False
        kind = target[0]
        if kind == "global":
            return f"global:{target[1]}", f"{target[1]} (global)", True
        if kind == "binding":
            b: BindingInfo = target[1]
            if b.cell is None:
                return None, f"{b.surface} is never assigned, so it cannot change", False
            where = self._binding_owner(target[2])
            return f"cell:{b.cell}", f"{b.surface} (local in {where}, cell {b.cell})", False
        if kind == "vector":
            vec, i = target[1], target[2]
            keys[(vec.serial, str(i))] = (vec, i)
            return f"cell:{vec.serial}:{i}", f"{name} (vector slot {i}, cell {vec.serial})", False
        if kind == "record":
            rec, i = target[1], target[2]
            field = rec.rtype.fields[i]
            keys[(rec.serial, field)] = (rec, i)
            return f"cell:{rec.serial}:{field}", f"{name} (field {field} of {rec.rtype.name}, cell {rec.serial})", False
        if kind == "hash":
            table, key = target[1], target[2]
            rest = "key:" + write_repr(key, self.state.s)
            keys[(table.serial, rest)] = table
            return f"cell:{table.serial}:{rest}", f"{name} (hash-table entry, cell {table.serial})", False
        return None, f"{name} cannot change", False

    def _binding_owner(self, frame_index: int | None) -> str:
        fs = self.frames()
        i = 0 if frame_index is None else frame_index
        if 0 <= i < len(fs):
            return fs[i].name
        return "<top-level>"

    def resolve_place(self, text: str, frame_index: int | None) -> Any:
        """A set_target descriptor for an evaluateName shape: a variable, `(vector-ref v i)`,
        `(hash-table-ref h k)` or a record accessor `(point-x p)`; None for anything else.
        Raises EvaluationError when a part fails to evaluate."""
        from ..syntax import Atom, SList

        result = self.rt.interpreter.read(text, "<place>")
        if result.diagnostics or len(result.data) != 1:
            raise EvaluationError(f"not a place: {text}")
        form = result.data[0]
        st = self._check_state()
        if isinstance(form, Atom) and isinstance(form.value, Symbol):
            return self.variable_target(form.value.name, frame_index)
        if not isinstance(form, SList) or not form.items or not isinstance(form.items[0], Atom):
            return None
        head = form.items[0].value
        if not isinstance(head, Symbol):
            return None
        env = self.frame_env(frame_index)
        parts = [text[p.span.start_offset:p.span.end_offset] for p in form.items[1:]]

        def ev(part: str) -> Any:
            return self.evaluator.watch(part, st, env, None, limit=WATCH_LIMIT)

        hname = head.name
        if hname == "vector-ref" and len(parts) == 2:
            vec, i = ev(parts[0]), ev(parts[1])
            if isinstance(vec, Vector) and isinstance(i, int) and 0 <= i < len(vec):
                return ("vector", vec, i)
            raise EvaluationError(f"{text} is not a vector slot")
        if hname in ("hash-table-ref", "hash-table-ref/default") and len(parts) >= 2:
            table, key = ev(parts[0]), ev(parts[1])
            if isinstance(table, HashTable):
                return ("hash", table, key)
            raise EvaluationError(f"{text} is not a hash-table entry")
        if len(parts) == 1 and hname not in ("car", "cdr", "force", "fact", "list-ref"):
            rec = ev(parts[0])
            if isinstance(rec, Record):
                prefix = rec.rtype.name + "-"
                if hname.startswith(prefix) and hname[len(prefix):] in rec.rtype.fields:
                    return ("record", rec, rec.rtype.fields.index(hname[len(prefix):]))
        return None

    def variable_target(self, name: str, frame_index: int | None) -> Any:
        st = self._check_state()
        fs = self.frames()
        i = 0 if frame_index is None else frame_index
        while i < len(fs) and fs[i].kind not in ("activation", "top-level"):
            i += 1
        if i < len(fs):
            for b in reversed(I.activation_locals(st, fs[i])):
                if b.surface == name and b.evaluable:
                    return ("binding", b, i)
            for b in I.closure_bindings(st, fs[i]):
                if b.surface == name and b.evaluable:
                    return ("binding", b, i)
        if st.s.get(sym(name), MISSING) is not MISSING:
            return ("global", name)
        return None

    # ---- exception info ------------------------------------------------------------------------

    def exception_info(self) -> dict[str, Any]:
        """exceptionInfo per DEBUGGER.md 12."""
        pu = self.c.pending_uncaught
        m = self.c.m
        if pu is not None:
            cond, st = pu
            text = m.condition_text(cond)
            saved = m.snapshot()
            try:
                m.restore(st)
                trace = m.backtrace(cond)
            finally:
                m.restore(saved)
            sup = " ".join(t.name for t in cond.supertypes if t is not sym("condition")) or "condition"
            stack = "\n".join(f"  at {n} ({short_location(s)})" for n, s in trace)
            return {"exceptionId": cond.ctype.name, "description": text, "breakMode": "unhandled",
                    "details": {"message": f"{short_location(cond.span)}: {cond.ctype.name}: {text}",
                                "typeName": cond.ctype.name, "fullTypeName": f"{cond.ctype.name} ({sup} condition)"
                                if sup != "condition" else f"{cond.ctype.name} (condition)",
                                "evaluateName": "$conditions", "stackTrace": stack}}
        stop = self.current_stop()
        if stop is None or stop.reason != "exception":
            raise LookupError("not stopped on an exception")
        if stop.condition is not None:
            cond = stop.condition
            text = m.condition_text(cond)
            return {"exceptionId": cond.ctype.name if stop.filter in ("signalled", None) else stop.filter,
                    "description": text if not stop.detail else stop.detail, "breakMode": "always",
                    "details": {"message": f"{short_location(cond.span)}: {cond.ctype.name}: {text}",
                                "typeName": cond.ctype.name, "evaluateName": "$conditions"}}
        return {"exceptionId": stop.filter or stop.text or "exception", "description": stop.detail or stop.description,
                "breakMode": "always", "details": {"message": stop.description}}


def _lazy_named(make: Callable[[], list[VarNode]]) -> Callable[[int, int | None, str | None], list[VarNode]]:
    memo: list[list[VarNode]] = []

    def fetch(start: int, count: int | None, filt: str | None) -> list[VarNode]:
        if not memo:
            memo.append(make())
        if filt == "indexed":
            return []
        return page(memo[0], start, count)

    return fetch


__all__ = ["Views", "ScopeView", "VarNode", "EvaluationError", "type_of", "cut_write", "LISTS"]
