"""Iterative traversals of syntax objects and core nodes (no Python recursion: programs nest deeply)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from omega_runtime import core
from omega_runtime.syntax import Atom, SList, SVector, Syntax

_WALKED = (core.Node, core.HandleClause, core.MatchClause, core.RestartClause, core.GuardClause)
_plans: dict[type, tuple[tuple[str, int], ...]] = {}
_ONE, _MANY, _PAIRS = 0, 1, 2


def _plan(cls: type) -> tuple[tuple[str, int], ...]:
    """Which fields of `cls` can hold nodes or clauses, and how (read from the field annotations)."""
    plan = _plans.get(cls)
    if plan is None:
        steps = []
        for name, t in core.record_fields(cls):
            if "Node" not in t and "Clause" not in t:
                continue  # spans, bindings, names, patterns: nothing to walk
            steps.append((name, _PAIRS if "tuple[" in t else _MANY if t.startswith("list[") else _ONE))
        plan = _plans[cls] = tuple(steps)
    return plan


def children(obj: Any) -> list[Any]:
    """The core nodes and clauses directly under a node or clause, in field order.

    Generic over the node classes (their field annotations), so node kinds added to `core` later are walked too.
    """
    out: list[Any] = []
    for name, how in _plan(type(obj)):
        value = getattr(obj, name)
        if value is None:
            continue
        if how == _ONE:
            out.append(value)
        elif how == _MANY:
            out.extend(value)
        else:
            out.extend(x for pair in value for x in pair if isinstance(x, _WALKED))
    return out


def iter_core(roots: list[Any]) -> Iterator[Any]:
    """Every node and clause under `roots`, parents before children, in source order."""
    stack = list(reversed(roots))
    while stack:
        obj = stack.pop()
        yield obj
        stack.extend(reversed(children(obj)))


def iter_syntax(roots: tuple[Syntax, ...] | list[Syntax]) -> Iterator[tuple[Syntax, int]]:
    """Every datum under `roots` with its depth (top level is 0), in source order."""
    stack: list[tuple[Syntax, int]] = [(s, 0) for s in reversed(roots)]
    while stack:
        s, depth = stack.pop()
        yield s, depth
        if isinstance(s, SList):
            if s.tail is not None:
                stack.append((s.tail, depth + 1))
            stack.extend((c, depth + 1) for c in reversed(s.items))
        elif isinstance(s, SVector):
            stack.extend((c, depth + 1) for c in reversed(s.items))


def datum_path(roots: tuple[Syntax, ...] | list[Syntax], offset: int, *, inclusive_end: bool = True) -> list[Syntax]:
    """The data containing `offset`, outermost first (a cursor just past a datum's end counts as in it)."""
    path: list[Syntax] = []
    level: tuple[Syntax, ...] | list[Syntax] = roots
    while True:
        found: Syntax | None = None
        for s in level:
            if s.span.start_offset <= offset and (offset < s.span.end_offset
                                                 or (inclusive_end and offset == s.span.end_offset)):
                found = s
                if offset < s.span.end_offset:
                    break
        if found is None:
            return path
        path.append(found)
        if isinstance(found, Atom):
            return path
        level = list(found.items) + ([found.tail] if isinstance(found, SList) and found.tail is not None else [])
