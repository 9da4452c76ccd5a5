"""`datum_to_syntax`: runtime data back to syntax objects, for the `eval` primitive."""

from __future__ import annotations

from typing import Any

from ..span import Span
from ..syntax import Atom, SList, SVector, Syntax
from ..values import NIL, Pair, Store, Value, Vector


def datum_to_syntax(value: Value, span: Span, store: Store | None = None) -> Syntax:
    """`value` as syntax, every part carrying `span`. Vectors show their current contents when
    `store` is given (else their initial ones). Iterative: data may nest 100,000 deep."""
    # Each task builds one syntax object; `results` collects finished children in order.
    results: list[Syntax] = []
    stack: list[tuple[Any, bool, int, bool]] = [(value, False, 0, False)]  # (value, built, n_items, has_tail)
    while stack:
        v, built, n, has_tail = stack.pop()
        if built:
            tail = results.pop() if has_tail else None
            items = tuple(results[len(results) - n:]) if n else ()
            if n:
                del results[len(results) - n:]
            results.append(SVector(items, span) if isinstance(v, Vector) else SList(items, span, tail))
            continue
        if isinstance(v, Pair):
            elems: list[Value] = []
            cur: Value = v
            while isinstance(cur, Pair):
                elems.append(cur.car)
                cur = cur.cdr
            tail_value = None if cur is NIL else cur
            stack.append((v, True, len(elems), tail_value is not None))
            if tail_value is not None:
                stack.append((tail_value, False, 0, False))
            for e in reversed(elems):
                stack.append((e, False, 0, False))
        elif isinstance(v, Vector):
            elems = v.elements(store) if store is not None else list(v.items)
            stack.append((v, True, len(elems), False))
            for e in reversed(elems):
                stack.append((e, False, 0, False))
        elif v is NIL:
            results.append(SList((), span))  # `()` is a list in code (a binding or parameter list)
        else:
            results.append(Atom(v, span))
    return results[0]
