"""The facts subsystem (LANGUAGE.md 9): the machine's monotone fact store from Python."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..equality import equal
from ..values import Symbol, sym

if TYPE_CHECKING:
    from .state import StateCoordinator


class FactConflict(ValueError):
    """The key already holds a different value."""


class FactsManager:
    def __init__(self, state: StateCoordinator) -> None:
        self._state = state

    def all(self) -> list[tuple[str, Any]]:
        """(key, value) pairs in insertion order (the debugger's view)."""
        entries = sorted(self._state.registers().facts.items(), key=lambda kv: kv[1][0])
        return [(k.name, v[1]) for k, v in entries]

    def with_prefix(self, prefix: str) -> list[tuple[str, Any]]:
        return [(k, v) for k, v in self.all() if k.startswith(prefix)]

    def get(self, key: str | Symbol, default: Any = None) -> Any:
        entry = self._state.registers().facts.get(_key(key))
        return default if entry is None else entry[1]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, (str, Symbol)) and _key(key) in self._state.registers().facts

    def __len__(self) -> int:
        return len(self._state.registers().facts)

    def assert_fact(self, key: str | Symbol, value: Any) -> bool:
        """As `assert-fact!` outside a transaction: True if added, False if the key already holds
        an equal value; FactConflict if it holds another."""
        r = self._state.registers()
        k = _key(key)
        old = r.facts.get(k)
        if old is not None:
            if equal(old[1], value, self._state.store()):
                return False
            raise FactConflict(f"fact {k.name} already holds {old[1]!r}, cannot assert {value!r}")
        self._state.set_registers(r._replace(facts=r.facts.set(k, (r.fact_seq, value)), fact_seq=r.fact_seq + 1))
        return True


def _key(key: str | Symbol) -> Symbol:
    return key if isinstance(key, Symbol) else sym(str(key))


__all__ = ["FactsManager", "FactConflict"]
