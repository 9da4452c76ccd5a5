"""Time travel on a DebugController (DEBUGGER.md 11): stepping back and reverse-continuing over
the recorded entries, with the same breakpoints and filters as running forward."""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterator
from typing import Any

from ..machine.state import State
from .breakpoints import Breakpoint, hit_condition_holds
from .controller_state import announces_stops
from .stop_checks import StopChecks
from .stops import Stop, activation_depth, is_node_control, top_activation


class TimeTravel(StopChecks):

    def _require_history(self) -> None:
        if not self.history.enabled:
            raise ValueError("Time travel is off")

    def _goto_entry(self, step: int) -> None:
        self.cur = step
        self._suppress = None
        st = self.history.get(step)
        self._last_line = int(st.c.span.start_line) if is_node_control(st) else self._prev_line(step)
        self.m.restore(st)
        self.finished = None

    def _prev_line(self, step: int) -> int | None:
        for s in range(step - 1, max(self.history.oldest, step - 200) - 1, -1):
            st = self.history.get(s)
            if is_node_control(st):
                return int(st.c.span.start_line)
        return None

    def _is_stmt(self, step: int) -> bool:
        st = self.history.get(step)
        if not is_node_control(st):
            return False
        return bool(st.c.stmt) or st.c.span.start_line != self._prev_line(step)

    def _bp_hit_at(self, step: int) -> list[Breakpoint]:
        st = self.history.get(step)
        c = st.c
        if c is None or c.nid not in self.bp_nodes:
            return []
        return [bp for bp in self.bp_nodes[c.nid] if bp.log_message is None]

    def _back_stops(self, start: int) -> Any:
        """Entries before `start` whose control is a user node, newest first, as (step, control,
        continuation, is statement stop). Scans the recorded entries directly: a statement stop is known
        once the next older user node (the line before it) is seen."""
        pending: tuple[int, Any, Any] | None = None
        for step, c, k in self.history.controls_before(start):
            if c.synthetic or c.builtin or c.span is None:
                continue
            if pending is not None:
                ps, pc, pk = pending
                yield ps, pc, pk, bool(pc.stmt) or pc.span.start_line != c.span.start_line
            pending = (step, c, k)
        if pending is not None:
            yield (*pending, True)

    @announces_stops
    def step_back(self, granularity: str = "statement") -> Stop:
        self._require_history()
        start = self.cur
        if start <= self.history.oldest:
            return Stop("step", f"Reached the oldest recorded step (step {start})", start)
        if granularity == "instruction":
            self._goto_entry(start - 1)
            return Stop("step", f"Stepped back to step {start - 1}", start - 1)
        st0 = self.history.get(start)
        d = activation_depth(st0.k)
        act = top_activation(st0.k)
        line = self._node_line(st0)
        bpn = self.bp_nodes
        for s, c, k, stmt in self._back_stops(start):
            if c.nid in bpn and any(bp.log_message is None for bp in bpn[c.nid]):
                self._goto_entry(s)
                return Stop("step", f"Stepped back to step {s}", s)
            if not stmt or activation_depth(k) > d:
                continue
            if granularity == "line" and c.span.start_line == line and top_activation(k) is act:
                continue
            self._goto_entry(s)
            return Stop("step", f"Stepped back to step {s}", s)
        return self._to_oldest()

    @announces_stops
    def reverse_step_in(self) -> Stop:
        self._require_history()
        for s, _c, _k, stmt in self._back_stops(self.cur):
            if stmt:
                self._goto_entry(s)
                return Stop("step", f"Stepped back to step {s}", s)
        return self._to_oldest()

    @announces_stops
    def reverse_step_out(self) -> Stop:
        self._require_history()
        d = activation_depth(self.state.k)
        for s, _c, k, stmt in self._back_stops(self.cur):
            if stmt and activation_depth(k) < d:
                self._goto_entry(s)
                return Stop("step", f"Stepped back to step {s}", s)
        return self._to_oldest()

    def _to_oldest(self) -> Stop:
        oldest = self.history.oldest
        self._goto_entry(oldest)
        return Stop("entry" if oldest == 0 else "step", f"Reached the oldest recorded step (step {oldest})", oldest)

    @announces_stops
    def reverse_continue(self) -> Stop:
        """Back to the most recent earlier entry where a breakpoint hits or an enabled filter
        matches. Hits recorded while running answer directly (the breakpoints' hit lists);
        only the part of the record older than a breakpoint's arming is scanned."""
        self._require_history()
        oldest = self.history.oldest
        stoppers = [bp for bp in self._all_breakpoints() if bp.kind != "data" and bp.nids and bp.log_message is None]
        known = max([bp.known_from for bp in stoppers] + [oldest])
        candidates: set[int] = set()
        for bp in stoppers:
            hi = bisect.bisect_left(bp.hits, self.cur)
            lo = bisect.bisect_left(bp.hits, known)
            candidates.update(bp.hits[lo:hi])
        candidates.update(s for s in self.events if known <= s < self.cur)
        for s in sorted(candidates, reverse=True):
            stop = self._reverse_stop_at(s)
            if stop is not None:
                return stop
        limit = min(self.cur, known)
        event_steps = sorted((s for s in self.events if s < limit), reverse=True)
        for s in heapq.merge(self._breakpoint_steps(limit), event_steps, reverse=True):
            stop = self._reverse_stop_at(s)
            if stop is not None:
                return stop
        return self._to_oldest()

    def _breakpoint_steps(self, limit: int) -> Iterator[int]:
        """Entries before `limit` whose control is a breakpoint's node, newest first. While a
        stretch of the record is scanned the nodes are trapped (Machine.set_traps), which gives
        them classes of their own: the scan then only compares classes."""
        nodes = self._trap_nodes()
        for lo, hi in self.history.chunks_before(limit):
            self.m.set_traps(nodes)
            try:
                hits = self.history.steps_with_control_class({node.__class__ for node in nodes}, lo, hi)
            finally:
                self.m.set_traps(())
            yield from hits

    def _reverse_stop_at(self, s: int) -> Stop | None:
        st = self.history.get(s)
        c = st.c
        if c is not None and c.nid in self.bp_nodes:
            hits = [bp for bp in self.bp_nodes[c.nid] if bp.log_message is None]
            ok = [bp for bp in hits if self._reverse_condition_ok(bp, st, s)]
            if ok:
                self._goto_entry(s)
                kind = "function breakpoint" if ok[0].kind == "function" else "breakpoint"
                return Stop(kind, f"Paused on {kind} {ok[0].bid} (step {s})", s, hit_ids=[b.bid for b in ok])
        for ev in self.events.get(s, []):
            stop = self._filter_stop(ev, s)
            if stop is not None:
                self._goto_entry(s)
                return stop
        return None

    def _reverse_condition_ok(self, bp: Breakpoint, st: State, step: int) -> bool:
        held = self._condition_value(bp, st)
        if isinstance(held, Exception):
            return True
        return held and hit_condition_holds(bp.hit_condition, bp.count_until(step))


__all__ = ["TimeTravel"]
