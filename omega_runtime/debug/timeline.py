"""The Execution History as a timeline of the program (DEBUGGER.md 11.3 `omega/history`), read
off the one history record: statements with their source text, calls and returns, choice
points, backtracks, values collected, oracle calls, transactions opened and closed, top-level
forms finished, breakpoint hits and interventions. Machine transitions (one entry per step,
`eval local0`, `return to app`) only when asked for (`transitions`).

An entry says what the state at its step is, or what the step into it did; one step may make
several entries (a call whose body's first statement is the new control).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from ..machine import frames as F
from ..printer import write_repr
from . import record_events as R
from .inspector import frames
from .stops import activation_depth
from .values_view import short_location

TEXT_LIMIT = 80


@attrs.define
class Entry:
    step: int
    kind: str  # statement call return choice backtrack solution oracle transaction form edit breakpoint step
    summary: str
    span: Any = None
    depth: int = 0
    latency_ms: float | None = None  # oracle calls

    def as_json(self, line_out: Any, col_out: Any) -> dict[str, Any]:
        span = self.span
        out: dict[str, Any] = {"step": self.step, "kind": self.kind, "summary": self.summary,
                               "line": line_out(span.start_line) if span is not None else 0,
                               "column": col_out(span.start_col) if span is not None else 0,
                               "depth": self.depth}
        if span is not None:
            out["location"] = short_location(span)
        if self.latency_ms is not None:
            out["latencyMs"] = round(self.latency_ms, 1)
        return out


def _top_activation(k: Any) -> Any:
    while k is not None and k.__class__ is not F.Activation:
        k = k.next
    return k


class _DepthOf:
    """The activation depth of a continuation, counted when first asked for."""

    def __init__(self, k: Any) -> None:
        self.k = k
        self.depth: int | None = None

    def __call__(self) -> int:
        if self.depth is None:
            self.depth = activation_depth(self.k)
        return self.depth


def _user_node(c: Any) -> bool:
    return c is not None and not c.synthetic and not c.builtin and c.span is not None


def _state_span(st: Any) -> Any:
    """The location a debugger shows for a state: that of its top activation (or top-level) frame
    (DEBUGGER.md 8; extent labels are never focused)."""
    for f in frames(st):
        if f.kind in ("activation", "top-level"):
            return f.span
    return None


class Timeline:
    """Reads the entries of a controller's history."""

    def __init__(self, ctl: Any, transitions: bool = False) -> None:
        self.ctl = ctl
        self.h = ctl.history
        self.transitions = transitions
        self.oracle_at: dict[int, Any] = {}
        h = self.h
        if h.size:
            t_lo, t_hi = h.t_of(h.oldest), h.t_of(h.newest)
            for ev in ctl.rt.host.oracle_events:
                if t_lo <= ev.step <= t_hi:
                    self.oracle_at[ev.step] = ev

    def text(self, span: Any) -> str:
        source = self.ctl.sources.get(span.file)
        if source is None:
            return "?"
        text = " ".join(source.text[span.start_offset:span.end_offset].split())
        return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT - 1] + "…"

    def _prev_line(self, step: int) -> int | None:
        h = self.h
        for s in range(step - 1, max(h.oldest, step - 200) - 1, -1):
            c, _v, _k = R.entry_parts(h, s)
            if _user_node(c):
                return int(c.span.start_line)
        return None

    def scan(self, lo: int, hi: int) -> Iterator[Entry]:
        """The entries of steps `lo..hi`, in order."""
        h = self.h
        lo = max(lo, h.oldest)
        hi = min(hi, h.newest)
        if hi < lo:
            return
        last_line = self._prev_line(lo)
        prev = h.get(lo - 1) if lo > h.oldest else None
        bp_nodes = self.ctl.bp_nodes
        edits = h.edits
        for s in range(lo, hi + 1):
            st = h.get(s)
            c = st.c
            d = _DepthOf(st.k)

            here = _state_span(st)  # where the editor shows this step: every entry of it is placed there
            if s in edits:
                yield Entry(s, "edit", "edit: " + edits[s], here, d())
            if prev is not None:
                for e in self._transition(s, prev, st, d):
                    e.span = here
                    yield e
            if self.transitions:
                yield Entry(s, "step", self.ctl.entry_summary(s), here, d())
            if _user_node(c):
                line = c.span.start_line
                stmt = c.stmt or line != last_line
                last_line = line
                hits = [bp for bp in bp_nodes.get(c.nid, ()) if bp.log_message is None]
                if hits:
                    yield Entry(s, "breakpoint", f"breakpoint {hits[0].bid}: {self.text(c.span)}", c.span, d())
                elif stmt and not self.transitions:
                    yield Entry(s, "statement", self.text(c.span), c.span, d())
            prev = st

    def _transition(self, s: int, prev: Any, st: Any, d: Any) -> Iterator[Entry]:
        """What the step from entry `s - 1` to entry `s` did."""
        h = self.h
        ev = self.oracle_at.get(h.t_of(s - 1))
        if ev is not None and s not in h.edits:
            rc = ev.receipt
            prompt = " ".join(rc.prompt.split())
            answer = " ".join(str(rc.response).split())
            yield Entry(s, "oracle", f"oracle {rc.id} · {ev.source} · {_cut(prompt, 40)} → {_cut(answer, 30)}",
                        ev.span, d(), latency_ms=float(rc.duration_ms))
        before, after = prev.r, st.r
        if before is not after:
            yield from self._registers(s, prev, st, d)
        a0, a1 = _top_activation(prev.k), _top_activation(st.k)
        if a0 is not a1:
            if a1 is not None and _top_activation(a1.next) is a0:
                yield Entry(s, "call", f"call {a1.name}", a1.site.span if a1.site is not None else None, d())
            elif a0 is not None and _top_activation(a0.next) is a1:
                value = write_repr(st.v, st.s) if st.c is None else ""
                yield Entry(s, "return", f"return from {a0.name}" + (f" → {_cut(value, 40)}" if value else ""),
                            a0.site.span if a0.site is not None else None, d())
            elif a1 is not None and a0 is not None and a1.next is a0.next:
                yield Entry(s, "call", f"tail call {a1.name}", a1.site.span if a1.site is not None else None, d())

    def _registers(self, s: int, prev: Any, st: Any, d: Any) -> Iterator[Entry]:
        before, after = prev.r, st.r
        if R.collecting(prev.c, prev.k):
            yield Entry(s, "solution", f"collected {_cut(write_repr(prev.v, prev.s), 40)}", None, d())
        entry = (st.c, st.v, st.e, st.k, st.s, st.r, st.nc)
        bt = R.find_backtrack(before, entry)
        if bt is not None:
            cp = bt.cp
            pos = R.alternative_position(cp, cp.remaining[bt.taken]) or cp.total - len(cp.remaining) + bt.taken + 1
            site = R.fail_site(prev.c, prev.k)
            why = f" after {self.text(site)} failed at {short_location(site)}" if site is not None else ""
            yield Entry(s, "backtrack", f"backtrack to cp-{cp.cid} #{pos} of {cp.total}{why}", cp.span, d())
        for cp in R.new_choice_points(before, after):
            yield Entry(s, "choice", f"choice cp-{cp.cid}: {self.text(cp.span)} · {cp.total} alternatives",
                        cp.span, d())
        for tid in R.opened_transactions(before, after):
            tx = next(t for t in after.txs if t.tid == tid)
            yield Entry(s, "transaction", f"begin tx-{tid}", tx.span, d())
        if bt is None:
            for tid in R.closed_transactions(before, after):
                status = str(st.s.get(("tx-status", tid), "closed"))
                word = {"committed": "commit", "rolled-back": "rollback", "failed": "commit failed"}.get(status, status)
                tx = next(t for t in before.txs if t.tid == tid)
                yield Entry(s, "transaction", f"{word} tx-{tid}", tx.span, d())
        elif R.closed_transactions(before, after):
            gone = ", ".join(f"tx-{t}" for t in R.closed_transactions(before, after))
            yield Entry(s, "transaction", f"backtrack rolled back {gone}", None, d())
        if after.form != before.form:
            yield Entry(s, "form", f"top-level form {before.form + 1} finished", None, 0)


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def history_page(ctl: Any, start: int | None, count: int, before: int = 0, transitions: bool = False,
                 line_out: Any = None, col_out: Any = None) -> dict[str, Any]:
    """The body of `omega/history`: up to `count` entries from step `start` on (all of them up
    to the newest when `count` is 0) and the `before` entries just before `start`."""
    h = ctl.history
    lo_out = line_out or (lambda x: x)
    co_out = col_out or (lambda x: x)
    tl = Timeline(ctl, transitions)
    first = max(h.oldest, start if start is not None else h.oldest)
    earlier: list[Entry] = []
    if before > 0:
        hi = first - 1
        for lo, top in h.chunks_before(first, first=256, largest=1 << 16):
            chunk = list(tl.scan(lo, top - 1))
            earlier = chunk + earlier
            if len(earlier) >= before:
                break
            hi = lo - 1
        del hi
        if len(earlier) > before:
            cut = len(earlier) - before
            while cut > 0 and earlier[cut - 1].step == earlier[cut].step:  # a step's entries stay together
                cut -= 1
            earlier = earlier[cut:]
    later: list[Entry] = []
    scanned_to = first - 1
    if count != 0 or before == 0:
        s = first
        chunk_size = 256
        while s <= h.newest and (count <= 0 or len(later) < count):
            top = min(h.newest, s + chunk_size - 1)
            for e in tl.scan(s, top):
                if count > 0 and len(later) >= count and e.step > later[-1].step:
                    break
                later.append(e)
            else:
                scanned_to = top
                s = top + 1
                chunk_size = min(chunk_size * 4, 1 << 16)
                continue
            scanned_to = later[-1].step
            break
    entries = earlier + later
    body: dict[str, Any] = {"entries": [e.as_json(lo_out, co_out) for e in entries],
                            "total": h.newest - h.oldest + 1 if h.size else 0, "oldest": h.oldest,
                            "newest": h.newest, "current": ctl.cur}
    body["next"] = scanned_to + 1 if scanned_to < h.newest else None
    body["previous"] = entries[0].step if entries and entries[0].step > h.oldest else None
    return body


