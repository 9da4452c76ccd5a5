"""Lexical frame layouts: which bindings a runtime environment frame holds.

A runtime environment frame is a tuple `(parent, layout, v0, v1, ...)`. A slot holds the value
itself, or, for a binding that lives in a store cell (assigned variables, letrec bindings), the
cell's key. The layout lets the debugger show surface names without the machine paying for them.
"""

from __future__ import annotations

from ..core import Binding

# Offset of the first value slot in an environment tuple.
SLOT0 = 2


class Layout:
    __slots__ = ("bindings", "boxed", "kind", "any_boxed")

    def __init__(self, bindings: list[Binding], boxed: list[bool], kind: str) -> None:
        self.bindings = tuple(bindings)
        self.boxed = tuple(boxed)
        self.any_boxed = True in self.boxed
        self.kind = kind  # lambda | let | letrec | handler | match | restart | guard | top


TOP_LAYOUT = Layout([], [], "top")
GLOBAL_ENV: tuple[object, ...] = (None, TOP_LAYOUT)
