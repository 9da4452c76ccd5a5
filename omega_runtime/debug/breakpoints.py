"""Breakpoints (DEBUGGER.md 6): the line table, verification, conditions, hit conditions and
logpoints, function, data and exception breakpoints. Pure bookkeeping: the controller decides
when they are checked, the inspector evaluates their conditions."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import Any

import attrs

from ..machine import nodes as N
from ..span import Span

HIT_CONDITION = re.compile(r"^\s*(==?|>=|<=|>|<|%)?\s*(\d+)\s*$")

EXCEPTION_FILTERS = [
    ("uncaught", "Uncaught Conditions", True,
     "an error that every handler declined and no guard took is about to stop the program"),
    ("signalled", "All Signalled Conditions", False,
     "any signal, warn, error or runtime error is signalled, before handlers run"),
    ("amb-exhausted", "amb: No More Choices", False, "a failure finds no pending choice point in its boundary"),
    ("fixpoint-diverged", "Fixpoint Diverged", False, "a fixpoint reaches max-iter without converging"),
    ("budget-exceeded", "Budget Exceeded", False, "a budget dimension is exhausted (increase-budget and abort available)"),
    ("transaction-rolled-back", "Transaction Rolled Back", False,
     "a transaction is about to roll back; its proposals are still visible"),
    ("oracle-call", "Oracle Calls", False, "an oracle request (infer.op, search.op) is ready to be sent or replayed"),
]
FILTER_IDS = [f[0] for f in EXCEPTION_FILTERS]


def parse_hit_condition(text: str) -> tuple[str, int] | None:
    m = HIT_CONDITION.match(text)
    if not m:
        return None
    op = m.group(1) or "="
    return ("=" if op == "==" else op), int(m.group(2))


def hit_condition_holds(cond: tuple[str, int] | None, count: int) -> bool:
    if cond is None:
        return True
    op, n = cond
    if op == "=":
        return count == n
    if op == ">":
        return count > n
    if op == ">=":
        return count >= n
    if op == "<":
        return count < n
    if op == "<=":
        return count <= n
    return n > 0 and count % n == 0


@attrs.define(eq=False)
class Breakpoint:
    """A line, function or data breakpoint (`kind`)."""

    bid: int
    kind: str  # line | function | data
    verified: bool
    nids: frozenset[int] = frozenset()  # nodes whose evaluation hits (line) / body nodes (function)
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    source: str | None = None
    message: str | None = None
    reason: str | None = None
    condition: str | None = None
    hit_condition: tuple[str, int] | None = None
    hit_text: str | None = None
    log_message: str | None = None
    name: str | None = None  # function breakpoints; data breakpoints' dataId
    access: str = "write"
    hits: list[int] = attrs.field(factory=list)  # steps where it hit (timeline order)
    known_from: int = 0  # every hit at or after this step is in `hits` (the newest entry when set)
    key: tuple[Any, ...] = ()  # identity for id stability across set calls

    def count_until(self, step: int) -> int:
        return bisect.bisect_right(self.hits, step)

    def record_hit(self, step: int) -> int:
        """Record a hit at `step` (once) and return the count up to it (hits follow the timeline)."""
        i = bisect.bisect_left(self.hits, step)
        if i == len(self.hits) or self.hits[i] != step:
            self.hits.insert(i, step)
        return self.count_until(step)


@attrs.define
class LineTable:
    """Non-synthetic expression nodes of one file keyed by the line where they start."""

    by_line: dict[int, list[N.Node]]
    last_line: int  # the file's line count

    @classmethod
    def build(cls, roots: Iterable[N.Node], file: str, line_count: int) -> LineTable:
        by_line: dict[int, list[N.Node]] = {}
        stack = list(roots)
        while stack:
            node = stack.pop()
            span = node.span
            if span is not None and not node.synthetic and not node.builtin and span.file == file:
                by_line.setdefault(span.start_line, []).append(node)
            stack.extend(node.children())
        for nodes in by_line.values():
            nodes.sort(key=lambda n: (n.span.start_offset, -n.span.end_offset))  # type: ignore[union-attr]
        return cls(by_line, line_count)

    def bind(self, line: int, column: int | None) -> tuple[N.Node | None, int]:
        """The node a breakpoint at (line, column) binds to and the line it moved to."""
        last = max(self.by_line) if self.by_line else 0
        probe = line
        while probe <= last:
            nodes = self.by_line.get(probe)
            if nodes:
                if column is not None and probe == line:
                    for n in nodes:
                        if n.span.start_col >= column:  # type: ignore[union-attr]
                            return n, probe
                    probe += 1
                    column = None
                    continue
                return nodes[0], probe  # the outermost node starting first on the line
            probe += 1
        return None, line

    def locations(self, line: int, end_line: int | None) -> list[Span]:
        out = []
        for ln in range(line, (end_line or line) + 1):
            for n in self.by_line.get(ln, []):
                if n.span is not None:
                    out.append(n.span)
        operators = {id(n.fn.span) for nodes in self.by_line.values() for n in nodes
                     if isinstance(n, N.KApp) and isinstance(n.fn, (N.KGlobal, N.KLocal))}
        return [s for s in out if id(s) not in operators]


def function_body_nids(roots: Iterable[N.Node], name: str) -> frozenset[int]:
    """Body nodes of every lambda named `name` in the program."""
    out = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, N.KLambda) and node.name == name:
            body = node.body
            while body.synthetic and body.children():  # a body wrapper: stop at its first statement
                body = body.children()[0]
            out.add(body.nid)
        stack.extend(node.children())
    return frozenset(out)
