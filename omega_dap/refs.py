"""Per-stop reference tables (DEBUGGER.md 8, 9.4): frame ids, variablesReference numbers and
value locations. Numbers start at 1, are the same for the same key within a stop, and all expire
together when the program resumes or jumps (`reset`)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any


class RefTable:
    def __init__(self) -> None:
        self.generation = 0
        self._next = 1
        self._by_key: dict[Hashable, int] = {}
        self._items: dict[int, Any] = {}
        self.expired_below = 1  # references under this number existed in an earlier stop

    def reset(self) -> None:
        self.generation += 1
        self.expired_below = self._next
        self._by_key.clear()
        self._items.clear()

    def add(self, key: Hashable, item: Any) -> int:
        ref = self._by_key.get(key)
        if ref is not None:
            self._items[ref] = item
            return ref
        ref = self._next
        self._next += 1
        self._by_key[key] = ref
        self._items[ref] = item
        return ref

    def get(self, ref: int) -> Any:
        return self._items.get(ref)


__all__ = ["RefTable"]
