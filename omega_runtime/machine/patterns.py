"""`match` (LANGUAGE.md 5.4): trying each clause's pattern against a value, iteratively."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..conditions import OmegaError
from ..values import (
    MISSING,
    NIL,
    Pair,
    Vector,
    list_to_python,
    make_list,
)

if TYPE_CHECKING:
    from .machine import Machine


def match(m: Machine, node: Any, env: Any, value: Any) -> None:
    from ..equality import equal

    for pattern, layout, body in node.clauses:
        slots: list[Any] = [MISSING] * len(layout.bindings)
        if _match(pattern, value, slots, m.s, equal):
            vals = tuple(slots)
            if True in layout.boxed:
                vals = m.box_values(layout, vals)
            m.e = (env, layout, *vals)
            m.c = body
            return
    from ..printer import write_repr

    m.raise_error(OmegaError("match-failure", f"match: no clause matches {write_repr(value, m.s)}",
                                (value,)), node)


def _match(pattern: Any, value: Any, slots: list[Any], store: Any, equal: Callable[[Any, Any, Any], bool]) -> bool:
    """Iterative pattern matching; fills `slots`. Repeat binders collect lists."""
    work: list[tuple[Any, Any]] = [(pattern, value)]
    while work:
        pat, val = work.pop()
        kind = pat[0]
        if kind == "any":
            continue
        if kind == "bind":
            _, slot, first = pat
            if first and slots[slot] is MISSING:
                slots[slot] = val
            elif not equal(slots[slot], val, store):
                return False
            continue
        if kind == "const":
            if not equal(pat[1], val, store):
                return False
            continue
        if kind == "vec":
            if not isinstance(val, Vector) or len(val) != len(pat[1]):
                return False
            work.extend(reversed(list(zip(pat[1], val.elements(store)))))
            continue
        _, items, tail, repeat, repeat_slots = pat
        cur = val
        pending: list[tuple[Any, Any]] = []
        for sub in items:
            if not isinstance(cur, Pair):
                return False
            pending.append((sub, cur.car))
            cur = cur.cdr
        if repeat is not None:
            elems = list_to_python(cur)
            if elems is None:
                return False
            collected: list[list[Any]] = [[] for _ in repeat_slots]
            for item in elems:
                sub_slots = list(slots)
                for s in repeat_slots:
                    sub_slots[s] = MISSING
                if not _match(repeat, item, sub_slots, store, equal):
                    return False
                for j, s in enumerate(repeat_slots):
                    collected[j].append(sub_slots[s])
            for j, s in enumerate(repeat_slots):
                slots[s] = make_list(collected[j])
        elif tail is not None:
            pending.append((tail, cur))
        elif cur is not NIL:
            return False
        work.extend(reversed(pending))  # left to right: a repeated ?x compares with the first
    return True
