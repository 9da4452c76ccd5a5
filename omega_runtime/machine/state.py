"""Machine states, choice points and transactions as immutable records.

A `State` is a complete machine state: restoring one is assigning its fields back (exact time
travel and backtracking). It holds references only; every part is persistent and shared.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

# Builds a named tuple from a tuple of its fields with one C call: the class's own __new__ is
# interpreted Python (also in the compiled build), and the records below are made at every
# choice and backtrack.
new_record: Any = tuple.__new__


class State(NamedTuple):
    c: Any  # control node, or None when returning the value `v`
    v: Any
    e: Any
    k: Any
    s: Any  # the store: immutables.Map
    r: Any  # Registers
    nc: int  # next store cell key
    t: int  # transitions so far


class ChoicePoint(NamedTuple):
    """A pending choice (a named tuple: one is made at every choice and every backtrack)."""

    cid: int  # cp-N
    span: Any  # the amb's span
    alternatives: tuple[Any, ...]  # every alternative's thunk, in amb order
    state: State  # the machine at the choice (continuation = the amb's)
    remaining: tuple[Any, ...]  # untried thunks, in order
    total: int
    tried: int
    created: int  # the step that created it
    boundary: int  # 0: the top-level form; else the amb-collect's id
    node: Any = None  # the amb's node: alternatives are applied there

    @property
    def alt_spans(self) -> tuple[Any, ...]:
        """The span of every alternative (its thunk's body), in amb order; asked for only by a
        debugger, so not computed at each choice."""
        return tuple(getattr(getattr(getattr(t, "lam", None), "body", None), "span", None)
                     for t in self.alternatives)

    def advanced(self, remaining: tuple[Any, ...]) -> ChoicePoint:
        """This choice point with one more alternative tried and `remaining` left (as evolve
        would make it, at a fraction of its cost: a choice point changes at every backtrack)."""
        cid, span, alternatives, state, _, total, tried, created, boundary, node = self  # (see Registers.with_mono)
        cp: ChoicePoint = new_record(ChoicePoint, (cid, span, alternatives, state, remaining, total, tried + 1,
                                                   created, boundary, node))
        return cp


class ChoiceStack:
    """The pending choice points: a persistent stack, newest on top. A choice pushes and a
    backtrack pops in O(1), sharing the rest (a tuple would copy every pending choice point at
    each choice: quadratic in a search that keeps many). Length, iteration and indexing read it
    oldest first, as the tuple it replaces did (views and tests; O(n) but the newest)."""

    __slots__ = ("top", "below", "size")

    def __init__(self, top: ChoicePoint | None, below: ChoiceStack | None, size: int) -> None:
        self.top = top
        self.below = below
        self.size = size

    def push(self, cp: ChoicePoint) -> ChoiceStack:
        return ChoiceStack(cp, self, self.size + 1)

    def older_than(self, cid: int) -> ChoiceStack:
        """The stack without its choice points numbered `cid` or later (ids grow upwards)."""
        stack = self
        while stack.top is not None and stack.top.cid >= cid and stack.below is not None:
            stack = stack.below
        return stack

    def newest_first(self) -> list[ChoicePoint]:
        out = []
        stack: ChoiceStack | None = self
        while stack is not None and stack.top is not None:
            out.append(stack.top)
            stack = stack.below
        return out

    def __len__(self) -> int:
        return self.size

    def __bool__(self) -> bool:
        return self.size > 0

    def __iter__(self) -> Iterator[ChoicePoint]:
        return iter(self.newest_first()[::-1])

    def __getitem__(self, i: int) -> ChoicePoint:
        if self.top is not None and (i == -1 or i == self.size - 1):
            return self.top
        return self.newest_first()[::-1][i]

    def __repr__(self) -> str:
        return f"ChoiceStack({', '.join(f'cp-{cp.cid}' for cp in self)})"


NO_CHOICES = ChoiceStack(None, None, 0)


class ProposalRecord(NamedTuple):
    kind: str  # set vector-set hash-set hash-delete record-set fact-assert fact-retract file-write shell tool
    target: Any
    old: Any
    new: Any
    span: Any


class Transaction(NamedTuple):
    tid: int  # tx-N
    span: Any
    status: str  # open | committed | rolled-back | failed | rolling-back
    undo: tuple[tuple[Any, ...], ...] = ()  # ("cell", key, old) / ("fact", key, old entry), oldest first
    proposals: tuple[ProposalRecord, ...] = ()
    external: tuple[Any, ...] = ()  # values.Proposal objects to perform at the outermost commit
    cp_mark: int = 0  # choice points with ids >= mark were created inside


class Budget(NamedTuple):
    bid: int
    limits: tuple[tuple[str, int | float], ...]  # (dimension, limit) in the order steps llm-calls tokens seconds
    start_t: int
    start_llm: int
    start_tokens: int
    start_time: float
    span: Any
