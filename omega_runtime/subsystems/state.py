"""The state coordinator: the one owner of the current machine state.

Every subsystem reads and replaces machine state through it, so a restore (time travel, a
resumed session) is one assignment. It also converts between Python and Omega data and calls
Omega procedures from Python with Python arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..machine.registers import Registers
from ..machine.state import State
from ..values import MISSING, NIL, Keyword, Pair, Store, Symbol, Vector, make_list, sym

if TYPE_CHECKING:
    from ..results import EvalResult
    from .link import RuntimeLink


class StateCoordinator:
    def __init__(self, runtime: RuntimeLink) -> None:
        self._rt = runtime
        self._arg_serial = 0

    @property
    def machine(self) -> Any:
        return self._rt.machine

    def current(self) -> State:
        """The complete machine state (O(1): every part is persistent)."""
        return self._rt.machine.snapshot()

    def replace(self, state: State) -> None:
        """Make `state` the machine's state."""
        self._rt.machine.restore(state)
        self._rt.emit("state-replaced", {"step": state.t})

    def registers(self) -> Registers:
        return self._rt.machine.r

    def set_registers(self, registers: Registers) -> None:
        self._rt.machine.r = registers

    def store(self) -> Any:
        return self._rt.machine.s

    def continuation(self) -> Any:
        return self._rt.machine.k

    def is_running(self) -> bool:
        """True while an evaluation is in progress (a continuation or control is pending)."""
        m = self._rt.machine
        return m.k is not None or m.c is not None

    def global_value(self, name: str, default: Any = MISSING) -> Any:
        """The value of the global `name`; KeyError when unbound and no default is given."""
        m = self._rt.machine
        value = m.global_in(m.s, sym(name))
        if value is MISSING:
            if default is MISSING:
                raise KeyError(name)
            return default
        return value

    def set_global(self, name: str, value: Any) -> None:
        m = self._rt.machine
        m.s = m.s.set(sym(name), value)

    def delete_global(self, name: str) -> None:
        m = self._rt.machine
        if sym(name) in m.s:
            m.s = m.s.delete(sym(name))

    def globals(self) -> list[tuple[str, Any]]:
        """Every global binding, sorted by name (the built-ins below the store made, if pending)."""
        m = self._rt.machine
        store = m.s
        names = {k for k in store.keys() if isinstance(k, Symbol)} | m.builtin_global_names()
        return sorted(((k.name, m.global_in(store, k)) for k in names), key=lambda kv: kv[0])

    def call(self, proc: str | Any, *args: Any) -> EvalResult:
        """Apply the global procedure `proc` (a name) or procedure value to Omega values, as one
        evaluation of the runtime (events, receipts and budgets apply)."""
        names: list[str] = []
        try:
            self._arg_serial += 1
            base = f"%host-arg-{self._arg_serial}-"
            head: Any
            if isinstance(proc, str):
                head = sym(proc)
            else:
                names.append(base + "f")
                self.set_global(names[-1], proc)
                head = sym(names[-1])
            parts = [head]
            for i, arg in enumerate(args):
                names.append(f"{base}{i}")
                self.set_global(names[-1], arg)
                parts.append(sym(names[-1]))
            return self._rt.eval_expr(make_list(parts))
        finally:
            for name in names:
                self.delete_global(name)


def to_omega(value: Any) -> Any:
    """Python data as Omega data: lists and tuples become lists, dicts association lists with
    symbol keys, None the empty list; other values pass through. Iterative."""
    if not isinstance(value, (list, tuple, dict)):
        return NIL if value is None else value
    # Post-order build with an explicit stack: (value, done?)
    out: list[Any] = []
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        v, done = stack.pop()
        if isinstance(v, dict):
            items = [(sym(str(k)), x) for k, x in v.items()]
            if done:
                n = len(items)
                vals = out[len(out) - n:] if n else []
                del out[len(out) - n:]
                out.append(make_list([Pair(k, x) for (k, _), x in zip(items, vals, strict=True)]))
            else:
                stack.append((v, True))
                stack.extend((x, False) for _, x in reversed(items))
        elif isinstance(v, (list, tuple)):
            if done:
                n = len(v)
                vals = out[len(out) - n:] if n else []
                del out[len(out) - n:]
                out.append(make_list(vals))
            else:
                stack.append((v, True))
                stack.extend((x, False) for x in reversed(v))
        else:
            out.append(NIL if v is None else v)
    return out[0]


def to_python(value: Any, store: Store | None = None) -> Any:
    """Omega data as Python data: lists and vectors become lists (an improper list's tail is a
    last element `(".", tail)`), symbols and keywords their names, booleans, numbers and strings
    plain Python values; anything else is returned unchanged. Iterative."""
    results: list[Any] = []
    stack: list[tuple[Any, int]] = [(value, -1)]
    while stack:
        v, n = stack.pop()
        if n >= 0:  # build: the last n results are this list's elements
            items = results[len(results) - n:] if n else []
            del results[len(results) - n:]
            if isinstance(v, Pair):
                cur: Any = v
                while isinstance(cur, Pair):
                    cur = cur.cdr
                if cur is not NIL:
                    tail = items.pop()
                    items.append((".", tail))
            results.append(list(items))
            continue
        if isinstance(v, Pair):
            elems: list[Any] = []
            cur = v
            while isinstance(cur, Pair):
                elems.append(cur.car)
                cur = cur.cdr
            if cur is not NIL:
                elems.append(cur)
            stack.append((v, len(elems)))
            stack.extend((e, -1) for e in reversed(elems))
        elif isinstance(v, Vector):
            elems = list(v.elements(store)) if store is not None else list(v.items)
            stack.append((v, len(elems)))
            stack.extend((e, -1) for e in reversed(elems))
        elif v is NIL:
            results.append([])
        elif isinstance(v, (Symbol, Keyword)):
            results.append(v.name)
        elif v is True or v is False:
            results.append(v)
        elif isinstance(v, str):
            results.append(str.__str__(v))
        elif isinstance(v, int):
            results.append(int(v))
        elif isinstance(v, float):
            results.append(float(v))
        else:
            results.append(v)
    return results[0]


__all__ = ["StateCoordinator", "to_omega", "to_python"]
