"""Raising Omega conditions from Python code (primitives, the machine's own checks).

A primitive signals by raising `OmegaError`; the machine turns it into a condition located at
the expression being applied and offers the runtime restarts (`use-value` by default). The
message may be a function of the store, so that `write` forms of mutable containers show their
current contents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .values import Store, Value

MessageSource = str | Callable[[Store], str]


class OmegaError(Exception):
    def __init__(self, ctype: str, message: MessageSource, data: Sequence[Value] = (),
                 restarts: tuple[str, ...] = ("use-value",)) -> None:
        super().__init__(ctype)
        self.ctype = ctype
        self.message_source = message
        self.data = tuple(data)
        self.restarts = restarts

    def message(self, store: Store) -> str:
        m = self.message_source
        return m if isinstance(m, str) else m(store)


def _write(v: Value, store: Store) -> str:
    from .printer import write_repr  # the printer imports values only; late import avoids a cycle

    return write_repr(v, store)


def wrong_type(prim: str, type_name: str, value: Value) -> OmegaError:
    """`PRIM: expected TYPE, got REPR` (LANGUAGE.md 15.2)."""
    return OmegaError("wrong-type", lambda s: f"{prim}: expected {type_name}, got {_write(value, s)}",
                      (type_name, value))


def not_a_procedure(value: Value) -> OmegaError:
    return OmegaError("wrong-type", lambda s: f"not a procedure: {_write(value, s)}", ("procedure", value))


def arity_text(min_args: int, max_args: int | None) -> str:
    """`2 arguments`, `1 argument`, `at least 1 argument`, `1 to 2 arguments`."""
    def n(k: int) -> str:
        return f"{k} argument" if k == 1 else f"{k} arguments"

    if max_args is None:
        return "at least " + n(min_args)
    if min_args == max_args:
        return n(min_args)
    return f"{min_args} to {n(max_args)}"


def arity_error(name: str, min_args: int, max_args: int | None, got: int, proc: Value) -> OmegaError:
    return OmegaError("arity-error", f"{name}: expected {arity_text(min_args, max_args)}, got {got}", (proc, got))


def index_error(prim: str, index: Value, length: int) -> OmegaError:
    return OmegaError("index-error", lambda s: f"{prim}: index {_write(index, s)} out of range for length {length}",
                      (index, length))


def key_error(prim: str, key: Value) -> OmegaError:
    return OmegaError("key-error", lambda s: f"{prim}: no value for key {_write(key, s)}", (key,))


def division_by_zero(prim: str, dividend: Value) -> OmegaError:
    return OmegaError("division-by-zero", f"{prim}: division by zero", (dividend,))


def value_error(prim: str, description: str, *data: Value) -> OmegaError:
    return OmegaError("value-error", f"{prim}: {description}", data)
