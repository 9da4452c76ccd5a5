"""The program-wide Omega scopes a debugger shows at a stop (DEBUGGER.md 9.2): Choice Points,
Transactions, Fixpoint, Facts, Budget, Oracle, Conditions, and the `$step` pseudo-variable."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..machine import frames as F
from ..printer import write_repr, write_string
from ..values import Condition, Symbol, list_to_python, sym
from . import inspector as I
from .stops import activation_depth
from .values_view import (
    VarNode,
    cut_write,
    grouped,
    key_expr,
    leaf,
    memo_range,
    number_text,
    page,
    short_location,
    static_children,
)
from .views_base import BUDGET_DIMS, ORACLE_SHOWN, ViewsBase, plural, same_state


class ProgramScopes(ViewsBase):
    """The program-wide scopes of a stop, each built on first use and cached until the next."""

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
                if isinstance(n, N.KEffect) and n.op is sym("amb.choose") and n.args and isinstance(n.args[0], (N.KApp, N.KThunks)):
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
        cps = tuple(self.state.r.choices)
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


def _lazy_named(make: Callable[[], list[VarNode]]) -> Callable[[int, int | None, str | None], list[VarNode]]:
    memo: list[list[VarNode]] = []

    def fetch(start: int, count: int | None, filt: str | None) -> list[VarNode]:
        if not memo:
            memo.append(make())
        if filt == "indexed":
            return []
        return page(memo[0], start, count)

    return fetch


__all__ = ["ProgramScopes"]
