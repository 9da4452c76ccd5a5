"""A standalone `PrimContext` over an `immutables.Map`, for calling primitives outside the
machine (unit tests, tools that fold constants). It records writes and output; it has no
transactions, so each proposal passed to `write_cell` is only kept in `writes`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import immutables

from ..conditions import arity_error
from ..values import Value
from . import standard  # noqa: F401  (fills BUILTINS)
from .registry import BUILTINS, Primitive


class SimpleContext:
    def __init__(self, seed: int = 0) -> None:
        # Typed Any: immutables.Map's overloaded `get` does not match the values.Store protocol.
        self.store: Any = immutables.Map()
        self.writes: list[tuple[Any, Value, Any]] = []  # (key, value, proposal)
        self.printed: list[str] = []
        self.counters: dict[str, int] = {}
        import random  # not loaded at every start (every primitive module is)

        self.rng = random.Random(seed)

    def write_cell(self, key: Any, value: Value, proposal: Any = None) -> None:
        self.store = self.store.set(key, value)
        self.writes.append((key, value, proposal))

    def delete_cell(self, key: Any) -> None:
        self.store = self.store.delete(key) if key in self.store else self.store

    def output(self, text: str) -> None:
        self.printed.append(text)

    def next_counter(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]

    def random_call(self, fn: Callable[[Any], Value]) -> Value:
        return fn(self.rng)

    def call(self, proc: str | Primitive, *args: Value) -> Value:
        """Apply a pure or ctx primitive (by name or object) as the machine would, arity included."""
        p = BUILTINS[proc] if isinstance(proc, str) else proc
        if len(args) < p.min_args or (p.max_args is not None and len(args) > p.max_args):
            raise arity_error(p.name or "<lambda>", p.min_args, p.max_args, len(args), p)
        if p.kind == "ctx":
            return p.fn(self, *args)
        if p.kind == "pure":
            return p.fn(*args)
        raise ValueError(f"{p.name} is implemented by the machine")
