"""What the search did between two recorded entries, read off the history alone (no second
record): choice points made, backtracks (with the alternative taken), values an `amb-collect`
gathered, top-level forms finished, transactions opened and closed.

Registers change only in *full* entries (history.py), so a scan looks at those alone and
compares each one's registers with the ones before it. A backtrack is recognised by what
`Machine.resume_choice` leaves behind: the choice point's own continuation, facts and transactions
restored, and that choice point either gone or one alternative further on.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import compress, repeat
from operator import is_
from typing import Any

import attrs

from ..machine import frames as F
from ..machine.nodes import KConst, Node
from ..machine.state import ChoicePoint
from ..printer import write_repr

LABEL_LIMIT = 24  # an edge label: the alternative's short `write` form, or its source text


@attrs.frozen
class Backtrack:
    cp: ChoicePoint  # the choice point as it was before (its `remaining` still holds the alternative)
    taken: int  # index in `cp.remaining` of the alternative taken


def register_changes(history: Any, lo: int, hi: int) -> Iterator[tuple[int, Any, tuple[Any, ...]]]:
    """`(step, registers before, entry)` for each full entry in `[lo, hi]` whose registers
    differ from those of the entry before it (`entry` is the recorded tuple `(c, v, e, k, s, r,
    nc)`). Entry `lo` itself is compared with entry `lo - 1` when that one is kept."""
    base, states = history.base, history.states
    lo = max(lo, history.oldest)
    hi = min(hi, history.newest)
    if hi < lo:
        return
    prev_r = history.get(lo - 1).r if lo > history.oldest else None
    xs = states[2 * (lo - base):2 * (hi - base) + 1:2]
    for i in compress(range(len(xs)), map(is_, map(type, xs), repeat(tuple))):  # full entries, at C speed
        x = xs[i]
        r = x[5]
        if r is not prev_r:
            if prev_r is not None:
                yield lo + i, prev_r, x
            prev_r = r


def find_backtrack(before: Any, entry: tuple[Any, ...]) -> Backtrack | None:
    """The backtrack a step with registers `before` made to reach the full entry `entry`, if
    it made one: resuming a pending choice point restores its continuation, facts and transactions,
    and leaves it one alternative further on (or gone, after its last)."""
    r = entry[5]
    last = r.choices.top
    for cp in before.choices.newest_first():
        if last is not None and last.cid > cp.cid:
            return None
        st = cp.state
        # (the store is the choice point's too, but for the statuses of the transactions the
        # backtrack discarded)
        if r.txs is not st.r.txs or r.facts is not st.r.facts or r.form != st.r.form or not _resumes(entry[3], st.k):
            continue
        remaining = cp.remaining
        if last is None or last.cid < cp.cid:
            if len(remaining) == 1:
                return Backtrack(cp, 0)
            continue
        now = last.remaining
        if last.tried == cp.tried + 1 and len(now) == len(remaining) - 1:
            i = 0
            while i < len(now) and now[i] is remaining[i]:
                i += 1
            return Backtrack(cp, i)
    return None


def _resumes(k: Any, k0: Any) -> bool:
    """Whether `k` is the continuation `k0` with at most the alternative's activation on it."""
    if k is k0 or (k is not None and k.next is k0):
        return True
    return k.__class__ is F.Activation and k0.__class__ is F.Activation and k.next is k0.next


def new_choice_points(before: Any, after: Any) -> list[ChoicePoint]:
    """The choice points in `after` made since `before` (ids never reused in a run)."""
    known = before.choices.top.cid if before.choices.top is not None else 0
    seen = before.mono.ids.get("cp", 0)
    return [cp for cp in after.choices if cp.cid > known and cp.cid > seen]


def entry_parts(history: Any, step: int) -> tuple[Any, Any, Any]:
    """`(control, value, continuation)` of entry `step`, read straight off the record (a narrow
    entry with a control has no value of its own: None then)."""
    i = 2 * (step - history.base)
    x = history.states[i]
    if x.__class__ is tuple:
        return x[0], x[1], x[3]
    k = history.states[i + 1]
    if isinstance(x, Node):
        return x, None, k
    return None, x, k


def fail_site(c: Any, k: Any) -> Any:
    """The span of the `require` or `(amb)` about to fail when a state with control `c` and
    continuation `k` is ready to dispatch `amb.fail`, else None."""
    if c is not None or k.__class__ is not F.EffectFrame:
        return None
    node = k.node
    if getattr(node.op, "name", None) != "amb.fail" or len(k.vals) + 1 != len(node.args):
        return None
    return node.span


def collecting(c: Any, k: Any) -> bool:
    """Whether a state with control `c` and continuation `k` is a value reaching an
    `amb-collect` (it is collected at the next step)."""
    return c is None and k.__class__ is F.ExtentFrame and k.ekind == "amb-collect"


def boundary_of(k: Any) -> int:
    """The id of the innermost `amb-collect` around continuation `k` (0: the top-level form)."""
    while k is not None:
        if k.__class__ is F.ExtentFrame and k.ekind == "amb-collect":
            return int(k.data[0])
        k = k.next
    return 0


def collect_frame(cp: ChoicePoint) -> Any:
    """The `amb-collect` extent frame that is `cp`'s boundary, or None."""
    k = cp.state.k
    while k is not None:
        if k.__class__ is F.ExtentFrame and k.ekind == "amb-collect" and k.data[0] == cp.boundary:
            return k
        k = k.next
    return None


def alternative_position(cp: ChoicePoint, thunk: Any) -> int:
    """The position (from 1) in its `amb` of one of `cp`'s alternatives."""
    body = getattr(getattr(thunk, "lam", None), "body", None)
    span = getattr(body, "span", None)
    if span is not None:
        for i, s in enumerate(cp.alt_spans):
            if s is span or s == span:
                return i + 1
    return 0


def alternative_label(cp: ChoicePoint, thunk: Any, sources: dict[str, Any], store: Any) -> str:
    """An alternative's edge label: the `write` form of a constant, else its source text."""
    body = getattr(getattr(thunk, "lam", None), "body", None)
    if isinstance(body, KConst):
        text = write_repr(body.value, store)
    else:
        span = getattr(body, "span", None)
        source = sources.get(span.file) if span is not None else None
        if source is None or span is None:
            return ""
        text = " ".join(source.text[span.start_offset:span.end_offset].split())
    return text if len(text) <= LABEL_LIMIT else text[:LABEL_LIMIT - 1] + "…"


def closed_transactions(before: Any, after: Any) -> list[int]:
    """Ids of the transactions open in `before` and no longer in `after`."""
    if not before.txs or before.txs is after.txs:
        return []
    still = {tx.tid for tx in after.txs}
    return [tx.tid for tx in before.txs if tx.tid not in still]


def opened_transactions(before: Any, after: Any) -> list[int]:
    if not after.txs or before.txs is after.txs:
        return []
    was = {tx.tid for tx in before.txs}
    return [tx.tid for tx in after.txs if tx.tid not in was]
