"""The content of a hash table (LANGUAGE.md 14.4), apart from the primitives that change it.

A table's whole content is one store cell keyed by the `HashTable` object: a `HashContent`, an
immutable map from a *key form* to `(seq, key, value)` plus the next insertion number, so every
write is O(log n) and old stores keep old contents. Numbers, strings, symbols, keywords, booleans,
`()` and pairs built only of these are compared as keys with `equal?`; other keys by identity.
Iteration is in insertion order (by `seq`); updating a present key keeps its place.

It imports only `values`, so the printer and the debugger read tables without the primitives.
"""

from __future__ import annotations

from typing import Any

import immutables

from .records import NamedTuple
from .values import MISSING, HashTable, Keyword, Nil, Pair, Store, Symbol, Value

# Key-form tags. Tag 0 is identity; every atom contributes (tag, payload); a pair contributes
# the lone _PAIR token before its car and cdr, so the flat pre-order token tuple is unambiguous.
_IDENTITY, _INT, _FLOAT, _STR, _BOOL, _NIL, _SYM, _KW, _PAIR = range(9)


def _atom_key(v: Value) -> tuple[int, Any] | None:
    if v.__class__ is bool:
        return (_BOOL, v)
    if isinstance(v, int):
        return (_INT, int(v))
    if isinstance(v, float):
        return (_FLOAT, float(v))
    if isinstance(v, str):
        return (_STR, str(v))
    if isinstance(v, Symbol):
        return (_SYM, v)
    if isinstance(v, Keyword):
        return (_KW, v)
    if isinstance(v, Nil):
        return (_NIL, None)
    return None


def hash_key(v: Value) -> tuple[Any, ...]:
    """The key form of `v`: equal forms for `equal?` content keys, `(0, v)` for identity keys.

    Pairs are flattened iteratively into one flat tuple (no nesting), so even very long or deep
    list keys hash without recursion.
    """
    k = _atom_key(v)
    if k is not None:
        return k
    if not isinstance(v, Pair):
        return (_IDENTITY, v)
    tokens: list[Any] = []
    stack = [v]
    while stack:
        x = stack.pop()
        if isinstance(x, Pair):
            tokens.append(_PAIR)
            stack.append(x.cdr)
            stack.append(x.car)
            continue
        ak = _atom_key(x)
        if ak is None:
            return (_IDENTITY, v)
        tokens.extend(ak)
    return tuple(tokens)


class HashContent(NamedTuple):
    """One table's entries: key form -> (seq, key, value); `next_seq` numbers insertions."""

    entries: immutables.Map[Any, tuple[int, Value, Value]] = immutables.Map()
    next_seq: int = 0

    def lookup(self, key: Value, default: Value = MISSING) -> Value:
        entry = self.entries.get(hash_key(key))
        return default if entry is None else entry[2]

    def set(self, key: Value, value: Value) -> HashContent:
        form = hash_key(key)
        old = self.entries.get(form)
        if old is not None:
            return HashContent(self.entries.set(form, (old[0], old[1], value)), self.next_seq)
        return HashContent(self.entries.set(form, (self.next_seq, key, value)), self.next_seq + 1)

    def delete(self, key: Value) -> HashContent:
        form = hash_key(key)
        if form not in self.entries:
            return self
        return HashContent(self.entries.delete(form), self.next_seq)

    def items(self) -> list[tuple[Value, Value]]:
        """(key, value) in insertion order."""
        return [(k, v) for _, k, v in sorted(self.entries.values(), key=lambda e: e[0])]


EMPTY = HashContent()


class CopiedHashTable(HashTable):
    """A table made by `hash-table-copy`: its content starts as `initial` (like a vector's
    `items`), so copying writes no store cell."""

    __slots__ = ("initial",)

    def __init__(self, initial: HashContent) -> None:
        super().__init__()
        self.initial = initial


def hash_content(table: HashTable, store: Store) -> HashContent:
    """The table's current content."""
    c = store.get(table, MISSING)
    if c is MISSING:
        return table.initial if isinstance(table, CopiedHashTable) else EMPTY
    assert isinstance(c, HashContent)
    return c


def hash_entries(table: HashTable, store: Store) -> list[tuple[Value, Value]]:
    """(key, value) pairs in insertion order (for the printer, `hash-table->alist`, debuggers)."""
    return hash_content(table, store).items()


def hash_count(table: HashTable, store: Store) -> int:
    return len(hash_content(table, store).entries)


__all__ = ["EMPTY", "CopiedHashTable", "HashContent", "hash_content", "hash_count", "hash_entries", "hash_key"]
