"""`eqv?`/`eq?` and `equal?` (LANGUAGE.md 2.3).

`eqv`: integers with integers and floats with floats by IEEE equality (so `2` and `2.0` differ and
NaN differs from itself), strings by content (`PStr` included), everything else by identity
(symbols, keywords, booleans, `()` and void are singletons). `equal` extends `eqv` through pairs
and vectors, iteratively, reading vector slots from the store.
"""

from __future__ import annotations

from .values import MultipleValues, Pair, Store, Value, Vector


def eqv(a: Value, b: Value) -> bool:
    """Omega `eqv?` (also `eq?`)."""
    if a.__class__ is bool or b.__class__ is bool:
        return a is b
    if isinstance(a, int):
        return isinstance(b, int) and int.__eq__(a, b) is True
    if isinstance(a, float):
        return isinstance(b, float) and float.__eq__(a, b) is True
    if isinstance(a, str):
        return isinstance(b, str) and str.__eq__(a, b) is True
    return a is b


def equal(a: Value, b: Value, store: Store) -> bool:
    """Omega `equal?`: structural through pairs and vectors, `eqv` elsewhere.

    A pair of vectors already under comparison is taken as equal, so cyclic vectors terminate.
    """
    stack: list[tuple[Value, Value]] = [(a, b)]
    seen: set[tuple[int, int]] = set()
    while stack:
        x, y = stack.pop()
        # Walk down the cdr chain in place so long lists need one stack entry per car level.
        while True:
            if x is y and not isinstance(x, float):
                break
            if isinstance(x, Pair):
                if not isinstance(y, Pair):
                    return False
                stack.append((x.car, y.car))
                x, y = x.cdr, y.cdr
                continue
            if isinstance(x, Vector):
                if not isinstance(y, Vector) or len(x.items) != len(y.items):
                    return False
                key = (id(x), id(y))
                if key not in seen:
                    seen.add(key)
                    stack.extend((x.ref(store, i), y.ref(store, i)) for i in range(len(x.items)))
                break
            if isinstance(x, MultipleValues):  # element by element (LANGUAGE.md 17.9)
                if not isinstance(y, MultipleValues) or len(x.items) != len(y.items):
                    return False
                stack.extend(zip(x.items, y.items, strict=True))
                break
            if not eqv(x, y):
                return False
            break
    return True