STRIP_MARKS = ("breakpoint", "backtrack", "oracle", "commit", "rollback", "edit")


def timeline_strip(ctl: Any, buckets: int) -> dict[str, Any]:
    """The whole recorded run in `buckets` slices of steps, for a compact picture (the timeline
    strip): the activation depth at each slice's first step, and marks (breakpoint hits,
    backtracks, oracle calls with their latency, commits, rollbacks, interventions) counted per
    slice and kind, each with the step of its first occurrence. Read off the record cheaply: the
    registers' changes (record_events), the breakpoints' hit lists, the oracle events."""
    h = ctl.history
    if not h.size:
        return {"oldest": 0, "newest": 0, "current": ctl.cur, "bucketSize": 1, "depth": [], "marks": []}
    lo, hi = h.oldest, h.newest
    n = max(1, min(buckets, hi - lo + 1))
    size = -(-(hi - lo + 1) // n)
    depth = [activation_depth(h.get(s).k) for s in range(lo, hi + 1, size)]
    marks: dict[tuple[int, str], dict[str, Any]] = {}

    def mark(step: int, kind: str, label: str, latency: float | None = None) -> None:
        key = ((step - lo) // size, kind)
        m = marks.get(key)
        if m is None:
            m = marks[key] = {"step": step, "kind": kind, "count": 0, "label": label}
            if latency is not None:
                m["latencyMs"] = round(latency, 1)
        m["count"] += 1
        if step < m["step"]:
            m.update(step=step, label=label)

    for bp in [bp for bps in ctl.line_bps.values() for bp in bps] + list(ctl.function_bps):
        if bp.log_message is None and bp.kind != "data":
            for s in bp.hits:
                if lo <= s <= hi:
                    mark(s, "breakpoint", f"breakpoint {bp.bid}")
    for s, summary in h.edits.items():
        if lo <= s <= hi:
            mark(s, "edit", "edit: " + summary)
    for step, before, entry in R.register_changes(h, lo + 1, hi):
        after = entry[5]
        if R.find_backtrack(before, entry) is not None:
            mark(step, "backtrack", "backtrack")
            for tid in R.closed_transactions(before, after):
                mark(step, "rollback", f"backtrack rolled back tx-{tid}")
            continue
        for tid in R.closed_transactions(before, after):
            status = str(entry[4].get(("tx-status", tid), "closed"))
            kind = "commit" if status == "committed" else "rollback"
            mark(step, kind, f"{'commit' if kind == 'commit' else 'rollback'} tx-{tid}")
    tl = Timeline(ctl)
    for t, ev in sorted(tl.oracle_at.items()):
        s = _step_of_t(h, t)
        if s is not None:
            prompt = " ".join(ev.receipt.prompt.split())
            mark(s + 1, "oracle", f"oracle {ev.receipt.id}: {_cut(prompt, 40)}", float(ev.receipt.duration_ms))
    return {"oldest": lo, "newest": hi, "current": ctl.cur, "bucketSize": size, "depth": depth,
            "marks": sorted(marks.values(), key=lambda m: (m["step"], m["kind"]))}


def _step_of_t(h: Any, t: int) -> int | None:
    """The entry whose transition count is `t` (edits shift steps against transitions)."""
    lo, hi = h.oldest, h.newest
    while lo <= hi:
        mid = (lo + hi) // 2
        tm = h.t_of(mid)
        if tm < t:
            lo = mid + 1
        elif tm > t:
            hi = mid - 1
        else:
            return int(mid)
    return None
