"""Iterative traversals of syntax objects and core nodes (no Python recursion: programs nest deeply)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from omega_runtime import core
from omega_runtime.syntax import Atom, SList, SVector, Syntax

_WALKED = (core.Node, core.HandleClause, core.MatchClause, core.RestartClause, core.GuardClause)
_field_cache: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    names = _field_cache.get(cls)
    if names is None:
        names = tuple(f.name for f in attrs.fields(cls) if f.name not in ("span", "synthetic"))
        _field_cache[cls] = names
    return names


def children(obj: Any) -> list[Any]:
    """The core nodes and clauses directly under a node or clause, in field order.

    Generic over the node classes (attrs fields), so node kinds added to `core` later are walked too.
    """
    out: list[Any] = []
    for name in _fields(type(obj)):
        value = getattr(obj, name)
        if isinstance(value, _WALKED):
            out.append(value)
        elif isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, _WALKED):
                    out.append(item)
                elif isinstance(item, tuple):
                    out.extend(x for x in item if isinstance(x, core.Node))
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
