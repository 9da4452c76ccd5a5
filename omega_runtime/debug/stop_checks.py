"""How a DebugController decides a stop (DEBUGGER.md 6, 7): exception filters and other events
before a step, breakpoints, data writes, the stepping target and pauses after it."""

from __future__ import annotations

from typing import Any

from ..machine.state import State
from ..values import Condition, sym
from .breakpoint_settings import BreakpointSettings
from .breakpoints import Breakpoint, hit_condition_holds
from .stops import Event, Mode, Stop, activation_depth, is_node_control, top_activation


class StopChecks(BreakpointSettings):

    def _before_stop(self, events: list[Event], step: int) -> Stop | None:
        """Exception filters, oracle calls and rollbacks stop at the state before their step."""
        if self._suppress == step:
            return None
        # Several filters matching one event make one stop, attributed to the first in table
        # order: `uncaught` first.
        ordered = [ev for ev in events if ev.kind == "uncaught"] + [ev for ev in events if ev.kind != "uncaught"]
        for ev in ordered:
            stop = self._filter_stop(ev, step)
            if stop is not None:
                self._suppress = step
                return stop
        return None

    def _filter_stop(self, ev: Event, step: int) -> Stop | None:
        if ev.kind == "call":
            st = self.history.get(step) if self.history.has(step) else self.m.snapshot()
            hits = [bp for bp in self.function_bps if bp.name == ev.data and self._condition_ok(bp, st, step)]
            if not hits:
                return None
            return Stop("function breakpoint", f"Paused on function breakpoint {hits[0].bid} (step {step})", step,
                        hit_ids=[b.bid for b in hits])
        if ev.kind == "uncaught":
            cond = ev.data
            self.pending_uncaught = (cond, self.history.get(step) if self.history.has(step) else self.m.snapshot())
            text = self.rt.machine.condition_text(cond)
            return Stop("exception", f"Uncaught {cond.ctype.name}: {text} (step {step})", step,
                        text=cond.ctype.name, condition=cond, filter="uncaught")
        if ev.kind == "signal":
            cond, _severity = ev.data
            for fid, types in (("signalled", None), ("amb-exhausted", "amb-exhausted"),
                               ("fixpoint-diverged", "fixpoint-diverged"), ("budget-exceeded", "budget-exceeded")):
                if fid not in self.filters:
                    continue
                if types is not None and not cond.is_a(sym(types)):
                    continue
                if not self._filter_condition_holds(fid, cond, step):
                    continue
                text = self.rt.machine.condition_text(cond)
                return Stop("exception", f"{cond.ctype.name}: {text} (step {step})", step, text=cond.ctype.name,
                            condition=cond, filter=fid)
            return None
        if ev.kind == "rollback" and "transaction-rolled-back" in self.filters:
            tx, why = ev.data
            return Stop("exception", f"Transaction tx-{tx.tid} is about to roll back ({why}) (step {step})", step,
                        text="transaction-rolled-back", filter="transaction-rolled-back",
                        detail=f"tx-{tx.tid}: {len(tx.proposals)} proposals")
        if ev.kind == "oracle" and "oracle-call" in self.filters:
            req = ev.data
            cond_text = self.filters.get("oracle-call")
            if cond_text and not cond_text.startswith("(") and cond_text.lower() not in req.prompt.lower():
                return None
            return Stop("exception", f"Oracle call {req.op}: {req.prompt[:80]} (step {step})", step,
                        text="oracle-call", filter="oracle-call", detail=f"{req.op}: {req.prompt[:200]}")
        return None

    def _filter_condition_holds(self, fid: str, cond: Condition, step: int) -> bool:
        text = self.filters.get(fid)
        if not text:
            return True
        if not text.lstrip().startswith("("):
            names = text.split()
            return any(cond.is_a(sym(n)) for n in names)
        if self.evaluate_condition is None:
            return True
        st = self.history.get(step) if self.history.has(step) else self.m.snapshot()
        try:
            return self.evaluate_condition(text, st, {"condition": cond}) is not False
        except Exception:  # a filter condition that fails to evaluate stops (reported in the stop text)
            return True

    def _after_stop(self, st: State, step: int, events: list[Event], written: list[Any]) -> Stop | None:
        mode = self._mode
        assert mode is not None
        mode.steps += 1
        if is_node_control(st):
            line = st.c.span.start_line
            stmt = st.c.stmt or line != self._last_line
        else:
            stmt = False
        # Breakpoints on the node about to be evaluated.
        hits: list[Breakpoint] = []
        c = st.c
        if c is not None and c.nid in self.bp_nodes:
            hits = self._hits(self.bp_nodes[c.nid], st, step)
        data_hits: list[Breakpoint] = []
        if written and self.data_bps:
            for bp in self.data_bps:
                key = self.data_key(bp)
                if key is not None and key in written and self._condition_ok(bp, st, step):
                    data_hits.append(bp)
        target = self._reached(mode, st, stmt, events)
        if is_node_control(st):
            self._last_line = st.c.span.start_line
        if target is not None:
            return Stop(target, self._describe(target, step, events), step,
                        hit_ids=[b.bid for b in hits + data_hits])
        if data_hits:
            return Stop("data breakpoint", f"{self._data_change(data_hits[0], step)} (step {step})",
                        step, hit_ids=[b.bid for b in data_hits])
        if hits:
            kind = "function breakpoint" if hits[0].kind == "function" else "breakpoint"
            return Stop(kind, f"Paused on {kind} {hits[0].bid} (step {step})", step, hit_ids=[b.bid for b in hits])
        if self.pause_requested.is_set():
            self.pause_requested.clear()
            return Stop("pause", f"Paused (step {step})", step)
        return None

    def _hits(self, bps: list[Breakpoint], st: State, step: int) -> list[Breakpoint]:
        out = []
        for bp in bps:
            if bp.log_message is not None:
                if self._condition_ok(bp, st, step):
                    self._log(bp, st)
                continue
            if self._condition_ok(bp, st, step):
                out.append(bp)
        return out

    def _condition_value(self, bp: Breakpoint, st: State) -> bool | Exception:
        """Whether `bp`'s condition holds in `st` (True without one), or the exception that
        evaluating it raised: such a breakpoint stops, to say why."""
        if not bp.condition or self.evaluate_condition is None:
            return True
        try:
            return self.evaluate_condition(bp.condition, st, {}) is not False
        except Exception as exc:
            return exc

    def _condition_ok(self, bp: Breakpoint, st: State, step: int) -> bool:
        held = self._condition_value(bp, st)
        if isinstance(held, Exception):
            bp.message = f"Breakpoint {bp.bid}: condition failed: {held}"
            return True
        return held and hit_condition_holds(bp.hit_condition, bp.record_hit(step))

    def _log(self, bp: Breakpoint, st: State) -> None:
        assert bp.log_message is not None
        text = self.interpolate(bp.log_message, st)
        self.log_output(text + "\n", st.c.span if is_node_control(st) else None)

    def interpolate(self, template: str, st: State) -> str:
        out, i = [], 0
        while i < len(template):
            ch = template[i]
            if template.startswith("{{", i) or template.startswith("}}", i):
                out.append(ch)
                i += 2
                continue
            if ch == "{":
                j = template.find("}", i)
                if j < 0:
                    out.append(template[i:])
                    break
                expr = template[i + 1:j]
                try:
                    assert self.evaluate_condition is not None
                    from ..printer import display_repr

                    out.append(display_repr(self.evaluate_condition(expr, st, {}), st.s))
                except Exception as exc:
                    out.append(f"<error: {exc}>")
                i = j + 1
                continue
            out.append(ch)
            i += 1
        return "".join(out)

    def _reached(self, mode: Mode, st: State, stmt: bool, events: list[Event]) -> str | None:
        kind = mode.kind
        if kind == "continue":
            return None
        if kind == "until":
            return "goto" if self.cur >= mode.until else None
        if kind == "target":
            assert mode.target is not None
            return "step" if mode.target(st, stmt) else None
        if kind == "instruction":
            return "step"
        if any(ev.kind == "backtrack" for ev in events):
            return "backtrack"
        if kind == "out":
            if mode.depth == 0:
                return "step" if st.r.form != mode.form and st.c is not None else None
            return "step" if activation_depth(st.k) < mode.depth else None
        if not stmt:
            return None
        if mode.granularity == "line" and is_node_control(st) and st.c.span.start_line == mode.line \
                and top_activation(st.k) is mode.activation:
            return None
        if kind == "in":
            return "step"
        if kind == "over":
            return "step" if activation_depth(st.k) <= mode.depth else None
        return None

    def _describe(self, reason: str, step: int, events: list[Event]) -> str:
        if reason == "goto":
            return f"Ran to step {step}"
        if reason == "backtrack":
            for ev in events:
                if ev.kind == "backtrack":
                    cp, index = ev.data
                    loc = cp.span.location().rsplit("/", 1)[-1] if cp.span is not None else "?"
                    alt = cp.total - len(cp.remaining) + index + 1
                    return f"Backtracked to cp-{cp.cid} (amb at {loc}): alternative {alt} of {cp.total} (step {step})"
        return f"Stepped (step {step})"


__all__ = ["StopChecks"]
