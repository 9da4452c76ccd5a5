"""The table of built-in procedures and the decorator that fills it.

A primitive is one of three kinds:
* `pure`: `fn(*args) -> value`; no access to machine state (arithmetic, strings, pairs);
* `ctx`: `fn(ctx, *args) -> value`; reads and writes the store and registers through the
  `PrimContext` the machine passes (vectors, hash tables, records, output, gensym, random, facts);
* `control`: implemented inside the machine (apply, call/cc, dynamic-wind, error, eval, ...);
  registered here so every host sees one table (names, arities, docs), `fn` unused.
Higher-order procedures (map, sort, fold, ...) are written in Omega in `prelude.omega`, so that
the procedures they call run as machine steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ..values import Primitive as Primitive  # defined with the compiled values (a native class)
from ..values import Store, Value


class PrimContext(Protocol):
    """What a `ctx` primitive may use of the machine."""

    @property
    def store(self) -> Store: ...

    def write_cell(self, key: Any, value: Value, proposal: tuple[str, Value, Value, Value] | None = None,
                   init: bool = False) -> None:
        """Store write; in a transaction also the proposal `(kind, target, old, new)`."""

    def delete_cell(self, key: Any) -> None: ...

    def output(self, text: str) -> None: ...

    def next_counter(self, name: str) -> int:
        """Run-wide counters kept in the machine state (e.g. `gensym`, from 1)."""

    def random_call(self, fn: Callable[[Any], Value]) -> Value:
        """Run `fn(random.Random)` on the machine's generator state, saving the new state."""


BUILTINS: dict[str, Primitive] = {}


def primitive(name: str, min_args: int, max_args: int | None = -1, *, kind: str = "pure", doc: str = "",
              signature: str = "", derives: bool = True, pair: tuple[type, Callable[[Any, Any], Value]] | None = None,
              ) -> Callable[[Callable[..., Value]], Callable[..., Value]]:
    """Register `fn` as the built-in `name`. `max_args=-1` means "same as min_args". `pair`, when
    given, is `(type, op)`: `op(a, b)` must return what `fn(a, b)` returns whenever both are
    exactly of that type (no subclass), and raise nothing; only a pure primitive taking two
    arguments has one (the step loop calls `op` without checking more)."""
    hi = min_args if max_args == -1 else max_args
    if pair is not None and (kind != "pure" or min_args > 2 or (hi is not None and hi < 2)):
        raise ValueError(f"primitive {name}: a pair operator needs a pure primitive taking two arguments")

    def register(fn: Callable[..., Value]) -> Callable[..., Value]:
        if name in BUILTINS:
            raise ValueError(f"primitive {name} registered twice")
        BUILTINS[name] = Primitive(name, fn, min_args, hi, kind, doc or (fn.__doc__ or "").strip(),
                                   signature or f"({name} ...)", derives, pair)
        return fn

    return register
